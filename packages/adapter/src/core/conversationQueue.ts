/** How much work a {@link ConversationQueue} takes in before {@link ConversationQueue.refusal} says no. */
export interface ConversationQueueLimits {
    /** Most tasks queued or running for one key. Default: no limit. */
    maxPerKey?: number | undefined;
    /** Most tasks queued or running across all keys. Default: no limit. */
    maxTotal?: number | undefined;
}

/**
 * Which limit the tasks asked about would break: the total, or that of one key. `waiting` counts the tasks queued or
 * running already, `adding` those asked about (for that key).
 */
export type QueueRefusal =
    { limit: 'total'; waiting: number; adding: number; max: number } | { limit: 'perKey'; key: string; waiting: number; adding: number; max: number };

/**
 * Runs tasks in order per key (a conversation) and concurrently across keys, with at most
 * `maxConcurrent` tasks running at once. Memory is bounded by the conversations that have work waiting:
 * a key is forgotten as soon as its last task ends, and {@link refusal} tells a caller when taking more work
 * would go over the limits (per key and in total), so one slow conversation or a stalled vendor cannot pile up
 * work without end.
 *
 * Written here rather than taken from a library because the per-key ordering plus a global bound is the
 * whole of it; p-queue and friends are ESM-only and order globally, not per key.
 */
export class ConversationQueue {
    private readonly tails = new Map<string, Promise<void>>();
    /** Tasks queued or running, per key and in total. */
    private readonly pending = new Map<string, number>();
    private pendingTotal = 0;
    private running = 0;
    private readonly waiting: Array<() => void> = [];

    /**
     * @param maxConcurrent Most tasks running at once.
     * @param onIdle Called when a key's last task has settled (nothing queued or running for it any more).
     * @param limits Most tasks queued or running, for {@link refusal}.
     */
    constructor(
        private readonly maxConcurrent: number,
        private readonly onIdle?: (key: string) => void,
        private readonly limits: ConversationQueueLimits = {}
    ) {
        if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
            throw new RangeError('ConversationQueue: maxConcurrent must be a positive integer.');
        }
    }

    /**
     * Runs `task` after every earlier task of `key` has settled; resolves or rejects with its outcome.
     * With `bounded: false` the task keeps the key's order but takes no concurrency slot: for short bookkeeping that
     * may be started from inside a running turn, which would otherwise wait for a slot it holds.
     * Never refuses: ask {@link refusal} first, in the same synchronous step, for work that may be turned away.
     */
    run<T>(key: string, task: () => Promise<T>, bounded = true): Promise<T> {
        this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
        this.pendingTotal++;
        const previous = this.tails.get(key);
        const result = (previous ?? Promise.resolve()).then(() => (bounded ? this.withSlot(task) : task()));
        const tail = result.then(
            () => undefined,
            () => undefined
        );
        this.tails.set(key, tail);
        void tail.then(() => {
            this.settled(key);
            if (this.tails.get(key) === tail) {
                this.tails.delete(key);
                this.onIdle?.(key);
            }
        });
        return result;
    }

    /**
     * Which limit one more task for each of `keys` (a key listed twice counts twice) would go over, or undefined when
     * there is room for all of them.
     */
    refusal(keys: readonly string[]): QueueRefusal | undefined {
        const { maxPerKey, maxTotal } = this.limits;
        if (maxTotal !== undefined && this.pendingTotal + keys.length > maxTotal) {
            return { limit: 'total', waiting: this.pendingTotal, adding: keys.length, max: maxTotal };
        }
        if (maxPerKey === undefined) return undefined;
        const adding = new Map<string, number>();
        for (const key of keys) adding.set(key, (adding.get(key) ?? 0) + 1);
        for (const [key, count] of adding) {
            const waiting = this.pending.get(key) ?? 0;
            if (waiting + count > maxPerKey) return { limit: 'perKey', key, waiting, adding: count, max: maxPerKey };
        }
        return undefined;
    }

    /** True while `key` has work queued or running. */
    has(key: string): boolean {
        return this.tails.has(key);
    }

    /** Conversations with work queued or running. */
    get activeKeys(): number {
        return this.tails.size;
    }

    /** Tasks queued or running, across all keys. */
    get size(): number {
        return this.pendingTotal;
    }

    private settled(key: string): void {
        this.pendingTotal--;
        const left = (this.pending.get(key) ?? 1) - 1;
        if (left > 0) this.pending.set(key, left);
        else this.pending.delete(key);
    }

    private async withSlot<T>(task: () => Promise<T>): Promise<T> {
        if (this.running >= this.maxConcurrent) {
            await new Promise<void>((resolve) => this.waiting.push(resolve));
        } else {
            this.running++;
        }
        try {
            return await task();
        } finally {
            const next = this.waiting.shift();
            if (next) next();
            else this.running--;
        }
    }
}
