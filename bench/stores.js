'use strict';
/**
 * The inbox stores the bench compares, opened the same way in the SUT (sut.js) and in the store-cost run
 * (storeCost.js): `memory` (MemoryInboxStore), `sqlite` (SqliteInboxStore in a file), `redis` (RedisInboxStore).
 */
const path = require('node:path');

/** `SqliteInboxStore`, from the library's public entry points when exported there, else from its built file. */
function sqliteInboxStore() {
    for (const entry of ['botbuilder-contact-center/protocol', 'botbuilder-contact-center']) {
        const found = require(entry).SqliteInboxStore;
        if (found) return found;
    }
    return require(path.join(__dirname, '..', 'packages', 'adapter', 'lib', 'stores', 'sqliteInboxStore.js')).SqliteInboxStore;
}

/**
 * Opens a store. `bounds` (memory only): de-duplication keys and Storage items kept, instead of the defaults.
 * @param {'memory' | 'sqlite' | 'redis'} kind
 * @param {{ redisUrl?: string, sqlitePath?: string, bounds?: number }} options
 */
function openStore(kind, options = {}) {
    if (kind === 'memory') {
        const { MemoryInboxStore, BoundedMemoryStorage } = require('botbuilder-contact-center/protocol');
        return options.bounds === undefined
            ? new MemoryInboxStore()
            : new MemoryInboxStore({ maxDeduplicationKeys: options.bounds, storage: new BoundedMemoryStorage({ maxItems: options.bounds }) });
    }
    if (kind === 'sqlite') {
        const SqliteInboxStore = sqliteInboxStore();
        return new SqliteInboxStore({ path: options.sqlitePath });
    }
    if (kind === 'redis') {
        const { RedisInboxStore } = require('botbuilder-contact-center-redis');
        return new RedisInboxStore({ url: options.redisUrl });
    }
    throw new Error(`Unknown store "${kind}" (memory, sqlite, redis).`);
}

/**
 * The store with its queue caps (`maxQueuedEventsPerConversation`, `maxQueuedEvents`) lifted: the adapter answers a
 * webhook once it is stored, so a load generator that sends the next message on the answer runs ahead of the bot, and
 * on one conversation it would reach the cap of 100 waiting events within a second and get 503s (a vendor redelivers
 * those; autocannon does not). The bench measures how fast the events are worked off, so it lets them queue.
 */
function withoutQueueCaps(store) {
    const unbounded = { maxPerConversation: 10_000_000, maxTotal: 10_000_000 };
    return new Proxy(store, {
        get(target, property) {
            if (property === 'append') return (inbox, events, options) => target.append(inbox, events, { ...options, ...unbounded });
            const value = target[property];
            return typeof value === 'function' ? value.bind(target) : value;
        },
    });
}

module.exports = { openStore, withoutQueueCaps };
