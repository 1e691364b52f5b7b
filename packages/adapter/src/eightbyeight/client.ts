import { VendorApiError } from '../core/errors';
import { FormData } from 'undici';
import { readContentUrl } from '../core/fileContent';
import type { VendorHttpClient, VendorResponse } from '../core/httpClient';
import type { EightByEightRequest } from './outboundMapper';

/**
 * The only code that talks HTTP to the 8x8 Chat Gateway (https://developer.8x8.com/actions-events/reference/).
 * Adds `x-api-key` (and `X-8x8-Tenant` when configured) to every call; retries and errors come from
 * {@link VendorHttpClient}.
 */
export class EightByEightClient {
    private readonly headers: Record<string, string>;

    constructor(
        private readonly http: VendorHttpClient,
        private readonly baseUrl: string,
        apiKey: string,
        tenant?: string
    ) {
        this.headers = { accept: 'application/json', 'x-api-key': apiKey, ...(tenant ? { 'x-8x8-tenant': tenant } : {}) };
    }

    /** Sends one request built by the mapper (message, typing, assignment, hand-back, participant removal). */
    execute(request: EightByEightRequest): Promise<VendorResponse> {
        return this.http.send({
            operation: request.operation,
            method: request.method,
            url: `${this.baseUrl}${request.path}`,
            headers: this.headers,
            body: request.body,
            // A typing indicator or an upload twice does no harm; a message, an assignment or a hand-back might.
            idempotent: request.operation === 'sendTypingIndicator' || request.operation === 'uploadAttachment' || undefined,
        });
    }

    /**
     * Runs the requests of one outbound activity in order. Uploads (`uploadAttachment`) come first; the ids 8x8
     * gives them are added to the following `sendMessage` as `attachments: [{ id }]`.
     */
    async executeAll(requests: EightByEightRequest[], maxFileBytes: number): Promise<void> {
        let uploaded: Array<{ id: string }> = [];
        for (const request of requests) {
            if (request.file) {
                uploaded.push({ id: await this.uploadAttachment(request, maxFileBytes) });
            } else if (request.operation === 'sendMessage' && uploaded.length > 0) {
                await this.execute({ ...request, body: { ...request.body, attachments: uploaded } });
                uploaded = [];
            } else {
                await this.execute(request);
            }
        }
    }

    /**
     * Fetches the file and uploads it (`multipart/form-data`: `attachment`, `authorType`); resolves with 8x8's id.
     * The fetch is bounded as one attempt of a vendor call is (`requestTimeoutMs`, within `retry.budgetMs`), the upload
     * is a vendor call.
     */
    private async uploadAttachment(request: EightByEightRequest, maxFileBytes: number): Promise<string> {
        const file = request.file!;
        const content = await readContentUrl(file.contentUrl, maxFileBytes, this.http.attemptDeadlineMs);
        const form = new FormData();
        form.append('attachment', new Blob([content.bytes], { type: file.contentType || content.contentType }), file.name);
        form.append('authorType', String(request.body.authorType ?? 'bot'));
        const response = await this.http.send<{ id?: unknown }>({
            operation: 'uploadAttachment',
            method: 'POST',
            url: `${this.baseUrl}${request.path}`,
            headers: this.headers,
            body: form,
        });
        const id = response.body && typeof response.body === 'object' ? response.body.id : undefined;
        if (typeof id !== 'string' && typeof id !== 'number') {
            throw new VendorApiError('8x8', 'uploadAttachment', response.status, undefined, 'the answer has no attachment id', 1);
        }
        return String(id);
    }

    /**
     * Fetches a public signing key (JWK) by URL. This endpoint needs no API key, and none is sent.
     * Resolves undefined on 404 (unknown key id); rejects on other failures.
     */
    async fetchJwk(url: string): Promise<Record<string, unknown> | undefined> {
        try {
            const response = await this.http.send<Record<string, unknown>>({
                operation: 'getJwkPublicKey',
                method: 'GET',
                url,
                headers: { accept: 'application/json' },
            });
            const body = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
            return body && typeof body === 'object' ? body : undefined;
        } catch (err) {
            if ((err as { status?: number }).status === 404) return undefined;
            throw err;
        }
    }

    close(force = false): Promise<void> {
        return this.http.close(force);
    }
}
