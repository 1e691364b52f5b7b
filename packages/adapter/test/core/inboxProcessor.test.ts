/**
 * The InboxProcessor on a MemoryInboxStore: order per conversation, retries with backoff, dead letters, takeovers
 * counted as attempts (a poison event that kills every process is not handed out forever), graceful stop.
 */
import { expect } from 'chai';
import { InboxProcessor } from '../../src/core/inboxProcessor';
import type { InboxEvent } from '../../src/core/inboxStore';
import { silentLogger } from '../../src/core/logger';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { VendorApiError } from '../../src/core/errors';
import { isPermanentFailure } from '../../src/core/eventFailures';
import { waitUntil } from '../helpers';

const LIMITS = { deduplicationTtlMs: 60_000, maxPerConversation: 100, maxTotal: 1000 };

describe('InboxProcessor', () => {
    let store: MemoryInboxStore;
    let processors: InboxProcessor[];
    const failures: Array<{ id: string; deadLettered: boolean }> = [];

    function start(handle: (event: InboxEvent) => Promise<void>, options = {}): InboxProcessor {
        const processor = new InboxProcessor(
            store,
            '8x8',
            `owner-${processors.length}`,
            async (event) => {
                await handle(event);
                return {};
            },
            isPermanentFailure,
            { failed: (event, _error, deadLettered) => failures.push({ id: event.id, deadLettered }) },
            silentLogger,
            { retryDelayMs: 5, maxRetryDelayMs: 20, pollMs: 10, leaseMs: 200, ...options }
        );
        processors.push(processor);
        processor.start();
        return processor;
    }

    beforeEach(() => {
        store = new MemoryInboxStore();
        processors = [];
        failures.length = 0;
    });
    afterEach(async () => {
        for (const processor of processors) await processor.stop(100);
    });

    it('runs each conversation in order, conversations side by side', async () => {
        const seen: string[] = [];
        const events = ['a', 'b'].flatMap((c) => [1, 2, 3].map((n) => ({ conversationId: c, payload: `${c}${n}` })));
        await store.append('8x8', events, LIMITS);
        const processor = start(async (event) => {
            await new Promise((resolve) => setTimeout(resolve, 2));
            seen.push(event.payload as string);
        });
        await processor.whenIdle();
        expect(seen.filter((p) => p.startsWith('a'))).to.deep.equal(['a1', 'a2', 'a3']);
        expect(seen.filter((p) => p.startsWith('b'))).to.deep.equal(['b1', 'b2', 'b3']);
    });

    it('retries a failing event with backoff, holding its conversation back, then dead-letters it after maxAttempts', async () => {
        await store.append(
            '8x8',
            [
                { conversationId: 'c', payload: 'poison' },
                { conversationId: 'c', payload: 'after' },
            ],
            LIMITS
        );
        const runs: string[] = [];
        const processor = start(
            async (event) => {
                runs.push(event.payload as string);
                if (event.payload === 'poison') throw new Error('database down');
            },
            { maxAttempts: 3 }
        );
        await processor.whenIdle();
        expect(runs).to.deep.equal(['poison', 'poison', 'poison', 'after']);
        expect(failures.map((f) => f.deadLettered)).to.deep.equal([false, false, true]);
        const [dead] = await store.deadLetters('8x8', 10);
        expect([dead.event.payload, dead.error]).to.deep.equal(['poison', 'Error: database down']);
    });

    it('dead-letters a permanent failure at once', async () => {
        await store.append('8x8', [{ conversationId: 'c', payload: 'refused' }], LIMITS);
        let runs = 0;
        const processor = start(async () => {
            runs++;
            throw new VendorApiError('8x8', 'sendMessage', 400, undefined, 'bad request', 1);
        });
        await processor.whenIdle();
        expect(runs).to.equal(1);
        expect(failures).to.deep.equal([{ id: failures[0].id, deadLettered: true }]);
    });

    it('an event whose runs never finish (the process dies each time) is dead-lettered after maxAttempts takeovers, not run again', async () => {
        const [event] = (await store.append('8x8', [{ conversationId: 'c', payload: 'kills the process' }], LIMITS)).accepted!;
        // Three "processes" take it and die (their leases end without a verdict).
        for (let i = 0; i < 3; i++) {
            expect((await store.lease('8x8', `dead-${i}`, 1, 20)).map((e) => e.id)).to.deep.equal([event.id]);
            await new Promise((resolve) => setTimeout(resolve, 30));
        }
        let runs = 0;
        const processor = start(
            async () => {
                runs++;
            },
            { maxAttempts: 3 }
        );
        await processor.whenIdle();
        expect(runs).to.equal(0);
        const [dead] = await store.deadLetters('8x8', 10);
        expect(dead.error).to.match(/^Given up after 3 attempts: The instance running it stopped/);
    });

    it('stop() lets a running event finish within the bound, then releases its leases for another instance', async () => {
        await store.append(
            '8x8',
            [
                { conversationId: 'c', payload: 1 },
                { conversationId: 'c', payload: 2 },
            ],
            LIMITS
        );
        const seen: unknown[] = [];
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const first = start(async (event) => {
            seen.push(event.payload);
            await gate;
        });
        await waitUntil(() => seen.length === 1);
        const stopping = first.stop(2000);
        release();
        await stopping;
        expect(await store.stats('8x8')).to.include({ pending: 1 });
        const second = start(async (event) => {
            seen.push(event.payload);
        });
        await second.whenIdle();
        expect(seen).to.deep.equal([1, 2]);
    });
});

describe('EventContext: send records', () => {
    it('a send record the store cannot take right now (Redis restarting) is asked again, not sent again', async () => {
        const { EventContext } = await import('../../src/core/eventContext');
        let attempts = 0;
        const context = new EventContext('c', [], async () => {
            if (++attempts < 3) throw new Error('connect ECONNREFUSED');
            return true;
        });
        let sent = 0;
        const response = await context.send(async () => ({ id: `sent-${++sent}` }));
        expect([response.id, sent, attempts]).to.deep.equal(['sent-1', 1, 3]);
    });

    it('a lease lost meanwhile fails the event (another instance runs it), and one that never comes back gives up', async () => {
        const { EventContext, LeaseLostError } = await import('../../src/core/eventContext');
        const lost = new EventContext('c', [], async () => false);
        let error: unknown;
        await lost.send(async () => ({ id: 'x' })).catch((err) => (error = err));
        expect(error).to.be.instanceOf(LeaseLostError);
        const down = new EventContext('c', [], async () => Promise.reject(new Error('store down')), 120);
        error = undefined;
        await down.send(async () => ({ id: 'y' })).catch((err) => (error = err));
        expect((error as Error).message).to.equal('store down');
    });
});
