/**
 * The transactions of {@link SqliteInboxStore}: each method's reads and writes in one SQLite transaction, so what
 * another process (or a `kill -9`) can see is the state before the step or after it, never in between.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { TAKEOVER_ERROR, type AppendOptions, type AppendResult, type InboxEvent, type InboxStats } from '../core/inboxStore';
import type { StoreItems } from '../core/storage';
import type { ConversationRow, EventRow, Statements } from './sqliteSchema';
import { writeItems } from './sqliteStorage';
import type { CheckedEvent } from './storeArguments';

/** The lifetimes the transactions give what they write. */
export interface Lifetimes {
    storageTtlMs: number;
    deadLetterTtlMs: number;
}

/**
 * The store's transactions, built once per connection. Those that change rows are `BEGIN IMMEDIATE`: they read and
 * then write, so they take the write lock first (a deferred transaction that upgrades can fail with SQLITE_BUSY at
 * once, whatever the busy timeout). Each returns what its method resolves with.
 */
export function buildTransactions(db: BetterSqlite3.Database, s: Statements, lifetimes: Lifetimes) {
    const conversation = (inbox: string, conversationId: string) => s.conversation.get(inbox, conversationId) as ConversationRow | undefined;
    /** The event's conversation when `owner` holds its lease now and `event` is its head; else undefined. */
    const heldHead = (inbox: string, owner: string, event: InboxEvent, now: number) => {
        const row = conversation(inbox, event.conversationId);
        return row && row.owner === owner && row.lease_until > now && row.head_id === rowId(event.id) ? row : undefined;
    };
    const removeHead = (inbox: string, conversationId: string, id: number) => {
        s.deleteEvent.run(id);
        s.deleteSends.run(inbox, id);
        const head = s.head.get(inbox, conversationId) as { id: number; due_at: number } | undefined;
        s.conversationRemove.run(head?.id ?? null, head?.due_at ?? null, inbox, conversationId);
        s.inboxAdd.run(inbox, -1);
    };
    const immediate = <A extends unknown[], R>(fn: (...args: A) => R) => db.transaction(fn).immediate as (...args: A) => R;
    return {
        append: immediate((inbox: string, events: CheckedEvent[], options: AppendOptions, now: number): AppendResult => {
            const claimed = new Set<string>();
            const fresh = events.filter(({ deduplicationKey: key }) => {
                if (key === undefined) return true;
                if (claimed.has(key) || s.dedupLive.get(inbox, key, now) !== undefined) return false;
                claimed.add(key);
                return true;
            });
            const duplicates = events.length - fresh.length;
            if (fresh.length === 0) return { accepted: [], duplicates };
            const waiting = (s.inboxPending.get(inbox) as number | undefined) ?? 0;
            if (waiting + fresh.length > options.maxTotal) {
                return { refused: { limit: 'total', waiting, adding: fresh.length, max: options.maxTotal } };
            }
            const adding = new Map<string, number>();
            for (const { conversationId } of fresh) adding.set(conversationId, (adding.get(conversationId) ?? 0) + 1);
            for (const [conversationId, count] of adding) {
                const here = conversation(inbox, conversationId)?.pending ?? 0;
                if (here + count > options.maxPerConversation) {
                    return { refused: { limit: 'perConversation', conversationId, waiting: here, adding: count, max: options.maxPerConversation } };
                }
            }
            for (const key of claimed) s.dedupClaim.run(inbox, key, now + options.deduplicationTtlMs);
            const accepted = fresh.map(({ conversationId, deduplicationKey, json }) => {
                const id = Number(s.insertEvent.run(inbox, conversationId, deduplicationKey ?? null, json, now, now).lastInsertRowid);
                s.conversationAdd.run(inbox, conversationId, 1, id, now);
                return toEvent({ id, conversation_id: conversationId, dedup_key: deduplicationKey ?? null, payload: json, attempts: 0, received_at: now });
            });
            s.inboxAdd.run(inbox, fresh.length);
            return { accepted, duplicates };
        }),
        lease: immediate((inbox: string, owner: string, max: number, leaseMs: number, now: number) => {
            const rows = s.leasable.all(inbox, now, now, max) as { conversation_id: string; head_id: number; owner: string | null }[];
            return rows.map((row) => {
                if (row.owner !== null) s.countTakeover.run(TAKEOVER_ERROR, row.head_id);
                s.setLease.run(owner, now + leaseMs, inbox, row.conversation_id);
                return toEvent(s.event.get(row.head_id) as EventRow);
            });
        }),
        next: immediate((inbox: string, owner: string, conversationId: string, leaseMs: number, now: number) => {
            const row = conversation(inbox, conversationId);
            if (!row || (row.owner !== null && row.owner !== owner && row.lease_until > now)) return undefined;
            if (row.owner !== null && row.lease_until <= now && row.head_id !== null) s.countTakeover.run(TAKEOVER_ERROR, row.head_id);
            if (row.head_id === null || (row.head_due ?? 0) > now) {
                // Released in the same step, so an event appended right after is leasable by anyone.
                if (row.owner === owner) {
                    s.releaseLease.run(inbox, conversationId, owner);
                    s.dropIdle.run(inbox, conversationId);
                }
                return undefined;
            }
            s.setLease.run(owner, now + leaseMs, inbox, conversationId);
            return toEvent(s.event.get(row.head_id) as EventRow);
        }),
        renew: immediate((inbox: string, owner: string, conversationIds: string[], leaseMs: number, now: number) =>
            conversationIds.filter((id) => s.renewLease.run(now + leaseMs, inbox, id, owner, now).changes === 0)
        ),
        complete: immediate((inbox: string, owner: string, event: InboxEvent, writes: StoreItems, now: number) => {
            if (!heldHead(inbox, owner, event, now)) return false;
            removeHead(inbox, event.conversationId, rowId(event.id));
            writeItems(s, writes, now, lifetimes.storageTtlMs, 'SqliteInboxStore.complete()', true);
            return true;
        }),
        retry: immediate((inbox: string, owner: string, event: InboxEvent, dueAt: number, error: string, now: number) => {
            if (!heldHead(inbox, owner, event, now)) return false;
            s.retryEvent.run(error, dueAt, rowId(event.id));
            s.setHeadDue.run(dueAt, inbox, event.conversationId);
            s.releaseLease.run(inbox, event.conversationId, owner);
            return true;
        }),
        deadLetter: immediate((inbox: string, owner: string, event: InboxEvent, error: string, now: number) => {
            if (!heldHead(inbox, owner, event, now)) return false;
            const stored = toEvent(s.event.get(rowId(event.id)) as EventRow);
            s.insertDeadLetter.run(inbox, JSON.stringify(stored), error, now, now + lifetimes.deadLetterTtlMs);
            removeHead(inbox, event.conversationId, rowId(event.id));
            return true;
        }),
        recordSend: immediate((inbox: string, owner: string, event: InboxEvent, index: number, record: string, now: number) => {
            if (!heldHead(inbox, owner, event, now)) return false;
            const recorded = s.sendCount.get(inbox, rowId(event.id)) as number;
            if (index > recorded) {
                throw new RangeError(
                    `SqliteInboxStore.recordSend(): send ${index} of event ${event.id} follows send ${recorded - 1}; sends are recorded in order.`
                );
            }
            s.putSend.run(inbox, rowId(event.id), index, record);
            return true;
        }),
        release: immediate((inbox: string, owner: string, conversationIds: string[] | undefined) => {
            if (conversationIds === undefined) {
                s.dropIdleOwned.run(inbox, owner);
                s.releaseAll.run(inbox, owner);
                return;
            }
            for (const conversationId of conversationIds) {
                s.releaseLease.run(inbox, conversationId, owner);
                s.dropIdle.run(inbox, conversationId);
            }
        }),
        // Deferred (a read): one snapshot for the three counts.
        stats: db.transaction((inbox: string, now: number): InboxStats => ({
            pending: (s.inboxPending.get(inbox) as number | undefined) ?? 0,
            conversations: s.conversationCount.get(inbox) as number,
            deadLettered: s.deadLetterCount.get(inbox, now) as number,
        })).deferred,
    };
}

/** The row id of an event id; 0 (no row: ids start at 1) for a string this store never gave out. */
export function rowId(id: string): number {
    return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : 0;
}

function toEvent(
    row: Pick<EventRow, 'id' | 'conversation_id' | 'dedup_key' | 'payload' | 'attempts' | 'received_at'> & { last_error?: string | null }
): InboxEvent {
    const event: InboxEvent = {
        id: String(row.id),
        conversationId: row.conversation_id,
        payload: JSON.parse(row.payload),
        attempts: row.attempts,
        receivedAt: row.received_at,
    };
    if (row.dedup_key !== null) event.deduplicationKey = row.dedup_key;
    if (row.last_error !== null && row.last_error !== undefined) event.lastError = row.last_error;
    return event;
}
