import { ActivityTypes, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { isHandoffInitiation, newActivityId } from '../core/activityHelpers';
import { BoundedMemoryStorage } from '../core/boundedMemoryStorage';
import { ContactCenterAdapter, type BotLogic, type InboundWork } from '../core/contactCenterAdapter';
import { ConversationRecords } from '../core/conversationRecords';
import { UnsupportedOperationError, WebhookRequestError } from '../core/errors';
import { headerValue, parseJsonBody, requireRawBody, type WebhookRequest } from '../core/http';
import { VendorHttpClient } from '../core/httpClient';
import { describeError } from '../core/logger';
import { LivePersonAuth } from './auth';
import { LivePersonClient, type ConversationRequestOptions } from './client';
import { parseLivePersonNotification, type LivePersonChange } from './events';
import {
    LIVEPERSON_CHANNEL_ID,
    acceptStatusRequest,
    activeChatStateRequest,
    conversationChangeToActivities,
    fromActivity,
    handoffPlan,
    isIgnoredMessagingChange,
    messagingChangeToActivities,
    messagingConversationId,
    type InboundMapping,
    type LivePersonConversationRecord,
} from './mapper';
import { resolveLivePersonOptions, type LivePersonAdapterOptions, type ResolvedLivePersonOptions } from './options';
import { LivePersonServiceDirectory } from './serviceDirectory';
import { verifyLivePersonSignature } from './signature';

/** Options of {@link LivePersonAdapter.openConversation}. */
export interface OpenConversationOptions extends ConversationRequestOptions {
    /**
     * The external consumer id (e.g. your user's id on the channel they came from). The same id is the same
     * LivePerson consumer; a consumer has at most one open conversation.
     */
    consumerId: string;
}

/** turnState key: a COMPOSING chat state was sent in this turn and no ACTIVE followed yet. */
const COMPOSING = Symbol('liveperson.composing');

/**
 * Connects a Bot Framework bot to LivePerson agents through the LivePerson Connector API. The connector acts on
 * behalf of consumers: the bot opens a conversation for a consumer ({@link openConversation}) and talks in it, its
 * counterpart being the LivePerson agent.
 *
 * Inbound: `process()` verifies each webhook's `x-liveperson-signature` and account/client ids, handles every
 * change of a notification in `sequence` order, drops the connector's own echoes, de-duplicates (dialog + sequence;
 * conversation changes by `metaDataLastUpdateTs`) and runs the bot's turns in order per conversation; agent messages
 * are acknowledged with AcceptStatusEvent ACCEPT and READ while the bot's turn for them runs. Outbound: messages
 * (text, suggested actions as quick replies, cards as structured content or text), typing (COMPOSING, then ACTIVE once
 * the bot has answered) and `endOfConversation` (close) go through the SEND API.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { ActivityHandler } from 'botbuilder';
 * import { LivePersonAdapter } from 'botbuilder-contact-center';
 *
 * const adapter = new LivePersonAdapter({
 *     accountId: process.env.LIVEPERSON_ACCOUNT_ID!,
 *     clientId: process.env.LIVEPERSON_CLIENT_ID!,
 *     clientSecret: process.env.LIVEPERSON_CLIENT_SECRET!,
 * });
 * const bot = new ActivityHandler().onMessage(async (context, next) => {
 *     await context.sendActivity(`Echo: ${context.activity.text}`);
 *     await next();
 * });
 * const app = express(); // no body parser on the webhook route: the adapter verifies the raw bytes
 * app.post('/api/liveperson/webhook', (req, res) => adapter.process(req, res, (context) => bot.run(context)));
 * app.listen(3978);
 *
 * // Later: open a conversation for a customer and say something in it.
 * const reference = await adapter.openConversation({ consumerId: 'customer-42', skillId: '1234' });
 * await adapter.continueConversation(reference, (context) => context.sendActivity('Hello, I need help with my order.'));
 * ```
 */
export class LivePersonAdapter extends ContactCenterAdapter {
    protected readonly vendor = 'liveperson';
    /** The CONVERSATION/SEND client this adapter sends through. */
    readonly client: LivePersonClient;
    private readonly options: ResolvedLivePersonOptions;
    private readonly serviceUrl: string;
    private readonly records: ConversationRecords<LivePersonConversationRecord>;
    /** Receipts still being sent, by LivePerson conversation id (see {@link startReceipts}). */
    private readonly receipts = new Map<string, Promise<void>>();

    constructor(options: LivePersonAdapterOptions) {
        const resolved = resolveLivePersonOptions(options);
        // Conversation records and ConsumerJWS tokens must outlive long agent conversations: a week by default.
        super({ ...resolved, storage: resolved.storage ?? new BoundedMemoryStorage({ maxItems: 100_000, ttlMs: 7 * 24 * 60 * 60 * 1000 }) });
        this.options = resolved;
        this.records = this.conversationRecords('liveperson/conversations');
        this.serviceUrl = resolved.messagingUrl ?? resolved.csdsUrl;
        let auth: LivePersonAuth | undefined;
        const http = new VendorHttpClient({
            vendor: 'liveperson',
            retry: resolved.retry,
            timeoutMs: resolved.requestTimeoutMs,
            // "On 429 wait at least 1 s before retrying" (Messaging Window API reference, rate limiting).
            minRateLimitDelayMs: 1000,
            secrets: () => auth?.secrets() ?? [resolved.clientSecret],
            logger: this.logger,
        });
        const services = new LivePersonServiceDirectory(http, {
            accountId: resolved.accountId,
            csdsUrl: resolved.csdsUrl,
            overrides: { sentinel: resolved.sentinelUrl, idp: resolved.idpUrl, asyncMessagingEnt: resolved.messagingUrl },
        });
        auth = new LivePersonAuth(http, services, { accountId: resolved.accountId, clientId: resolved.clientId, clientSecret: resolved.clientSecret, storage: this.storage });
        this.client = new LivePersonClient(http, services, auth, { accountId: resolved.accountId, clientFeatures: resolved.clientFeatures });
        if (!resolved.verifySignatures) {
            this.logger.warn('LivePersonAdapter: webhook signature verification is OFF (verifySignatures: false). Anyone who can reach the webhook URL can drive the bot. Never run like this in production.');
        }
    }

    /**
     * Opens a LivePerson conversation for a consumer (CONVERSATION: SetUserProfile + ConsumerRequestConversation),
     * remembers which consumer it belongs to, and returns a reference for `continueConversation`.
     * Routing: `skillId` / `campaignInfo` here, else the adapter's options, else LivePerson's default.
     *
     * @example
     * ```ts
     * const reference = await adapter.openConversation({
     *     consumerId: 'customer-42',
     *     skillId: '1234',
     *     userProfile: { authenticatedData: { lp_sdes: [{ type: 'personal', personal: { firstname: 'Ada' } }] } },
     * });
     * await adapter.continueConversation(reference, (context) => context.sendActivity('Hi, I would like to talk to someone.'));
     * ```
     */
    async openConversation(options: OpenConversationOptions): Promise<Partial<ConversationReference>> {
        if (!options || typeof options.consumerId !== 'string' || options.consumerId.trim() === '') {
            throw new TypeError('LivePersonAdapter.openConversation(): consumerId is required (a non-empty string).');
        }
        for (const name of ['skillId'] as const) {
            if (options[name] !== undefined && (typeof options[name] !== 'string' || options[name] === '')) {
                throw new TypeError(`LivePersonAdapter.openConversation(): ${name} must be a non-empty string when given.`);
            }
        }
        const skillId = options.skillId ?? (options.campaignInfo ? undefined : this.options.skillId);
        const campaignInfo = options.campaignInfo ?? (options.skillId ? undefined : this.options.campaignInfo);
        const conversationId = await this.client.requestConversation(options.consumerId, { ...options, skillId, campaignInfo });
        await this.inConversationOrder(conversationId, () =>
            this.records.update(conversationId, (record) => ({ ...record, consumerId: options.consumerId, dialogId: record.dialogId ?? conversationId }))
        );
        this.logger.info(`liveperson: opened conversation ${conversationId}`);
        return this.reference(conversationId);
    }

    /** The reference of a conversation (for `continueConversation`), e.g. one whose id you stored. */
    reference(conversationId: string): Partial<ConversationReference> {
        return {
            channelId: LIVEPERSON_CHANNEL_ID,
            serviceUrl: this.serviceUrl,
            conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
            bot: { ...this.options.botAccount, name: this.options.botAccount.name ?? 'Bot', role: 'bot' },
            user: { id: `liveperson-agent:${conversationId}`, name: 'Agent', role: 'user' },
        };
    }

    /** Closes the adapter's pooled connections (tests, graceful shutdown). */
    async close(): Promise<void> {
        await this.client.close();
    }

    protected override async parseWebhook(rawBody: Buffer | undefined, parsedBody: unknown, headers: WebhookRequest['headers']): Promise<InboundWork[]> {
        if (this.options.verifySignatures) {
            verifyLivePersonSignature(requireRawBody(rawBody), headerValue(headers, 'x-liveperson-signature'), this.options.clientSecret);
            this.checkHeader(headers, 'x-liveperson-account-id', this.options.accountId, 'account');
            this.checkHeader(headers, 'x-liveperson-client-id', this.options.clientId, 'app installation (client id)');
        }
        const parsed = parseLivePersonNotification(rawBody === undefined ? parsedBody : parseJsonBody(rawBody));
        if (parsed.kind === 'invalid') throw new WebhookRequestError(400, `Invalid LivePerson notification: ${parsed.problem}.`);
        if (parsed.kind === 'unknown') {
            this.logger.info(`liveperson: ignored a notification of unknown type "${parsed.type}".`);
            return [];
        }
        const works: InboundWork[] = [];
        for (const item of inSequenceOrder(parsed.changes)) {
            if (item.kind === 'unknown') {
                this.logger.info(`liveperson: ignored ${item.description}.`);
                continue;
            }
            // Echoes of the bot's own events (five or so per reply) need no record, no queue and no turn.
            if (item.kind === 'messaging' && isIgnoredMessagingChange(item.change)) continue;
            works.push(this.work(item));
        }
        return works;
    }

    protected override async sendToVendor(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse> {
        const { conversationId, record } = await this.current(activity.conversation?.id ?? '');
        if (!record.consumerId) {
            throw new UnsupportedOperationError(
                `LivePersonAdapter: cannot send to conversation ${conversationId}: this connector did not open it, so it has no consumer to act for. ` +
                    'Only conversations opened with openConversation() can be answered.'
            );
        }
        const handoff = isHandoffInitiation(activity);
        // A close ends what LivePerson accepts for the conversation: the receipts of this turn's message go first.
        if (handoff || activity.type === ActivityTypes.EndOfConversation) await this.receipts.get(conversationId);
        if (handoff) {
            await this.handoff(activity, conversationId, record, activity.conversation!.id);
            return { id: '' };
        }
        const mapping = fromActivity({ ...activity, conversation: { ...activity.conversation!, id: conversationId } }, { record, cardRendering: this.options.cardRendering });
        for (const fallback of mapping.textFallbacks) this.logger.debug(`liveperson: card sent as text (${fallback})`);
        let sequence: number | undefined;
        for (const request of mapping.requests) {
            const result = await this.client.send(record.consumerId, request);
            if (sequence === undefined && (request.operation === 'publishContent' || request.operation === 'publishRichContent')) sequence = result.sequence;
        }
        const nextRecord = activity.type === ActivityTypes.EndOfConversation ? { ...mapping.record, closed: true } : mapping.record;
        await this.records.writeIfChanged(conversationId, record, nextRecord);
        if (activity.type === ActivityTypes.Typing && mapping.requests.length > 0) context.turnState.set(COMPOSING, true);
        if (activity.type === ActivityTypes.Message) await this.endComposing(context, activity.conversation!.id);
        if (activity.type !== ActivityTypes.Message) return { id: '' };
        return { id: sequence !== undefined ? `${conversationId}:${sequence}` : newActivityId() };
    }

    /**
     * Re-routes the consumer to a human skill (see {@link handoffPlan}): closes this conversation, opens one on the
     * handoff skill with the details and the transcript, and links the two so the bot keeps its conversation id.
     */
    private async handoff(activity: Partial<Activity>, conversationId: string, record: LivePersonConversationRecord, botConversationId: string): Promise<void> {
        const consumerId = record.consumerId!;
        const plan = handoffPlan(activity, conversationId, { skillId: this.options.handoffSkillId });
        // Retry-safe: when an earlier attempt closed the conversation but failed to open the next one, the
        // redelivered turn goes straight to opening it.
        if (!record.closed) {
            await this.client.send(consumerId, plan.close);
            await this.records.update(conversationId, (record) => ({ ...record, closed: true, offered: undefined }));
        }
        const newId = await this.client.requestConversation(consumerId, plan.open);
        await this.inConversationOrder(newId, () =>
            this.records.update(newId, (record) => ({ ...record, consumerId, dialogId: record.dialogId ?? newId, botConversationId, handoff: {} }))
        );
        await this.records.update(conversationId, (record) => ({ ...record, movedTo: newId }));
        for (const text of plan.messages) {
            await this.client.send(consumerId, { operation: 'publishContent', type: 'ms.PublishEvent', body: { dialogId: newId, conversationId: newId, event: { type: 'ContentEvent', contentType: 'text/plain', message: text } } });
        }
        this.logger.info(`liveperson: handoff of ${botConversationId} to conversation ${newId}`);
    }

    /** The LivePerson conversation a bot conversation id stands for now (after handoffs), with its record. */
    private async current(botConversationId: string): Promise<{ conversationId: string; record: LivePersonConversationRecord }> {
        let conversationId = botConversationId;
        let record = await this.records.read(conversationId);
        for (let hops = 0; record.movedTo && hops < 10; hops++) {
            conversationId = record.movedTo;
            record = await this.records.read(conversationId);
        }
        return { conversationId, record };
    }

    /** Every turn that sent COMPOSING ends with ACTIVE, even when the bot sent no message after it. */
    protected override async runTurn(activity: Partial<Activity>, logic: BotLogic): Promise<void> {
        await super.runTurn(activity, async (context) => {
            try {
                await logic(context);
            } finally {
                await this.endComposing(context, context.activity.conversation?.id ?? '');
            }
        });
    }

    private work(item: Exclude<LivePersonChange, { kind: 'unknown' }>): InboundWork {
        if (item.kind === 'conversation') {
            const { convId, conversationDetails } = item.change.result;
            const ts = conversationDetails?.metaDataLastUpdateTs;
            return {
                conversationId: convId,
                deduplicationKey: ts !== undefined ? `${convId}:conversation:${item.change.type}:${ts}` : undefined,
                prepare: async () => {
                    const mapped = await this.map(convId, (record) => conversationChangeToActivities(item.change, this.inbound(record, `${convId}:${ts ?? Date.now()}`)));
                    return mapped.activities;
                },
            };
        }
        const change = item.change;
        const conversationId = messagingConversationId(change);
        const dialogId = change.dialogId ?? conversationId;
        const hasSequence = change.sequence !== undefined;
        return {
            conversationId,
            deduplicationKey: hasSequence ? `${conversationId}:${dialogId}:${change.sequence}:${change.event.type}` : undefined,
            prepare: async () => {
                const activityId = hasSequence ? `${dialogId}:${change.sequence}` : newActivityId();
                const mapped = await this.map(conversationId, (record) => messagingChangeToActivities(change, this.inbound(record, activityId)));
                const receipt = mapped.receipt;
                if (receipt && this.options.sendReadReceipts) this.startReceipts(conversationId, receipt.dialogId, receipt.sequence);
                return mapped.activities;
            },
            finish: async () => {
                await this.receipts.get(conversationId);
            },
        };
    }

    private inbound(record: LivePersonConversationRecord, activityId: string) {
        return { activityId, botAccount: { ...this.options.botAccount, name: this.options.botAccount.name ?? 'Bot' }, serviceUrl: this.serviceUrl, record };
    }

    private async map(conversationId: string, mapping: (record: LivePersonConversationRecord) => InboundMapping): Promise<InboundMapping> {
        const record = await this.records.read(conversationId);
        const mapped = mapping(record);
        await this.records.writeIfChanged(conversationId, record, mapped.record);
        return mapped;
    }

    /**
     * Starts ACCEPT then READ for an agent message as the bot's turn for it starts. They go out while the turn runs,
     * as they need nothing from it: each reply then costs the agent three round trips (COMPOSING, the message,
     * ACTIVE) instead of five. The work's `finish`, and a close or handoff in the turn, wait for them.
     */
    private startReceipts(conversationId: string, dialogId: string, sequence: number): void {
        const sending = this.acknowledge(conversationId, dialogId, sequence);
        this.receipts.set(conversationId, sending);
        void sending.then(() => this.receipts.get(conversationId) === sending && this.receipts.delete(conversationId));
    }

    /** ACCEPT then READ for an agent message. Best effort, never rejects: a failed receipt is logged, the turn stands. */
    private async acknowledge(conversationId: string, dialogId: string, sequence: number): Promise<void> {
        try {
            const record = await this.records.read(conversationId);
            // Not ours, or closed (e.g. by another instance): nothing to acknowledge to.
            if (!record.consumerId || record.closed) return;
            await this.client.send(record.consumerId, acceptStatusRequest(conversationId, dialogId, 'ACCEPT', [sequence]));
            await this.client.send(record.consumerId, acceptStatusRequest(conversationId, dialogId, 'READ', [sequence]));
        } catch (err) {
            this.logger.warn(`liveperson: could not acknowledge message ${sequence} of ${conversationId}: ${describeError(err)}`);
        }
    }

    /** Sends ACTIVE when this turn left a COMPOSING standing. Best effort. */
    private async endComposing(context: TurnContext, conversationId: string): Promise<void> {
        if (!context.turnState.get(COMPOSING)) return;
        context.turnState.delete(COMPOSING);
        try {
            const current = await this.current(conversationId);
            const record = current.record;
            if (record.consumerId) await this.client.send(record.consumerId, activeChatStateRequest(current.conversationId, record.dialogId ?? current.conversationId));
        } catch (err) {
            this.logger.warn(`liveperson: could not send the ACTIVE chat state to ${conversationId}: ${describeError(err)}`);
        }
    }

    private checkHeader(headers: WebhookRequest['headers'], name: string, expected: string, what: string): void {
        const value = headerValue(headers, name);
        if (value !== expected) {
            throw new WebhookRequestError(403, value ? `${name} "${value}" is not this connector's ${what}.` : `Missing ${name} header.`);
        }
    }
}

/**
 * Changes in the order they must be handled: messaging changes that carry a `sequence` sorted by it (per
 * conversation; they keep the slots they came in), the others where they were.
 */
export function inSequenceOrder(changes: LivePersonChange[]): LivePersonChange[] {
    const sequenced = changes
        .map((change, index) => ({ change, index }))
        .filter(({ change }) => change.kind === 'messaging' && change.change.sequence !== undefined);
    const sorted = [...sequenced].sort((a, b) => {
        const x = a.change as Extract<LivePersonChange, { kind: 'messaging' }>;
        const y = b.change as Extract<LivePersonChange, { kind: 'messaging' }>;
        return x.change.sequence! - y.change.sequence! || a.index - b.index;
    });
    const result = [...changes];
    sequenced.forEach((slot, i) => (result[slot.index] = sorted[i].change));
    return result;
}
