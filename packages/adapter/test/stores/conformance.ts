/**
 * The conformance suite of {@link InboxStore}: every rule in `src/core/inboxStore.ts`'s TSDoc, run against each
 * implementation (`memoryInboxStore.test.ts`, `sqliteInboxStore.test.ts`, the Redis package). Each test gets a fresh
 * store from `create`, so the suite is order-independent and parallel-safe; timing tests use leases and TTLs of tens
 * of milliseconds, and every wait that must NOT end uses a lease of a minute, so a slow machine cannot make them flaky.
 */
import { expect } from 'chai';
import { TAKEOVER_ERROR, type AppendOptions, type InboxEvent, type InboxStore, type NewInboxEvent, type SendRecord } from '../../src/core/inboxStore';

/** What `create` hands the suite: a fresh, empty store and how to dispose of it (close, delete files). */
export interface StoreUnderTest {
    store: InboxStore;
    cleanup(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Limits no test reaches unless it means to. */
const ROOMY: AppendOptions = { deduplicationTtlMs: 60_000, maxPerConversation: 100, maxTotal: 1000 };
/** A lease that cannot expire during a test. */
const LONG = 60_000;
/** A lease or TTL that expires during a test, and how long to wait for that. */
const SHORT = 50;
const PAST_SHORT = 90;

const INBOX = '8x8';

/** Ids compare as numbers when both are decimal integers (so '10' follows '9'), else as strings. */
function compareIds(a: string, b: string): number {
    if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
    return a < b ? -1 : a > b ? 1 : 0;
}

function expectIncreasing(ids: string[]): void {
    for (let i = 1; i < ids.length; i++) expect(compareIds(ids[i - 1], ids[i]), `id ${ids[i]} after ${ids[i - 1]}`).to.equal(-1);
}

function event(conversationId: string, payload: unknown, deduplicationKey?: string): NewInboxEvent {
    return deduplicationKey === undefined ? { conversationId, payload } : { conversationId, payload, deduplicationKey };
}

/** The parts of an event every store gives back the same way (absent and undefined fields compare equal). */
function summary(e: InboxEvent | undefined) {
    if (!e) return undefined;
    return { id: e.id, conversationId: e.conversationId, payload: e.payload, attempts: e.attempts, lastError: e.lastError ?? undefined };
}

function sendRecord(n: number): SendRecord {
    return { response: { id: `sent-${n}` }, records: { [`8x8/conversations/c${n}`]: { n, handoff: { status: 'bot' } } } };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    return expect.fail('expected the call to reject') as never;
}

/**
 * Registers the conformance suite for one implementation.
 *
 * @example
 * ```ts
 * describeInboxStoreConformance('MemoryInboxStore', async () => {
 *     const store = new MemoryInboxStore();
 *     return { store, cleanup: () => store.close() };
 * });
 * ```
 */
export function describeInboxStoreConformance(name: string, create: () => Promise<StoreUnderTest>): void {
    describe(`InboxStore conformance: ${name}`, () => {
        let store: InboxStore;
        let cleanup: () => Promise<void>;

        beforeEach(async () => {
            ({ store, cleanup } = await create());
        });
        afterEach(async () => {
            await cleanup();
        });

        /** Appends, expecting no refusal; the accepted events. */
        async function accepted(events: NewInboxEvent[], options: AppendOptions = ROOMY, inbox = INBOX): Promise<InboxEvent[]> {
            const result = await store.append(inbox, events, options);
            expect(result.refused, 'refused').to.equal(undefined);
            return result.accepted!;
        }

        describe('append', () => {
            it('appends the events in the order given, with ids, attempts 0 and receivedAt', async () => {
                const before = Date.now();
                const result = await store.append(INBOX, [event('c1', { n: 1 }, 'k1'), event('c2', { n: 2 }), event('c1', { n: 3 })], ROOMY);
                const after = Date.now();
                expect(result.duplicates).to.equal(0);
                expect(result.accepted!.map((e) => [e.conversationId, e.payload, e.deduplicationKey])).to.deep.equal([
                    ['c1', { n: 1 }, 'k1'],
                    ['c2', { n: 2 }, undefined],
                    ['c1', { n: 3 }, undefined],
                ]);
                for (const e of result.accepted!) {
                    expect(e.attempts).to.equal(0);
                    expect(e.lastError).to.equal(undefined);
                    expect(e.receivedAt).to.be.within(before, after);
                }
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 3, conversations: 2, deadLettered: 0 });
            });

            it('gives unique ids that increase, and never reuses one after its event is done', async () => {
                const first = await accepted([event('c1', 1), event('c2', 2), event('c1', 3)]);
                for (const head of await store.lease(INBOX, 'A', 10, LONG)) expect(await store.complete(INBOX, 'A', head, {})).to.equal(true);
                const rest = await store.next(INBOX, 'A', 'c1', LONG);
                expect(await store.complete(INBOX, 'A', rest!, {})).to.equal(true);
                expect(await store.stats(INBOX)).to.include({ pending: 0 });
                const second = await accepted([event('c1', 4), event('c3', 5)]);
                const ids = [...first, ...second].map((e) => e.id);
                expect(new Set(ids).size).to.equal(5);
                expectIncreasing(ids);
            });

            it('an empty append appends nothing', async () => {
                expect(await store.append(INBOX, [], ROOMY)).to.deep.include({ accepted: [], duplicates: 0 });
            });

            it('drops an event whose key an earlier append claimed', async () => {
                await accepted([event('c1', 1, 'k1')]);
                const result = await store.append(INBOX, [event('c1', 2, 'k1'), event('c1', 3, 'k2')], ROOMY);
                expect(result.accepted!.map((e) => e.payload)).to.deep.equal([3]);
                expect(result.duplicates).to.equal(1);
                expect(await store.stats(INBOX)).to.include({ pending: 2 });
            });

            it('drops a key repeated within one call, keeping the first', async () => {
                const result = await store.append(INBOX, [event('c1', 'first', 'k1'), event('c2', 'again', 'k1'), event('c1', 'other', 'k2')], ROOMY);
                expect(result.accepted!.map((e) => e.payload)).to.deep.equal(['first', 'other']);
                expect(result.duplicates).to.equal(1);
            });

            it('never takes events without a key for duplicates', async () => {
                expect(await accepted([event('c1', 'same'), event('c1', 'same')])).to.have.length(2);
                expect(await accepted([event('c1', 'same')])).to.have.length(1);
            });

            it('remembers a key after its event is done, within the TTL', async () => {
                const [first] = await accepted([event('c1', 1, 'k1')]);
                expect(await store.next(INBOX, 'A', 'c1', LONG)).to.deep.include({ id: first.id });
                expect(await store.complete(INBOX, 'A', first, {})).to.equal(true);
                expect(await store.append(INBOX, [event('c1', 2, 'k1')], ROOMY)).to.deep.include({ accepted: [], duplicates: 1 });
            });

            it('forgets a key once its TTL passed', async () => {
                const shortTtl = { ...ROOMY, deduplicationTtlMs: SHORT };
                await accepted([event('c1', 1, 'k1')], shortTtl);
                expect(await store.append(INBOX, [event('c1', 2, 'k1')], shortTtl)).to.deep.include({ duplicates: 1 });
                await sleep(PAST_SHORT);
                expect((await accepted([event('c1', 3, 'k1')], shortTtl)).map((e) => e.payload)).to.deep.equal([3]);
            });

            it('refuses an append that would pass maxTotal: nothing stored, no key claimed', async () => {
                const limits = { ...ROOMY, maxTotal: 3 };
                await accepted([event('c1', 1), event('c2', 2)], limits);
                const result = await store.append(INBOX, [event('c3', 3, 'k3'), event('c4', 4, 'k4')], limits);
                expect(result.accepted).to.equal(undefined);
                expect(result.refused).to.deep.equal({ limit: 'total', waiting: 2, adding: 2, max: 3 });
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 2, conversations: 2, deadLettered: 0 });
                expect((await store.lease(INBOX, 'A', 10, LONG)).map((e) => e.payload)).to.have.members([1, 2]);
                // The refused keys were not claimed: with room, the same events are accepted.
                expect((await accepted([event('c3', 3, 'k3')], limits)).map((e) => e.payload)).to.deep.equal([3]);
            });

            it('refuses an append that would pass maxPerConversation, for all of its events', async () => {
                const limits = { ...ROOMY, maxPerConversation: 2 };
                await accepted([event('c1', 1)], limits);
                const result = await store.append(INBOX, [event('c2', 2, 'k2'), event('c1', 3, 'k3'), event('c1', 4, 'k4')], limits);
                expect(result.refused).to.deep.equal({ limit: 'perConversation', conversationId: 'c1', waiting: 1, adding: 2, max: 2 });
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 1, conversations: 1, deadLettered: 0 });
                expect(await store.next(INBOX, 'A', 'c2', LONG)).to.equal(undefined);
                expect(await accepted([event('c2', 2, 'k2'), event('c1', 3, 'k3')], limits)).to.have.length(2);
            });

