/**
 * The bot `Storage` of {@link SqliteInboxStore}, in the same file as the inbox, so that `complete()` commits an
 * event's record changes in the same transaction that removes the event.
 */
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { StorageLike, StoreItems } from '../core/storage';
import type { Statements } from './sqliteSchema';

/**
 * Writes `changes` (inside the caller's transaction). An item with an `eTag` other than `'*'` (or empty) is written only
 * if the stored item has that eTag (a missing or expired item has none to conflict with, as in botbuilder's `MemoryStorage`);
 * `unconditional` ignores eTags. Every write gives the item a new eTag; the eTag itself is not stored in the value.
 */
export function writeItems(statements: Statements, changes: StoreItems, now: number, ttlMs: number, method: string, unconditional: boolean): void {
    for (const [key, item] of Object.entries(changes)) {
        if (!item || typeof item !== 'object' || Array.isArray(item)) {
            throw new TypeError(`${method}: the item for key '${key}' must be an object.`);
        }
        const { eTag, ...value } = item as { eTag?: unknown };
        if (!unconditional && eTag && eTag !== '*') {
            const current = statements.storageRead.get(key, now) as { etag: string } | undefined;
            if (current && current.etag !== eTag) throw new Error(`${method}: eTag conflict for key '${key}'.`);
        }
        // A random eTag: several processes write the same file, so no process-local counter would stay unique.
        statements.storagePut.run(key, JSON.stringify(value), randomUUID(), now + ttlMs);
    }
}

/**
 * A botbuilder / Agents SDK `Storage` in the store's SQLite file. Items expire `storageTtlMs` after their last write
 * and are never read after that. A `write` is all or nothing: on an eTag conflict no item of the call is written.
 *
 * @example
 * ```ts
 * const store = new SqliteInboxStore({ path: './data/inbox.sqlite' });
 * const conversationState = new ConversationState(store.storage);
 * ```
 */
export class SqliteStorage implements StorageLike {
    // Transactions built once, like the statements: reads are one consistent snapshot even while another process
    // writes, and a write or delete of several keys is all or nothing.
    private readonly readAll: (keys: string[], now: number) => StoreItems;
    private readonly writeAll: (changes: StoreItems, now: number) => void;
    private readonly deleteAll: (keys: string[]) => void;

    /**
     * @param checkOpen Throws the store's "closed" error naming `method`.
     * @param ttlMs How long an item lives after its last write.
     */
    constructor(
        db: BetterSqlite3.Database,
        statements: Statements,
        ttlMs: number,
        private readonly checkOpen: (method: string) => void
    ) {
        const read = db.transaction((keys: string[], now: number) => {
            const found: StoreItems = {};
            for (const key of keys) {
                const row = statements.storageRead.get(key, now) as { value: string; etag: string } | undefined;
                if (row) found[key] = { ...JSON.parse(row.value), eTag: row.etag };
            }
            return found;
        });
        this.readAll = read.deferred;
        this.writeAll = db.transaction((changes: StoreItems, now: number) =>
            writeItems(statements, changes, now, ttlMs, 'SqliteInboxStore.storage.write()', false)
        ).immediate;
        this.deleteAll = db.transaction((keys: string[]) => {
            for (const key of keys) statements.storageDelete.run(key);
        }).immediate;
    }

    async read(keys: string[]): Promise<StoreItems> {
        this.checkOpen('storage.read');
        requireKeys(keys, 'SqliteInboxStore.storage.read()');
        return this.readAll(keys, Date.now());
    }

    async write(changes: StoreItems): Promise<void> {
        this.checkOpen('storage.write');
        if (!changes || typeof changes !== 'object' || Array.isArray(changes)) {
            throw new TypeError('SqliteInboxStore.storage.write(): changes must be an object.');
        }
        this.writeAll(changes, Date.now());
    }

    async delete(keys: string[]): Promise<void> {
        this.checkOpen('storage.delete');
        requireKeys(keys, 'SqliteInboxStore.storage.delete()');
        this.deleteAll(keys);
    }
}

function requireKeys(keys: unknown, method: string): asserts keys is string[] {
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string')) throw new TypeError(`${method}: keys must be an array of strings.`);
}
