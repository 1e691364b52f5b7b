import { ActivityTypes, type Activity, type ResourceResponse, type TurnContext } from 'botbuilder';
import { isHandoffInitiation, newActivityId } from '../core/activityHelpers';
import { ContactCenterAdapter, type InboundWork } from '../core/contactCenterAdapter';
import { ConversationRecords } from '../core/conversationRecords';
import { WebhookRequestError } from '../core/errors';
import { parseJsonBody, requireRawBody, type WebhookRequest } from '../core/http';
import { VendorHttpClient } from '../core/httpClient';
import { EightByEightClient } from './client';
import { parseEightByEightEvent, type EightByEightEvent } from './events';
import { fromActivity, fromInvokeResponse, toActivities, type EightByEightConversationRecord } from './mapper';
import { resolveEightByEightOptions, type EightByEightAdapterOptions, type ResolvedEightByEightOptions } from './options';
import { EightByEightSignatureVerifier, readDeliveryHeaders } from './signature';

/**
 * Puts a Bot Framework bot into 8x8 Contact Center chat through the 8x8 Chat Gateway.
 *
 * Inbound: `process()` verifies each webhook's `x-8x8-signature`, de-duplicates by `x-8x8-event-id`, and runs
 * the bot's turns in order per conversation. Outbound: messages (text, Adaptive Cards, suggested actions as 8x8 quick
 * replies), typing, `handoff.initiate` (assign to a queue, optionally scheduling the hand-back) and
 * `endOfConversation` become Chat Gateway calls.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { ActivityHandler } from 'botbuilder';
 * import { EightByEightAdapter } from 'botbuilder-contact-center';
 *
 * const adapter = new EightByEightAdapter({ apiKey: process.env.EIGHTBYEIGHT_API_KEY!, handoffQueueId: '101' });
 * const bot = new ActivityHandler().onMessage(async (context, next) => {
 *     await context.sendActivity(`Echo: ${context.activity.text}`);
 *     await next();
 * });
 * const app = express(); // no body parser on this route: the adapter reads the raw bytes it verifies
 * app.post('/api/8x8/webhook', (req, res) => adapter.process(req, res, (context) => bot.run(context)));
 * app.listen(3978);
 * ```
 */
export class EightByEightAdapter extends ContactCenterAdapter {
    protected readonly vendor = '8x8';
    /** The Chat Gateway client this adapter sends through. */
    readonly client: EightByEightClient;
    private readonly options: ResolvedEightByEightOptions;
    private readonly verifier: EightByEightSignatureVerifier;
    private readonly records: ConversationRecords<EightByEightConversationRecord>;

    constructor(options: EightByEightAdapterOptions) {
        const resolved = resolveEightByEightOptions(options);
        super(resolved);
        this.options = resolved;
        this.records = this.conversationRecords('8x8/conversations');
        const http = new VendorHttpClient({
            vendor: '8x8',
            retry: resolved.retry,
            timeoutMs: resolved.requestTimeoutMs,
            secrets: () => [resolved.apiKey],
            logger: this.logger,
        });
        this.client = new EightByEightClient(http, resolved.baseUrl, resolved.apiKey, resolved.tenant);
        this.verifier = new EightByEightSignatureVerifier({
            jwkUrls: (kid) => resolved.jwkUrlTemplates.map((template) => template.split('{kid}').join(encodeURIComponent(kid))),
            fetchJwk: (url) => this.client.fetchJwk(url),
            maxClockSkewMs: resolved.maxClockSkewMs,
        });
        if (!resolved.verifySignatures) {
            this.logger.warn('EightByEightAdapter: webhook signature verification is OFF (verifySignatures: false). Anyone who can reach the webhook URL can drive the bot. Never run like this in production.');
        }
    }

    /** Closes the adapter's pooled connections (tests, graceful shutdown). */
    async close(): Promise<void> {
        await this.client.close();
    }

    protected override async parseWebhook(rawBody: Buffer | undefined, parsedBody: unknown, headers: WebhookRequest['headers']): Promise<InboundWork[]> {
        const delivery = readDeliveryHeaders(headers);
        if (this.options.verifySignatures) {
            const raw = requireRawBody(rawBody);
            if (!delivery.signature && isHandshake(raw)) {
                // 8x8 does not document whether the WEB_HOOK_VERIFY handshake is signed. An unsigned one is answered
                // 200: it runs no turn and reveals nothing. Every other event must be signed.
                return [];
            }
            await this.verifier.verify(raw, delivery);
            this.checkAllowed('x-8x8-tenant-id', delivery.tenantId, this.options.allowedTenantIds);
            this.checkAllowed('x-8x8-customer-id', delivery.customerId, this.options.allowedCustomerIds);
        }
        const parsed = parseEightByEightEvent(rawBody === undefined ? parsedBody : parseJsonBody(rawBody));
        if (parsed.kind === 'invalid') throw new WebhookRequestError(400, `Invalid 8x8 webhook: ${parsed.problem}.`);
        if (parsed.kind === 'unknown') {
            this.logger.info(`8x8: ignored a webhook with unknown eventType "${parsed.eventType}".`);
            return [];
        }
        const event = parsed.event;
        if (event.eventType === 'WEB_HOOK_VERIFY') return [];
        return [
            {
                conversationId: event.conversationId,
                deduplicationKey: delivery.eventId,
                prepare: () => this.prepare(event, delivery.eventId ?? newActivityId()),
            },
        ];
    }

    protected override async sendToVendor(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse> {
        const requests = fromActivity(activity, { handoffQueueId: this.options.handoffQueueId, handBack: this.options.handBack });
        await this.client.executeAll(requests, this.options.maxAttachmentBytes ?? 20 * 1024 * 1024);
        if (isHandoffInitiation(activity)) await this.records.update(activity.conversation!.id, (record) => ({ ...record, owner: 'queue', transferring: false }));
        return { id: activity.type === ActivityTypes.Message ? newActivityId() : '' };
    }

    protected override async sendInvokeResponse(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse> {
        const shown = fromInvokeResponse({ ...activity, conversation: activity.conversation ?? context.activity.conversation });
        return shown ? this.sendToVendor(context, shown) : { id: '' };
    }

    private checkAllowed(header: string, value: string | undefined, allowed: string[] | undefined): void {
        if (allowed && !allowed.includes(value ?? '')) {
            throw new WebhookRequestError(403, `${header} "${value ?? ''}" is not one this bot serves.`);
        }
    }

    private async prepare(event: Exclude<EightByEightEvent, { eventType: 'WEB_HOOK_VERIFY' }>, eventId: string): Promise<Partial<Activity>[]> {
        const record = await this.records.read(event.conversationId);
        const mapped = toActivities(event, {
            eventId,
            botAccount: { id: this.options.botAccount.id, name: this.options.botAccount.name ?? 'Bot' },
            serviceUrl: this.options.baseUrl,
            record,
        });
        await this.records.writeIfChanged(event.conversationId, record, mapped.record);
        return mapped.activities;
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
