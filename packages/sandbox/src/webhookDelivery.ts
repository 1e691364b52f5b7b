/**
 * How a stand-in delivers one webhook and redelivers it, as the vendors do: the same body (the same event id, the same
 * notification) is posted again when the bot answers a status the vendor does not count as received, when the
 * connection fails, or when no answer comes within the vendor's timeout, with a growing pause between attempts.
 *
 * What the vendors document (shared/vendors/):
 * - 8x8 retries an event it could not confirm with a 2xx "after a brief delay", `x-8x8-retry` counting the attempts;
 *   the count, the schedule and the timeout are not documented.
 * - LivePerson counts only 200/201 as received; its "time to live" mode redelivers after 2 s, 4 s, 8 s… (at most 5
 *   minutes apart), in order per conversation; connect and read timeouts are 5 s each.
 */

/** A stand-in's redelivery policy. */
export interface RedeliveryOptions {
    /** Deliveries of one webhook in all, the first included (1 = never redeliver). */
    attempts?: number | undefined;
    /** Pause before the first redelivery, in ms. */
    delayMs?: number | undefined;
    /** Each further pause is the previous one times this (1 = a fixed pause). */
    factor?: number | undefined;
    /** Longest pause between two deliveries, in ms. */
    maxDelayMs?: number | undefined;
    /**
     * An attempt with no complete answer (status and body) within this many ms counts as failed: the connection is
     * dropped and the webhook redelivered. Undefined: no limit.
     */
    timeoutMs?: number | undefined;
}

/** A policy with every field set. */
export interface RedeliveryPolicy {
    attempts: number;
    delayMs: number;
    factor: number;
    maxDelayMs: number;
    timeoutMs: number | undefined;
}

/** Marks the deliveries made inside `VendorStandIn.withWebhookTag` (the inspector's replays). */
export interface WebhookTag {
    /** The inspector's id of the webhook this one replays. */
    replayOf?: number | undefined;
    /** The body was edited or the signature broken on purpose. */
    tampered?: boolean | undefined;
}

/** One attempt to deliver a webhook, as a stand-in made it, with the bot's answer (`VendorStandIn.onWebhook`). */
export interface SentWebhook {
    url: string;
    headers: Record<string, string>;
    /** The bytes sent, as text. */
    body: string;
    /** The bytes that were signed (differ from `body` when the delivery was tampered with). */
    signedBody: string;
    /** 1 for the first delivery of the webhook, then 2, 3… for the stand-in's redeliveries. */
    attempt: number;
    /** The bot's status; 0 when there was none. */
    status: number;
    /** The answer's body, or why there was no answer. */
    response: string;
    /** When the attempt started. */
    at: number;
    durationMs: number;
    tag?: WebhookTag | undefined;
}

/** The outcome of the last attempt of a delivery. */
export interface AttemptOutcome {
    /** The status answered; 0 when there was none (connection refused or reset, or no answer within the timeout). */
    status: number;
    /** The answer's body, or the error when there was no answer. */
    body: string;
}

/** A policy from `redelivery` (`true`: the vendor's `defaults`), else from the older options the caller mapped into `legacy`. */
export function redeliveryPolicy(redelivery: RedeliveryOptions | boolean | undefined, defaults: RedeliveryPolicy, legacy: RedeliveryPolicy): RedeliveryPolicy {
    if (redelivery === undefined || redelivery === false) return legacy;
    const chosen = redelivery === true ? defaults : { ...defaults, ...definedOnly(redelivery) };
    if (!Number.isInteger(chosen.attempts) || chosen.attempts < 1) throw new RangeError('redelivery.attempts must be an integer ≥ 1.');
    for (const name of ['delayMs', 'factor', 'maxDelayMs'] as const) {
        if (!(chosen[name] >= 0)) throw new RangeError(`redelivery.${name} must be a number ≥ 0.`);
    }
    if (chosen.timeoutMs !== undefined && !(chosen.timeoutMs > 0)) throw new RangeError('redelivery.timeoutMs must be a number > 0.');
    return chosen;
}

/** The pause after failed attempt `attempt` (from 1). */
export function redeliveryDelay(policy: RedeliveryPolicy, attempt: number): number {
    return Math.min(policy.maxDelayMs, policy.delayMs * policy.factor ** (attempt - 1));
}

/** One POST of a webhook body; never rejects (a failure is status 0). */
export async function postOnce(url: string, headers: Record<string, string>, body: string, timeoutMs: number | undefined): Promise<AttemptOutcome> {
    try {
        const response = await fetch(url, { method: 'POST', headers, body, ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}) });
        return { status: response.status, body: await response.text() };
    } catch (err) {
        const error = err as Error & { cause?: { code?: string } };
        return {
            status: 0,
            body: [error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : error.message, error.cause?.code].filter(Boolean).join(': '),
        };
    }
}

/**
 * Delivers a webhook until `accepted` says an answer is received or the policy's attempts are used up. `attempt(n)`
 * makes delivery `n` (from 1) and reports it; `stopping()` ends the redeliveries early (the stand-in is stopping).
 * Resolves with the last outcome and how many attempts were made.
 */
export async function deliverWithRedelivery(
    policy: RedeliveryPolicy,
    attempt: (n: number) => Promise<AttemptOutcome>,
    accepted: (status: number) => boolean,
    stopping: () => boolean
): Promise<AttemptOutcome & { attempts: number }> {
    for (let n = 1; ; n++) {
        const outcome = await attempt(n);
        if (accepted(outcome.status) || n >= policy.attempts || stopping()) return { ...outcome, attempts: n };
        await waitUnlessStopping(redeliveryDelay(policy, n), stopping);
        if (stopping()) return { ...outcome, attempts: n };
    }
}

/** Waits `ms`, checking `stopping()` every 50 ms, so a stopping stand-in does not wait out a long pause. */
async function waitUnlessStopping(ms: number, stopping: () => boolean): Promise<void> {
    const until = Date.now() + ms;
    while (!stopping()) {
        const left = until - Date.now();
        if (left <= 0) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, 50)));
    }
}

function definedOnly(options: RedeliveryOptions): Partial<RedeliveryPolicy> {
    return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<RedeliveryPolicy>;
}
