import type { Storage } from 'botbuilder';

/**
 * The small record an adapter keeps per vendor conversation (who owns it, which consumer it belongs to…), in the
 * adapter's botbuilder `Storage` under `{prefix}/{conversationId}`. Records change in their conversation's order
 * (turns and bookkeeping are queued per conversation), so last-writer-wins (`eTag: '*'`) is safe within an instance.
 */
export class ConversationRecords<T extends object> {
    constructor(private readonly storage: Storage, private readonly prefix: string) {}

    /** The record, or `{}` for a conversation not seen yet. */
    async read(conversationId: string): Promise<T> {
        const key = this.key(conversationId);
        const stored = (await this.storage.read([key]))[key] as (T & { eTag?: string }) | undefined;
        const { eTag: _eTag, ...record } = stored ?? ({} as T & { eTag?: string });
        return record as T;
    }

    async write(conversationId: string, record: T): Promise<void> {
        await this.storage.write({ [this.key(conversationId)]: { ...record, eTag: '*' } });
    }

    /** Writes `after` only when it differs from `before` (most events change nothing). */
    async writeIfChanged(conversationId: string, before: T, after: T): Promise<void> {
        if (after === before) return;
        if (JSON.stringify(after) !== JSON.stringify(before)) await this.write(conversationId, after);
    }

    /** Reads, changes and writes a record; resolves with the new record. */
    async update(conversationId: string, change: (record: T) => T): Promise<T> {
        const next = change(await this.read(conversationId));
        await this.write(conversationId, next);
        return next;
    }

    private key(conversationId: string): string {
        return `${this.prefix}/${conversationId}`;
    }
}
