import type { InboxProcessingOptions } from './inboxProcessor';
import type { InboxStore } from './inboxStore';
import type { ContactCenterMetrics } from './metrics';
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
    /** Conversations whose events run at once in this instance (each conversation runs one event at a time). Default 32. */
    maxConcurrentTurns?: number | undefined;
    /**
     * Most events of one conversation waiting in the inbox or running. A webhook that would add more is answered 503
     * (nothing of it stored), so the vendor delivers it again later. Default 100.
     */
    maxQueuedEventsPerConversation?: number | undefined;
    /** Most events waiting in the inbox or running across all conversations (of the store: all instances); beyond it, 503 as above. Default 10,000. */
    maxQueuedEvents?: number | undefined;
    /**
     * The durable inbox, de-duplication, per-conversation order and Storage (records, LivePerson's ConsumerJWS).
     * Default: a `SqliteInboxStore` in `.contact-center/state.sqlite` under the working directory (one instance,
     * survives restarts; closed by `adapter.close()`). Several instances share a `RedisInboxStore`
     * (package `botbuilder-contact-center-redis`); `new MemoryInboxStore()` keeps everything in memory (tests, or when
     * losing queued events on a restart is accepted).
     */
    store?: InboxStore | undefined;
    /** How the inbox is worked off: leases, polling, retries and dead letters (see {@link InboxProcessingOptions}). */
    inbox?: Omit<InboxProcessingOptions, 'maxConcurrent'> | undefined;
    /** How long an event id is remembered, so a vendor redelivery is dropped, in ms. Default 24 hours. */
    deduplicationTtlMs?: number | undefined;
    /** Retries of vendor API calls, and the time one call may take in all (`retry.budgetMs`, default 30,000). */
    retry?: RetryOptions | undefined;
    /**
     * Deadline of one attempt of a vendor API call, in ms: connection, headers and the whole body (a vendor that
     * sends its answer a byte at a time is cut off at it). Default 10,000.
     */
    requestTimeoutMs?: number | undefined;
    /**
     * Called for every failed attempt of an event, with whether a retry can fix it (`permanent`) and whether it was
     * given up on (`deadLettered`: permanent, or out of `inbox.maxAttempts`). For alerts and metrics; the counts since
     * start are on `adapter.connector.failedEvents`, the dead letters in the store.
     */
    onEventFailure?: ((failure: EventFailure) => void) | undefined;
    /**
     * Where to report measurements: webhooks by status and their duration, events completed / retried /
     * dead-lettered and their duration, duplicates dropped (see {@link ContactCenterMetrics}; `openTelemetryMetrics(meter)`
     * for OpenTelemetry). Default: none. Inbox depth and dead letters: `adapter.connector.stats()`.
     */
    metrics?: ContactCenterMetrics | undefined;
    /** Where to log. Default: warnings and errors to the console. */
    logger?: Logger | undefined;
    /**
     * How often the same kind of log line is written (the same text but for ids, numbers and quoted parts): at most
     * `maxRepeats` per `windowMs`, the first ones; then one line per kind says how many were left out. `false` writes
     * every line. Default `{ maxRepeats: 10, windowMs: 60_000 }`.
     */
    logRateLimit?: LogRateLimitOptions | false | undefined;
}
