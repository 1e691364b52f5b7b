import { LRUCache } from 'lru-cache';
import { BoundedMemoryStorage } from './boundedMemoryStorage';
import {
    TAKEOVER_ERROR,
    type AppendOptions,
    type AppendResult,
    type DeadLetter,
    type InboxEvent,
    type InboxStats,
    type InboxStore,
    type NewInboxEvent,
    type SendRecord,
} from './inboxStore';
import type { StorageLike, StoreItems } from './storage';

/** Options of {@link MemoryInboxStore}. */
export interface MemoryInboxStoreOptions {
    /** Most de-duplication keys kept per inbox; the least recently claimed go first. Default 100,000. */
    maxDeduplicationKeys?: number | undefined;
    /** Most dead letters kept per inbox; the oldest go first. Default 1,000. */
    maxDeadLetters?: number | undefined;
    /** The Storage; default a {@link BoundedMemoryStorage} (50,000 items, 24 h after the last write). */
    storage?: StorageLike | undefined;
}

/** An event as kept: its payload as JSON, so every hand-out is a fresh copy (as from a durable store). */
interface StoredEvent extends Omit<InboxEvent, 'payload'> {
    json: string;
    dueAt: number;
}

interface Conversation {
    events: StoredEvent[];
    lease?: { owner: string; until: number } | undefined;
}

/** One inbox's state. */
class MemoryInbox {
    readonly conversations = new Map<string, Conversation>();
    /** Conversations with events, no live lease and a head that may be due: where {@link MemoryInboxStore.lease} looks first. */
    readonly free = new Set<string>();
    readonly leased = new Set<string>();
    readonly sends = new Map<string, SendRecord[]>();
    readonly deadLetters: DeadLetter[] = [];
    readonly dedup: LRUCache<string, true>;
    pending = 0;
    /** Conversations with at least one event. */
    busy = 0;

    constructor(maxKeys: number) {
        this.dedup = new LRUCache<string, true>({ max: maxKeys, ttlAutopurge: false });
    }

    /** The conversation when `owner` holds (or may take) its lease now. */
    takeable(conversationId: string, owner: string, now: number): Conversation | undefined {
        const conversation = this.conversations.get(conversationId);
        if (!conversation) return undefined;
        const { lease } = conversation;
        return !lease || lease.owner === owner || lease.until <= now ? conversation : undefined;
    }

    holds(conversationId: string, owner: string, now: number): Conversation | undefined {
        const conversation = this.conversations.get(conversationId);
        const lease = conversation?.lease;
        return lease && lease.owner === owner && lease.until > now ? conversation : undefined;
    }

    setLease(conversationId: string, conversation: Conversation, lease: Conversation['lease']): void {
        conversation.lease = lease;
        if (lease) {
            this.free.delete(conversationId);
            this.leased.add(conversationId);
        } else {
            this.leased.delete(conversationId);
            if (conversation.events.length > 0) this.free.add(conversationId);
            else {
                this.free.delete(conversationId);
                this.conversations.delete(conversationId);
            }
        }
    }
}

/**
 * The {@link InboxStore} in process memory: for tests, and for deployments that accept losing queued events and
 * records on a restart (say so explicitly: `store: new MemoryInboxStore()`). Bounded: de-duplication keys and dead
 * letters are capped, and the Storage is a {@link BoundedMemoryStorage}; the events are bounded by the adapter's
 * queue limits.
 *
 * @example
 * ```ts
 * const adapter = new EightByEightAdapter({ apiKey, store: new MemoryInboxStore() });
 * ```
 */
export class MemoryInboxStore implements InboxStore {
    readonly storage: StorageLike;
    private readonly inboxes = new Map<string, MemoryInbox>();
    private nextId = 1;
    private closed = false;

    constructor(private readonly options: MemoryInboxStoreOptions = {}) {
        this.storage = options.storage ?? new BoundedMemoryStorage();
    }

