/**
 * The state-stores layer (docs/architecture.md, "State stores"): one interface for the durable inbox, de-duplication,
 * per-conversation order across instances (leases), the record of completed sends, and a bot `Storage` with eTags.
 * Three implementations: `MemoryInboxStore` (tests, or when losing state is accepted), `SqliteInboxStore` (one instance,
 * survives restarts) and `RedisInboxStore` (package `botbuilder-contact-center-redis`, several instances).
 *
 * Every method names its inbox (`8x8`, `liveperson`), so adapters of both vendors can share one store. A store is
 * *linearizable per conversation*: the conformance suite (packages/adapter/test/stores/conformance.ts) checks every
 * rule written here, for every implementation.
 */
import type { ResourceResponse } from './activity';
import type { StorageLike, StoreItems } from './storage';

/** `lastError` of an event whose lease ended while it ran (the instance running it died or stalled). */
export const TAKEOVER_ERROR = 'The instance running it stopped before finishing it (its lease expired).';

/** One event to append: what the webhook parser produced, before it is stored. */
export interface NewInboxEvent {
    /** The conversation whose order the event keeps. */
    conversationId: string;
    /** The vendor's id of the delivery; events with a key seen within the TTL are dropped as duplicates. */
    deduplicationKey?: string | undefined;
    /** The parsed vendor event, JSON-serialisable (stored as JSON, given back as parsed JSON). */
    payload: unknown;
}

/** One event in the inbox. */
export interface InboxEvent {
    /** Store-assigned, unique in the inbox; never reused. */
    id: string;
    conversationId: string;
    deduplicationKey?: string | undefined;
    payload: unknown;
    /**
     * Failed attempts so far: retries scheduled by {@link InboxStore.retry}, and hand-outs whose lease ended without the
     * holder settling the event (it died or stalled), so an event that kills every process running it is bounded too.
     */
    attempts: number;
    /** When it was appended (ms since the epoch, the store's clock). */
    receivedAt: number;
    /** Why its last attempt failed, when it did. */
    lastError?: string | undefined;
}

/** Limits {@link InboxStore.append} applies, all at once with the append (nothing is appended when one is broken). */
export interface AppendOptions {
    /** How long a de-duplication key is remembered, in ms. */
    deduplicationTtlMs: number;
    /** Most events waiting or running for one conversation. */
    maxPerConversation: number;
    /** Most events waiting or running in the inbox. */
    maxTotal: number;
}

/** Which limit an append would break; `waiting` counts the events already there, `adding` those asked for. */
export type AppendRefusal =
    | { limit: 'total'; waiting: number; adding: number; max: number }
    | { limit: 'perConversation'; conversationId: string; waiting: number; adding: number; max: number };

/** What {@link InboxStore.append} did. */
export type AppendResult =
    /** `accepted`: the events appended (with their ids), in the order given; `duplicates`: how many were dropped. */
    | { accepted: InboxEvent[]; duplicates: number; refused?: undefined }
    /** Nothing appended and no key claimed. */
    | { refused: AppendRefusal; accepted?: undefined; duplicates?: undefined };

/**
 * A send of an event that the vendor took: its ResourceResponse, and the conversation records as the send left them
 * (so a re-run that skips the send also keeps what it changed).
 */
export interface SendRecord {
    response: ResourceResponse;
    records: StoreItems;
}

/** An event given up on: after too many failed attempts, or a failure no retry can fix. */
export interface DeadLetter {
    event: InboxEvent;
    error: string;
    /** When it was given up on (ms since the epoch). */
    at: number;
}

/** Counts for metrics and readiness. */
export interface InboxStats {
    /** Events waiting or running. */
    pending: number;
    /** Conversations with events waiting or running. */
    conversations: number;
    /** Dead letters kept. */
    deadLettered: number;
}

