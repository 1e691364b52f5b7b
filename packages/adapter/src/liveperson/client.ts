import { VendorApiError } from '../core/errors';
import type { VendorHttpClient } from '../core/httpClient';
import { describeLivePersonError } from './errors';
import type { LivePersonAuth } from './auth';
import type { LivePersonSendRequest } from './outboundMapper';
import type { LivePersonServiceDirectory } from './serviceDirectory';

/** How a new conversation is routed and who the consumer is (CONVERSATION request). */
export interface ConversationRequestOptions {
    /** `cm.ConsumerRequestConversation` skill (`"-1"` = any skill). */
    skillId?: string | undefined;
    /** Campaign routing (LivePerson's recommended way): `{ campaignId, engagementId }`. */
    campaignInfo?: { campaignId: string; engagementId: string };
    /** Body of `userprofile.SetUserProfile`, e.g. `{ authenticatedData: { lp_sdes: [...] } }`. Default `{}`. */
    userProfile?: Record<string, unknown> | undefined;
    /** Extra `cm.ConsumerRequestConversation` fields (e.g. `conversationContext`, `ttrDefName`). */
    conversationFields?: Record<string, unknown> | undefined;
}

/**
 * The only code that talks HTTP to LivePerson's messaging service: CONVERSATION (open) and SEND (everything else),
 * https://developers.liveperson.com/connector-api-send-api-overview.html. Every call carries the AppJWT
 * (`Authorization`, no `Bearer`), the consumer's JWS (`X-LP-ON-BEHALF`) and, when configured, `Client-Properties`.
 * A 401 renews the refused token once and repeats the call; 429/5xx are retried with backoff by {@link VendorHttpClient}.
 */
export class LivePersonClient {
    private requestCounter = 0;
    private readonly clientProperties?: string;

    constructor(
        private readonly http: VendorHttpClient,
        private readonly services: LivePersonServiceDirectory,
        private readonly auth: LivePersonAuth,
        private readonly options: { accountId: string; clientFeatures: string[] }
    ) {
        if (options.clientFeatures.length > 0) this.clientProperties = JSON.stringify({ type: '.ClientProperties', features: options.clientFeatures });
    }

    /** Opens a conversation for a consumer (SetUserProfile + ConsumerRequestConversation); resolves with its id. */
    async requestConversation(consumerId: string, request: ConversationRequestOptions = {}): Promise<string> {
        const profileId = this.nextId();
        const conversationId = this.nextId();
        const body = [
            { kind: 'req', id: profileId, type: 'userprofile.SetUserProfile', body: request.userProfile ?? {} },
            {
                kind: 'req',
                id: conversationId,
                type: 'cm.ConsumerRequestConversation',
                body: {
                    brandId: this.options.accountId,
                    channelType: 'MESSAGING',
                    ...(request.skillId ? { skillId: request.skillId } : {}),
                    ...(request.campaignInfo ? { campaignInfo: request.campaignInfo } : {}),
                    ...request.conversationFields,
                },
            },
        ];
        const response = await this.call<unknown[]>('requestConversation', consumerId, '/messaging/consumer/conversation?v=3', body);
        const results = Array.isArray(response) ? response : [];
        for (const result of results as Array<Record<string, any>>) {
            if (!isOk(result?.code)) {
                const { code, message } = describeLivePersonError(result);
                throw new VendorApiError('liveperson', result?.reqId === profileId ? 'setUserProfile' : 'requestConversation', 200, code, message, 1);
            }
        }
        const created = (results as Array<Record<string, any>>).find((r) => r?.reqId === conversationId)?.body?.conversationId;
        if (typeof created !== 'string' || created === '') {
            throw new VendorApiError('liveperson', 'requestConversation', 200, undefined, 'the answer has no conversationId', 1);
        }
        return created;
    }

    /** Sends one SEND request on behalf of the consumer; resolves with the event's `sequence` when LivePerson gives one. */
    async send(consumerId: string, request: LivePersonSendRequest): Promise<{ sequence?: number }> {
        const body = { kind: 'req', id: this.nextId(), type: request.type, body: request.body, ...(request.metadata ? { metadata: request.metadata } : {}) };
        const response = await this.call<Record<string, any>>(request.operation, consumerId, '/messaging/consumer/conversation/send?v=3', body);
        if (response && typeof response === 'object' && response.code !== undefined && !isOk(response.code)) {
            const { code, message } = describeLivePersonError(response);
            throw new VendorApiError('liveperson', request.operation, 200, code, message, 1);
        }
        const sequence = response?.body?.sequence;
        return typeof sequence === 'number' ? { sequence } : {};
    }

    close(): Promise<void> {
        return this.http.close();
    }

    private async call<T>(operation: string, consumerId: string, path: string, body: unknown): Promise<T | undefined> {
        const base = await this.services.baseUrl('asyncMessagingEnt');
        let usedAppJwt: string | undefined;
        try {
            const response = await this.http.send<T>({
                operation,
                method: 'POST',
                url: `${base}/api/account/${encodeURIComponent(this.options.accountId)}${path}`,
                headers: async () => {
                    usedAppJwt = await this.auth.appJwt();
                    const headers: Record<string, string> = {
                        authorization: usedAppJwt,
                        'x-lp-on-behalf': await this.auth.consumerJws(consumerId),
                        accept: 'application/json',
                    };
                    if (this.clientProperties) headers['client-properties'] = this.clientProperties;
                    return headers;
                },
                body,
                onUnauthorized: async (errorBody) => {
                    const code = Number((errorBody as { body?: { errorCode?: unknown } } | undefined)?.body?.errorCode);
                    // 40103 invalid / 40104 missing ConsumerJWS: mint a new one; anything else: a new AppJWT.
                    if (code === 40103 || code === 40104) await this.auth.forgetConsumerJws(consumerId);
                    else this.auth.invalidateAppJwt(usedAppJwt);
                },
            });
            return response.body;
        } catch (err) {
            if (err instanceof VendorApiError && err.status === undefined) this.services.forget('asyncMessagingEnt');
            throw err;
        }
    }

    private nextId(): string {
        this.requestCounter = (this.requestCounter + 1) % Number.MAX_SAFE_INTEGER;
        return `bcc-${this.requestCounter}`;
    }
}

function isOk(code: unknown): boolean {
    return code === 'OK' || code === 200 || code === '200' || code === 201;
}
