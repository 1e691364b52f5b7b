import { LRUCache } from 'lru-cache';
import type { StorageLike, StoreItems } from './storage';

/** Options of {@link BoundedMemoryStorage}. */
export interface BoundedMemoryStorageOptions {
    /** Most items kept; the least recently used go first. Default 50,000. */
    maxItems?: number | undefined;
    /** How long an item lives after its last write, in ms. Default 24 hours. */
    ttlMs?: number | undefined;
}

/**
 * A `Storage` (botbuilder or Agents SDK shape) in process memory that, unlike `MemoryStorage`, cannot grow without bound:
 * items expire after `ttlMs` and the least recently used go when `maxItems` is reached. Items are stored
 * as JSON, so callers never share mutable objects, and eTags behave as in `MemoryStorage`.
 *
 * The adapters use it by default for their per-conversation records. Pass any other `Storage`
 * (Blob, Cosmos DB, Redis) to share those records between instances.
 */
export class BoundedMemoryStorage implements StorageLike {
    private readonly items: LRUCache<string, string>;
    private etag = 1;

    constructor(options: BoundedMemoryStorageOptions = {}) {
        this.items = new LRUCache<string, string>({
            max: options.maxItems ?? 50_000,
            ttl: options.ttlMs ?? 24 * 60 * 60 * 1000,
            ttlAutopurge: false,
        });
    }

    async read(keys: string[]): Promise<StoreItems> {
        if (!Array.isArray(keys)) throw new TypeError('BoundedMemoryStorage.read(): keys must be an array.');
        const found: StoreItems = {};
        for (const key of keys) {
            const json = this.items.get(key);
            if (json !== undefined) found[key] = JSON.parse(json);
        }
        return found;
    }

    async write(changes: StoreItems): Promise<void> {
        if (!changes || typeof changes !== 'object') throw new TypeError('BoundedMemoryStorage.write(): changes must be an object.');
        for (const [key, item] of Object.entries(changes)) {
            const current = this.items.get(key);
            const wanted = item?.eTag;
            if (current !== undefined && wanted && wanted !== '*' && JSON.parse(current).eTag !== wanted) {
                throw new Error(`BoundedMemoryStorage.write(): eTag conflict for key '${key}'.`);
            }
            this.items.set(key, JSON.stringify({ ...item, eTag: String(this.etag++) }));
        }
    }

    async delete(keys: string[]): Promise<void> {
        if (!Array.isArray(keys)) throw new TypeError('BoundedMemoryStorage.delete(): keys must be an array.');
        for (const key of keys) this.items.delete(key);
    }

    /** Number of items held. */
    get size(): number {
        return this.items.size;
    }
}
