import type { InboxEvent, InboxStore } from './inboxStore';
import { describeError, type Logger } from './logger';
import type { StoreItems } from './storage';

/** How the inbox is worked off: concurrency, leases, retries. Every field has a default. */
export interface InboxProcessingOptions {
    /** Conversations whose events run at once in this instance (each conversation runs one event at a time). Default 32. */
    maxConcurrent?: number | undefined;
    /** How long a conversation stays with this instance without a renewal, in ms; another instance takes it over after. Default 30,000. */
    leaseMs?: number | undefined;
    /** How often the store is asked for due work (retries, conversations of an instance that died), in ms. Default 1,000. */
    pollMs?: number | undefined;
    /** Attempts of an event before it goes to the dead letters. Default 6. */
    maxAttempts?: number | undefined;
    /** Wait before the first retry, in ms; doubled for each further one (with jitter). Default 1,000. */
    retryDelayMs?: number | undefined;
    /** Longest wait between retries, in ms. Default 60,000. */
    maxRetryDelayMs?: number | undefined;
}

/** What running one event gave: the Storage items to commit with its completion. */
export type EventHandler = (event: InboxEvent) => Promise<StoreItems>;

/** How the processor tells its owner how each run of an event ended (for counts, metrics and logs). */
export interface EventOutcomeListener {
    /** The event failed; `deadLettered` when it will not run again. */
    failed(event: InboxEvent, error: unknown, deadLettered: boolean, durationMs: number): void;
    /** The event ran and was committed. */
    completed?(event: InboxEvent, durationMs: number): void;
}

/**
 * Works off one inbox of an {@link InboxStore}: leases conversations with due events, runs their events one at a time
 * in order (several conversations at once, up to `maxConcurrent`), renews the leases while they run, completes an
 * event with the records it changed, retries a failed one with exponential backoff and dead-letters it after
 * `maxAttempts` (or at once when `isPermanent` says no retry can fix it).
 */
export class InboxProcessor {
    private readonly running = new Set<string>();
    private readonly settledWaiters: Array<() => void> = [];
    private pumping = false;
    private pumpAgain = false;
    private stopped = false;
    private started = false;
    private pollTimer: NodeJS.Timeout | undefined;
    private renewTimer: NodeJS.Timeout | undefined;
    private readonly maxConcurrent: number;
    private readonly leaseMs: number;

    constructor(
        private readonly store: InboxStore,
        private readonly inbox: string,
        private readonly owner: string,
        private readonly handle: EventHandler,
        private readonly isPermanent: (error: unknown) => boolean,
        private readonly listener: EventOutcomeListener,
        private readonly logger: Logger,
        private readonly options: InboxProcessingOptions = {}
    ) {
        this.maxConcurrent = options.maxConcurrent ?? 32;
        this.leaseMs = options.leaseMs ?? 30_000;
    }

    /** Starts polling and works off what is due (events an earlier run left too). Idempotent. */
    start(): void {
        if (this.started || this.stopped) return;
        this.started = true;
        this.pollTimer = setInterval(() => this.wake(), this.options.pollMs ?? 1000).unref();
        this.renewTimer = setInterval(() => void this.renewLeases(), Math.max(50, Math.floor(this.leaseMs / 3))).unref();
        this.wake();
    }

    /** True once started and not stopped. */
    get isRunning(): boolean {
        return this.started && !this.stopped;
    }

    /** Conversations whose events run now. */
    get active(): number {
        return this.running.size;
    }

    /** Looks for due work now (after an append, rather than at the next poll). */
    wake(): void {
        if (!this.started || this.stopped) return;
        if (this.pumping) {
            this.pumpAgain = true;
            return;
        }
        this.pumping = true;
        void this.pump().finally(() => (this.pumping = false));
    }

