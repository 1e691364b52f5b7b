import type { StorageLike, StoreItems } from 'botbuilder-contact-center/protocol';
import type { RedisConnection } from './connection';
import type { KeyLayout } from './keys';
import { runScript } from './scripts';

/**
 * The bot `Storage` of a {@link RedisInboxStore} (botbuilder / Agents SDK shape): one string key per item holding
 * `{"eTag","value"}`, expiring `ttlMs` after its last write. A write whose item carries an eTag other than `'*'`
 * succeeds only when the stored item has that eTag (or is absent), checked for every item before any is written.
 */
export class RedisStorage implements StorageLike {
    constructor(
        private readonly connection: RedisConnection,
        private readonly keys: KeyLayout,
        private readonly ttlMs: number
    ) {}

    async read(keys: string[]): Promise<StoreItems> {
        if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string'))
            throw new TypeError('RedisInboxStore.storage.read(): keys must be an array of strings.');
        if (keys.length === 0) return {};
        const prefix = this.keys.storagePrefix;
        const values = await this.connection.run('storage.read', (client) => client.mget(...keys.map((key) => prefix + key)));
        const found: StoreItems = {};
        keys.forEach((key, index) => {
            const stored = values[index];
            if (stored === null || stored === undefined) return;
            const { eTag, value } = JSON.parse(stored) as { eTag: string; value: unknown };
            found[key] = { ...(value as object), eTag };
        });
        return found;
    }

    async write(changes: StoreItems): Promise<void> {
        if (!changes || typeof changes !== 'object' || Array.isArray(changes))
            throw new TypeError('RedisInboxStore.storage.write(): changes must be an object.');
        const entries = Object.entries(changes);
        if (entries.length === 0) return;
        const args: string[] = [];
        for (const [key, item] of entries) {
            const wanted = item && typeof item.eTag === 'string' && item.eTag !== '*' ? item.eTag : '';
            args.push(key, wanted, storedValue('storage.write', key, item));
        }
        const reply = (await this.connection.run('storage.write', (client) =>
            runScript(client, 'storageWrite', [this.keys.etagCounter], [this.keys.storagePrefix, this.ttlMs, ...args])
        )) as string[];
        if (reply[0] === 'conflict') throw new Error(`RedisInboxStore.storage.write(): eTag conflict for key '${reply[1]}' (nothing was written).`);
    }

    async delete(keys: string[]): Promise<void> {
        if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string'))
            throw new TypeError('RedisInboxStore.storage.delete(): keys must be an array of strings.');
        if (keys.length === 0) return;
        const prefix = this.keys.storagePrefix;
        await this.connection.run('storage.delete', (client) => client.del(...keys.map((key) => prefix + key)));
    }
}

/** An item's JSON without its eTag (the script adds the new one). */
export function storedValue(method: string, key: string, item: unknown): string {
    if (!item || typeof item !== 'object' || Array.isArray(item))
        throw new TypeError(`RedisInboxStore.${method}(): the item of key '${key}' must be an object.`);
    const { eTag: _eTag, ...value } = item as Record<string, unknown>;
    return JSON.stringify(value);
}
