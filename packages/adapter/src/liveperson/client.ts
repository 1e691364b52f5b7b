import { ConfigurationError, VendorApiError } from '../core/errors';
import { encodePathSegment } from '../core/safeText';
import type { VendorHttpClient } from '../core/httpClient';
import { describeLivePersonError } from './errors';
import { isRelativePath, type LivePersonTempUrl } from './files';
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
 * The only code that talks HTTP to LivePerson's messaging service: CONVERSATION (open) and SEND (everything else,
 * including the temporary URLs of hosted files),
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
                throw this.http.vendorError(result?.reqId === profileId ? 'setUserProfile' : 'requestConversation', 200, describeLivePersonError(result), 1);
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
        const response = await this.sendRequest(consumerId, request.operation, request.type, request.body, request.metadata);
        const sequence = response?.body?.sequence;
        return typeof sequence === 'number' ? { sequence } : {};
    }

    /**
     * `ms.GenerateURLForUploadFile` (SEND): where to upload a file of this size and type, and the signature of its
     * temporary upload URL (LivePerson: valid for 1 minute).
     * https://developers.liveperson.com/messaging-window-api-tutorials-file-sharing.html
     */
    async generateUploadUrl(consumerId: string, file: { fileSize: number; fileType: string }): Promise<LivePersonTempUrl> {
        const body = { fileSize: String(file.fileSize), fileType: file.fileType };
        return tempUrlOf('generateUploadUrl', await this.sendRequest(consumerId, 'generateUploadUrl', 'ms.GenerateURLForUploadFile', body));
    }

    /** `ms.GenerateURLForDownloadFile` (SEND): the signature of a temporary download URL of a hosted file. */
    async generateDownloadUrl(consumerId: string, relativePath: string): Promise<LivePersonTempUrl> {
        return tempUrlOf('generateDownloadUrl', await this.sendRequest(consumerId, 'generateDownloadUrl', 'ms.GenerateURLForDownloadFile', { relativePath }));
    }

    close(force = false): Promise<void> {
        return this.http.close(force);
    }

    /** One SEND request; resolves with LivePerson's answer, rejects when its `code` is not OK. */
    private async sendRequest(
        consumerId: string,
        operation: string,
        type: string,
        requestBody: Record<string, unknown>,
        metadata?: Array<Record<string, unknown>>
    ): Promise<Record<string, any> | undefined> {
        const body = { kind: 'req', id: this.nextId(), type, body: requestBody, ...(metadata ? { metadata } : {}) };
        const response = await this.call<Record<string, any>>(operation, consumerId, '/messaging/consumer/conversation/send?v=3', body);
        if (response && typeof response === 'object' && response.code !== undefined && !isOk(response.code)) {
            throw this.http.vendorError(operation, 200, describeLivePersonError(response), 1);
        }
        return response;
    }

    private async call<T>(operation: string, consumerId: string, path: string, body: unknown): Promise<T | undefined> {
        const base = await this.services.baseUrl('asyncMessagingEnt');
        let usedAppJwt: string | undefined;
        try {
            const response = await this.http.send<T>({
                operation,
                method: 'POST',
                // Chat states and receipts twice do no harm; a message or a close might.
                idempotent: operation === 'publishChatState' || operation === 'publishAcceptStatus' || undefined,
                url: `${base}/api/account/${encodePathSegment(this.options.accountId, 'LivePerson: the account id', ConfigurationError)}${path}`,
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

/** The relative path and signature of a GenerateURL answer (`body.relativePath`, `body.queryParams`). */
function tempUrlOf(operation: string, response: Record<string, any> | undefined): LivePersonTempUrl {
    const relativePath: unknown = response?.body?.relativePath;
    const sig: unknown = response?.body?.queryParams?.temp_url_sig;
    const expires: unknown = response?.body?.queryParams?.temp_url_expires;
    if (!isRelativePath(relativePath) || typeof sig !== 'string' || sig === '' || (typeof expires !== 'string' && typeof expires !== 'number')) {
        throw new VendorApiError('liveperson', operation, 200, undefined, 'the answer has no relativePath and queryParams (temp_url_sig, temp_url_expires)', 1);
    }
    return { relativePath, queryParams: { temp_url_sig: sig, temp_url_expires: String(expires) } };
}

function isOk(code: unknown): boolean {
    return code === 'OK' || code === 200 || code === '200' || code === 201;
}