            it('counts a running event toward the limits until it is done', async () => {
                const limits = { ...ROOMY, maxPerConversation: 1, maxTotal: 1 };
                await accepted([event('c1', 1)], limits);
                const [running] = await store.lease(INBOX, 'A', 1, LONG);
                expect((await store.append(INBOX, [event('c1', 2)], limits)).refused).to.deep.include({ waiting: 1, adding: 1, max: 1 });
                expect(await store.complete(INBOX, 'A', running, {})).to.equal(true);
                expect(await accepted([event('c1', 2)], limits)).to.have.length(1);
            });

            it('does not count duplicates toward the limits (they add nothing)', async () => {
                const limits = { ...ROOMY, maxTotal: 1 };
                await accepted([event('c1', 1, 'k1')], limits);
                expect(await store.append(INBOX, [event('c1', 1, 'k1')], limits)).to.deep.include({ accepted: [], duplicates: 1 });
            });

            it('gives payloads back as parsed JSON, never the caller’s object', async () => {
                const payload = {
                    text: 'héllo 👋 "quoted" \\ \n',
                    n: 1.5,
                    list: [1, 'two', null, { deep: true }],
                    nested: { a: { b: { c: 'd' } } },
                    flag: false,
                    nothing: null,
                    when: new Date(0),
                };
                const json = JSON.parse(JSON.stringify(payload));
                const [appended] = await accepted([event('c1', payload)]);
                payload.text = 'changed by the caller';
                payload.list.push('more');
                expect(appended.payload).to.deep.equal(json);
                const [leased] = await store.lease(INBOX, 'A', 1, LONG);
                expect(leased.payload).to.deep.equal(json);
                (leased.payload as { n: number }).n = 99;
                expect((await store.next(INBOX, 'A', 'c1', LONG))!.payload).to.deep.equal(json);
            });
        });

        describe('order and leases', () => {
            it('lease hands out the head of each free conversation, oldest conversations first, up to max', async () => {
                const [e1, e2, , e4] = await accepted([event('c1', 1), event('c2', 2), event('c1', 3), event('c3', 4)]);
                expect((await store.lease(INBOX, 'A', 2, LONG)).map(summary)).to.deep.equal([summary(e1), summary(e2)]);
                // c1's second event waits behind its running head; A's own leases are not handed out twice.
                expect((await store.lease(INBOX, 'A', 10, LONG)).map(summary)).to.deep.equal([summary(e4)]);
                expect(await store.lease(INBOX, 'B', 10, LONG)).to.deep.equal([]);
            });

            it('hands a conversation’s events out one at a time, oldest first', async () => {
                await accepted([event('c1', 0), event('c1', 1), event('c1', 2)]);
                const seen: unknown[] = [];
                let head = await store.next(INBOX, 'A', 'c1', LONG);
                // Until it is done, the head is the one handed out.
                expect(summary(await store.next(INBOX, 'A', 'c1', LONG))).to.deep.equal(summary(head));
                while (head) {
                    seen.push(head.payload);
                    if (head.payload === 1) await accepted([event('c1', 3)]);
                    expect(await store.complete(INBOX, 'A', head, {})).to.equal(true);
                    head = await store.next(INBOX, 'A', 'c1', LONG);
                }
                expect(seen).to.deep.equal([0, 1, 2, 3]);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
            });

            it('only the lease holder is handed a conversation’s events', async () => {
                await accepted([event('c1', 1), event('c1', 2)]);
                const [head] = await store.lease(INBOX, 'A', 1, LONG);
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.equal(undefined);
                expect(await store.lease(INBOX, 'B', 10, LONG)).to.deep.equal([]);
                expect(await store.complete(INBOX, 'A', head, {})).to.equal(true);
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.equal(undefined);
                expect((await store.next(INBOX, 'A', 'c1', LONG))!.payload).to.equal(2);
            });

            it('next takes the lease of a free conversation', async () => {
                const [e1] = await accepted([event('c1', 1)]);
                expect(summary(await store.next(INBOX, 'A', 'c1', LONG))).to.deep.equal(summary(e1));
                expect(await store.lease(INBOX, 'B', 10, LONG)).to.deep.equal([]);
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.equal(undefined);
                expect(await store.next(INBOX, 'A', 'unknown', LONG)).to.equal(undefined);
            });

            it('next hands out an event appended just before it, and releases the lease when nothing is left', async () => {
                await accepted([event('c1', 1)]);
                const [first] = await store.lease(INBOX, 'A', 1, LONG);
                expect(await store.complete(INBOX, 'A', first, {})).to.equal(true);
                await accepted([event('c1', 2)]);
                const second = await store.next(INBOX, 'A', 'c1', LONG);
                expect(second!.payload).to.equal(2);
                expect(await store.complete(INBOX, 'A', second!, {})).to.equal(true);
                expect(await store.next(INBOX, 'A', 'c1', LONG)).to.equal(undefined);
                // A's lease went with that last next(): the next event is anyone's.
                await accepted([event('c1', 3)]);
                expect((await store.lease(INBOX, 'B', 10, LONG)).map((e) => e.payload)).to.deep.equal([3]);
            });

            it('once a lease expires, another owner takes the conversation and is handed the same event again, one attempt more', async () => {
                const [e1] = await accepted([event('c1', 1, 'k1'), event('c1', 2)]);
                expect((await store.lease(INBOX, 'A', 10, SHORT)).map((e) => e.id)).to.deep.equal([e1.id]);
                expect(await store.lease(INBOX, 'B', 10, LONG)).to.deep.equal([]);
                await sleep(PAST_SHORT);
                const [again] = await store.lease(INBOX, 'B', 10, LONG);
                // Same id and payload; the run that never finished counts (a poison event is bounded by maxAttempts).
                expect(summary(again)).to.deep.equal({ ...summary(e1), attempts: 1, lastError: TAKEOVER_ERROR });
                expect(again.deduplicationKey).to.equal('k1');
                expect(await store.complete(INBOX, 'A', e1, {})).to.equal(false);
                expect(await store.next(INBOX, 'A', 'c1', LONG)).to.equal(undefined);
                expect(await store.stats(INBOX)).to.include({ pending: 2 });
                expect(await store.complete(INBOX, 'B', again, {})).to.equal(true);
                expect((await store.next(INBOX, 'B', 'c1', LONG))!.payload).to.equal(2);
            });

            it('counts a takeover of an event handed out by next() after a completion', async () => {
                const [e1] = await accepted([event('c1', 1), event('c1', 2)]);
                await store.lease(INBOX, 'A', 1, SHORT);
                expect(await store.complete(INBOX, 'A', e1, {})).to.equal(true);
                expect((await store.next(INBOX, 'A', 'c1', SHORT))!.attempts).to.equal(0);
                await sleep(PAST_SHORT);
                const [taken] = await store.lease(INBOX, 'B', 1, LONG);
                expect([taken.payload, taken.attempts]).to.deep.equal([2, 1]);
            });

            it('counts a takeover through next() too, but not a release or a retry', async () => {
                const [e1] = await accepted([event('c1', 1)]);
                await store.lease(INBOX, 'A', 1, SHORT);
                await sleep(PAST_SHORT);
                expect((await store.next(INBOX, 'B', 'c1', SHORT))!.attempts).to.equal(1);
                await store.release(INBOX, 'B');
                expect((await store.next(INBOX, 'A', 'c1', LONG))!.attempts).to.equal(1);
                expect(await store.retry(INBOX, 'A', { ...e1, attempts: 1 }, Date.now(), 'failed')).to.equal(true);
                const [retried] = await store.lease(INBOX, 'B', 1, LONG);
                expect([retried.attempts, retried.lastError]).to.deep.equal([2, 'failed']);
            });

            it('renew keeps a lease past its first end', async () => {
                await accepted([event('c1', 1)]);
                const [head] = await store.lease(INBOX, 'A', 1, SHORT);
                expect(await store.renew(INBOX, 'A', ['c1'], LONG)).to.deep.equal([]);
                await sleep(PAST_SHORT);
                expect(await store.lease(INBOX, 'B', 10, LONG)).to.deep.equal([]);
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.equal(undefined);
                expect(await store.complete(INBOX, 'A', head, {})).to.equal(true);
            });

            it('renew reports the conversations whose lease the owner no longer holds', async () => {
                await accepted([event('c1', 1)]);
                expect(await store.lease(INBOX, 'A', 1, SHORT)).to.have.length(1);
                await accepted([event('c2', 2), event('c3', 3)]);
                expect((await store.lease(INBOX, 'A', 1, LONG)).map((e) => e.conversationId)).to.deep.equal(['c2']);
                await sleep(PAST_SHORT);
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.not.equal(undefined);
                expect(await store.renew(INBOX, 'A', ['c1', 'c2', 'c3', 'nowhere'], LONG)).to.deep.equal(['c1', 'c3', 'nowhere']);
                await store.release(INBOX, 'A', ['c2']);
                expect(await store.renew(INBOX, 'A', ['c2'], LONG)).to.deep.equal(['c2']);
                expect(await store.renew(INBOX, 'B', ['c1'], LONG)).to.deep.equal([]);
            });

            it('release with no ids releases all of the owner’s leases, with ids only those, and never another owner’s', async () => {
                await accepted([event('c1', 1), event('c2', 2), event('c3', 3)]);
                expect(await store.lease(INBOX, 'A', 3, LONG)).to.have.length(3);
                await store.release(INBOX, 'A', ['c1']);
                expect((await store.lease(INBOX, 'B', 10, LONG)).map((e) => e.conversationId)).to.deep.equal(['c1']);
                await store.release(INBOX, 'A', ['c1']); // B's now: not A's to release
                expect(await store.lease(INBOX, 'C', 10, LONG)).to.deep.equal([]);
                await store.release(INBOX, 'A');
                expect((await store.lease(INBOX, 'C', 10, LONG)).map((e) => e.conversationId)).to.have.members(['c2', 'c3']);
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.not.equal(undefined);
            });
        });

        describe('retry', () => {
            it('waits until dueAt, holding back the conversation’s later events but not other conversations', async () => {
                const [e1, , e3] = await accepted([event('c1', 1), event('c1', 2), event('c2', 3)]);
                const heads = await store.lease(INBOX, 'A', 10, LONG);
                expect(heads.map((e) => e.id)).to.deep.equal([e1.id, e3.id]);
                expect(await store.retry(INBOX, 'A', heads[0], Date.now() + LONG, 'vendor 503')).to.equal(true);
                expect(await store.next(INBOX, 'A', 'c1', LONG)).to.equal(undefined);
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.equal(undefined);
                expect(await store.lease(INBOX, 'B', 10, LONG)).to.deep.equal([]);
                expect(await store.complete(INBOX, 'A', heads[1], {})).to.equal(true);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 2, conversations: 1, deadLettered: 0 });
            });

            it('hands the event out again at dueAt, to anyone, with attempts + 1 and lastError, before later events', async () => {
                await accepted([event('c1', 1), event('c1', 2)]);
                const [first] = await store.lease(INBOX, 'A', 1, LONG);
                expect(await store.retry(INBOX, 'A', first, Date.now() + SHORT, 'timeout')).to.equal(true);
                expect(await store.lease(INBOX, 'B', 10, LONG)).to.deep.equal([]);
                await sleep(PAST_SHORT);
                // B takes it although A's lease had a minute to run: retry released it.
                const [again] = await store.lease(INBOX, 'B', 10, LONG);
                expect(summary(again)).to.deep.equal({ ...summary(first), attempts: 1, lastError: 'timeout' });
                expect(await store.retry(INBOX, 'B', again, Date.now() - 1, 'vendor 500')).to.equal(true);
                const third = await store.next(INBOX, 'B', 'c1', LONG);
                expect(summary(third)).to.deep.equal({ ...summary(first), attempts: 2, lastError: 'vendor 500' });
                expect(await store.complete(INBOX, 'B', third!, {})).to.equal(true);
                const later = await store.next(INBOX, 'B', 'c1', LONG);
                expect(later).to.deep.include({ payload: 2, attempts: 0 });
                expect(later!.lastError).to.equal(undefined);
            });

            it('keeps the event’s send records for the re-run', async () => {
                await accepted([event('c1', 1)]);
                const [head] = await store.lease(INBOX, 'A', 1, LONG);
                expect(await store.recordSend(INBOX, 'A', head, 0, sendRecord(0))).to.equal(true);
                expect(await store.retry(INBOX, 'A', head, Date.now() - 1, 'failed after the first send')).to.equal(true);
                expect(await store.sends(INBOX, head.id)).to.deep.equal([sendRecord(0)]);
            });
        });

        describe('deadLetter', () => {
            it('removes the event from the pending ones, keeps the lease, and lists dead letters newest first', async () => {
                const [e1, e2, e3] = await accepted([event('c1', { n: 1 }, 'k1'), event('c1', { n: 2 }), event('c1', { n: 3 })]);
                const [first] = await store.lease(INBOX, 'A', 1, LONG);
                expect(await store.retry(INBOX, 'A', first, Date.now() - 1, 'vendor 500')).to.equal(true);
                const before = Date.now();
                const retried = await store.next(INBOX, 'A', 'c1', LONG);
                expect(await store.deadLetter(INBOX, 'A', retried!, 'ActivityMappingError: bad card')).to.equal(true);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 2, conversations: 1, deadLettered: 1 });
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.equal(undefined);
                const second = await store.next(INBOX, 'A', 'c1', LONG);
                expect(second!.id).to.equal(e2.id);
                expect(await store.deadLetter(INBOX, 'A', second!, 'permanent 2')).to.equal(true);
                const after = Date.now();
                expect((await store.next(INBOX, 'A', 'c1', LONG))!.id).to.equal(e3.id);

                const letters = await store.deadLetters(INBOX, 10);
                expect(letters.map((l) => [summary(l.event), l.error])).to.deep.equal([
                    [summary(e2), 'permanent 2'],
                    [{ ...summary(e1), attempts: 1, lastError: 'vendor 500' }, 'ActivityMappingError: bad card'],
                ]);
                expect(letters[1].event.deduplicationKey).to.equal('k1');
                for (const letter of letters) expect(letter.at).to.be.within(before, after);
                expect((await store.deadLetters(INBOX, 1)).map((l) => l.error)).to.deep.equal(['permanent 2']);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 1, conversations: 1, deadLettered: 2 });
            });
        });

        describe('complete and send records', () => {
            it('complete removes the event, writes the items unconditionally, forgets the sends, and keeps the lease', async () => {
                const [e1] = await accepted([event('c1', 1), event('c1', 2)]);
                await store.storage.write({ 'records/c1': { v: 1 } });
                const { eTag: oldTag } = (await store.storage.read(['records/c1']))['records/c1'];
                const [head] = await store.lease(INBOX, 'A', 1, LONG);
                expect(await store.recordSend(INBOX, 'A', head, 0, sendRecord(0))).to.equal(true);
                expect(await store.recordSend(INBOX, 'A', head, 1, sendRecord(1))).to.equal(true);
                const writes = { 'records/c1': { v: 2, eTag: 'stale' }, 'records/new': { w: [true] } };
                expect(await store.complete(INBOX, 'A', head, writes)).to.equal(true);

                const items = await store.storage.read(['records/c1', 'records/new']);
                expect(items['records/c1']).to.include({ v: 2 });
                expect(items['records/c1'].eTag).to.be.a('string').and.not.equal(oldTag).and.not.equal('stale');
                expect(items['records/new']).to.deep.include({ w: [true] });
                expect(await store.sends(INBOX, e1.id)).to.deep.equal([]);
                expect(await store.stats(INBOX)).to.include({ pending: 1 });
                expect(await store.next(INBOX, 'B', 'c1', LONG)).to.equal(undefined);
                expect((await store.next(INBOX, 'A', 'c1', LONG))!.payload).to.equal(2);
            });

            it('recordSend and sends keep the sends of an event in order', async () => {
                const [e1, e2] = await accepted([event('c1', 1), event('c2', 2)]);
                const [head] = await store.lease(INBOX, 'A', 1, LONG);
                expect(await store.sends(INBOX, head.id)).to.deep.equal([]);
                for (const i of [0, 1, 2]) expect(await store.recordSend(INBOX, 'A', head, i, sendRecord(i))).to.equal(true);
                expect(await store.sends(INBOX, e1.id)).to.deep.equal([sendRecord(0), sendRecord(1), sendRecord(2)]);
                expect(await store.sends(INBOX, e2.id)).to.deep.equal([]);
            });

            it('complete, retry, deadLetter and recordSend change nothing and resolve false once another owner took the lease', async () => {
                await accepted([event('c1', 1)]);
                const [head] = await store.lease(INBOX, 'A', 1, SHORT);
                expect(await store.recordSend(INBOX, 'A', head, 0, sendRecord(0))).to.equal(true);
                await sleep(PAST_SHORT);
                const taken = await store.next(INBOX, 'B', 'c1', LONG);
                expect(taken!.id).to.equal(head.id);

                expect(await store.complete(INBOX, 'A', head, { 'records/c1': { by: 'A' } })).to.equal(false);
                expect(await store.retry(INBOX, 'A', head, Date.now() + LONG, 'late')).to.equal(false);
                expect(await store.deadLetter(INBOX, 'A', head, 'late')).to.equal(false);
                expect(await store.recordSend(INBOX, 'A', head, 1, sendRecord(1))).to.equal(false);
                expect(await store.complete(INBOX, 'C', head, {})).to.equal(false);

                expect(await store.storage.read(['records/c1'])).to.deep.equal({});
                expect(await store.sends(INBOX, head.id)).to.deep.equal([sendRecord(0)]);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 1, conversations: 1, deadLettered: 0 });
                expect(await store.deadLetters(INBOX, 10)).to.deep.equal([]);
                // The takeover counted one attempt; B asking again while it holds the lease counts none.
                expect(summary(await store.next(INBOX, 'B', 'c1', LONG))).to.deep.equal({ ...summary(head), attempts: 1, lastError: TAKEOVER_ERROR });
                expect(await store.complete(INBOX, 'B', taken!, { 'records/c1': { by: 'B' } })).to.equal(true);
                expect((await store.storage.read(['records/c1']))['records/c1']).to.include({ by: 'B' });
            });
        });

        describe('stats, ping, close', () => {
            it('stats counts pending events, conversations with events, and dead letters', async () => {
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
                await accepted([event('c1', 1), event('c1', 2), event('c2', 3)]);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 3, conversations: 2, deadLettered: 0 });
                const [c1, c2] = await store.lease(INBOX, 'A', 10, LONG);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 3, conversations: 2, deadLettered: 0 });
                expect(await store.deadLetter(INBOX, 'A', c2, 'bad')).to.equal(true);
                expect(await store.complete(INBOX, 'A', c1, {})).to.equal(true);
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 1, conversations: 1, deadLettered: 1 });
                const last = await store.next(INBOX, 'A', 'c1', LONG);
                expect(await store.complete(INBOX, 'A', last!, {})).to.equal(true);
                // A still holds c1's lease (until its next()), but c1 has no event waiting or running.
                expect(await store.stats(INBOX)).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 1 });
            });

            it('ping resolves true while the store is open', async () => {
                expect(await store.ping()).to.equal(true);
            });

            it('after close, the store is unusable: calls reject and ping resolves false', async () => {
                await store.close();
                expect(await rejection(store.append(INBOX, [event('c1', 1)], ROOMY))).to.be.instanceOf(Error);
                expect(await store.ping()).to.equal(false);
            });
        });

        describe('storage', () => {
            it('read returns the items found, each with an eTag, and omits missing keys', async () => {
                await store.storage.write({ a: { n: 1, nested: { list: [1, 2] } }, b: { n: 2 } });
                const items = await store.storage.read(['a', 'missing']);
                expect(Object.keys(items)).to.deep.equal(['a']);
                expect(items.a).to.deep.include({ n: 1, nested: { list: [1, 2] } });
                expect(items.a.eTag).to.be.a('string').and.not.equal('');
                expect(await store.storage.read([])).to.deep.equal({});
            });

            it('a write with the current eTag succeeds and changes the eTag; with an old one it throws an eTag conflict', async () => {
                await store.storage.write({ a: { n: 1 } });
                const first = (await store.storage.read(['a'])).a;
                await store.storage.write({ a: { ...first, n: 2 } });
                const second = (await store.storage.read(['a'])).a;
                expect(second.n).to.equal(2);
                expect(second.eTag).to.be.a('string').and.not.equal(first.eTag);
                const conflict = await rejection(store.storage.write({ a: { ...first, n: 3 } }));
                expect(conflict.message).to.match(/etag/i);
                expect((await store.storage.read(['a'])).a).to.deep.equal(second);
            });

            it("an item with eTag '*' or without an eTag is written unconditionally", async () => {
                await store.storage.write({ a: { n: 1 } });
                await store.storage.write({ a: { n: 2, eTag: '*' } });
                expect((await store.storage.read(['a'])).a.n).to.equal(2);
                await store.storage.write({ a: { n: 3 } });
                expect((await store.storage.read(['a'])).a.n).to.equal(3);
            });

            it('delete removes items; deleting a missing key is no error', async () => {
                await store.storage.write({ a: { n: 1 }, b: { n: 2 } });
                await store.storage.delete(['a', 'missing']);
                expect(Object.keys(await store.storage.read(['a', 'b']))).to.deep.equal(['b']);
            });

            it('read hands out copies: changing them changes nothing stored', async () => {
                const written = { n: 1, list: [1] };
                await store.storage.write({ a: written });
                written.list.push(2);
                const read = (await store.storage.read(['a'])).a;
                expect(read.list).to.deep.equal([1]);
                read.list.push(3);
                expect((await store.storage.read(['a'])).a.list).to.deep.equal([1]);
            });
        });

        describe('inboxes', () => {
            it('two inboxes in one store are independent: keys, limits, leases, sends, stats and dead letters', async () => {
                const one = { ...ROOMY, maxTotal: 1 };
                const [inA] = await accepted([event('c1', 'to 8x8', 'k')], one, '8x8');
                const [inB] = await accepted([event('c1', 'to liveperson', 'k')], one, 'liveperson');
                expect((await store.lease('8x8', 'A', 10, LONG)).map((e) => e.payload)).to.deep.equal(['to 8x8']);
                expect((await store.lease('liveperson', 'B', 10, LONG)).map((e) => e.payload)).to.deep.equal(['to liveperson']);
                expect(await store.recordSend('8x8', 'A', inA, 0, sendRecord(0))).to.equal(true);
                expect(await store.sends('liveperson', inA.id)).to.deep.equal([]);
                expect(await store.complete('liveperson', 'A', inB, {})).to.equal(false);
                expect(await store.deadLetter('liveperson', 'B', inB, 'bad')).to.equal(true);
                await store.release('8x8', 'B');
                expect(await store.next('8x8', 'B', 'c1', LONG)).to.equal(undefined);
                expect(await store.stats('8x8')).to.deep.equal({ pending: 1, conversations: 1, deadLettered: 0 });
                expect(await store.stats('liveperson')).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 1 });
                expect(await store.deadLetters('8x8', 10)).to.deep.equal([]);
                expect(await store.sends('8x8', inA.id)).to.deep.equal([sendRecord(0)]);
            });
        });
    });
}
