import { ActivityTypes, type ConversationReference, type PlainActivity, type ResourceResponse } from '../core/activity';
import { newActivityId } from '../core/activityHelpers';
import { ContactCenterConnector } from '../core/contactCenterConnector';
import { ConversationClosedError, ConversationNotReadyError } from '../core/errors';
import { isHandoffInitiation } from '../core/handoff';
import { isWellFormedText } from '../core/safeText';
import { acceptParsed } from '../core/parseResult';
import { headerValue, parseJsonBody, requireRawBody, type WebhookRequest } from '../core/http';
import { VendorHttpClient } from '../core/httpClient';
import type { TurnScope } from '../core/turn';
import { checkHeaderAllowed, warnIfSignaturesOff } from '../core/webhookGuards';
import { LivePersonAuth } from './auth';
import { LivePersonClient, type ConversationRequestOptions } from './client';
import { describeLivePersonError } from './errors';
import { LivePersonFileSharing } from './fileSharing';
import { inboundEvent, inSequenceOrder, type LivePersonInboundEvent } from './inboundEvents';
import { parseLivePersonNotification } from './events';
import { reRouteToHandoffSkill } from './handoff';
import {
    LIVEPERSON_CHANNEL_ID,
    conversationChangeToActivities,
    isIgnoredMessagingChange,
    messagingChangeToActivities,
    type InboundMapping,
    type LivePersonConversationRecord,
} from './inboundMapper';
import { fromActivity } from './outboundMapper';
import { resolveLivePersonOptions, type LivePersonAdapterOptions, type ResolvedLivePersonOptions } from './options';
import { LivePersonReceipts } from './receipts';
import { LivePersonServiceDirectory } from './serviceDirectory';
import { verifyLivePersonSignature } from './signature';

/** Options of {@link LivePersonConnector.openConversation}. */
export interface OpenConversationOptions extends ConversationRequestOptions {
    /**
     * The external consumer id (e.g. your user's id on the channel they came from). The same id is the same
     * LivePerson consumer; a consumer has at most one open conversation.
     */
    consumerId: string;
}

/**
 * The LivePerson Connector API protocol, framework-free: verifies `x-liveperson-signature` and the account/client
 * ids, handles every change of a notification in `sequence` order, drops the connector's own echoes, maps changes with
 * the conversation's record (files an agent shared get a download URL), acknowledges agent messages (ACCEPT, READ)
 * while the bot's turn runs, and sends the bot's activities through the SEND API (images as hosted files). The hosts
 * (`LivePersonAdapter` for botbuilder and for the Agents SDK) run the bot on it; use it directly only to build another
 * host.
 */
export class LivePersonConnector extends ContactCenterConnector<LivePersonInboundEvent, LivePersonConversationRecord, InboundMapping> {
    readonly vendor: string = 'liveperson';
    /** The CONVERSATION/SEND client this connector sends through. */
    readonly client: LivePersonClient;
    private readonly options: ResolvedLivePersonOptions;
    private readonly serviceUrl: string;
    private readonly receipts: LivePersonReceipts;
    private readonly files: LivePersonFileSharing;

    constructor(options: LivePersonAdapterOptions) {
        const resolved = resolveLivePersonOptions(options);
        super(resolved, 'liveperson/conversations');
        this.options = resolved;
        this.serviceUrl = resolved.messagingUrl ?? resolved.csdsUrl;
        // The HTTP client masks the tokens the auth (created next, on top of the client) holds.
        const tokens: { auth?: LivePersonAuth } = {};
        const http = new VendorHttpClient({
            vendor: 'liveperson',
            retry: resolved.retry,
            timeoutMs: resolved.requestTimeoutMs,
            // "On 429 wait at least 1 s before retrying" (Messaging Window API reference, rate limiting).
            minRateLimitDelayMs: 1000,
            describeError: describeLivePersonError,
            secrets: () => tokens.auth?.secrets() ?? [resolved.clientSecret],
            logger: this.logger,
            metrics: this.metrics,
        });
        const services = new LivePersonServiceDirectory(http, {
            accountId: resolved.accountId,
            csdsUrl: resolved.csdsUrl,
            overrides: { sentinel: resolved.sentinelUrl, idp: resolved.idpUrl, asyncMessagingEnt: resolved.messagingUrl, swift: resolved.swiftUrl },
        });
        const auth = new LivePersonAuth(http, services, {
            accountId: resolved.accountId,
            clientId: resolved.clientId,
            clientSecret: resolved.clientSecret,
            storage: this.storage,
        });
        tokens.auth = auth;
        this.client = new LivePersonClient(http, services, auth, { accountId: resolved.accountId, clientFeatures: resolved.clientFeatures });
        this.files = new LivePersonFileSharing(this.client, services, {
            maxBytes: resolved.maxAttachmentBytes,
            timeoutMs: resolved.requestTimeoutMs ?? 10_000,
            retry: resolved.retry,
            logger: this.logger,
            metrics: this.metrics,
        });
        this.receipts = new LivePersonReceipts(this.client, this.records, this.logger);
        warnIfSignaturesOff(this.logger, 'LivePersonAdapter', resolved.verifySignatures);
    }

