/**
 * Typed errors shared by every vendor adapter.
 *
 * Messages are built only from operation names, HTTP statuses and vendor error codes, so they can be
 * logged as they are: API keys, tokens and client secrets never reach them.
 */

/** Base class of every error this library throws. */
export class ContactCenterError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = new.target.name;
    }
}

/** An adapter option is missing or invalid (thrown by constructors, before any I/O). */
export class ConfigurationError extends ContactCenterError {}

/**
 * A webhook request that must be answered with an HTTP error status.
 * `status` is the status to answer with; `message` says what is wrong with the request.
 */
export class WebhookRequestError extends ContactCenterError {
    constructor(
        public readonly status: number,
        message: string,
        options?: { cause?: unknown }
    ) {
        super(message, options);
    }
}

/**
 * A call to a vendor API failed (after retries, where the failure was retryable).
 *
 * @example
 * ```ts
 * try { await context.sendActivity('hi'); }
 * catch (err) { if (err instanceof VendorApiError && err.status === 404) { ... } }
 * ```
 */
export class VendorApiError extends ContactCenterError {
    constructor(
        /** `8x8` or `liveperson`. */
        public readonly vendor: string,
        /** What the adapter was doing, e.g. `sendMessage`. */
        public readonly operation: string,
        /** HTTP status, or undefined when no response arrived (network error, timeout). */
        public readonly status: number | undefined,
        /** The vendor's own error code when its error body had one (e.g. `invalid_queue`). */
        public readonly vendorCode: string | undefined,
        detail: string,
        /** How many attempts were made. */
        public readonly attempts: number,
        options?: { cause?: unknown }
    ) {
        super(
            `${vendor} ${operation} failed` +
                (status !== undefined ? ` with HTTP ${status}` : '') +
                (vendorCode ? ` (${vendorCode})` : '') +
                (detail ? `: ${detail}` : '') +
                (attempts > 1 ? ` after ${attempts} attempts` : ''),
            options
        );
    }
}

/** The bot asked for something the vendor cannot do (e.g. update or delete a sent message). */
export class UnsupportedOperationError extends ContactCenterError {}

/** An outbound activity cannot be turned into a vendor request (e.g. an invalid Adaptive Card). */
export class ActivityMappingError extends ContactCenterError {}

/**
 * The bot sent into a conversation the adapter knows is closed (the vendor said so, the customer left, or the bot
 * ended it). Thrown before any HTTP call; nothing reaches the vendor.
 */
export class ConversationClosedError extends ContactCenterError {}

/**
 * A conversation the adapter has no record for yet (LivePerson: opened, maybe by another instance, whose record is
 * not written yet). Not permanent: the event runs again after a backoff, and is dead-lettered if it never appears.
 */
export class ConversationNotReadyError extends ContactCenterError {}