    async append(inbox: string, events: NewInboxEvent[], options: AppendOptions): Promise<AppendResult> {
        const state = this.inbox(inbox, 'append');
        const now = Date.now();
        const keys = new Set<string>();
        const fresh = events.filter(({ deduplicationKey: key }) => {
            if (key === undefined) return true;
            if (keys.has(key) || state.dedup.has(key)) return false;
            keys.add(key);
            return true;
        });
        if (state.pending + fresh.length > options.maxTotal) {
            return { refused: { limit: 'total', waiting: state.pending, adding: fresh.length, max: options.maxTotal } };
        }
        const adding = new Map<string, number>();
        for (const { conversationId } of fresh) adding.set(conversationId, (adding.get(conversationId) ?? 0) + 1);
        for (const [conversationId, count] of adding) {
            const waiting = state.conversations.get(conversationId)?.events.length ?? 0;
            if (waiting + count > options.maxPerConversation) {
                return { refused: { limit: 'perConversation', conversationId, waiting, adding: count, max: options.maxPerConversation } };
            }
        }
        const accepted = fresh.map(({ conversationId, deduplicationKey, payload }) => {
            if (deduplicationKey !== undefined) state.dedup.set(deduplicationKey, true, { ttl: options.deduplicationTtlMs });
            const event: StoredEvent = {
                id: String(this.nextId++),
                conversationId,
                deduplicationKey,
                json: JSON.stringify(payload ?? null),
                attempts: 0,
                receivedAt: now,
                dueAt: now,
            };
            let conversation = state.conversations.get(conversationId);
            if (!conversation) state.conversations.set(conversationId, (conversation = { events: [] }));
            if (conversation.events.push(event) === 1) state.busy++;
            if (!conversation.lease) state.free.add(conversationId);
            state.pending++;
            return publicEvent(event);
        });
        return { accepted, duplicates: events.length - fresh.length };
    }

    async lease(inbox: string, owner: string, max: number, leaseMs: number): Promise<InboxEvent[]> {
        const state = this.inbox(inbox, 'lease');
        const now = Date.now();
        // Leases whose holder stopped renewing (it died) become free again; the event it ran counts as an attempt.
        for (const conversationId of state.leased) {
            const conversation = state.conversations.get(conversationId);
            if (conversation?.lease && conversation.lease.until <= now) {
                countTakeover(conversation);
                state.setLease(conversationId, conversation, undefined);
            }
        }
        const heads: InboxEvent[] = [];
        for (const conversationId of state.free) {
            if (heads.length >= max) break;
            const conversation = state.conversations.get(conversationId)!;
            const head = conversation.events[0];
            if (head.dueAt > now) continue;
            state.setLease(conversationId, conversation, { owner, until: now + leaseMs });
            heads.push(publicEvent(head));
        }
        return heads;
    }

    async next(inbox: string, owner: string, conversationId: string, leaseMs: number): Promise<InboxEvent | undefined> {
        const state = this.inbox(inbox, 'next');
        const now = Date.now();
        const conversation = state.takeable(conversationId, owner, now);
        if (!conversation) return undefined;
        if (conversation.lease && conversation.lease.until <= now) countTakeover(conversation);
        const head = conversation.events[0];
        if (!head || head.dueAt > now) {
            if (conversation.lease?.owner === owner) state.setLease(conversationId, conversation, undefined);
            return undefined;
        }
        state.setLease(conversationId, conversation, { owner, until: now + leaseMs });
        return publicEvent(head);
    }

    async renew(inbox: string, owner: string, conversationIds: string[], leaseMs: number): Promise<string[]> {
        const state = this.inbox(inbox, 'renew');
        const now = Date.now();
        const lost: string[] = [];
        for (const conversationId of conversationIds) {
            const conversation = state.holds(conversationId, owner, now);
            if (conversation) conversation.lease = { owner, until: now + leaseMs };
            else lost.push(conversationId);
        }
        return lost;
    }

    async complete(inbox: string, owner: string, event: InboxEvent, writes: StoreItems): Promise<boolean> {
        const state = this.inbox(inbox, 'complete');
        const conversation = this.heldHead(state, owner, event);
        if (!conversation) return false;
        if (Object.keys(writes).length > 0) {
            const unconditional: StoreItems = {};
            for (const [key, item] of Object.entries(writes)) unconditional[key] = { ...item, eTag: '*' };
            await this.storage.write(unconditional);
        }
        conversation.events.shift();
        if (conversation.events.length === 0) state.busy--;
        state.pending--;
        state.sends.delete(event.id);
        return true;
    }

