/**
 * Runs tasks in order per key (a conversation) and concurrently across keys, with at most
 * `maxConcurrent` tasks running at once. Memory is bounded by the conversations that have work waiting:
 * a key is forgotten as soon as its last task ends.
 *
 * Written here rather than taken from a library because the per-key ordering plus a global bound is the
 * whole of it; p-queue and friends are ESM-only and order globally, not per key.
 */
export class ConversationQueue {
    private readonly tails = new Map<string, Promise<void>>();
    private running = 0;
    private readonly waiting: Array<() => void> = [];

    /**
     * @param maxConcurrent Most tasks running at once.
     * @param onIdle Called when a key's last task has settled (nothing queued or running for it any more).
     */
    constructor(
        private readonly maxConcurrent: number,
        private readonly onIdle?: (key: string) => void
    ) {
        if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
            throw new RangeError('ConversationQueue: maxConcurrent must be a positive integer.');
        }
    }

    /**
     * Runs `task` after every earlier task of `key` has settled; resolves or rejects with its outcome.
     * With `bounded: false` the task keeps the key's order but takes no concurrency slot: for short bookkeeping that
     * may be started from inside a running turn, which would otherwise wait for a slot it holds.
     */
    run<T>(key: string, task: () => Promise<T>, bounded = true): Promise<T> {
        const previous = this.tails.get(key);
        const result = (previous ?? Promise.resolve()).then(() => (bounded ? this.withSlot(task) : task()));
        const tail = result.then(
            () => undefined,
            () => undefined
        );
        this.tails.set(key, tail);
        void tail.then(() => {
            if (this.tails.get(key) === tail) {
                this.tails.delete(key);
                this.onIdle?.(key);
            }
        });
        return result;
    }

    /** True while `key` has work queued or running. */
    has(key: string): boolean {
        return this.tails.has(key);
    }

    /** Conversations with work queued or running. */
    get activeKeys(): number {
        return this.tails.size;
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
