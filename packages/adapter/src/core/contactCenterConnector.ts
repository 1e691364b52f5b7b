import { ActivityTypes, applyConversationReference, type ConversationReference, type PlainActivity, type ResourceResponse } from './activity';
import { waitForDelay } from './activityHelpers';
import { BoundedMemoryStorage } from './boundedMemoryStorage';
import { bodyUnfinished, closeAfterAnswer } from './connectionClose';
import { ConversationQueue, type QueueRefusal } from './conversationQueue';
import { ConversationRecords } from './conversationRecords';
import { MemoryDeduplicationStore, type DeduplicationStore } from './deduplicationStore';
import { WebhookRequestError } from './errors';
import { isPermanentFailure, type EventFailure, type EventFailureCounts } from './eventFailures';
import { readRawBody, writeResponse, type WebhookRequest, type WebhookResponse } from './http';
import { consoleLogger, describeError, type Logger } from './logger';
import { rateLimited } from './rateLimitedLogger';
import type { StorageLike } from './storage';
import { TurnScope, type EventMapping, type TurnRunner, type VendorEvent } from './turn';
import type { WebhookPipelineOptions } from './webhookOptions';

/** `1 event`, `2 events`. */
function events(count: number): string {
    return `${count} event${count === 1 ? '' : 's'}`;
}

/**
 * The vendor protocol core of one adapter: the webhook pipeline and the outbound loop, written once for every vendor
 * and importing no bot framework (docs/architecture.md, "The inbound pipeline"). A vendor subclass adds only what
 * differs — verify and parse a webhook, map an event, send one activity — and a host (botbuilder or the Agents SDK)
 * runs the bot's turns through a {@link TurnRunner}.
 *
 * @typeParam TEvent One parsed vendor event.
 * @typeParam TRecord What is remembered per vendor conversation.
 * @typeParam TMapping What mapping an event gives (activities, the record after it, vendor extras).
 */
export abstract class ContactCenterConnector<TEvent extends VendorEvent, TRecord extends object, TMapping extends EventMapping<TRecord>> {
    /** Vendor name used in logs and errors (`8x8`, `liveperson`). */
    abstract readonly vendor: string;
    readonly logger: Logger;
    /** Where conversation records (and vendor state such as LivePerson's ConsumerJWS) are kept. */
    readonly storage: StorageLike;
    /** Per-conversation records under this connector's prefix. */
    protected readonly records: ConversationRecords<TRecord>;
    private readonly deduplication: DeduplicationStore;
    private readonly queue: ConversationQueue;
    private readonly maxBodyBytes: number;
    private readonly bodyTimeoutMs: number;
    private readonly ackDeadlineMs: number;
    private readonly deduplicationTtlMs: number;
    private readonly onEventFailure: ((failure: EventFailure) => void) | undefined;
    private readonly failures: EventFailureCounts = { permanent: 0, retryable: 0 };

    protected constructor(options: WebhookPipelineOptions, recordPrefix: string) {
        this.logger = rateLimited(options.logger ?? consoleLogger, options.logRateLimit);
        this.storage = options.storage ?? new BoundedMemoryStorage();
        this.deduplication = options.deduplicationStore ?? new MemoryDeduplicationStore();
        this.queue = new ConversationQueue(options.maxConcurrentTurns ?? 32, (conversationId) => this.records.release(conversationId), {
            maxPerKey: options.maxQueuedEventsPerConversation ?? 100,
            maxTotal: options.maxQueuedEvents ?? 10_000,
        });
        this.records = new ConversationRecords<TRecord>(this.storage, recordPrefix, (conversationId) => this.queue.has(conversationId));
        this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
        this.bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
        this.ackDeadlineMs = options.ackDeadlineMs ?? 2500;
        this.deduplicationTtlMs = options.deduplicationTtlMs ?? 24 * 60 * 60 * 1000;
        this.onEventFailure = options.onEventFailure;
    }

    /**
     * Verifies and parses one webhook request into the events it carries, in the order they must be handled.
     * Throws {@link WebhookRequestError} with the status to answer (400, 401, 403, 500) when the request is refused;
     * returns an empty list for requests that need no turn (handshakes, unknown event types, echoes).
     *
     * @param rawBody The exact bytes received, or undefined when a body parser consumed them.
     * @param parsedBody The framework's parsed body, when there was one.
     */
    protected abstract parseWebhook(rawBody: Buffer | undefined, parsedBody: unknown, headers: WebhookRequest['headers']): Promise<TEvent[]>;

    /** Maps one event, given its conversation's record, to the activities the bot receives. Pure: no I/O. */
    protected abstract toActivities(event: TEvent, record: Readonly<TRecord>): TMapping;

    /** Sends one outbound activity (not `delay`, `trace` or `invokeResponse`) to the vendor. */
    protected abstract sendToVendor(activity: PlainActivity, turn: TurnScope): Promise<ResourceResponse>;

