import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import { RedisInboxStore } from '../src';
import { LIMITS, storeOn, timedRejection, uniquePrefix } from './helpers';
import { RedisServer } from './redisServer';

describe('RedisInboxStore client, options and arguments', () => {
    let server: RedisServer;

    before(async () => {
        server = await RedisServer.start();
    });
    after(async () => {
        await server.dispose();
    });

    it('quits the client it created on close(), and leaves a client it was given open', async () => {
        const owned = storeOn(server);
        expect(await owned.ping()).to.equal(true);
        await owned.close();
        expect((owned as any).options.client.status).to.equal('end');
        expect(await owned.ping()).to.equal(false);
        expect((await timedRejection(owned.stats('8x8'))).error.message).to.equal('RedisInboxStore.stats(): the store is closed.');

        const client = new Redis(server.url);
        const given = new RedisInboxStore({ client, keyPrefix: uniquePrefix() });
        await given.append('8x8', [{ conversationId: 'c', payload: 1 }], LIMITS);
        await given.close();
        expect(await client.ping()).to.equal('PONG');
        client.disconnect();
    });

    it('waits for the connection of a store just created', async () => {
        const store = storeOn(server);
        try {
            const result = await store.append('8x8', [{ conversationId: 'c', payload: 1 }], LIMITS);
            expect(result.accepted).to.have.length(1);
        } finally {
            await store.close();
        }
    });

    it('refuses options it cannot work with, naming them', () => {
        const prefixed = new Redis({ lazyConnect: true, keyPrefix: 'app:' });
        const cluster = new Cluster([{ host: '127.0.0.1', port: server.port }], { lazyConnect: true });
        try {
            expect(() => new RedisInboxStore({ client: prefixed })).to.throw(TypeError, /client must have no keyPrefix/);
            expect(() => new RedisInboxStore({ client: cluster })).to.throw(TypeError, /hash tag/);
            expect(() => new RedisInboxStore({ client: cluster, keyPrefix: '{bcc}:' })).to.not.throw();
            expect(() => new RedisInboxStore({ client: prefixed, url: server.url })).to.throw(TypeError, /either client or url/);
            expect(() => new RedisInboxStore({ keyPrefix: '' })).to.throw(TypeError, /keyPrefix/);
            expect(() => new RedisInboxStore({ storageTtlMs: 0 })).to.throw(TypeError, /storageTtlMs/);
            expect(() => new RedisInboxStore({ deadLetterTtlMs: 1.5 })).to.throw(TypeError, /deadLetterTtlMs/);
            expect(() => new RedisInboxStore({ client: {} as Redis })).to.throw(TypeError, /ioredis/);
        } finally {
            prefixed.disconnect();
            cluster.disconnect();
        }
    });

    it('rejects bad arguments with a TypeError naming the method, before calling Redis', async () => {
        const store = storeOn(server);
        const event = { id: '1', conversationId: 'c', payload: null, attempts: 0, receivedAt: 0 };
        const bad: Array<[RegExp, () => Promise<unknown>]> = [
            [/append\(\): inbox/, () => store.append('', [], LIMITS)],
            [/append\(\): events/, () => store.append('8x8', {} as any, LIMITS)],
            [/append\(\): event\.conversationId/, () => store.append('8x8', [{ payload: 1 } as any], LIMITS)],
            [/append\(\): options\.maxTotal/, () => store.append('8x8', [], { ...LIMITS, maxTotal: -1 })],
            [/lease\(\): owner/, () => store.lease('8x8', '', 1, 1000)],
            [/lease\(\): leaseMs/, () => store.lease('8x8', 'A', 1, 0)],
            [/next\(\): conversationId/, () => store.next('8x8', 'A', undefined as any, 1000)],
            [/renew\(\): conversationIds/, () => store.renew('8x8', 'A', 'c' as any, 1000)],
            [/complete\(\): event/, () => store.complete('8x8', 'A', {} as any, {})],
            [/complete\(\): writes/, () => store.complete('8x8', 'A', event, null as any)],
            [/retry\(\): dueAt/, () => store.retry('8x8', 'A', event, NaN, 'x')],
            [/deadLetter\(\): error/, () => store.deadLetter('8x8', 'A', event, 1 as any)],
            [/recordSend\(\): index/, () => store.recordSend('8x8', 'A', event, -1, { response: { id: 'r' }, records: {} })],
            [/release\(\): conversationIds/, () => store.release('8x8', 'A', [1] as any)],
            [/deadLetters\(\): limit/, () => store.deadLetters('8x8', 0.5)],
            [/storage\.write\(\): changes/, () => store.storage.write(null as any)],
            [/storage\.read\(\): keys/, () => store.storage.read('a' as any)],
        ];
        try {
            for (const [message, call] of bad) {
                const { error } = await timedRejection(call());
                expect(error, String(message)).to.be.instanceOf(TypeError);
                expect(error.message)
                    .to.match(/^RedisInboxStore\./)
                    .and.match(message);
            }
        } finally {
            await store.close();
        }
    });

    it('close() returns within about a second when Redis cannot be reached (the process can exit)', async () => {
        const unreachable = new RedisInboxStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 });
        expect(await unreachable.ping()).to.equal(false);
        const started = Date.now();
        await unreachable.close();
        expect(Date.now() - started).to.be.below(1500);
    });
});
