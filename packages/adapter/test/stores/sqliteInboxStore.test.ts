import { expect } from 'chai';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigurationError } from '../../src/core/errors';
import type { InboxEvent } from '../../src/core/inboxStore';
import { SqliteInboxStore, type SqliteInboxStoreOptions } from '../../src/stores/sqliteInboxStore';
import { describeInboxStoreConformance } from './conformance';

const PACKAGE_DIR = path.resolve(__dirname, '../..');
const WORKER = path.join(__dirname, 'fixtures', 'sqliteWorker.ts');
const INBOX = '8x8';
const ROOMY = { deduplicationTtlMs: 60_000, maxPerConversation: 100, maxTotal: 1000 };
const LONG = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh folder under the OS temp folder (each test removes its own). */
function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-inbox-'));
}

describeInboxStoreConformance('SqliteInboxStore', async () => {
    const dir = tempDir();
    const store = new SqliteInboxStore({ path: path.join(dir, 'inbox.sqlite') });
    return {
        store,
        cleanup: async () => {
            await store.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
});

/** Polls `condition` every 10 ms; rejects after `timeoutMs`. */
async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
        await sleep(10);
    }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    return expect.fail('expected the call to reject') as never;
}

describe('SqliteInboxStore', () => {
    let dir: string;
    let file: string;
    const opened: SqliteInboxStore[] = [];
    const open = (options: Partial<SqliteInboxStoreOptions> = {}) => {
        const store = new SqliteInboxStore({ path: file, ...options });
        opened.push(store);
        return store;
    };

    beforeEach(() => {
        dir = tempDir();
        file = path.join(dir, 'nested', 'folder', 'inbox.sqlite');
    });
    afterEach(async () => {
        for (const store of opened.splice(0)) await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    describe('opening', () => {
        it('creates the folder and a WAL file, and keeps what it holds across a close and reopen', async () => {
            const store = open();
            const [appended] = (await store.append(INBOX, [{ conversationId: 'c1', deduplicationKey: 'k1', payload: { n: 1 } }], ROOMY)).accepted!;
            await store.storage.write({ a: { n: 1 } });
            await store.close();
            const raw = new Database(file, { readonly: true });
            expect(raw.pragma('journal_mode', { simple: true })).to.equal('wal');
            raw.close();

            const again = open();
            expect(await again.append(INBOX, [{ conversationId: 'c1', deduplicationKey: 'k1', payload: {} }], ROOMY)).to.deep.include({ duplicates: 1 });
            const [leased] = await again.lease(INBOX, 'A', 10, LONG);
            expect(leased).to.deep.include({ id: appended.id, payload: { n: 1 }, deduplicationKey: 'k1' });
            expect((await again.storage.read(['a'])).a).to.include({ n: 1 });
        });

        it('refuses bad options with a ConfigurationError naming the option', () => {
            const attempts: [unknown, RegExp][] = [
                [undefined, /SqliteInboxStore: options are required/],
                [{}, /option "path" must be a non-empty string/],
                [{ path: file, synchronous: 'OFF' }, /option "synchronous" must be 'NORMAL' or 'FULL'/],
                [{ path: file, storageTtlMs: 0 }, /option "storageTtlMs" must be a positive integer/],
                [{ path: file, deadLetterTtlMs: 1.5 }, /option "deadLetterTtlMs" must be a positive integer/],
            ];
            for (const [options, message] of attempts) {
                expect(() => new SqliteInboxStore(options as never)).to.throw(ConfigurationError, message);
            }
            expect(fs.existsSync(file)).to.equal(false);
        });

        it("applies synchronous: 'FULL'", async () => {
            const store = open({ synchronous: 'FULL' });
            expect(await store.ping()).to.equal(true);
            // The setting is per connection; 2 is FULL (https://www.sqlite.org/pragma.html#pragma_synchronous).
            expect((store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).to.equal(2);
        });

        it('loads better-sqlite3 only when a store is created, not when the library is imported', async function () {
            this.timeout(30_000);
            const script = `
                const loaded = () => Object.keys(require.cache).some((name) => name.includes('better-sqlite3'));
                require('./src/index');
                const { SqliteInboxStore } = require('./src/stores/sqliteInboxStore');
                const before = loaded();
                new SqliteInboxStore({ path: ':memory:' }).close();
                console.log(JSON.stringify({ before, after: loaded() }));`;
            const output = await new Promise<string>((resolve, reject) => {
                const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: PACKAGE_DIR });
                let out = '';
                let err = '';
                child.stdout.on('data', (chunk) => (out += chunk));
                child.stderr.on('data', (chunk) => (err += chunk));
                child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
            });
            expect(JSON.parse(output.trim().split('\n').pop()!)).to.deep.equal({ before: false, after: true });
        });
    });

    describe('misuse and failures', () => {
        it('after close, every method rejects naming itself; close again is harmless', async () => {
            const store = open();
            const [event] = (await store.append(INBOX, [{ conversationId: 'c1', payload: 1 }], ROOMY)).accepted!;
            await store.close();
            await store.close();
            const calls: [string, () => Promise<unknown>][] = [
                ['append', () => store.append(INBOX, [], ROOMY)],
                ['lease', () => store.lease(INBOX, 'A', 1, LONG)],
                ['next', () => store.next(INBOX, 'A', 'c1', LONG)],
                ['renew', () => store.renew(INBOX, 'A', ['c1'], LONG)],
                ['complete', () => store.complete(INBOX, 'A', event, {})],
                ['retry', () => store.retry(INBOX, 'A', event, 0, 'x')],
                ['deadLetter', () => store.deadLetter(INBOX, 'A', event, 'x')],
                ['sends', () => store.sends(INBOX, event.id)],
                ['recordSend', () => store.recordSend(INBOX, 'A', event, 0, { response: { id: '' }, records: {} })],
                ['release', () => store.release(INBOX, 'A')],
                ['stats', () => store.stats(INBOX)],
                ['deadLetters', () => store.deadLetters(INBOX, 1)],
                ['storage.read', () => store.storage.read(['a'])],
                ['storage.write', () => store.storage.write({ a: {} })],
                ['storage.delete', () => store.storage.delete(['a'])],
            ];
            for (const [method, call] of calls) {
                expect((await rejection(call())).message).to.equal(`SqliteInboxStore.${method}(): the store is closed.`);
            }
            expect(await store.ping()).to.equal(false);
        });

        it('rejects bad arguments with a TypeError naming the method and the argument, storing nothing', async () => {
            const store = open();
            const bad: [() => Promise<unknown>, string][] = [
                [() => store.append('', [], ROOMY), 'SqliteInboxStore.append(): inbox must be a non-empty string.'],
                [() => store.append(INBOX, {} as never, ROOMY), 'SqliteInboxStore.append(): events must be an array.'],
                [
                    () => store.append(INBOX, [{ conversationId: 'c1', payload: 1 }, { payload: 2 } as never], ROOMY),
                    'SqliteInboxStore.append(): events[1].conversationId must be a non-empty string.',
                ],
                [
                    () => store.append(INBOX, [{ conversationId: 'c1', payload: 10n }], ROOMY),
                    'SqliteInboxStore.append(): events[0].payload must be JSON-serialisable',
                ],
                [() => store.append(INBOX, [], { ...ROOMY, maxTotal: 0 }), 'SqliteInboxStore.append(): options.maxTotal must be an integer of at least 1.'],
                [() => store.lease(INBOX, 'A', 0, LONG), 'SqliteInboxStore.lease(): max must be an integer of at least 1.'],
                [() => store.next(INBOX, 'A', 'c1', -1), 'SqliteInboxStore.next(): leaseMs must be a positive number.'],
                [() => store.renew(INBOX, 'A', 'c1' as never, LONG), 'SqliteInboxStore.renew(): conversationIds must be an array of strings.'],
                [() => store.complete(INBOX, 'A', {} as never, {}), 'SqliteInboxStore.complete(): event must be an event the store handed out'],
                [
                    () => store.retry(INBOX, 'A', { id: '1', conversationId: 'c1' } as never, NaN, 'x'),
                    'SqliteInboxStore.retry(): dueAt must be a finite number.',
                ],
                [
                    () => store.recordSend(INBOX, 'A', { id: '1', conversationId: 'c1' } as never, -1, {} as never),
                    'SqliteInboxStore.recordSend(): index must be an integer of at least 0.',
                ],
                [() => store.deadLetters(INBOX, 1.5), 'SqliteInboxStore.deadLetters(): limit must be an integer of at least 0.'],
                [() => store.storage.write(null as never), 'SqliteInboxStore.storage.write(): changes must be an object.'],
                [() => store.storage.read('a' as never), 'SqliteInboxStore.storage.read(): keys must be an array of strings.'],
            ];
            for (const [call, message] of bad) {
                const error = await rejection(call());
                expect(error, message).to.be.instanceOf(TypeError);
                expect(error.message).to.contain(message);
            }
            expect(await store.stats(INBOX)).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
        });

        it('a write another process holds longer than busyTimeoutMs rejects with SQLITE_BUSY, and the store goes on afterwards', async () => {
            const store = open({ busyTimeoutMs: 20 });
            await store.storage.write({ a: { n: 1 } });
            const other = new Database(file);
            other.exec('BEGIN IMMEDIATE');
            try {
                const busy = await rejection(store.append(INBOX, [{ conversationId: 'c1', deduplicationKey: 'k1', payload: 1 }], ROOMY));
                expect((busy as Error & { code?: string }).code).to.equal('SQLITE_BUSY');
                expect((await rejection(store.storage.write({ a: { n: 2 } }))).message).to.match(/locked|busy/i);
                // Reads do not wait for a writer in WAL mode.
                expect((await store.storage.read(['a'])).a.n).to.equal(1);
                expect(await store.ping()).to.equal(true);
            } finally {
                other.exec('ROLLBACK');
                other.close();
            }
            expect((await store.append(INBOX, [{ conversationId: 'c1', deduplicationKey: 'k1', payload: 1 }], ROOMY)).accepted).to.have.length(1);
        });

        it('complete is all or nothing: a bad item rolls back the completion', async () => {
            const store = open();
            await store.append(INBOX, [{ conversationId: 'c1', payload: 1 }], ROOMY);
            const [head] = await store.lease(INBOX, 'A', 1, LONG);
            await store.recordSend(INBOX, 'A', head, 0, { response: { id: 's0' }, records: {} });
            const error = await rejection(store.complete(INBOX, 'A', head, { good: { n: 1 }, bad: 5 }));
            expect(error).to.be.instanceOf(TypeError);
            expect(error.message).to.equal("SqliteInboxStore.complete(): the item for key 'bad' must be an object.");
            expect(await store.storage.read(['good'])).to.deep.equal({});
            expect(await store.stats(INBOX)).to.include({ pending: 1 });
            expect(await store.sends(INBOX, head.id)).to.have.length(1);
            expect(await store.complete(INBOX, 'A', head, { good: { n: 1 } })).to.equal(true);
        });

        it('a storage write is all or nothing: on an eTag conflict no item of the call is written', async () => {
            const store = open();
            await store.storage.write({ a: { n: 1 } });
            const error = await rejection(store.storage.write({ b: { n: 1 }, a: { n: 2, eTag: 'old' } }));
            expect(error.message).to.equal("SqliteInboxStore.storage.write(): eTag conflict for key 'a'.");
            expect(Object.keys(await store.storage.read(['a', 'b']))).to.deep.equal(['a']);
        });

        it('recordSend refuses a gap (sends are recorded in order) and a complete() of an event that is not the head', async () => {
            const store = open();
            await store.append(
                INBOX,
                [
                    { conversationId: 'c1', payload: 1 },
                    { conversationId: 'c1', payload: 2 },
                ],
                ROOMY
            );
            const [head] = await store.lease(INBOX, 'A', 1, LONG);
            const gap = await rejection(store.recordSend(INBOX, 'A', head, 1, { response: { id: 's1' }, records: {} }));
            expect(gap).to.be.instanceOf(RangeError);
            expect(gap.message).to.match(/^SqliteInboxStore\.recordSend\(\): send 1 of event \d+ follows send -1/);
            const second: InboxEvent = { ...head, id: String(Number(head.id) + 1) };
            expect(await store.complete(INBOX, 'A', second, {})).to.equal(false);
            expect(await store.complete(INBOX, 'A', { ...head, id: 'not-an-id' }, {})).to.equal(false);
            expect(await store.stats(INBOX)).to.include({ pending: 2 });
        });
    });

    describe('expiry', () => {
        it('never reads an expired storage item, and deletes it on the next purge (at open)', async () => {
            const store = open({ storageTtlMs: 40 });
            await store.storage.write({ old: { n: 1 } });
            const { eTag } = (await store.storage.read(['old'])).old;
            await sleep(70);
            expect(await store.storage.read(['old'])).to.deep.equal({});
            // An expired item has no eTag left to conflict with.
            await store.storage.write({ old: { n: 2, eTag } });
            expect((await store.storage.read(['old'])).old.n).to.equal(2);
            await store.storage.write({ other: { n: 3 } });
            await sleep(70);
            await store.close();

            open({ storageTtlMs: 40 });
            const raw = new Database(file, { readonly: true });
            expect(raw.prepare('SELECT count(*) FROM storage').pluck().get()).to.equal(0);
            raw.close();
        });

        it('drops dead letters after deadLetterTtlMs', async () => {
            const store = open({ deadLetterTtlMs: 40 });
            await store.append(INBOX, [{ conversationId: 'c1', payload: 1 }], ROOMY);
            const [head] = await store.lease(INBOX, 'A', 1, LONG);
            expect(await store.deadLetter(INBOX, 'A', head, 'bad')).to.equal(true);
            expect(await store.deadLetters(INBOX, 10)).to.have.length(1);
            await sleep(70);
            expect(await store.deadLetters(INBOX, 10)).to.deep.equal([]);
            expect(await store.stats(INBOX)).to.include({ deadLettered: 0 });
        });
    });

    describe('processes (real SIGKILL)', function () {
        this.timeout(60_000);
        const workers: Worker[] = [];
        const start = (...args: string[]) => {
            const worker = startWorker(args);
            workers.push(worker);
            return worker;
        };
        afterEach(async () => {
            for (const worker of workers.splice(0)) await worker.kill();
        });

        it('a process killed with SIGKILL loses nothing committed: pending events in order, keys, items and sends', async () => {
            const worker = start('crash', file, 'worker', '1000');
            await worker.waitFor((lines) => lines.includes('ready'), 'ready');
            const killedAt = Date.now();
            await worker.kill();
            const completed = worker.lines.filter((line) => line.startsWith('completed ')).map((line) => line.split(' ')[1]);
            expect(completed).to.have.length(12);

            const store = open();
            expect(await store.stats(INBOX)).to.deep.equal({ pending: 18, conversations: 3, deadLettered: 0 });
            const keys = ['c0', 'c1', 'c2'].flatMap((c) =>
                Array.from({ length: 10 }, (_, seq) => ({ conversationId: c, deduplicationKey: `${c}-${seq}`, payload: 'again' }))
            );
            expect(await store.append(INBOX, keys, ROOMY)).to.deep.include({ accepted: [], duplicates: 30 });
            const items = await store.storage.read(completed.map((id) => `done/${id}`));
            expect(Object.keys(items)).to.have.length(12);

            // c1 and c2 were released; c0's lease runs until the dead worker's lease ends.
            const heads = await store.lease(INBOX, 'P', 10, LONG);
            expect(heads.map((e) => [e.conversationId, e.payload])).to.deep.equal([
                ['c1', { seq: 4 }],
                ['c2', { seq: 4 }],
            ]);
            await sleep(Math.max(0, killedAt + 1050 - Date.now()));
            const [inFlight] = await store.lease(INBOX, 'P', 10, LONG);
            // The run the kill cut short counts as an attempt (so an event that kills every process is bounded).
            expect(inFlight).to.deep.include({ conversationId: 'c0', payload: { seq: 4 }, attempts: 1 });
            expect(await store.sends(INBOX, inFlight.id)).to.deep.equal([{ response: { id: 'sent-before-the-crash' }, records: {} }]);

            const order: Record<string, number[]> = {};
            for (const head of [...heads, inFlight]) {
                for (let event: InboxEvent | undefined = head; event; event = await store.next(INBOX, 'P', event.conversationId, LONG)) {
                    (order[event.conversationId] ??= []).push((event.payload as { seq: number }).seq);
                    expect(await store.complete(INBOX, 'P', event, {})).to.equal(true);
                }
            }
            expect(order).to.deep.equal({ c0: [4, 5, 6, 7, 8, 9], c1: [4, 5, 6, 7, 8, 9], c2: [4, 5, 6, 7, 8, 9] });
            expect(await store.stats(INBOX)).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
        });

        it('SIGKILLs in the middle of appends and completions leave each of them whole or absent', async () => {
            const appended: string[] = [];
            const completed: number[] = [];
            // Three workers in turn on one file, each killed at a moment unrelated to what it prints.
            for (const round of ['r0', 'r1', 'r2']) {
                const worker = start('churn', file, round, '200');
                await worker.waitFor((lines) => lines.includes('appended 20'), 'appended 20');
                await sleep(Math.random() * 30);
                await worker.kill();
                for (const line of worker.lines) {
                    const [what, n] = line.split(' ');
                    if (what === 'appended') appended.push(`${round}b${n}`);
                    if (what === 'completed') completed.push(Number(n));
                }
                await expectWholeOrAbsent(appended, completed);
            }
        });

        /** Checks the file after a `churn` worker was killed: `appended` batches and `completed` ids as reported. */
        async function expectWholeOrAbsent(appended: string[], completed: number[]): Promise<void> {
            const raw = new Database(file, { readonly: true });
            try {
                // A batch's 20 keys are claimed together, and every reported batch is there.
                const claimed = new Map<string, number>();
                for (const key of raw.prepare('SELECT key FROM dedup').pluck().all() as string[]) {
                    const batch = /^(r\d+b\d+)-\d+$/.exec(key)![1];
                    claimed.set(batch, (claimed.get(batch) ?? 0) + 1);
                }
                for (const [batch, count] of claimed) expect(count, `keys of batch ${batch}`).to.equal(20);
                for (const batch of appended) expect(claimed.get(batch), `batch ${batch}`).to.equal(20);
                expect(claimed.size).to.be.within(appended.length, appended.length + 1);

                // Every event of a claimed batch is either pending or completed, never both or neither; a completion
                // wrote all three of its items.
                const pending = raw.prepare('SELECT id, payload FROM events').all() as { id: number; payload: string }[];
                const items = raw.prepare('SELECT key, value FROM storage').all() as { key: string; value: string }[];
                const done = items.filter((item) => item.key.startsWith('done/'));
                const doneIds = done.map((item) => Number(item.key.slice('done/'.length)));
                const alsoIds = items.filter((item) => item.key.startsWith('also/')).map((item) => Number(item.key.slice('also/'.length)));
                expect(alsoIds.sort((a, b) => a - b)).to.deep.equal([...doneIds].sort((a, b) => a - b));
                const pendingIds = new Set(pending.map((row) => row.id));
                expect(doneIds.filter((id) => pendingIds.has(id))).to.deep.equal([]);
                for (const id of completed) expect(doneIds, `completed ${id}`).to.include(id);
                const events = [...pending.map((row) => JSON.parse(row.payload)), ...done.map((item) => JSON.parse(item.value))];
                const names = events.map(({ round, batch, j }) => `${round}b${batch}-${j}`);
                expect(new Set(names).size, 'events pending or done').to.equal(names.length);
                expect(names.length).to.equal(claimed.size * 20);

                // The counters moved with the rows.
                expect(raw.prepare("SELECT pending FROM inboxes WHERE inbox = '8x8'").pluck().get()).to.equal(pending.length);
                expect(raw.prepare('SELECT coalesce(sum(pending), 0) FROM conversations').pluck().get()).to.equal(pending.length);
            } finally {
                raw.close();
            }
        }

        it('two processes sharing one file complete every event exactly once, in order per conversation', async () => {
            const store = open();
            const expected = new Set<string>();
            const append = async (round: number) => {
                const events = Array.from({ length: 30 }, (_, c) => ({ conversationId: `c${c}`, payload: { seq: round } }));
                for (const event of (await store.append(INBOX, events, ROOMY)).accepted!) expected.add(event.id);
            };
            for (let round = 0; round < 8; round++) await append(round);
            const one = start('drain', file, 'W1', '5000');
            const two = start('drain', file, 'W2', '5000');
            await Promise.all([one, two].map((worker) => worker.waitFor((lines) => lines.includes('ready'), 'ready')));
            for (const worker of [one, two]) worker.go();
            // A third process appends while the two work.
            for (let round = 8; round < 12; round++) {
                await append(round);
                await sleep(10);
            }
            const completions = () => [...one.lines, ...two.lines].filter((line) => line.startsWith('completed ')).length;
            await waitUntil(() => completions() >= expected.size, `${expected.size} completions`);
            await sleep(50); // nothing more may come
            for (const worker of [one, two]) await worker.kill();

            const ids = (worker: Worker) => worker.lines.filter((line) => line.startsWith('completed ')).map((line) => line.split(' ')[1]);
            const all = [...ids(one), ...ids(two)];
            expect(all).to.have.length(expected.size);
            expect(new Set(all)).to.deep.equal(expected);
            expect(ids(one)).to.have.length.above(0);
            expect(ids(two)).to.have.length.above(0);
            expect([...one.lines, ...two.lines].filter((line) => !line.startsWith('completed ') && line !== 'ready')).to.deep.equal([]);
            const orders = await store.storage.read(Array.from({ length: 30 }, (_, c) => `order/c${c}`));
            for (let c = 0; c < 30; c++) expect(orders[`order/c${c}`]).to.include({ lastSeq: 11 });
            expect(await store.stats(INBOX)).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
        });

        it('when one of two processes is killed, the other takes its conversations over once their leases expire', async () => {
            const store = open();
            const expected = new Set<string>();
            for (let round = 0; round < 12; round++) {
                const events = Array.from({ length: 20 }, (_, c) => ({ conversationId: `c${c}`, payload: { seq: round } }));
                for (const event of (await store.append(INBOX, events, ROOMY)).accepted!) expected.add(event.id);
            }
            const one = start('drain', file, 'W1', '300');
            const two = start('drain', file, 'W2', '300');
            await Promise.all([one, two].map((worker) => worker.waitFor((lines) => lines.includes('ready'), 'ready')));
            for (const worker of [one, two]) worker.go();
            await one.waitFor((lines) => lines.filter((line) => line.startsWith('completed ')).length >= 30, '30 completions by W1');
            await one.kill();
            let pending = -1;
            await waitUntil(async () => (pending = (await store.stats(INBOX)).pending) === 0, `an empty inbox (${pending} pending)`);
            await sleep(50);
            await two.kill();

            expect(await store.stats(INBOX)).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 0 });
            // No event was committed twice or out of order: each worker checked each event against its conversation's last
            // commit. ("lost" may happen: a worker stalled past its 300 ms lease on a busy machine loses it, legitimately.)
            const problems = (worker: Worker) => worker.lines.filter((line) => line.startsWith('order ') || line.startsWith('error '));
            expect([...problems(one), ...problems(two)]).to.deep.equal([]);
            const byOne = one.lines.filter((line) => line.startsWith('completed ')).map((line) => line.split(' ')[1]);
            const byTwo = two.lines.filter((line) => line.startsWith('completed ')).map((line) => line.split(' ')[1]);
            expect(byOne.filter((id) => byTwo.includes(id))).to.deep.equal([]);
            // W1 may have committed up to 3 events (one per conversation it ran) between its last line and the kill.
            const unreported = [...expected].filter((id) => !byOne.includes(id) && !byTwo.includes(id));
            expect(unreported.length).to.be.at.most(3);
            const done = await store.storage.read([...expected].map((id) => `done/${id}`));
            expect(Object.keys(done)).to.have.length(expected.size);
            for (const id of unreported) expect(done[`done/${id}`]).to.include({ owner: 'W1' });
            const orders = await store.storage.read(Array.from({ length: 20 }, (_, c) => `order/c${c}`));
            for (let c = 0; c < 20; c++) expect(orders[`order/c${c}`]).to.include({ lastSeq: 11 });
        });
    });
});

