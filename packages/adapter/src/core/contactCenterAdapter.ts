import {
    ActivityTypes,
    BotAdapter,
    INVOKE_RESPONSE_KEY,
    TurnContext,
    type Activity,
    type ConversationReference,
    type ResourceResponse,
    type Storage,
} from 'botbuilder';
import { waitForDelay } from './activityHelpers';
import { BoundedMemoryStorage } from './boundedMemoryStorage';
import { ConversationQueue } from './conversationQueue';
import { ConversationRecords } from './conversationRecords';
import { MemoryDeduplicationStore, type DeduplicationStore } from './deduplicationStore';
import { UnsupportedOperationError, WebhookRequestError } from './errors';
import { readRawBody, writeResponse, type WebhookRequest, type WebhookResponse } from './http';
import { consoleLogger, describeError, type Logger } from './logger';
import type { WebhookPipelineOptions } from './webhookOptions';

/** The bot's turn handler, as passed to `process()` and `continueConversation()`. */
export type BotLogic = (context: TurnContext) => Promise<unknown>;

/**
 * One vendor event accepted from a webhook, ready to become zero or more turns.
 * `prepare` runs in the conversation's order (it may read and write the conversation's record).
 */
export interface InboundWork {
    /** The conversation whose order this event keeps. */
    conversationId: string;
    /** The vendor's id for this delivery, for de-duplication; undefined when the vendor gave none. */
    deduplicationKey?: string;
    /** Maps the event to the activities to run as turns, in order. */
    prepare(): Promise<Partial<Activity>[]>;
    /** Runs after the turns succeeded, still in the conversation's order (e.g. delivery receipts to the vendor). */
    finish?(): Promise<void>;
}

/**
 * The vendor-neutral webhook pipeline and outbound loop, shared by every adapter of this library
 * (DESIGN.md, "The inbound pipeline"):
 *
 * 1. POST only (405); raw body with a size cap (413);
 * 2. the vendor's verification and parsing ({@link ContactCenterAdapter.parseWebhook}: 401/403/400);
 * 3. de-duplication by vendor event id in a pluggable store;
 * 4. turns in order per conversation, concurrently across conversations, bounded;
 * 5. 200 when the turns finished within the ack deadline, or at the deadline while they go on;
 *    500 (and the de-duplication entry released, so the vendor's retry runs it) when a turn failed.
 *
 * A vendor adapter adds only what differs: how to verify and map a webhook, and how to send one activity.
 */
export abstract class ContactCenterAdapter extends BotAdapter {
    /** Vendor name used in logs and errors. */
    protected abstract readonly vendor: string;
    protected readonly logger: Logger;
    protected readonly storage: Storage;
    private readonly deduplication: DeduplicationStore;
    private readonly queue: ConversationQueue;
    private readonly recordSets: ConversationRecords<object>[] = [];
    private readonly maxBodyBytes: number;
    private readonly ackDeadlineMs: number;
    private readonly deduplicationTtlMs: number;

    protected constructor(options: WebhookPipelineOptions) {
        super();
        this.logger = options.logger ?? consoleLogger;
        this.storage = options.storage ?? new BoundedMemoryStorage();
        this.deduplication = options.deduplicationStore ?? new MemoryDeduplicationStore();
        this.queue = new ConversationQueue(options.maxConcurrentTurns ?? 32, (conversationId) => {
            for (const records of this.recordSets) records.release(conversationId);
        });
        this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
        this.ackDeadlineMs = options.ackDeadlineMs ?? 2500;
        this.deduplicationTtlMs = options.deduplicationTtlMs ?? 24 * 60 * 60 * 1000;
    }

    /**
     * Verifies and parses one webhook request into the events it carries.
     * Throws {@link WebhookRequestError} with the status to answer (400, 401, 403, 503) when the request is refused.
     * Returns an empty list for requests that need no turn (handshakes, unknown event types).
     *
     * @param rawBody The exact bytes received, or undefined when a body parser consumed them.
     * @param parsedBody The framework's parsed body, when there was one.
     */
    protected abstract parseWebhook(rawBody: Buffer | undefined, parsedBody: unknown, headers: WebhookRequest['headers']): Promise<InboundWork[]>;