    /**
     * Opens a LivePerson conversation for a consumer (CONVERSATION: SetUserProfile + ConsumerRequestConversation),
     * remembers which consumer it belongs to, and returns a reference for `continueConversation`.
     * Routing: `skillId` / `campaignInfo` here, else the adapter's options, else LivePerson's default.
     */
    async openConversation(options: OpenConversationOptions, owner = 'LivePersonConnector'): Promise<ConversationReference> {
        if (!options || typeof options.consumerId !== 'string' || options.consumerId.trim() === '') {
            throw new TypeError(`${owner}.openConversation(): consumerId is required (a non-empty string).`);
        }
        if (!isWellFormedText(options.consumerId)) throw new TypeError(`${owner}.openConversation(): consumerId is not well-formed Unicode.`);
        if (options.skillId !== undefined && (typeof options.skillId !== 'string' || options.skillId === '')) {
            throw new TypeError(`${owner}.openConversation(): skillId must be a non-empty string when given.`);
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
    reference(conversationId: string): ConversationReference {
        return {
            channelId: LIVEPERSON_CHANNEL_ID,
            serviceUrl: this.serviceUrl,
            conversation: { id: conversationId, isGroup: false, conversationType: 'personal' },
            bot: { ...this.options.botAccount, name: this.options.botAccount.name ?? 'Bot', role: 'bot' },
            user: { id: `liveperson-agent:${conversationId}`, name: 'Agent', role: 'user' },
        };
    }

    protected override async closeClients(force: boolean): Promise<void> {
        await Promise.all([this.client.close(force), this.files.close(force)]);
    }

    protected override async parseWebhook(
        rawBody: Buffer | undefined,
        parsedBody: unknown,
        headers: WebhookRequest['headers']
    ): Promise<LivePersonInboundEvent[]> {
        if (this.options.verifySignatures) {
            verifyLivePersonSignature(requireRawBody(rawBody), headerValue(headers, 'x-liveperson-signature'), this.options.clientSecret);
            checkHeaderAllowed('x-liveperson-account-id', headerValue(headers, 'x-liveperson-account-id'), [this.options.accountId], 'account');
            checkHeaderAllowed(
                'x-liveperson-client-id',
                headerValue(headers, 'x-liveperson-client-id'),
                [this.options.clientId],
                'app installation (client id)'
            );
        }
        const notification = acceptParsed(
            parseLivePersonNotification(rawBody === undefined ? parsedBody : parseJsonBody(rawBody)),
            { vendor: this.vendor, what: 'LivePerson notification' },
            this.logger
        );
        if (notification === undefined) return [];
        const events: LivePersonInboundEvent[] = [];
        for (const change of inSequenceOrder(notification.changes)) {
            if (change.kind === 'unknown') {
                this.logger.info(`liveperson: ignored ${change.description}.`);
                continue;
            }
            // Echoes of the bot's own events (five or so per reply) need no record, no queue and no turn.
            if (change.kind === 'messaging' && isIgnoredMessagingChange(change.change)) continue;
            events.push(inboundEvent(change));
        }
        return events;
    }

    protected override toActivities(inbound: LivePersonInboundEvent, record: Readonly<LivePersonConversationRecord>): InboundMapping {
        const context = {
            activityId: inbound.activityId,
            botAccount: { ...this.options.botAccount, name: this.options.botAccount.name ?? 'Bot' },
            serviceUrl: this.serviceUrl,
            record,
        };
        const { change } = inbound;
        return change.kind === 'conversation' ? conversationChangeToActivities(change.change, context) : messagingChangeToActivities(change.change, context);
    }

    /** Files an agent shared get a temporary download URL before the bot's turn (see {@link LivePersonFileSharing.withDownloadUrls}). */
    protected override resolveAttachments(inbound: LivePersonInboundEvent, mapping: InboundMapping): Promise<InboundMapping> {
        return this.files.withDownloadUrls(mapping, mapping.record.consumerId, inbound.conversationId);
    }

    protected override acknowledge(inbound: LivePersonInboundEvent, mapping: InboundMapping): Promise<void> | undefined {
        const receipt = mapping.receipt;
        if (!receipt || !this.options.sendReadReceipts) return undefined;
        return this.receipts.start(inbound.conversationId, receipt.dialogId, receipt.sequence);
    }

    /** Every turn that sent COMPOSING ends with ACTIVE, even when the bot sent no message after it. */
    protected override async endTurn(turn: TurnScope): Promise<void> {
        await this.receipts.endComposing(turn, () => this.current(turn.activity.conversation?.id ?? ''));
    }

    /** ACTIVE after a message that followed COMPOSING: after the message's send is recorded, so it never delays that. */
    protected override async afterSend(activity: PlainActivity, turn: TurnScope): Promise<void> {
        const botConversationId = activity.conversation?.id ?? '';
        if (activity.type === ActivityTypes.Message) await this.receipts.endComposing(turn, () => this.current(botConversationId));
    }

    protected override async sendToVendor(activity: PlainActivity, turn: TurnScope): Promise<ResourceResponse> {
        const botConversationId = activity.conversation?.id ?? '';
        const { conversationId, record } = await this.current(botConversationId);
        if (!record.consumerId) {
            // Retryable: the record of a conversation just opened (maybe by another instance) may not be written yet.
            throw new ConversationNotReadyError(
                `LivePersonAdapter: cannot send to conversation ${conversationId}: this connector did not open it, so it has no consumer to act for. ` +
                    'Only conversations opened with openConversation() can be answered.'
            );
        }
        const handoff = isHandoffInitiation(activity);
        if (record.closed && !handoff) {
            // Ending an ended conversation changes nothing; anything else would reach nobody. (A handoff opens a new one.)
            if (activity.type === ActivityTypes.EndOfConversation) return { id: '' };
            throw new ConversationClosedError(`LivePersonAdapter: conversation ${conversationId} is closed; nothing was sent.`);
        }
        // A close ends what LivePerson accepts for the conversation: the receipts of this turn's message go first.
        if (handoff || activity.type === ActivityTypes.EndOfConversation) await this.receipts.settled(conversationId);
        if (handoff) {
            const deps = { client: this.client, records: this.records, logger: this.logger, handoffSkillId: this.options.handoffSkillId };
            await reRouteToHandoffSkill(
                { ...deps, inConversationOrder: (id, task) => this.inConversationOrder(id, task) },
                activity,
                conversationId,
                record,
                botConversationId
            );
            return { id: '' };
        }
        const mapping = fromActivity(
            { ...activity, conversation: { ...activity.conversation!, id: conversationId } },
            {
                record,
                cardRendering: this.options.cardRendering,
                suggestedActionsRendering: this.options.suggestedActionsRendering,
                fileRendering: this.options.fileRendering,
            }
        );
        for (const fallback of mapping.textFallbacks) this.logger.debug(`liveperson: card sent as text (${fallback})`);
        // Files are read and checked before anything of this activity reaches LivePerson.
        const files = await this.files.readAll(mapping.requests);
        let sequence: number | undefined;
        for (const mapped of mapping.requests) {
            const file = files.get(mapped);
            const request = file ? await this.files.upload(record.consumerId, mapped, file) : mapped;
            const result = await this.client.send(record.consumerId, request);
            if (sequence === undefined && ['publishContent', 'publishRichContent', 'publishFile'].includes(request.operation)) sequence = result.sequence;
        }
        const nextRecord = activity.type === ActivityTypes.EndOfConversation ? { ...mapping.record, closed: true } : mapping.record;
        await this.records.writeIfChanged(conversationId, record, nextRecord);
        if (activity.type === ActivityTypes.Typing && mapping.requests.length > 0) this.receipts.composing(turn);
        if (activity.type !== ActivityTypes.Message) return { id: '' };
        return { id: sequence !== undefined ? `${conversationId}:${sequence}` : newActivityId() };
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
}
