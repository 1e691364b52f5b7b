/**
 * Runs tasks in order per key (a conversation) and concurrently across keys, in this process. The inbox processor
 * bounds how many conversations run at once and orders them across instances; this keeps the in-process order of
 * work done outside an inbox event (a conversation the adapter opens) with the events of that conversation. Memory is
 * bounded by the conversations with work pending: a key is forgotten as soon as its last task ends.
 *
 * Written here rather than taken from a library: per-key order is these few lines, and queue libraries (p-queue and
 * friends, ESM-only) order globally, not per key.
 */
export class ConversationQueue {
    private readonly tails = new Map<string, Promise<void>>();

    /** Runs `task` after every earlier task of `key` has settled; resolves or rejects with its outcome. */
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
        const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
        const tail = result.then(
            () => undefined,
            () => undefined
        );
        this.tails.set(key, tail);
        void tail.then(() => {
            if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        return result;
    }

    /** Conversations with work queued or running. */
    get activeKeys(): number {
        return this.tails.size;
    }
}