    /** Sends one outbound activity (not `delay`, not `trace`) to the vendor. */
    protected abstract sendToVendor(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse>;

    /**
     * Handles one vendor webhook request: verifies it, runs the bot's turns and answers the vendor.
     * Never throws: every failure becomes an HTTP status with a JSON `{ error }` message, and a log line.
     *
     * @example
     * ```ts
     * app.post('/api/8x8/webhook', (req, res) => adapter.process(req, res, (context) => bot.run(context)));
     * ```
     */
    async process(req: WebhookRequest, res: WebhookResponse, logic: BotLogic): Promise<void> {
        if (typeof logic !== 'function') {
            this.logger.error(`${this.constructor.name}.process(): logic must be a function (context) => Promise<void>.`);
            writeResponse(res, 500, { error: 'The bot is misconfigured.' });
            return;
        }
        try {
            if ((req.method ?? 'POST').toUpperCase() !== 'POST') {
                throw new WebhookRequestError(405, `Method ${req.method} is not allowed; webhooks are POST.`);
            }
            const rawBody = await readRawBody(req, this.maxBodyBytes);
            const works = await this.parseWebhook(rawBody, rawBody === undefined ? req.body : undefined, req.headers);
            const status = await this.runWorks(works, logic);
            writeResponse(res, status, status === 200 ? undefined : { error: 'The bot failed to handle this event; retry later.' });
        } catch (err) {
            if (err instanceof WebhookRequestError) {
                this.logger.warn(`${this.vendor} webhook refused with ${err.status}: ${err.message}`);
                writeResponse(res, err.status, { error: err.message }, err.status === 405 ? { Allow: 'POST' } : {});
            } else {
                this.logger.error(`${this.vendor} webhook failed: ${describeError(err)}`);
                writeResponse(res, 500, { error: 'Internal error while handling the webhook.' });
            }
        }
    }

    /**
     * Sends the bot's activities to the vendor, one after the other.
     * `delay` waits, `trace` is dropped; everything else goes to the vendor. Returns one ResourceResponse each.
     */
    override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
        if (!context) throw new TypeError(`${this.constructor.name}.sendActivities(): missing context.`);
        if (!Array.isArray(activities)) throw new TypeError(`${this.constructor.name}.sendActivities(): activities must be an array.`);
        const responses: ResourceResponse[] = [];
        for (const activity of activities) {
            if (activity.type === 'delay') {
                await waitForDelay(activity.value);
                responses.push({ id: '' });
            } else if (activity.type === ActivityTypes.Trace) {
                responses.push({ id: '' });
            } else if (activity.type === ActivityTypes.InvokeResponse) {
                context.turnState.set(INVOKE_RESPONSE_KEY, activity);
                responses.push(await this.sendInvokeResponse(context, activity));
            } else {
                responses.push(await this.sendToVendor(context, activity));
            }
        }
        return responses;
    }

    /** What an invoke response becomes at the vendor; by default nothing (the webhook answer carries no body). */
    protected async sendInvokeResponse(_context: TurnContext, _activity: Partial<Activity>): Promise<ResourceResponse> {
        return { id: '' };
    }

