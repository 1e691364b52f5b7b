import type { StorageLike } from './storage';

/**
 * The small record an adapter keeps per vendor conversation (who owns it, which consumer it belongs to…), in the
 * adapter's `Storage` under `{prefix}/{conversationId}`. Records change in their conversation's order
 * (turns and bookkeeping are queued per conversation), so last-writer-wins (`eTag: '*'`) is safe within an instance.
 *
 * Records are immutable values (read, then replaced by a changed copy). While a conversation has work queued in this
 * instance (`isBusy`), its record is also kept here, so the several reads of one webhook's work (mapping, each reply,
 * receipts) cost one Storage read; the copy is dropped (`release`) when the conversation's work ends, so between
 * webhooks the Storage, which other instances may share, is the only truth.
 */
export class ConversationRecords<T extends object> {
    private readonly busy = new Map<string, Readonly<T>>();

    /**
     * @param isBusy True while the conversation has work queued or running in this instance; default never.
     */
    constructor(
        private readonly storage: StorageLike,
        private readonly prefix: string,
        private readonly isBusy: (conversationId: string) => boolean = () => false
    ) {}

    /** The record (do not change it: write a changed copy), or `{}` for a conversation not seen yet. */
    async read(conversationId: string): Promise<Readonly<T>> {
        const held = this.busy.get(conversationId);
        if (held) return held;
        const key = this.key(conversationId);
        const stored = (await this.storage.read([key]))[key] as (T & { eTag?: string }) | undefined;
        const { eTag: _eTag, ...record } = stored ?? ({} as T & { eTag?: string });
        return this.hold(conversationId, record as T);
    }

    async write(conversationId: string, record: T): Promise<void> {
        await this.storage.write({ [this.key(conversationId)]: { ...record, eTag: '*' } });
        this.hold(conversationId, { ...record });
    }

    /** Forgets the held copy of a conversation whose work has ended. */
    release(conversationId: string): void {
        this.busy.delete(conversationId);
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

    private hold(conversationId: string, record: T): Readonly<T> {
        const frozen = Object.freeze(record);
        if (this.isBusy(conversationId)) this.busy.set(conversationId, frozen);
        else this.busy.delete(conversationId);
        return frozen;
    }

    private key(conversationId: string): string {
        return `${this.prefix}/${conversationId}`;
    }
}
