import type { StorageLike } from './storage';
import type { DeduplicationStore } from './deduplicationStore';
import type { EventFailure } from './eventFailures';
import type { Logger } from './logger';
import type { RetryOptions } from './retryPolicy';

/** Options every adapter of this library takes, for its webhook pipeline and its vendor client. */
export interface WebhookPipelineOptions {
    /** Largest webhook body accepted, in bytes; larger ones get 413. Default 1 MiB. */
    maxBodyBytes?: number | undefined;
    /**
     * How long a webhook request may wait for its turn before it is answered 200 anyway, in ms; the turn goes on
     * and its de-duplication entry is kept, so a vendor retry does not run it twice. Default 2,500.
     */
    ackDeadlineMs?: number | undefined;
    /** Turns running at once across conversations (each conversation runs one at a time). Default 32. */
    maxConcurrentTurns?: number | undefined;
    /** Where accepted vendor event ids are remembered. Default: {@link MemoryDeduplicationStore} (this process). */
    deduplicationStore?: DeduplicationStore | undefined;
    /** How long an event id is remembered, in ms. Default 24 hours. */
    deduplicationTtlMs?: number | undefined;
    /**
     * Where the adapter keeps its small per-conversation records (who owns the conversation, whether it was
     * greeted). Default: a bounded, expiring in-memory store. Use a shared `Storage` of either bot SDK (Blob, Cosmos DB…) for several instances.
     */
    storage?: StorageLike | undefined;
    /** Retries of vendor API calls. */
    retry?: RetryOptions | undefined;
    /** Per-attempt timeout of vendor API calls, in ms. Default 10,000. */
    requestTimeoutMs?: number | undefined;
    /**
     * Called for every event whose turns failed, with whether a retry can fix it (`permanent: false`, answered 500 so
     * the vendor redelivers) or not (`permanent: true`, logged once and answered 200). For alerts and metrics; the
     * counts since start are on `adapter.connector.failedEvents`.
     */
    onEventFailure?: ((failure: EventFailure) => void) | undefined;
    /** Where to log. Default: warnings and errors to the console. */
    logger?: Logger | undefined;
}