    /**
     * Stops taking work, lets the events that run finish (at most `timeoutMs`), then releases this instance's leases
     * so other instances (or the next start) take the conversations over at once. Events still running at the bound
     * are handed back by the release: they run again elsewhere, their completed sends skipped.
     */
    async stop(timeoutMs = 10_000): Promise<void> {
        this.stopped = true;
        clearInterval(this.pollTimer);
        clearInterval(this.renewTimer);
        if (this.running.size > 0) {
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([this.whenNoneRunning(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
            clearTimeout(timer);
        }
        if (this.started)
            await this.store.release(this.inbox, this.owner).catch((err) => this.logger.warn(`${this.inbox}: releasing leases failed: ${describeError(err)}`));
    }

    /** Resolves once no event runs here and the inbox has nothing pending (tests, and draining before a stop). */
    async whenIdle(pollMs = 5): Promise<void> {
        for (;;) {
            await this.whenNoneRunning();
            const { pending } = await this.store.stats(this.inbox);
            if (pending === 0 && this.running.size === 0) return;
            this.wake();
            await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
    }

    private whenNoneRunning(): Promise<void> {
        if (this.running.size === 0) return Promise.resolve();
        return new Promise((resolve) => this.settledWaiters.push(resolve));
    }

    private async pump(): Promise<void> {
        do {
            this.pumpAgain = false;
            const room = this.maxConcurrent - this.running.size;
            if (room <= 0 || this.stopped) return;
            let heads: InboxEvent[];
            try {
                heads = await this.store.lease(this.inbox, this.owner, room, this.leaseMs);
            } catch (err) {
                this.logger.warn(`${this.inbox}: the inbox store could not be read (retrying at the next poll): ${describeError(err)}`);
                return;
            }
            for (const head of heads) void this.runConversation(head);
            if (heads.length === room) this.pumpAgain = true;
        } while (this.pumpAgain);
    }

    /** Runs a leased conversation's events in order until none is due, then gives its slot back. */
    private async runConversation(first: InboxEvent): Promise<void> {
        const conversationId = first.conversationId;
        this.running.add(conversationId);
        try {
            let event: InboxEvent | undefined = first;
            while (event && !this.stopped) {
                if (!(await this.runEvent(event))) break;
                event = await this.store.next(this.inbox, this.owner, conversationId, this.leaseMs);
            }
            if (event && this.stopped) await this.store.release(this.inbox, this.owner, [conversationId]);
        } catch (err) {
            this.logger.warn(
                `${this.inbox}: conversation ${conversationId}: the inbox store failed (its lease expires and it runs again): ${describeError(err)}`
            );
        } finally {
            this.running.delete(conversationId);
            if (this.running.size === 0) this.settledWaiters.splice(0).forEach((resolve) => resolve());
            this.wake();
        }
    }

    /** One event: handled and completed; or retried / dead-lettered. True when the conversation may go on here. */
    private async runEvent(event: InboxEvent): Promise<boolean> {
        if (event.attempts >= (this.options.maxAttempts ?? 6)) {
            // Handed out again after its runs ended without a verdict (the instances died): not run once more.
            const error = new Error(`Given up after ${event.attempts} attempts: ${event.lastError ?? 'no error recorded'}`);
            this.listener.failed({ ...event, attempts: event.attempts - 1 }, error, true, 0);
            return this.store.deadLetter(this.inbox, this.owner, event, error.message);
        }
        const started = performance.now();
        let writes: StoreItems;
        try {
            writes = await this.handle(event);
        } catch (error) {
            return this.failed(event, error, performance.now() - started);
        }
        if (await this.store.complete(this.inbox, this.owner, event, writes)) {
            this.listener.completed?.(event, performance.now() - started);
            return true;
        }
        this.logger.warn(
            `${this.inbox}: event ${event.id} of conversation ${event.conversationId} ran, but its lease had passed to another instance; not committed here.`
        );
        return false;
    }

    private async failed(event: InboxEvent, error: unknown, durationMs: number): Promise<boolean> {
        const attempts = event.attempts + 1;
        const deadLetter = this.isPermanent(error) || attempts >= (this.options.maxAttempts ?? 6);
        const text = describeError(error);
        this.listener.failed(event, error, deadLetter, durationMs);
        if (deadLetter) return this.store.deadLetter(this.inbox, this.owner, event, text);
        const base = this.options.retryDelayMs ?? 1000;
        const delay = Math.min(this.options.maxRetryDelayMs ?? 60_000, base * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);
        await this.store.retry(this.inbox, this.owner, event, Date.now() + delay, text);
        setTimeout(() => this.wake(), delay + 5).unref();
        return false;
    }

    private async renewLeases(): Promise<void> {
        if (this.running.size === 0) return;
        try {
            const lost = await this.store.renew(this.inbox, this.owner, [...this.running], this.leaseMs);
            for (const conversationId of lost) this.logger.warn(`${this.inbox}: lost the lease of conversation ${conversationId} while its event ran.`);
        } catch (err) {
            this.logger.warn(`${this.inbox}: renewing leases failed: ${describeError(err)}`);
        }
    }
}