/** A child process running fixtures/sqliteWorker.ts; `lines` fills as it prints. */
interface Worker {
    lines: string[];
    waitFor(done: (lines: string[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
    /** Writes "go" to its stdin. */
    go(): void;
    /** SIGKILL, then waits until its output is all read. */
    kill(): Promise<void>;
}

function startWorker(args: string[]): Worker {
    const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', WORKER, ...args], { cwd: PACKAGE_DIR });
    const lines: string[] = [];
    const listeners = new Set<() => void>();
    let pending = '';
    let stderr = '';
    let closed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        pending += chunk;
        const parts = pending.split('\n');
        pending = parts.pop()!;
        lines.push(...parts);
        for (const listener of [...listeners]) listener();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closedPromise = new Promise<void>((resolve) =>
        child.once('close', () => {
            closed = true;
            for (const listener of [...listeners]) listener();
            resolve();
        })
    );
    return {
        lines,
        waitFor(done, what, timeoutMs = 30_000) {
            return new Promise((resolve, reject) => {
                const stop = () => {
                    clearTimeout(timer);
                    listeners.delete(check);
                };
                const check = () => {
                    if (done(lines)) {
                        stop();
                        resolve();
                    } else if (closed) {
                        stop();
                        reject(new Error(`the worker ended before ${what}:\n${lines.slice(-5).join('\n')}\n${stderr}`));
                    }
                };
                const timer = setTimeout(() => {
                    stop();
                    reject(new Error(`no ${what} within ${timeoutMs} ms:\n${lines.slice(-5).join('\n')}\n${stderr}`));
                }, timeoutMs);
                listeners.add(check);
                check();
            });
        },
        go() {
            child.stdin.write('go\n');
        },
        async kill() {
            if (!closed) child.kill('SIGKILL');
            await closedPromise;
        },
    };
}
