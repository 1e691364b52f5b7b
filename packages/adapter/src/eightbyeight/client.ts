import type { VendorHttpClient, VendorResponse } from '../core/httpClient';
import type { EightByEightRequest } from './mapper';

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
        });
    }

    /**
     * Fetches a public signing key (JWK) by URL. This endpoint needs no API key, and none is sent.
     * Resolves undefined on 404 (unknown key id); rejects on other failures.
     */
    async fetchJwk(url: string): Promise<Record<string, unknown> | undefined> {
        try {
            const response = await this.http.send<Record<string, unknown>>({ operation: 'getJwkPublicKey', method: 'GET', url, headers: { accept: 'application/json' } });
            const body = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
            return body && typeof body === 'object' ? body : undefined;
        } catch (err) {
            if ((err as { status?: number }).status === 404) return undefined;
            throw err;
        }
    }

    close(): Promise<void> {
        return this.http.close();
    }
}
