import type { AppendOptions, InboxEvent } from 'botbuilder-contact-center/protocol';
import { RedisInboxStore, type RedisInboxStoreOptions } from '../src';
import type { RedisServer } from './redisServer';

/** Generous limits, for tests that are not about them. */
export const LIMITS: AppendOptions = { deduplicationTtlMs: 60_000, maxPerConversation: 10_000, maxTotal: 100_000 };

let prefixes = 0;

/** A key prefix no other test uses, so tests never see each other's keys. */
export const uniquePrefix = (): string => `t${process.pid}-${++prefixes}:`;

/** A store on `server` with its own client; a fresh key prefix unless `options` gives one (instances sharing data). */
export function storeOn(server: RedisServer, options: RedisInboxStoreOptions = {}): RedisInboxStore {
    return new RedisInboxStore({ url: server.url, keyPrefix: uniquePrefix(), ...options });
}

/** Times a promise that must reject; resolves with the error and the ms it took. */
export async function timedRejection(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
    const started = performance.now();
    try {
        await promise;
    } catch (error) {
        return { error: error as Error, ms: performance.now() - started };
    }
    throw new Error('expected a rejection');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `lease` until it hands something out or `withinMs` passes; resolves with the heads and when they came. */
export async function leaseWhenFree(
    store: RedisInboxStore,
    inbox: string,
    owner: string,
    leaseMs: number,
    withinMs: number
): Promise<{ heads: InboxEvent[]; at: number }> {
    const deadline = Date.now() + withinMs;
    for (;;) {
        const heads = await store.lease(inbox, owner, 10, leaseMs);
        if (heads.length > 0 || Date.now() > deadline) return { heads, at: Date.now() };
        await sleep(10);
    }
}