    /** Vendors of this library cannot edit a sent message: rejects with {@link UnsupportedOperationError}. */
    override async updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
        throw new UnsupportedOperationError(`${this.constructor.name}.updateActivity(): ${this.vendor} cannot edit a message once sent.`);
    }

    /** Vendors of this library cannot delete a sent message: rejects with {@link UnsupportedOperationError}. */
    override async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
        throw new UnsupportedOperationError(`${this.constructor.name}.deleteActivity(): ${this.vendor} cannot delete a message once sent.`);
    }

    /**
     * Runs `logic` in a proactive turn of the conversation `reference` points to (from
     * `TurnContext.getConversationReference(context.activity)` saved earlier).
     *
     * @param continuation The activity the proactive turn sees; default an `event` named `continueConversation`.
     * @example
     * ```ts
     * await adapter.continueConversation(savedReference, async (context) => {
     *     await context.sendActivity('Your order has shipped.');
     * });
     * ```
     */
    override async continueConversation(reference: Partial<ConversationReference>, logic: BotLogic, continuation?: Partial<Activity>): Promise<void> {
        if (!reference?.conversation?.id) {
            throw new TypeError(`${this.constructor.name}.continueConversation(): reference.conversation.id is required.`);
        }
        if (typeof logic !== 'function') throw new TypeError(`${this.constructor.name}.continueConversation(): logic must be a function.`);
        const activity = TurnContext.applyConversationReference(
            { type: ActivityTypes.Event, name: 'continueConversation', ...continuation },
            reference,
            true
        );
        await this.runTurn(activity, logic);
    }

    /**
     * The CloudAdapter-style entry point used by current botbuilder samples. The bot app id / claims identity and
     * audience are not used by these vendors (they have no Bot Framework token service); any value is accepted.
     *
     * @example
     * ```ts
     * await adapter.continueConversationAsync(process.env.MicrosoftAppId ?? '', savedReference, async (context) => {
     *     await context.sendActivity('Still there?');
     * });
     * ```
     */
    override async continueConversationAsync(
        _botAppIdOrClaims: unknown,
        reference: Partial<ConversationReference>,
        logicOrAudience: BotLogic | string | undefined,
        maybeLogic?: BotLogic
    ): Promise<void> {
        const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
        if (typeof logic !== 'function') throw new TypeError(`${this.constructor.name}.continueConversationAsync(): logic must be a function.`);
        await this.continueConversation(reference, logic);
    }

    /**
     * The per-conversation records kept under `prefix` in this adapter's Storage, held in memory only while their
     * conversation has work queued here (see {@link ConversationRecords}).
     */
    protected conversationRecords<T extends object>(prefix: string): ConversationRecords<T> {
        const records = new ConversationRecords<T>(this.storage, prefix, (conversationId) => this.queue.has(conversationId));
        this.recordSets.push(records);
        return records;
    }

    /**
     * Runs `task` in a conversation's order (after its queued turns, before later ones) without taking a turn slot:
     * for record updates made outside a webhook, e.g. when the adapter opens a conversation.
     */
    protected inConversationOrder<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
        return this.queue.run(conversationId, task, false);
    }

    /** Runs a single activity (inbound or proactive) as a turn through the middleware and the bot. */
    protected async runTurn(activity: Partial<Activity>, logic: BotLogic): Promise<void> {
        await this.runMiddleware(new TurnContext(this, activity), async (context) => {
            await logic(context);
        });
    }

    /** De-duplicates, queues and runs the events of one request; resolves with the HTTP status to answer. */
    private async runWorks(works: InboundWork[], logic: BotLogic): Promise<number> {
        const runs: Promise<void>[] = [];
        for (const work of works) {
            const key = work.deduplicationKey && `${this.vendor}:${work.deduplicationKey}`;
            const claimed = key ? await this.deduplication.claim(key, this.deduplicationTtlMs) : true;
            if (!claimed) {
                this.logger.debug(`${this.vendor}: duplicate event ${work.deduplicationKey} ignored`);
                continue;
            }
            runs.push(
                this.queue
                    .run(work.conversationId, async () => {
                        for (const activity of await work.prepare()) await this.runTurn(activity, logic);
                        await work.finish?.();
                    })
                    .catch(async (err) => {
                        if (key) await this.deduplication.release(key);
                        throw err;
                    })
            );
        }
        if (runs.length === 0) return 200;

        const all = Promise.all(runs);
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<'deadline'>((resolve) => {
            timer = setTimeout(() => resolve('deadline'), this.ackDeadlineMs);
        });
        try {
            const first = await Promise.race([all, deadline]);
            if (first === 'deadline') {
                this.logger.debug(`${this.vendor}: turn still running at the ${this.ackDeadlineMs} ms ack deadline; answered 200`);
                all.catch((err) => this.logger.error(`${this.vendor}: turn failed after the webhook was acknowledged: ${describeError(err)}`));
            }
            return 200;
        } catch (err) {
            this.logger.error(`${this.vendor}: turn failed: ${describeError(err)}`);
            return 500;
        } finally {
            clearTimeout(timer);
        }
    }
}