    /**
     * Completes a mapping with what needs I/O before its turns run (LivePerson: a download URL for each file an agent
     * shared), in the conversation's order, after the record was written. By default the mapping as it is. Should not
     * reject for what the bot can do without: a rejection fails the event as a failed turn does.
     */
    protected resolveAttachments(_event: TEvent, mapping: TMapping): Promise<TMapping> {
        return Promise.resolve(mapping);
    }

    /** Receipts the vendor wants while the event's turns run (LivePerson ACCEPT/READ). Must not reject. */
    protected acknowledge(_event: TEvent, _mapping: TMapping): Promise<void> | undefined {
        return undefined;
    }

    /** Runs when a turn ends, failed or not (LivePerson: ACTIVE after a standing COMPOSING). Must not reject. */
    protected async endTurn(_turn: TurnScope): Promise<void> {}

    /**
     * What an invoke response (the bot's answer to `Action.Execute`) shows at the vendor; by default nothing, as the
     * webhook answer carries no body.
     */
    async sendInvokeResponse(_activity: PlainActivity, _turn: TurnScope): Promise<ResourceResponse> {
        return { id: '' };
    }

    /** Events that failed since start, by kind: for operators' alerts (see also the `onEventFailure` option). */
    get failedEvents(): Readonly<EventFailureCounts> {
        return { ...this.failures };
    }

    /** Closes pooled connections (tests, graceful shutdown). */
    abstract close(): Promise<void>;

    /**
     * Handles one vendor webhook request, in this order: POST only (405) and the raw body within its cap and time
     * (413/408, the connection closed); the vendor's verification and parsing (401/403/400); de-duplication by vendor
     * event id; room in the conversation queues (503, the claims released, so the vendor delivers it again later); then
     * per event, in its conversation's order: read the record → map → write it if changed → resolve attachments (the
     * vendor's I/O, e.g. download URLs) → receipts alongside the turns → turns.
     * Answers 200 when the turns finished within the ack deadline, or at the deadline while they go on; 500 (and the
     * de-duplication entry released, so the vendor's retry runs it) when a turn failed.
     * Never throws: every failure becomes a status with a JSON `{ error }` message, and a log line.
     */
    async process(req: WebhookRequest, res: WebhookResponse, runTurn: TurnRunner): Promise<void> {
        try {
            if ((req.method ?? 'POST').toUpperCase() !== 'POST') {
                throw new WebhookRequestError(405, `Method ${req.method} is not allowed; webhooks are POST.`);
            }
            const rawBody = await readRawBody(req, this.maxBodyBytes, this.bodyTimeoutMs);
            const events = await this.parseWebhook(rawBody, rawBody === undefined ? req.body : undefined, req.headers);
            const claimed = await this.claimNew(events);
            // Checked and queued in one synchronous step, so concurrent webhooks cannot both take the last place.
            const full = this.queue.refusal(claimed.map(({ event }) => event.conversationId));
            if (full) throw await this.refuseForNow(claimed, full);
            const runs = claimed.map(({ event, key }) => this.handleInOrder(event, key, runTurn));
            const status = await this.answerWithin(runs);
            writeResponse(res, status, status === 200 ? undefined : { error: 'The bot failed to handle this event; retry later.' });
        } catch (err) {
            this.answerError(req, res, err);
        }
    }

    /**
     * Sends the bot's activities to the vendor, one after the other: `delay` waits, `trace` is dropped, everything
     * else goes to the vendor. Returns one ResourceResponse each.
     */
    async send(activities: PlainActivity[], turn: TurnScope): Promise<ResourceResponse[]> {
        const responses: ResourceResponse[] = [];
        for (const activity of activities) {
            if (activity.type === ActivityTypes.Delay) {
                await waitForDelay(activity.value);
                responses.push({ id: '' });
            } else if (activity.type === ActivityTypes.Trace) {
                responses.push({ id: '' });
            } else {
                responses.push(await this.sendToVendor(activity, turn));
            }
        }
        return responses;
    }

    /**
     * Runs a proactive turn in the conversation `reference` points to. The activity the turn sees is `continuation`
     * (default: an `event` named `continueConversation`) addressed from the reference.
     */
    async continueConversation(reference: ConversationReference, runTurn: TurnRunner, continuation?: PlainActivity): Promise<void> {
        const activity = applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation', ...continuation }, reference, true);
        await this.runTurn(activity, runTurn);
    }

    /** Runs one turn through the host, then the vendor's end-of-turn work. */
    protected async runTurn(activity: PlainActivity, runTurn: TurnRunner): Promise<void> {
        const turn = new TurnScope(activity);
        try {
            await runTurn(activity, turn);
        } finally {
            await this.endTurn(turn);
        }
    }

