import { expect } from 'chai';
import type { RedisInboxStore } from '../src';
import { LIMITS, sleep, storeOn, timedRejection } from './helpers';
import { RedisServer } from './redisServer';

describe('RedisInboxStore while Redis restarts', () => {
    let server: RedisServer;
    let store: RedisInboxStore;

    before(async () => {
        server = await RedisServer.start({ appendOnly: true });
        store = storeOn(server);
    });
    after(async () => {
        await store.close();
        await server.dispose();
    });

    it('rejects fast and pings false while Redis is down, then works again with the data kept, without a new store', async () => {
        const appended = await store.append(
            'liveperson',
            [1, 2, 3].map((n) => ({ conversationId: 'c', deduplicationKey: `k${n}`, payload: { n } })),
            LIMITS
        );
        await store.storage.write({ record: { owner: 'bot' } });
        const { record } = await store.storage.read(['record']);
        const [head] = await store.lease('liveperson', 'A', 1, 60_000);
        expect(head.id).to.equal(appended.accepted![0].id);

        await server.stop();
        const calls = {
            append: store.append('liveperson', [{ conversationId: 'c', payload: 4 }], LIMITS),
            lease: store.lease('liveperson', 'B', 1, 60_000),
            complete: store.complete('liveperson', 'A', head, {}),
            storageRead: store.storage.read(['record']),
            stats: store.stats('liveperson'),
        };
        for (const [name, call] of Object.entries(calls)) {
            const { error, ms } = await timedRejection(call);
            expect(ms, name).to.be.lessThan(1500);
            expect(error.message, name).to.match(/^RedisInboxStore\.\S+\(\) failed: /);
        }
        const pingStarted = performance.now();
        expect(await store.ping()).to.equal(false);
        expect(performance.now() - pingStarted).to.be.lessThan(1500);

        await server.start();
        const deadline = Date.now() + 5000;
        while (!(await store.ping()) && Date.now() < deadline) await sleep(50);
        expect(await store.ping()).to.equal(true);

        // Everything appended before the restart is still there: the lease, the events, the keys, the Storage item.
        expect(await store.stats('liveperson')).to.deep.equal({ pending: 3, conversations: 1, deadLettered: 0 });
        expect(await store.storage.read(['record'])).to.deep.equal({ record });
        const again = await store.append('liveperson', [{ conversationId: 'c', deduplicationKey: 'k1', payload: {} }], LIMITS);
        expect(again).to.deep.equal({ accepted: [], duplicates: 1 });
        expect(await store.complete('liveperson', 'A', head, {})).to.equal(true);
        const rest = [await store.next('liveperson', 'A', 'c', 60_000)];
        await store.complete('liveperson', 'A', rest[0]!, {});
        rest.push(await store.next('liveperson', 'A', 'c', 60_000));
        expect(rest.map((event) => event?.payload)).to.deep.equal([{ n: 2 }, { n: 3 }]);
    });
});
