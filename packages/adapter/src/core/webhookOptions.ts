import type { StorageLike } from './storage';
import type { DeduplicationStore } from './deduplicationStore';
import type { EventFailure } from './eventFailures';
import type { Logger } from './logger';
import type { LogRateLimitOptions } from './rateLimitedLogger';
import type { RetryOptions } from './retryPolicy';

/** Options every adapter of this library takes, for its webhook pipeline and its vendor client. */
export interface WebhookPipelineOptions {
    /**
     * Largest webhook body accepted, in bytes; larger ones get 413 and their connection is closed, the rest of the
     * body unread. Default 1 MiB.
     */
    maxBodyBytes?: number | undefined;
    /**
     * Longest time a webhook body may take to arrive in full, in ms; a slower one gets 408 and its connection is
     * closed. Default 10,000.
     */
    bodyTimeoutMs?: number | undefined;
    /**
     * How long a webhook request may wait for its turn before it is answered 200 anyway, in ms; the turn goes on
     * and its de-duplication entry is kept, so a vendor retry does not run it twice. Default 2,500.
     */
    ackDeadlineMs?: number | undefined;
    /** Turns running at once across conversations (each conversation runs one at a time). Default 32. */
    maxConcurrentTurns?: number | undefined;
    /**
     * Most events of one conversation waiting for their turn or running. A webhook that would add more is answered
     * 503 (before any record read or turn; its de-duplication entry released), so the vendor delivers it again later.
     * Default 100.
     */
    maxQueuedEventsPerConversation?: number | undefined;
    /** Most events waiting for their turn or running across all conversations, in this process; beyond it, 503 as above. Default 10,000. */
    maxQueuedEvents?: number | undefined;
    /** Where accepted vendor event ids are remembered. Default: {@link MemoryDeduplicationStore} (this process). */
    deduplicationStore?: DeduplicationStore | undefined;
    /** How long an event id is remembered, in ms. Default 24 hours. */
    deduplicationTtlMs?: number | undefined;
    /**
     * Where the adapter keeps its small per-conversation records (who owns the conversation, whether it was
     * greeted). Default: a bounded, expiring in-memory store. Use a shared `Storage` of either bot SDK (Blob, Cosmos DB…) for several instances.
     */
    storage?: StorageLike | undefined;
    /** Retries of vendor API calls, and the time one call may take in all (`retry.budgetMs`, default 30,000). */
    retry?: RetryOptions | undefined;
    /**
     * Deadline of one attempt of a vendor API call, in ms: connection, headers and the whole body (a vendor that
     * sends its answer a byte at a time is cut off at it). Default 10,000.
     */
    requestTimeoutMs?: number | undefined;
    /**
     * Called for every event whose turns failed, with whether a retry can fix it (`permanent: false`, answered 500 so
     * the vendor redelivers) or not (`permanent: true`, logged once and answered 200). For alerts and metrics; the
     * counts since start are on `adapter.connector.failedEvents`.
     */
    onEventFailure?: ((failure: EventFailure) => void) | undefined;
    /** Where to log. Default: warnings and errors to the console. */
    logger?: Logger | undefined;
    /**
     * How often the same kind of log line is written (the same text but for ids, numbers and quoted parts): at most
     * `maxRepeats` per `windowMs`, the first ones; then one line per kind says how many were left out. `false` writes
     * every line. Default `{ maxRepeats: 10, windowMs: 60_000 }`.
     */
    logRateLimit?: LogRateLimitOptions | false | undefined;
}
