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
     * cannot do, the conversation is closed): the webhook is answered 200 so the vendor does not redeliver it forever.
     * False when a retry may fix it: answered 500 so the vendor redelivers (before the ack deadline).
     */
    permanent: boolean;
    error: unknown;
}

/** How many events failed since the adapter started, by kind (for operators' alerts). */
export interface EventFailureCounts {
    /** Answered 200 and dropped: no retry could fix them. */
    permanent: number;
    /** Answered 500 (or failed after the ack deadline): a vendor redelivery may fix them. */
    retryable: number;
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
