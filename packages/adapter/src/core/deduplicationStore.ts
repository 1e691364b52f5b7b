import { LRUCache } from 'lru-cache';

/**
 * Remembers which vendor events were already accepted, so a vendor retry does not run a second turn.
 *
 * The in-memory default serves one instance. To run several instances behind one webhook URL, back it with a
 * shared store; `claim` must be atomic (Redis: `SET key 1 NX PX ttl`, SQL: insert into a unique key).
 *
 * @example
 * ```ts
 * const redisStore: DeduplicationStore = {
 *     claim: async (key, ttlMs) => (await redis.set(key, '1', { NX: true, PX: ttlMs })) === 'OK',
 *     release: async (key) => { await redis.del(key); },
 * };
 * new EightByEightAdapter({ apiKey, deduplicationStore: redisStore });
 * ```
 */
export interface DeduplicationStore {
    /** Records `key` for `ttlMs`. True when it was not there (the caller owns the event), false for a duplicate. */
    claim(key: string, ttlMs: number): boolean | Promise<boolean>;
    /** Forgets `key`, so a redelivery of that event runs again (used when a turn failed). */
    release(key: string): void | Promise<void>;
}

/** Options of {@link MemoryDeduplicationStore}. */
export interface MemoryDeduplicationStoreOptions {
    /** Most keys kept; the least recently claimed go first. Default 100,000 (a few MB). */
    maxEntries?: number | undefined;
}

/** The default {@link DeduplicationStore}: bounded (LRU) and expiring (TTL per key), in this process only. */
export class MemoryDeduplicationStore implements DeduplicationStore {
    private readonly keys: LRUCache<string, true>;

    constructor(options: MemoryDeduplicationStoreOptions = {}) {
        this.keys = new LRUCache<string, true>({ max: options.maxEntries ?? 100_000, ttlAutopurge: false });
    }

    claim(key: string, ttlMs: number): boolean {
        if (this.keys.has(key)) return false;
        this.keys.set(key, true, { ttl: ttlMs });
        return true;
    }

    release(key: string): void {
        this.keys.delete(key);
    }

    /** Number of keys held (expired ones may count until touched). */
    get size(): number {
        return this.keys.size;
    }
}
