import { ActivityTypes, type PlainActivity, type ResourceResponse } from '../core/activity';
import { newActivityId } from '../core/activityHelpers';
import { ConversationClosedError } from '../core/errors';
import { ContactCenterConnector } from '../core/contactCenterConnector';
import { isHandoffInitiation } from '../core/handoff';
import { checkHeaderAllowed, warnIfSignaturesOff } from '../core/webhookGuards';
import { describeEightByEightError } from './errors';
import { acceptParsed } from '../core/parseResult';
import { parseJsonBody, requireRawBody, type WebhookRequest } from '../core/http';
import { VendorHttpClient } from '../core/httpClient';
import type { TurnScope, VendorEvent } from '../core/turn';
import { EightByEightClient } from './client';
import { parseEightByEightEvent, type EightByEightEvent } from './events';
import { fromActivity, fromInvokeResponse } from './outboundMapper';
import { toActivities, type EightByEightConversationRecord, type InboundMapping } from './inboundMapper';
import { resolveEightByEightOptions, type EightByEightAdapterOptions, type ResolvedEightByEightOptions } from './options';
import { EightByEightSignatureVerifier, readDeliveryHeaders } from './signature';
import { DEFAULT_SIGNING_KEY_POLICY } from './signingKeys';

/** One 8x8 webhook event accepted by the pipeline. */
export interface EightByEightInboundEvent extends VendorEvent {
    event: Exclude<EightByEightEvent, { eventType: 'WEB_HOOK_VERIFY' }>;
    /** `x-8x8-event-id`, or a fresh id when 8x8 sent none: the first activity's id. */
    activityId: string;
}

/**
 * The 8x8 Chat Gateway protocol, framework-free: verifies `x-8x8-signature`, parses events, maps them with the
 * conversation's record, and sends the bot's activities through the Chat Gateway. The hosts (`EightByEightAdapter`
 * for botbuilder and for the Agents SDK) run the bot on it; use it directly only to build another host.
 */
export class EightByEightConnector extends ContactCenterConnector<EightByEightInboundEvent, EightByEightConversationRecord, InboundMapping> {
    readonly vendor = '8x8';
    /** The Chat Gateway client this connector sends through. */
    readonly client: EightByEightClient;
    private readonly options: ResolvedEightByEightOptions;
    private readonly verifier: EightByEightSignatureVerifier;
    private readonly keyClient: EightByEightClient;

    constructor(options: EightByEightAdapterOptions) {
        const resolved = resolveEightByEightOptions(options);
        super(resolved, '8x8/conversations');
        this.options = resolved;
        const http = new VendorHttpClient({
            vendor: '8x8',
            retry: resolved.retry,
            timeoutMs: resolved.requestTimeoutMs,
            describeError: describeEightByEightError,
            secrets: () => [resolved.apiKey],
            logger: this.logger,
            metrics: this.metrics,
        });
        this.client = new EightByEightClient(http, resolved.baseUrl, resolved.apiKey, resolved.tenant);
        // Key lookups get a client of their own: one attempt (a failure is answered 503 and 8x8 redelivers), and its own
        // pool, so a slow key server holds no connection the Chat Gateway calls need. The verifier sets the deadline.
        this.keyClient = new EightByEightClient(
            new VendorHttpClient({
                vendor: '8x8',
                retry: { maxAttempts: 1 },
                timeoutMs: resolved.signingKeys?.fetchTimeoutMs ?? DEFAULT_SIGNING_KEY_POLICY.fetchTimeoutMs,
                describeError: describeEightByEightError,
                secrets: () => [resolved.apiKey],
                logger: this.logger,
                metrics: this.metrics,
            }),
            resolved.baseUrl,
            resolved.apiKey,
            resolved.tenant
        );
        this.verifier = new EightByEightSignatureVerifier({
            jwkUrls: (kid) => resolved.jwkUrlTemplates.map((template) => template.split('{kid}').join(encodeURIComponent(kid))),
            fetchJwk: (url) => this.keyClient.fetchJwk(url),
            maxClockSkewMs: resolved.maxClockSkewMs,
            signingKeys: resolved.signingKeys,
        });
        warnIfSignaturesOff(this.logger, 'EightByEightAdapter', resolved.verifySignatures);
    }

