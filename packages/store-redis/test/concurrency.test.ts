import { expect } from 'chai';
import type { InboxEvent } from 'botbuilder-contact-center/protocol';
import type { RedisInboxStore } from '../src';
import { LIMITS, sleep, storeOn, uniquePrefix } from './helpers';
import { RedisServer } from './redisServer';

const EVENTS = 2000;
const CONVERSATIONS = 50;
const INSTANCES = 3;

describe('RedisInboxStore under concurrent instances', () => {
    let server: RedisServer;
    let stores: RedisInboxStore[];

    before(async () => {
        server = await RedisServer.start();
        const keyPrefix = uniquePrefix();
        stores = Array.from({ length: INSTANCES }, () => storeOn(server, { keyPrefix }));
    });
    after(async () => {
        await Promise.all(stores.map((store) => store.close()));
        await server.dispose();
    });

    it('completes every event exactly once, in order per conversation, one owner per conversation at a time', async function () {
        this.timeout(60_000);
        // Each event is appended by one instance and sent again (same key) by the next one: a redelivery.
        const accepted: InboxEvent[] = [];
        let duplicates = 0;
        const appenders = stores.map(async (store, instance) => {
            for (let first = instance * 10; first < EVENTS; first += INSTANCES * 10) {
                const batch = Array.from({ length: Math.min(10, EVENTS - first) }, (_, i) => first + i).map((n) => ({
                    conversationId: `c${n % CONVERSATIONS}`,
                    deduplicationKey: `event-${n}`,
                    payload: { n },
                }));
                const result = await store.append('8x8', batch, LIMITS);
                accepted.push(...result.accepted!);
                duplicates += result.duplicates!;
                const redelivered = await stores[(instance + 1) % INSTANCES].append('8x8', batch.slice(0, 2), LIMITS);
                expect(redelivered.accepted).to.deep.equal([]);
                duplicates += redelivered.duplicates!;
            }
        });

        const handled: InboxEvent[] = [];
        const active = new Map<string, string>();
        let overlaps = 0;
        let lost = 0;
        const work = async (store: RedisInboxStore, owner: string, head: InboxEvent) => {
            let event: InboxEvent | undefined = head;
            while (event) {
                if (active.has(event.conversationId)) overlaps++;
                active.set(event.conversationId, owner);
                handled.push(event);
                await sleep(Math.random() < 0.1 ? 1 : 0);
                active.delete(event.conversationId);
                if (!(await store.complete('8x8', owner, event, { [`last/${event.conversationId}`]: { n: (event.payload as any).n } }))) lost++;
                event = await store.next('8x8', owner, event.conversationId, 10_000);
            }
        };
        let appending = true;
        const workers = stores.map(async (store, instance) => {
            const owner = `owner-${instance}`;
            while (appending || handled.length < EVENTS) {
                const heads = await store.lease('8x8', owner, 8, 10_000);
                await Promise.all(heads.map((head) => work(store, owner, head)));
                if (heads.length === 0) await sleep(5);
            }
        });
        await Promise.all(appenders);
        appending = false;
        await Promise.race([Promise.all(workers), sleep(50_000).then(() => Promise.reject(new Error(`only ${handled.length} handled`)))]);

        expect(accepted).to.have.length(EVENTS);
        expect(duplicates).to.equal(2 * Math.ceil(EVENTS / 10));
        expect([overlaps, lost]).to.deep.equal([0, 0]);
        expect(handled).to.have.length(EVENTS);
        expect(new Set(handled.map((event) => event.id)).size).to.equal(EVENTS);
        // Per conversation, the order handled is the order appended (ids grow with each append).
        for (let c = 0; c < CONVERSATIONS; c++) {
            const order = (events: InboxEvent[]) => events.filter((event) => event.conversationId === `c${c}`).map((event) => event.id);
            const appendedOrder = order(accepted).sort((x, y) => Number(x) - Number(y));
            expect(order(handled), `c${c}`).to.deep.equal(appendedOrder);
        }
        expect(await stores[0].stats('8x8')).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
        // Each completion wrote its conversation's record: the last write is the newest event's.
        const newest = accepted.filter((event) => event.conversationId === 'c0').sort((x, y) => Number(y.id) - Number(x.id))[0];
        expect(await stores[1].storage.read(['last/c0'])).to.have.nested.property('last/c0.n', (newest.payload as any).n);
    });
});