    async retry(inbox: string, owner: string, event: InboxEvent, dueAt: number, error: string): Promise<boolean> {
        const state = this.inbox(inbox, 'retry');
        const conversation = this.heldHead(state, owner, event);
        if (!conversation) return false;
        const head = conversation.events[0];
        head.attempts++;
        head.lastError = error;
        head.dueAt = dueAt;
        state.setLease(event.conversationId, conversation, undefined);
        return true;
    }

    async deadLetter(inbox: string, owner: string, event: InboxEvent, error: string): Promise<boolean> {
        const state = this.inbox(inbox, 'deadLetter');
        const conversation = this.heldHead(state, owner, event);
        if (!conversation) return false;
        const head = conversation.events.shift()!;
        if (conversation.events.length === 0) state.busy--;
        state.pending--;
        state.sends.delete(event.id);
        state.deadLetters.unshift({ event: publicEvent(head), error, at: Date.now() });
        state.deadLetters.length = Math.min(state.deadLetters.length, this.options.maxDeadLetters ?? 1000);
        return true;
    }

    async sends(inbox: string, eventId: string): Promise<SendRecord[]> {
        return JSON.parse(JSON.stringify(this.inbox(inbox, 'sends').sends.get(eventId) ?? []));
    }

    async recordSend(inbox: string, owner: string, event: InboxEvent, index: number, record: SendRecord): Promise<boolean> {
        const state = this.inbox(inbox, 'recordSend');
        if (!this.heldHead(state, owner, event)) return false;
        const records = state.sends.get(event.id) ?? [];
        records[index] = JSON.parse(JSON.stringify(record));
        state.sends.set(event.id, records);
        return true;
    }

    async release(inbox: string, owner: string, conversationIds?: string[]): Promise<void> {
        const state = this.inbox(inbox, 'release');
        for (const conversationId of conversationIds ?? [...state.leased]) {
            const conversation = state.conversations.get(conversationId);
            if (conversation?.lease?.owner === owner) state.setLease(conversationId, conversation, undefined);
        }
    }

    async stats(inbox: string): Promise<InboxStats> {
        const state = this.inbox(inbox, 'stats');
        return { pending: state.pending, conversations: state.busy, deadLettered: state.deadLetters.length };
    }

    async deadLetters(inbox: string, limit: number): Promise<DeadLetter[]> {
        return JSON.parse(JSON.stringify(this.inbox(inbox, 'deadLetters').deadLetters.slice(0, limit)));
    }

    async ping(): Promise<boolean> {
        return !this.closed;
    }

    async close(): Promise<void> {
        this.closed = true;
    }

    /** The conversation of `event` when `owner` holds its lease and `event` is its head. */
    private heldHead(state: MemoryInbox, owner: string, event: InboxEvent): Conversation | undefined {
        const conversation = state.holds(event.conversationId, owner, Date.now());
        return conversation?.events[0]?.id === event.id ? conversation : undefined;
    }

    private inbox(name: string, method: string): MemoryInbox {
        if (this.closed) throw new Error(`MemoryInboxStore.${method}(): the store is closed.`);
        if (typeof name !== 'string' || name === '') throw new TypeError(`MemoryInboxStore.${method}(): inbox must be a non-empty string.`);
        let state = this.inboxes.get(name);
        if (!state) this.inboxes.set(name, (state = new MemoryInbox(this.options.maxDeduplicationKeys ?? 100_000)));
        return state;
    }
}

/**
 * A lease ended without its holder settling the head (it died or stalled): the head counts one attempt, so an event
 * that kills every process running it reaches the dead letters instead of being handed out forever.
 */
function countTakeover(conversation: Conversation): void {
    const head = conversation.events[0];
    if (!head) return;
    head.attempts++;
    head.lastError = TAKEOVER_ERROR;
}

/** A copy the caller may keep and change (the store's own copy changes on retry). */
function publicEvent({ dueAt: _dueAt, json, ...event }: StoredEvent): InboxEvent {
    return { ...event, payload: JSON.parse(json) };
}
