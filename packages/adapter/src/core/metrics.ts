/**
 * What an operator measures (docs/architecture.md, "Observability"): counters and durations with attributes, through
 * a small interface any metrics library fits, and {@link openTelemetryMetrics} for an OpenTelemetry `Meter` (the
 * library takes no dependency on `@opentelemetry/api`: the meter is used by shape).
 *
 * | name | kind | attributes |
 * |---|---|---|
 * | `contact_center.webhooks` | counter | `vendor`, `status` (200, 401, 503…) |
 * | `contact_center.webhook.duration` | histogram, ms | `vendor`, `status` |
 * | `contact_center.events` | counter | `vendor`, `outcome`: `completed`, `retried`, `dead_lettered` |
 * | `contact_center.event.duration` | histogram, ms | `vendor`, `outcome` |
 * | `contact_center.events.duplicate` | counter | `vendor` |
 * | `contact_center.vendor_calls` | counter | `vendor`, `operation` (`sendMessage`, `publishContent`, `getJwkPublicKey` — the 8x8 key fetches…), `status` (or `network_error`) |
 * | `contact_center.vendor_call.duration` | histogram, ms, retries included | `vendor`, `operation`, `status` |
 */

/** Attribute values of a measurement. */
export type MetricAttributes = Record<string, string | number>;

/** The names this library measures (see the file comment). */
export type MetricName =
    | 'contact_center.webhooks'
    | 'contact_center.webhook.duration'
    | 'contact_center.events'
    | 'contact_center.event.duration'
    | 'contact_center.events.duplicate'
    | 'contact_center.vendor_calls'
    | 'contact_center.vendor_call.duration';

/**
 * Where the adapters report measurements (option `metrics`). Both methods must not throw (they are called on the
 * webhook path; a throw is caught and logged once).
 *
 * @example
 * ```ts
 * const metrics: ContactCenterMetrics = {
 *     count: (name, value, attributes) => statsd.increment(name, value, attributes),
 *     record: (name, value, attributes) => statsd.timing(name, value, attributes),
 * };
 * ```
 */
export interface ContactCenterMetrics {
    /** Adds `value` to the counter `name`. */
    count(name: MetricName, value: number, attributes: MetricAttributes): void;
    /** Records one measurement of `name` (a duration in ms). */
    record(name: MetricName, value: number, attributes: MetricAttributes): void;
}

/** The part of an OpenTelemetry `Meter` used here. */
export interface MeterLike {
    createCounter(name: string, options?: { description?: string; unit?: string }): { add(value: number, attributes?: MetricAttributes): void };
    createHistogram(name: string, options?: { description?: string; unit?: string }): { record(value: number, attributes?: MetricAttributes): void };
}

/**
 * Metrics through an OpenTelemetry `Meter`: each counter and histogram created once, on first use.
 *
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * new EightByEightAdapter({ apiKey, metrics: openTelemetryMetrics(metrics.getMeter('contact-center')) });
 * ```
 */
export function openTelemetryMetrics(meter: MeterLike): ContactCenterMetrics {
    const counters = new Map<string, ReturnType<MeterLike['createCounter']>>();
    const histograms = new Map<string, ReturnType<MeterLike['createHistogram']>>();
    return {
        count(name, value, attributes) {
            let counter = counters.get(name);
            if (!counter) counters.set(name, (counter = meter.createCounter(name)));
            counter.add(value, attributes);
        },
        record(name, value, attributes) {
            let histogram = histograms.get(name);
            if (!histogram) histograms.set(name, (histogram = meter.createHistogram(name, { unit: 'ms' })));
            histogram.record(value, attributes);
        },
    };
}

/** Calls that never throw into the pipeline: the first failure of a metrics sink is reported, later ones dropped. */
export function guardedMetrics(metrics: ContactCenterMetrics | undefined, onError: (error: unknown) => void): ContactCenterMetrics | undefined {
    if (!metrics) return undefined;
    let reported = false;
    const guard = (call: () => void) => {
        try {
            call();
        } catch (error) {
            if (!reported) onError(error);
            reported = true;
        }
    };
    return {
        count: (name, value, attributes) => guard(() => metrics.count(name, value, attributes)),
        record: (name, value, attributes) => guard(() => metrics.record(name, value, attributes)),
    };
}