    protected override async closeClients(force: boolean): Promise<void> {
        await Promise.all([this.client.close(force), this.keyClient.close(force)]);
    }

    protected override async parseWebhook(
        rawBody: Buffer | undefined,
        parsedBody: unknown,
        headers: WebhookRequest['headers']
    ): Promise<EightByEightInboundEvent[]> {
        const delivery = readDeliveryHeaders(headers);
        if (this.options.verifySignatures) {
            const raw = requireRawBody(rawBody);
            if (!delivery.signature && isHandshake(raw)) {
                // 8x8 does not document whether the WEB_HOOK_VERIFY handshake is signed. An unsigned one is answered
                // 200: it runs no turn and reveals nothing. Every other event must be signed.
                return [];
            }
            await this.verifier.verify(raw, delivery);
            checkHeaderAllowed('x-8x8-tenant-id', delivery.tenantId, this.options.allowedTenantIds, 'tenant');
            checkHeaderAllowed('x-8x8-customer-id', delivery.customerId, this.options.allowedCustomerIds, 'customer');
        }
        const event = acceptParsed(
            parseEightByEightEvent(rawBody === undefined ? parsedBody : parseJsonBody(rawBody)),
            { vendor: this.vendor, what: '8x8 webhook' },
            this.logger
        );
        if (event === undefined) return [];
        if (event.eventType === 'WEB_HOOK_VERIFY') return [];
        // The bot's own messages come back as echoes: they map to nothing, so they are dropped before the inbox.
        if (event.eventType === 'MESSAGE' && event.data.isEcho) return [];
        return [{ conversationId: event.conversationId, deduplicationKey: delivery.eventId, event, activityId: delivery.eventId ?? newActivityId() }];
    }

    protected override toActivities(inbound: EightByEightInboundEvent, record: Readonly<EightByEightConversationRecord>): InboundMapping {
        return toActivities(inbound.event, {
            eventId: inbound.activityId,
            botAccount: { id: this.options.botAccount.id, name: this.options.botAccount.name ?? 'Bot' },
            serviceUrl: this.options.baseUrl,
            record,
        });
    }

    protected override async sendToVendor(activity: PlainActivity): Promise<ResourceResponse> {
        const conversationId = activity.conversation?.id;
        if (conversationId && (await this.records.read(conversationId)).closed) {
            // Ending an ended conversation changes nothing; anything else would reach nobody.
            if (activity.type === ActivityTypes.EndOfConversation) return { id: '' };
            throw new ConversationClosedError(
                `EightByEightAdapter: conversation ${conversationId} is closed (the customer left or the bot ended it); nothing was sent.`
            );
        }
        const requests = fromActivity(activity, { handoffQueueId: this.options.handoffQueueId, handBack: this.options.handBack });
        await this.client.executeAll(requests, this.options.maxAttachmentBytes ?? 20 * 1024 * 1024);
        if (isHandoffInitiation(activity)) await this.records.update(conversationId!, (record) => ({ ...record, owner: 'queue', transferring: false }));
        if (activity.type === ActivityTypes.EndOfConversation) await this.records.update(conversationId!, (record) => ({ ...record, closed: true }));
        return { id: activity.type === ActivityTypes.Message ? newActivityId() : '' };
    }

    override async sendInvokeResponse(activity: PlainActivity, turn: TurnScope): Promise<ResourceResponse> {
        const shown = fromInvokeResponse({ ...activity, conversation: activity.conversation ?? turn.activity.conversation });
        return shown ? this.sendToVendor(shown) : { id: '' };
    }
}

function isHandshake(raw: Buffer): boolean {
    if (raw.length > 1024) return false;
    try {
        return JSON.parse(raw.toString('utf8'))?.eventType === 'WEB_HOOK_VERIFY';
    } catch {
        return false;
    }
}