    /**
     * Runs `task` in a conversation's order (after its queued turns, before later ones) without taking a turn slot:
     * for record updates made outside a webhook, e.g. when the adapter opens a conversation.
     */
    protected inConversationOrder<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
        return this.queue.run(conversationId, task, false);
    }

    /** The events not seen before (claimed in the de-duplication store), each with its key; duplicates are skipped. */
    private async claimNew(events: TEvent[]): Promise<Array<{ event: TEvent; key: string | undefined }>> {
        const claimed: Array<{ event: TEvent; key: string | undefined }> = [];
        for (const event of events) {
            const key = event.deduplicationKey && `${this.vendor}:${event.deduplicationKey}`;
            if (key && !(await this.deduplication.claim(key, this.deduplicationTtlMs))) {
                this.logger.debug(`${this.vendor}: duplicate event ${event.deduplicationKey} ignored`);
                continue;
            }
            claimed.push({ event, key });
        }
        return claimed;
    }

    /** One event in its conversation's order: record → map → attachments → receipts alongside its turns. */
    private handleInOrder(event: TEvent, key: string | undefined, runTurn: TurnRunner): Promise<void> {
        const handled = this.queue.run(event.conversationId, async () => {
            const mapping = await this.resolveAttachments(event, await this.mapWithRecord(event));
            const receipts = this.acknowledge(event, mapping);
            for (const activity of mapping.activities) await this.runTurn(activity, runTurn);
            await receipts;
        });
        return handled.catch((err) => this.eventFailed(event, key, err));
    }

    /** The 503 for a webhook the queues have no room for, after releasing its claims so the vendor's redelivery runs. */
    private async refuseForNow(claimed: Array<{ key: string | undefined }>, full: QueueRefusal): Promise<WebhookRequestError> {
        await Promise.all(claimed.map(({ key }) => key && this.deduplication.release(key)));
        const [where, option] = full.limit === 'perKey' ? [`of conversation ${full.key}`, 'maxQueuedEventsPerConversation'] : ['in all', 'maxQueuedEvents'];
        return new WebhookRequestError(
            503,
            `The bot is busy: ${events(full.waiting)} ${where} waiting or running, and this webhook brings ${full.adding} more, ` +
                `over the ${full.max} allowed (${option}). Deliver this webhook again later.`
        );
    }

    /**
     * Answers a refused or failed webhook with its status and a JSON `{ error }`. When the body was not read to its end
     * (413, 408, 405…), the answer says `Connection: close` and the connection is closed once it is sent, so the rest of
     * the body is never read.
     */
    private answerError(req: WebhookRequest, res: WebhookResponse, err: unknown): void {
        const close = bodyUnfinished(req);
        const headers: Record<string, string> = close ? { Connection: 'close' } : {};
        if (err instanceof WebhookRequestError) {
            this.logger.warn(`${this.vendor} webhook refused with ${err.status}: ${err.message}`);
            writeResponse(res, err.status, { error: err.message }, err.status === 405 ? { ...headers, Allow: 'POST' } : headers);
        } else {
            this.logger.error(`${this.vendor} webhook failed: ${describeError(err)}`);
            writeResponse(res, 500, { error: 'Internal error while handling the webhook.' }, headers);
        }
        if (close) closeAfterAnswer(req, res);
    }

    /**
     * A failed event: one no retry can fix is logged once, counted and answered 200 (its de-duplication key stays, so
     * a redelivery is dropped too); any other releases its key and rejects, so the webhook is answered 500 and the
     * vendor's redelivery runs it again.
     */
    private async eventFailed(event: TEvent, key: string | undefined, error: unknown): Promise<void> {
        const permanent = isPermanentFailure(error);
        this.failures[permanent ? 'permanent' : 'retryable']++;
        try {
            this.onEventFailure?.({ vendor: this.vendor, conversationId: event.conversationId, eventId: event.deduplicationKey, permanent, error });
        } catch (hookError) {
            this.logger.warn(`${this.vendor}: onEventFailure threw: ${describeError(hookError)}`);
        }
        if (permanent) {
            this.logger.error(
                `${this.vendor}: event ${event.deduplicationKey ?? '(no id)'} of conversation ${event.conversationId} dropped, as no retry can fix it ` +
                    `(answered 200 so the vendor does not redeliver it): ${describeError(error)}`
            );
            return;
        }
        if (key) await this.deduplication.release(key);
        throw error;
    }

    /** Read the record → map → write it if the event changed it. */
    private async mapWithRecord(event: TEvent): Promise<TMapping> {
        const record = await this.records.read(event.conversationId);
        const mapping = this.toActivities(event, record);
        await this.records.writeIfChanged(event.conversationId, record, mapping.record);
        return mapping;
    }

    /** The status to answer: 200 once every run finished or the ack deadline passed; 500 when a run failed in time. */
    private async answerWithin(runs: Promise<void>[]): Promise<number> {
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
