import type { EventOutcomeListener } from './inboxProcessor';
import type { InboxEvent } from './inboxStore';
import type { ContactCenterMetrics } from './metrics';
import { describeError, type LogFields, type Logger } from './logger';
import { ActivityMappingError, ConfigurationError, ConversationClosedError, UnsupportedOperationError, VendorApiError } from './errors';

/** A failed event, as the pipeline reports it to the `onEventFailure` hook and counts it. */
export interface EventFailure {
    /** `8x8` or `liveperson`. */
    vendor: string;
    /** The conversation the event belongs to. */
    conversationId: string;
    /** The vendor's id for the delivery (its de-duplication key), when it gave one. */
    eventId: string | undefined;
    /**
     * True when no retry can fix it (the vendor refused a request for good, the bot asked for something the channel
     * cannot do, the conversation is closed): it goes to the dead letters at once. False when a retry may fix it.
     */
    permanent: boolean;
    /** True when the event will not run again: permanent, or out of attempts (`inbox.maxAttempts`); kept in the store's dead letters. */
    deadLettered: boolean;
    /** Attempts made so far, this one included. */
    attempts: number;
    error: unknown;
}

/** How many event attempts failed since the adapter started, by kind (for operators' alerts). */
export interface EventFailureCounts {
    /** Failures no retry could fix (dead-lettered at once). */
    permanent: number;
    /** Failures a retry may fix (the event runs again after a backoff, unless out of attempts). */
    retryable: number;
    /** Events given up on, and kept in the dead letters: the permanent ones and those out of attempts. */
    deadLettered: number;
}

/** HTTP statuses that say the vendor may take the same request later: authentication renewal, timeout, rate limit. */
const RETRYABLE_CLIENT_STATUSES = new Set([401, 408, 429]);

/**
 * True when a failed turn cannot succeed by running it again: a vendor 4xx other than 401/408/429, a mapping the
 * vendor cannot show, an operation it does not have, a closed conversation, a misconfiguration.
 */
export function isPermanentFailure(error: unknown): boolean {
    if (error instanceof ActivityMappingError || error instanceof UnsupportedOperationError || error instanceof ConversationClosedError) return true;
    if (error instanceof ConfigurationError) return true;
    if (error instanceof VendorApiError) {
        const status = error.status;
        return status !== undefined && status >= 400 && status < 500 && !RETRYABLE_CLIENT_STATUSES.has(status);
    }
    return false;
}

/** Counts failed events, calls the `onEventFailure` hook and writes the log line, for the inbox processor. */
export class FailureReporter {
    private readonly failures: EventFailureCounts = { permanent: 0, retryable: 0, deadLettered: 0 };

    constructor(
        private readonly vendor: () => string,
        private readonly logger: Logger,
        private readonly hook: ((failure: EventFailure) => void) | undefined,
        private readonly metrics: ContactCenterMetrics | undefined
    ) {}

    get counts(): Readonly<EventFailureCounts> {
        return { ...this.failures };
    }

    /** The processor's listener: counts, the hook, log lines and metrics of each run's outcome. */
    listener(): EventOutcomeListener {
        return {
            failed: (event, error, deadLettered, durationMs) => {
                this.failed(event, error, deadLettered, durationMs);
                this.measure(deadLettered ? 'dead_lettered' : 'retried', durationMs);
            },
            completed: (event, durationMs) => {
                this.measure('completed', durationMs);
                const fields: LogFields = {
                    vendor: this.vendor(),
                    eventId: event.deduplicationKey,
                    conversationId: event.conversationId,
                    attempts: event.attempts + 1,
                    outcome: 'completed',
                    durationMs: Math.round(durationMs),
                };
                this.logger.debug(
                    `${fields.vendor}: event ${event.deduplicationKey ?? `#${event.id}`} of conversation ${event.conversationId} completed`,
                    fields
                );
            },
        };
    }

    private measure(outcome: string, durationMs: number): void {
        const attributes = { vendor: this.vendor(), outcome };
        this.metrics?.count('contact_center.events', 1, attributes);
        this.metrics?.record('contact_center.event.duration', durationMs, attributes);
    }

    private failed(event: InboxEvent, error: unknown, deadLettered: boolean, durationMs: number): void {
        const vendor = this.vendor();
        const permanent = isPermanentFailure(error);
        this.failures[permanent ? 'permanent' : 'retryable']++;
        if (deadLettered) this.failures.deadLettered++;
        const attempts = event.attempts + 1;
        const id = event.deduplicationKey ?? `#${event.id}`;
        try {
            this.hook?.({ vendor, conversationId: event.conversationId, eventId: event.deduplicationKey, permanent, deadLettered, attempts, error });
        } catch (hookError) {
            this.logger.warn(`${vendor}: onEventFailure threw: ${describeError(hookError)}`);
        }
        const why = describeError(error);
        const fields: LogFields = {
            vendor,
            eventId: event.deduplicationKey,
            conversationId: event.conversationId,
            attempts,
            outcome: deadLettered ? 'dead_lettered' : 'retried',
            durationMs: Math.round(durationMs),
        };
        const where = `event ${id} of conversation ${event.conversationId}`;
        if (!deadLettered) this.logger.warn(`${vendor}: ${where} failed (attempt ${attempts}); it runs again later: ${why}`, fields);
        else if (permanent) this.logger.error(`${vendor}: ${where} dead-lettered, as no retry can fix it: ${why}`, fields);
        else this.logger.error(`${vendor}: ${where} dead-lettered after ${attempts} attempts: ${why}`, fields);
    }
}
