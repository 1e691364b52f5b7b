import { AsyncLocalStorage } from 'node:async_hooks';
import type { ResourceResponse } from './activity';
import type { SendRecord } from './inboxStore';
import type { StoreItems } from './storage';

/** The lease was lost while the event ran (another instance took the conversation over): stop, commit nothing. */
export class LeaseLostError extends Error {
    constructor(conversationId: string) {
        super(`The lease of conversation ${conversationId} was lost (another instance took it over); this run's work is not committed.`);
        this.name = 'LeaseLostError';
    }
}

/**
 * What the pipeline keeps while one inbox event runs: the conversation records it read and changed (committed only
 * with the event's completion, so a failed event re-runs from the same state) and its sends that already completed in
 * an earlier attempt (skipped on a re-run, so the vendor does not get them twice).
 *
 * Found through an AsyncLocalStorage, so the records and sends of a vendor's code reach it without every call passing
 * it along.
 */
export class EventContext {
    private readonly items = new Map<string, object>();
    /** Each record as this event first saw it (`{}` when it had none), so only what the event changed is committed. */
    private readonly bases = new Map<string, object>();
    private readonly changed = new Set<string>();
    private nextSend = 0;
    private open = true;
    private aborted = false;

    /**
     * @param completedSends The sends an earlier attempt completed, in order.
     * @param recordSend Stores that send number `index` completed; false when the lease was lost.
     * @param recordRetryMs How long a send record is retried while the store cannot be reached.
     */
    constructor(
        readonly conversationId: string,
        private readonly completedSends: readonly SendRecord[],
        private readonly recordSend: (index: number, record: SendRecord) => Promise<boolean>,
        /** How long a send record is retried while the store cannot be reached, in ms. */
        private readonly recordRetryMs = 10_000
    ) {}

    /** A record read or written by this event, or undefined when it has not touched it (or has ended). */
    get(key: string): object | undefined {
        return this.open ? this.items.get(key) : undefined;
    }

    /** Keeps a record read from the Storage (later reads of this event do not read it again). */
    remember(key: string, record: object): void {
        if (!this.open) return;
        this.items.set(key, record);
        if (!this.bases.has(key)) this.bases.set(key, record);
    }

    /** Changes a record for this event; false when the event has ended (the caller writes the Storage itself). */
    set(key: string, record: object): boolean {
        if (!this.open) return false;
        if (!this.bases.has(key)) this.bases.set(key, {});
        this.items.set(key, record);
        this.changed.add(key);
        return true;
    }

    /**
     * Runs one send of the event: when an earlier attempt completed it, its response is returned (and the records as
     * it left them restored) without sending; otherwise `send` runs and its completion is recorded.
     */
    async send(send: () => Promise<ResourceResponse>): Promise<ResourceResponse> {
        if (this.aborted) throw new LeaseLostError(this.conversationId);
        const index = this.nextSend++;
        const done = this.completedSends[index];
        if (done) {
            for (const [key, record] of Object.entries(done.records)) this.set(key, record as object);
            return done.response;
        }
        const response = await send();
        if (this.open) await this.record(index, { response, records: this.changes() });
        return response;
    }

    /**
     * The record of a completed send. The vendor has the send already, so a store that cannot be reached (Redis
     * restarting) is asked again for a while rather than failing the event, whose re-run would send it twice.
     */
    private async record(index: number, record: SendRecord): Promise<void> {
        const giveUpAt = Date.now() + this.recordRetryMs;
        for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
            let recorded: boolean;
            try {
                recorded = await this.recordSend(index, record);
            } catch (error) {
                if (Date.now() + wait > giveUpAt) throw error;
                await new Promise((resolve) => setTimeout(resolve, wait));
                continue;
            }
            if (!recorded) throw new LeaseLostError(this.conversationId);
            return;
        }
    }

    /** The records this event changed: each as it first saw it, and as it leaves it. */
    changedRecords(): Array<{ key: string; base: object; current: object }> {
        return [...this.changed].map((key) => ({ key, base: this.bases.get(key) ?? {}, current: this.items.get(key)! }));
    }

    /** Refuses further sends: the adapter shut down past its bound and handed the event back to the store. */
    abort(): void {
        this.aborted = true;
    }

    /** The changed records, as Storage items; ends the context (later reads and writes go to the Storage). */
    finish(): StoreItems {
        const changes = this.changes();
        this.open = false;
        return changes;
    }

    private changes(): StoreItems {
        const items: StoreItems = {};
        for (const key of this.changed) items[key] = this.items.get(key);
        return items;
    }
}

/** The event running in the current async context, if any. */
export const currentEvent = new AsyncLocalStorage<EventContext>();
