import { expect } from 'chai';
import { Redis } from 'ioredis';
import { LIMITS, sleep, storeOn, uniquePrefix } from './helpers';
import { RedisServer } from './redisServer';

/** What the store leaves in Redis, and for how long. */
describe('RedisInboxStore keys and TTLs', () => {
    let server: RedisServer;
    let admin: Redis;

    before(async () => {
        server = await RedisServer.start();
        admin = new Redis(server.url);
    });
    after(async () => {
        admin.disconnect();
        await server.dispose();
    });

    /** Every key under the prefix with its PTTL (-1: none). */
    async function keysOf(prefix: string): Promise<Record<string, number>> {
        const keys = await admin.keys(`${prefix}*`);
        const ttls = await Promise.all(keys.map((key) => admin.pttl(key)));
        return Object.fromEntries(keys.map((key, i) => [key.slice(prefix.length), ttls[i]]));
    }

    it('leaves only expiring keys behind a settled conversation, and no key without a TTL but two counters', async () => {
        const keyPrefix = uniquePrefix();
        const store = storeOn(server, { keyPrefix, storageTtlMs: 50_000, deadLetterTtlMs: 40_000 });
        try {
            await store.append(
                '8x8',
                [1, 2].map((n) => ({ conversationId: 'conv:1', deduplicationKey: `k${n}`, payload: n })),
                { ...LIMITS, deduplicationTtlMs: 30_000 }
            );
            const [first] = await store.lease('8x8', 'A', 1, 20_000);
            expect(await store.recordSend('8x8', 'A', first, 0, { response: { id: 'r1' }, records: {} })).to.equal(true);
            const during = await keysOf(keyPrefix);
            expect(during['i:8x8:q:conv:1']).to.equal(-1);
            expect(during['i:8x8:l:conv:1']).to.be.within(19_000, 20_000);
            expect(during['i:8x8:d:k1']).to.be.within(29_000, 30_000);
            expect(during['i:8x8:s:1']).to.be.within(49_000, 50_000);
            await store.complete('8x8', 'A', first, { rec: { n: 1 } });
            const second = await store.next('8x8', 'A', 'conv:1', 20_000);
            await store.deadLetter('8x8', 'A', second!, 'permanent');
            expect(await store.next('8x8', 'A', 'conv:1', 20_000)).to.equal(undefined);

            const after = await keysOf(keyPrefix);
            expect(Object.keys(after).sort()).to.deep.equal(['etag', 'i:8x8:d:k1', 'i:8x8:d:k2', 'i:8x8:dead', 'i:8x8:seq', 'st:rec']);
            expect(after['i:8x8:dead']).to.be.within(39_000, 40_000);
            expect(after['st:rec']).to.be.within(49_000, 50_000);
            expect(
                Object.entries(after)
                    .filter(([, ttl]) => ttl < 0)
                    .map(([key]) => key)
                    .sort()
            ).to.deep.equal(['etag', 'i:8x8:seq']);
        } finally {
            await store.close();
        }
    });

    it('forgets dead letters after deadLetterTtlMs', async () => {
        const store = storeOn(server, { deadLetterTtlMs: 200 });
        try {
            await store.append('liveperson', [{ conversationId: 'c', payload: 'p' }], LIMITS);
            const [event] = await store.lease('liveperson', 'A', 1, 60_000);
            await store.deadLetter('liveperson', 'A', event, 'bad');
            const [letter] = await store.deadLetters('liveperson', 10);
            expect(letter).to.deep.include({ error: 'bad', event });
            expect(letter.at).to.be.closeTo(Date.now(), 1000);
            await sleep(300);
            expect(await store.stats('liveperson')).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
            expect(await store.deadLetters('liveperson', 10)).to.deep.equal([]);
        } finally {
            await store.close();
        }
    });

    it('keeps inboxes apart, whatever their names contain', async () => {
        const keyPrefix = uniquePrefix();
        const store = storeOn(server, { keyPrefix });
        try {
            await store.append('a:b', [{ conversationId: 'c', payload: 1 }], LIMITS);
            await store.append('a', [{ conversationId: 'b:c', payload: 2 }], LIMITS);
            expect((await store.lease('a:b', 'A', 10, 60_000)).map((event) => event.payload)).to.deep.equal([1]);
            expect((await store.lease('a', 'A', 10, 60_000)).map((event) => event.payload)).to.deep.equal([2]);
            expect(Object.keys(await keysOf(keyPrefix)).filter((key) => key.endsWith(':ready'))).to.have.members(['i:a%3Ab:ready', 'i:a:ready']);
        } finally {
            await store.close();
        }
    });
});
