import { currentEvent } from './eventContext';
import type { StorageLike } from './storage';

/**
 * The small record an adapter keeps per vendor conversation (who owns it, which consumer it belongs to…), in the
 * inbox store's `Storage` under `{prefix}/{conversationId}`. Records are immutable values (read, then replaced by a
 * changed copy).
 *
 * While an inbox event runs, its reads and writes stay with the event ({@link EventContext}): a record is read from
 * the Storage once per event, and what the event changes is written only together with the event's completion, so an
 * event that fails re-runs from the record it first saw. Outside an event (a conversation the adapter opens), writes
 * go to the Storage at once, unconditionally (`eTag: '*'`): a conversation's work is ordered, so the last writer is
 * the right one.
 */
export class ConversationRecords<T extends object> {
    constructor(
        private readonly storage: StorageLike,
        private readonly prefix: string
    ) {}

    /** The record (do not change it: write a changed copy), or `{}` for a conversation not seen yet. */
    async read(conversationId: string): Promise<Readonly<T>> {
        const key = this.key(conversationId);
        const event = currentEvent.getStore();
        const held = event?.get(key);
        if (held) return held as Readonly<T>;
        const stored = (await this.storage.read([key]))[key] as (T & { eTag?: string }) | undefined;
        const { eTag: _eTag, ...record } = stored ?? ({} as T & { eTag?: string });
        const frozen = Object.freeze(record as T);
        event?.remember(key, frozen);
        return frozen;
    }

    async write(conversationId: string, record: T): Promise<void> {
        const key = this.key(conversationId);
        if (currentEvent.getStore()?.set(key, Object.freeze({ ...record }))) return;
        await this.storage.write({ [key]: { ...record, eTag: '*' } });
    }

    /** Writes `after` only when it differs from `before` (most events change nothing). */
    async writeIfChanged(conversationId: string, before: Readonly<T>, after: Readonly<T>): Promise<void> {
        if (after === before) return;
        if (JSON.stringify(after) !== JSON.stringify(before)) await this.write(conversationId, after as T);
    }

    /** Reads, changes and writes a record; resolves with the new record. */
    async update(conversationId: string, change: (record: Readonly<T>) => T): Promise<T> {
        const next = change(await this.read(conversationId));
        await this.write(conversationId, next);
        return next;
    }

    private key(conversationId: string): string {
        return `${this.prefix}/${conversationId}`;
    }
}

/**
 * A record as an event commits it: the latest stored record with the fields the event changed (relative to what it
 * first saw) applied on top, so a write made meanwhile outside the event (the conversation the adapter just opened,
 * by this instance or another) is kept rather than overwritten.
 */
export function mergeChanges(latest: object | undefined, base: object, current: object): object {
    const merged: Record<string, unknown> = { ...(latest as Record<string, unknown>) };
    delete merged.eTag;
    const before = base as Record<string, unknown>;
    const after = current as Record<string, unknown>;
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
        if (key in after && after[key] !== undefined) merged[key] = after[key];
        else delete merged[key];
    }
    return merged;
}
