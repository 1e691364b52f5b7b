import { expect } from 'chai';
import type { RedisInboxStore } from '../src';
import { LIMITS, sleep, storeOn, timedRejection } from './helpers';
import { RedisServer } from './redisServer';

describe('RedisInboxStore.storage', () => {
    let server: RedisServer;
    let store: RedisInboxStore;

    before(async () => {
        server = await RedisServer.start();
    });
    after(async () => {
        await server.dispose();
    });
    beforeEach(() => {
        store = storeOn(server);
    });
    afterEach(async () => {
        await store.close();
    });

    it('gives each write a new eTag and refuses a stale one', async () => {
        await store.storage.write({ a: { n: 1 } });
        const { a } = await store.storage.read(['a', 'missing']);
        expect(a).to.include({ n: 1 });
        expect(a.eTag).to.be.a('string').and.not.equal('*');
        await store.storage.write({ a: { ...a, n: 2 } });
        const { a: second } = await store.storage.read(['a']);
        expect(second.eTag).to.not.equal(a.eTag);
        const { error } = await timedRejection(store.storage.write({ a: { ...a, n: 3 } }));
        expect(error.message).to.match(/eTag conflict for key 'a'/);
        await store.storage.write({ a: { n: 4, eTag: '*' } });
        await store.storage.write({ a: { n: 5 } });
        expect(await store.storage.read(['a'])).to.have.nested.property('a.n', 5);
        // An eTag for an item that does not exist writes it (as botbuilder's MemoryStorage does).
        await store.storage.write({ fresh: { n: 1, eTag: 'old' } });
        expect(await store.storage.read(['fresh'])).to.have.nested.property('fresh.n', 1);
    });

    it('writes all items or none', async () => {
        await store.storage.write({ a: { n: 1 }, b: { n: 1 } });
        const { a, b } = await store.storage.read(['a', 'b']);
        await store.storage.write({ b: { ...b, n: 2 } });
        await timedRejection(store.storage.write({ a: { ...a, n: 9 }, b: { ...b, n: 9 }, c: { n: 9 } }));
        const after = await store.storage.read(['a', 'b', 'c']);
        expect([after.a.n, after.b.n, after.c]).to.deep.equal([1, 2, undefined]);
    });

    it('keeps values exactly, deletes, and expires items storageTtlMs after the last write', async () => {
        const ttlStore = storeOn(server, { storageTtlMs: 300 });
        try {
            const value = { list: [], empty: {}, big: 2 ** 53 - 1, text: 'é ✓ "quoted" \\ /', nested: [[1, [2]], { x: null }] };
            await ttlStore.storage.write({ v: value, gone: { n: 1 } });
            const { v } = await ttlStore.storage.read(['v']);
            expect(v).to.deep.equal({ ...value, eTag: v.eTag });
            await ttlStore.storage.delete(['gone']);
            expect(await ttlStore.storage.read(['gone'])).to.deep.equal({});
            await sleep(400);
            expect(await ttlStore.storage.read(['v'])).to.deep.equal({});
        } finally {
            await ttlStore.close();
        }
    });

    it('commits complete() writes with the completion, with new eTags, and none when the lease was lost', async () => {
        await store.storage.write({ record: { n: 0 } });
        const { record } = await store.storage.read(['record']);
        await store.append('8x8', [{ conversationId: 'c', payload: 1 }], LIMITS);
        const [event] = await store.lease('8x8', 'A', 1, 60_000);
        expect(await store.complete('8x8', 'B', event, { record: { n: 'not B' } })).to.equal(false);
        expect(await store.storage.read(['record'])).to.have.nested.property('record.n', 0);
        expect(await store.complete('8x8', 'A', event, { record: { ...record, n: 1 }, other: { n: 2 } })).to.equal(true);
        const after = await store.storage.read(['record', 'other']);
        expect([after.record.n, after.other.n]).to.deep.equal([1, 2]);
        expect(after.record.eTag).to.not.equal(record.eTag);
        expect(after.other.eTag).to.not.equal(after.record.eTag);
    });
});
