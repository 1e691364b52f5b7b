import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { openDefaultStore } from '../stores/defaultStore';
import { ActivityTypes, applyConversationReference, type ConversationReference, type PlainActivity, type ResourceResponse } from './activity';
import { waitForDelay } from './activityHelpers';
import { ConversationQueue } from './conversationQueue';
import { ConversationRecords } from './conversationRecords';
import { WebhookRequestError } from './errors';
import { currentEvent, EventContext } from './eventContext';
import { FailureReporter, isPermanentFailure, type EventFailureCounts } from './eventFailures';
import { readRawBody, writeResponse, type WebhookRequest, type WebhookResponse } from './http';
import { InboxProcessor } from './inboxProcessor';
import { guardedMetrics, type ContactCenterMetrics } from './metrics';
import type { AppendOptions, AppendResult, InboxEvent, InboxStats, InboxStore } from './inboxStore';
import { consoleLogger, describeError, type Logger } from './logger';
import { rateLimited } from './rateLimitedLogger';
import type { StorageLike, StoreItems } from './storage';
import { TurnScope, type EventMapping, type TurnRunner, type VendorEvent } from './turn';
import { answerWebhookError, inboxFull, recordsToCommit } from './webhookAnswers';
import type { WebhookPipelineOptions } from './webhookOptions';

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
    /** Vendor name used in logs and errors (`8x8`, `liveperson`); also the name of the connector's inbox in the store. */
    abstract readonly vendor: string;
    readonly logger: Logger;
    /** The durable inbox, de-duplication, leases and Storage this connector works on. */
    readonly store: InboxStore;
    /** The store's Storage: conversation records and vendor state (LivePerson's ConsumerJWS); also fit for the bot's own state. */
    readonly storage: StorageLike;
    /** Per-conversation records under this connector's prefix. */
    protected readonly records: ConversationRecords<TRecord>;
    /** In-process order per conversation, for record updates made outside an inbox event (a conversation the adapter opens). */
    private readonly localOrder = new ConversationQueue();
    private readonly limits: { maxBodyBytes: number; bodyTimeoutMs: number; append: AppendOptions };
    private readonly failures: FailureReporter;
    /** Where measurements go (the `metrics` option, guarded so a sink that throws never breaks a webhook). */
    protected readonly metrics: ContactCenterMetrics | undefined;
    private readonly ownsStore: boolean;
    private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    private processor: InboxProcessor | undefined;
    private runTurnWith: TurnRunner | undefined;
    private closing = false;
    /** The events running now, so a shutdown past its bound can stop their sends. */
    private readonly running = new Set<EventContext>();
    private readonly pipelineOptions: WebhookPipelineOptions;

    protected constructor(options: WebhookPipelineOptions, recordPrefix: string) {
        this.pipelineOptions = options;
        this.logger = rateLimited(options.logger ?? consoleLogger, options.logRateLimit);
        this.ownsStore = options.store === undefined;
        this.store = options.store ?? openDefaultStore(this.logger);
        this.storage = this.store.storage;
        this.records = new ConversationRecords<TRecord>(this.storage, recordPrefix);
        this.limits = {
            maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
            bodyTimeoutMs: options.bodyTimeoutMs ?? 10_000,
            append: {
                deduplicationTtlMs: options.deduplicationTtlMs ?? 24 * 60 * 60 * 1000,
                maxPerConversation: options.maxQueuedEventsPerConversation ?? 100,
                maxTotal: options.maxQueuedEvents ?? 10_000,
            },
        };
        this.metrics = guardedMetrics(options.metrics, (error) =>
            this.logger.warn(`metrics: the sink threw (further errors not logged): ${describeError(error)}`)
        );
        this.failures = new FailureReporter(() => this.vendor, this.logger, options.onEventFailure, this.metrics);
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
        return this.failures.counts;
    }

    /**
     * The inbox now (events waiting or running, conversations with events, dead letters; across every instance sharing
     * the store) and the events running in this instance: for a metrics gauge or a readiness check.
     */
    async stats(): Promise<InboxStats & { running: number }> {
        return { ...(await this.store.stats(this.vendor)), running: this.processor?.active ?? 0 };
    }

    /** Closes the vendor clients' pooled connections; `force` aborts calls still under way. */
    protected abstract closeClients(force: boolean): Promise<void>;

    /**
     * Runs after each send of an activity to the vendor, once the send is recorded (LivePerson: ACTIVE after a message
     * that followed COMPOSING), also when a re-run skipped a recorded send. By default nothing. Should not reject.
     */
    protected async afterSend(_activity: PlainActivity, _turn: TurnScope): Promise<void> {}

    /**
     * Handles one vendor webhook request, in this order: POST only (405) and the raw body within its cap and time
     * (413/408, the connection closed); the vendor's verification and parsing (401/403/400); then the events are
     * written to the durable inbox — duplicates dropped, room checked per conversation and in all (503 when there is
     * none, or the store cannot be reached, or the adapter is shutting down: the vendor delivers it again later) —
     * and the webhook is answered 200. The bot's turns run from the inbox after the answer ({@link runEvent}).
     * Never throws: every failure becomes a status with a JSON `{ error }` message, and a log line.
     */
    async process(req: WebhookRequest, res: WebhookResponse, runTurn: TurnRunner): Promise<void> {
        const started = this.metrics && performance.now();
        let status = 200;
        try {
            if ((req.method ?? 'POST').toUpperCase() !== 'POST') {
                throw new WebhookRequestError(405, `Method ${req.method} is not allowed; webhooks are POST.`);
            }
            if (this.closing) throw new WebhookRequestError(503, 'The bot is shutting down; deliver this webhook again later.');
            const rawBody = await readRawBody(req, this.limits.maxBodyBytes, this.limits.bodyTimeoutMs);
            const events = await this.parseWebhook(rawBody, rawBody === undefined ? req.body : undefined, req.headers);
            this.processInbox(runTurn);
            if (events.length > 0) await this.appendToInbox(events);
            writeResponse(res, 200);
        } catch (err) {
            status = answerWebhookError(req, res, err, this.vendor, this.logger);
        }
        if (started !== undefined) {
            const attributes = { vendor: this.vendor, status };
            this.metrics!.count('contact_center.webhooks', 1, attributes);
            this.metrics!.record('contact_center.webhook.duration', performance.now() - started, attributes);
        }
    }

    /**
     * Starts running the inbox's events with `runTurn` (the first webhook does it too): call it at start-up so events
     * an earlier run left are resumed without waiting for a new webhook. Later calls change the runner.
     */
    processInbox(runTurn: TurnRunner): void {
        this.runTurnWith = runTurn;
        if (this.closing) return;
        this.processor ??= new InboxProcessor(
            this.store,
            this.vendor,
            this.owner,
            (event) => this.runEvent(event),
            isPermanentFailure,
            this.failures.listener(),
            this.logger,
            { maxConcurrent: this.pipelineOptions.maxConcurrentTurns, ...this.pipelineOptions.inbox }
        );
        this.processor.start();
    }

    /** Resolves once the inbox has nothing pending and no event runs here (tests; draining). */
    async whenIdle(): Promise<void> {
        await this.processor?.whenIdle();
    }

    /**
     * Graceful shutdown: webhooks are answered 503 from now on, the events that run get `timeoutMs` to finish (default
     * 10 s; those still running are handed back to the store for another instance or the next start), leases are
     * released, the vendor clients' pools closed, and the store closed when the adapter opened it.
     */
    async close(timeoutMs?: number): Promise<void> {
        this.closing = true;
        await this.processor?.stop(timeoutMs);
        // Events still running at the bound were handed back: their further sends are refused and their vendor calls
        // aborted, so nothing they do after the bound is lost or left unrecorded.
        const late = this.running.size > 0;
        for (const context of this.running) context.abort();
        await this.closeClients(late);
        if (this.ownsStore) await this.store.close();
    }

    /**
     * Sends the bot's activities to the vendor, one after the other: `delay` waits, `trace` is dropped, everything
     * else goes to the vendor. Returns one ResourceResponse each. Inside an inbox event, a send an earlier attempt of
     * the event completed is not sent again (typing indicators excepted: they are cheap and harmless to repeat).
     */
    async send(activities: PlainActivity[], turn: TurnScope): Promise<ResourceResponse[]> {
        const responses: ResourceResponse[] = [];
        const event = currentEvent.getStore();
        for (const activity of activities) {
            if (activity.type === ActivityTypes.Delay) {
                await waitForDelay(activity.value);
                responses.push({ id: '' });
            } else if (activity.type === ActivityTypes.Trace) {
                responses.push({ id: '' });
            } else {
                const sent = event && activity.type !== ActivityTypes.Typing;
                responses.push(await (sent ? event.send(() => this.sendToVendor(activity, turn)) : this.sendToVendor(activity, turn)));
                await this.afterSend(activity, turn);
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
     * Runs `task` in a conversation's order in this process (after its running event, before later ones): for record
     * updates made outside an inbox event, e.g. when the adapter opens a conversation.
     */
    protected inConversationOrder<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
        return this.localOrder.run(conversationId, task);
    }

    /**
     * One inbox event, in its conversation's order: record → map → attachments → receipts alongside its turns.
     * Resolves with the records it changed, which the processor commits with the event's completion.
     */
    private async runEvent(stored: InboxEvent): Promise<StoreItems> {
        const runTurn = this.runTurnWith!;
        const event = stored.payload as TEvent;
        const sends = await this.store.sends(this.vendor, stored.id);
        const context = new EventContext(stored.conversationId, sends, (index, record) =>
            this.store.recordSend(this.vendor, this.owner, stored, index, record)
        );
        this.running.add(context);
        return this.localOrder.run(stored.conversationId, () =>
            currentEvent.run(context, async () => {
                try {
                    const mapping = await this.resolveAttachments(event, await this.mapWithRecord(event));
                    const receipts = this.acknowledge(event, mapping);
                    for (const activity of mapping.activities) await this.runTurn(activity, runTurn);
                    await receipts;
                    return await recordsToCommit(context, this.storage);
                } catch (err) {
                    context.finish();
                    throw err;
                } finally {
                    this.running.delete(context);
                }
            })
        );
    }

    /** Appends the events to the inbox and wakes the processor; a refusal or an unreachable store is a 503. */
    private async appendToInbox(events: TEvent[]): Promise<void> {
        let result: AppendResult;
        try {
            result = await this.store.append(
                this.vendor,
                events.map((event) => ({ conversationId: event.conversationId, deduplicationKey: event.deduplicationKey, payload: event })),
                this.limits.append
            );
        } catch (err) {
            this.logger.error(`${this.vendor}: the inbox store is unavailable: ${describeError(err)}`);
            throw new WebhookRequestError(503, 'The bot cannot store this webhook right now; deliver it again later.');
        }
        if (result.refused) throw inboxFull(result.refused);
        if (result.duplicates > 0) this.metrics?.count('contact_center.events.duplicate', result.duplicates, { vendor: this.vendor });
        if (result.duplicates > 0)
            this.logger.debug(`${this.vendor}: ${events.length === 1 ? 'a duplicate event' : `${result.duplicates} duplicate events`} ignored`);
        if (result.accepted.length > 0) this.processor?.wake();
    }

    /** Read the record → map → keep the record the event left (committed with the event's completion). */
    private async mapWithRecord(event: TEvent): Promise<TMapping> {
        const record = await this.records.read(event.conversationId);
        const mapping = this.toActivities(event, record);
        await this.records.writeIfChanged(event.conversationId, record, mapping.record);
        return mapping;
    }
}