/**
 * The durable inbox and its companions. Rules every implementation keeps:
 *
 * - **append** is atomic: de-duplication and the limits are checked and the events appended in one step. A key already
 *   claimed within its TTL (or earlier in the same call) is a duplicate; nothing is stored for it. A refused append
 *   stores and claims nothing. Once `append` resolves, the events survive a process crash (durable stores).
 * - **Order and leases:** a conversation's events are handed out one at a time, oldest first, and only to the instance
 *   holding the conversation's lease. A lease is taken by {@link lease} or {@link next}, lasts `leaseMs` unless renewed,
 *   and when it expires (the holder died) anyone can take it; the event it was running is handed out again with
 *   `attempts` + 1 (at-least-once: the send records keep a re-run from resending).
 * - An event is handed out only when it is *due* (a retried event waits until its `dueAt`); while the head of a
 *   conversation is not due, later events of that conversation wait too (order before progress).
 * - **complete**, **retry**, **deadLetter**, **recordSend** do nothing and resolve `false` when the caller no longer
 *   holds the conversation's lease (another instance took over), so two instances never both commit an event.
 */
export interface InboxStore {
    /** The bot `Storage` (botbuilder / Agents SDK shape, eTags) in the same store: records, tokens, dialog state. */
    readonly storage: StorageLike;

    /** Appends the events not seen before (see the rules above). Rejects when the store cannot be reached. */
    append(inbox: string, events: NewInboxEvent[], options: AppendOptions): Promise<AppendResult>;

    /**
     * Takes the leases of up to `max` conversations whose head event is due and that no live lease holds, and returns
     * those heads (one per conversation; those waiting longest first: since their first event, retry time or lease expiry).
     */
    lease(inbox: string, owner: string, max: number, leaseMs: number): Promise<InboxEvent[]>;

    /**
     * The head event of one conversation, leased to `owner`: when the conversation's lease is free, expired or held by
     * `owner` already, and its head is due. Otherwise undefined; when `owner` held the lease and nothing is due, the
     * lease is released in the same step (so an event appended just before is never stranded).
     */
    next(inbox: string, owner: string, conversationId: string, leaseMs: number): Promise<InboxEvent | undefined>;

    /** Extends `owner`'s leases on these conversations; resolves with those whose lease it no longer held. */
    renew(inbox: string, owner: string, conversationIds: string[], leaseMs: number): Promise<string[]>;

    /**
     * Marks an event done and, in the same step, writes `writes` to {@link storage} (unconditionally, as `eTag: '*'`)
     * and forgets its send records. Keeps the lease (call {@link next}). False when the lease was lost.
     */
    complete(inbox: string, owner: string, event: InboxEvent, writes: StoreItems): Promise<boolean>;

    /**
     * Hands the event out again at `dueAt` (attempts + 1, `lastError` kept) and releases the lease. False when the lease
     * was lost. `dueAt` is on the caller's clock; a store with its own clock (Redis) applies the delay `dueAt - now`.
     */
    retry(inbox: string, owner: string, event: InboxEvent, dueAt: number, error: string): Promise<boolean>;

    /**
     * Moves the event to the dead letters (kept for the store's retention: 7 days for the durable stores, the newest
     * 1,000 in memory), forgets its send records and keeps the lease. False when the lease was lost.
     */
    deadLetter(inbox: string, owner: string, event: InboxEvent, error: string): Promise<boolean>;

    /** The sends of an event that completed, in order (index 0 first, no gaps). */
    sends(inbox: string, eventId: string): Promise<SendRecord[]>;

    /**
     * Records that send number `index` (0-based) of an event completed. Sends are recorded in order, so `index` is the
     * number recorded so far. False when the lease was lost.
     */
    recordSend(inbox: string, owner: string, event: InboxEvent, index: number, record: SendRecord): Promise<boolean>;

    /** Releases `owner`'s leases (all of them, or those of `conversationIds`): graceful shutdown, or after a retry. */
    release(inbox: string, owner: string, conversationIds?: string[]): Promise<void>;

    /** Counts of the inbox. */
    stats(inbox: string): Promise<InboxStats>;

    /** The most recent dead letters, newest first, at most `limit`. */
    deadLetters(inbox: string, limit: number): Promise<DeadLetter[]>;

    /** True when the store answers (readiness). */
    ping(): Promise<boolean>;

    /** Closes connections and files. The store is unusable afterwards. */
    close(): Promise<void>;
}
