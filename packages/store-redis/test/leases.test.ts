import { expect } from 'chai';
import { Redis } from 'ioredis';
import type { RedisInboxStore } from '../src';
import { LIMITS, leaseWhenFree, sleep, storeOn, uniquePrefix } from './helpers';
import { RedisServer } from './redisServer';

describe('RedisInboxStore leases across instances', () => {
    let server: RedisServer;
    let first: RedisInboxStore;
    let second: RedisInboxStore;

    before(async () => {
        server = await RedisServer.start();
    });
    after(async () => {
        await server.dispose();
    });
    beforeEach(() => {
        // Two instances: two stores, each with its own connection, on the same prefix.
        const keyPrefix = uniquePrefix();
        first = storeOn(server, { keyPrefix });
        second = storeOn(server, { keyPrefix });
    });
    afterEach(async () => {
        await first.close();
        await second.close();
    });

    it('hands a conversation to one owner only, and to the other after the holder stops renewing', async () => {
        const leaseMs = 300;
        await first.append('8x8', [{ conversationId: 'c1', payload: 'hello' }], LIMITS);
        const [a, b] = await Promise.all([first.lease('8x8', 'A', 10, leaseMs), second.lease('8x8', 'B', 10, leaseMs)]);
        expect(a.length + b.length).to.equal(1);
        const [holder, other, holderName, otherName] = a.length === 1 ? [first, second, 'A', 'B'] : [second, first, 'B', 'A'];
        const leasedAt = Date.now();

        // While the holder renews, the other gets nothing, by lease() or next().
        let lastRenewal = 0;
        for (let i = 0; i < 4; i++) {
            await sleep(leaseMs / 3);
            lastRenewal = Date.now();
            expect(await holder.renew('8x8', holderName, ['c1'], leaseMs)).to.deep.equal([]);
            expect(await other.lease('8x8', otherName, 10, leaseMs)).to.deep.equal([]);
            expect(await other.next('8x8', otherName, 'c1', leaseMs)).to.equal(undefined);
        }

        // The holder "dies": after leaseMs the other takes the conversation and the same event.
        const { heads, at } = await leaseWhenFree(other, '8x8', otherName, 5000, 3000);
        expect(heads.map((event) => [event.conversationId, event.payload])).to.deep.equal([['c1', 'hello']]);
        expect(at - lastRenewal).to.be.within(leaseMs - 2, leaseMs + 1000);
        expect(at - leasedAt).to.be.greaterThan(leaseMs * 1.5);

        // The old holder can no longer settle it, and learns it lost the lease.
        expect(await holder.complete('8x8', holderName, heads[0], {})).to.equal(false);
        expect(await holder.retry('8x8', holderName, heads[0], Date.now(), 'x')).to.equal(false);
        expect(await holder.renew('8x8', holderName, ['c1'], leaseMs)).to.deep.equal(['c1']);
        expect(await other.complete('8x8', otherName, heads[0], {})).to.equal(true);
        expect(await first.stats('8x8')).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
    });

    it('lets one of two concurrent next() calls take a free conversation', async () => {
        await first.append('8x8', [{ conversationId: 'c2', payload: 1 }], LIMITS);
        const results = await Promise.all([first.next('8x8', 'A', 'c2', 5000), second.next('8x8', 'B', 'c2', 5000)]);
        expect(results.filter((event) => event !== undefined)).to.have.length(1);
    });

    it('releases all of an owner’s leases for the others at once', async () => {
        await first.append(
            '8x8',
            ['x', 'y', 'z'].map((conversationId) => ({ conversationId, payload: conversationId })),
            LIMITS
        );
        expect(await first.lease('8x8', 'A', 10, 60_000)).to.have.length(3);
        expect(await second.lease('8x8', 'B', 10, 60_000)).to.deep.equal([]);
        await first.release('8x8', 'A');
        expect((await second.lease('8x8', 'B', 10, 60_000)).map((event) => event.conversationId)).to.have.members(['x', 'y', 'z']);
    });

    it('does not look at leased conversations when leasing (no scan)', async () => {
        const conversations = Array.from({ length: 2000 }, (_, i) => ({ conversationId: `busy-${i}`, payload: i }));
        await first.append('8x8', conversations, LIMITS);
        expect(await first.lease('8x8', 'A', 2000, 60_000)).to.have.length(2000);
        await first.append('8x8', [{ conversationId: 'free', payload: 'f' }], LIMITS);
        const admin = new Redis(server.url);
        try {
            const before = await commandCalls(admin);
            const heads = await second.lease('8x8', 'B', 10, 60_000);
            const after = await commandCalls(admin);
            expect(heads.map((event) => event.conversationId)).to.deep.equal(['free']);
            // One conversation looked at: a handful of commands, not thousands.
            expect(after - before).to.be.lessThan(20);
        } finally {
            admin.disconnect();
        }
    });
});

/** Commands the server ran so far (scripts' commands included), from INFO commandstats. */
async function commandCalls(admin: Redis): Promise<number> {
    const info = await admin.info('commandstats');
    return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}
