import { LRUCache } from 'lru-cache';
import type { StorageLike } from '../core/storage';
import { VendorApiError } from '../core/errors';
import type { VendorHttpClient } from '../core/httpClient';
import type { LivePersonServiceDirectory } from './serviceDirectory';

/** Options of {@link LivePersonAuth}. */
export interface LivePersonAuthOptions {
    accountId: string;
    clientId: string;
    clientSecret: string;
    /** Where ConsumerJWS tokens are kept, so several instances share them. */
    storage: StorageLike;
}

/** AppJWT lifetime when the token's `exp` cannot be read (LivePerson documents 60 minutes). */
const DEFAULT_APP_JWT_LIFETIME_MS = 60 * 60 * 1000;
/** Renew this long before expiry at most (a fifth of the lifetime for short-lived tokens). */
const RENEW_MARGIN_MS = 5 * 60 * 1000;

/**
 * The two tokens of the Connector API (https://developers.liveperson.com/connector-api-send-api-authorization-and-authentication.html):
 *
 * - the **AppJWT** from Sentinel (OAuth2 client credentials, form body — the secret stays out of URLs), cached and
 *   renewed before its 60-minute expiry (read from the token's `exp`), and on demand after a 401;
 * - the **ConsumerJWS** per external consumer id from the IdP. It never expires, so it is kept in the botbuilder
 *   `Storage` (shared between instances) with a small in-process cache in front.
 *
 * Concurrent callers share one request per token (no stampede on expiry).
 */
export class LivePersonAuth {
    private appJwtCache?: { token: string; renewAt: number };
    private appJwtPending?: Promise<string>;
    // A small cache in front of the Storage (which may be remote); the Storage itself holds every token.
    private readonly consumerTokens = new LRUCache<string, string>({ max: 1_000 });
    private readonly consumerPending = new Map<string, Promise<string>>();

    constructor(
        private readonly http: VendorHttpClient,
        private readonly services: LivePersonServiceDirectory,
        private readonly options: LivePersonAuthOptions
    ) {}

    /** A valid AppJWT (the raw token; LivePerson takes it without `Bearer`). */
    async appJwt(): Promise<string> {
        const cached = this.appJwtCache;
        if (cached && Date.now() < cached.renewAt) return cached.token;
        this.appJwtPending ??= this.fetchAppJwt().finally(() => (this.appJwtPending = undefined));
        return this.appJwtPending;
    }

    /** Drops `token` after LivePerson refused it (401), unless a newer one already replaced it. */
    invalidateAppJwt(token: string | undefined): void {
        if (!token || this.appJwtCache?.token === token) this.appJwtCache = undefined;
    }

    /** The ConsumerJWS of an external consumer id, minted by the IdP on first use. */
    async consumerJws(consumerId: string): Promise<string> {
        const cached = this.consumerTokens.get(consumerId);
        if (cached) return cached;
        let pending = this.consumerPending.get(consumerId);
        if (!pending) {
            pending = this.loadConsumerJws(consumerId).finally(() => this.consumerPending.delete(consumerId));
            this.consumerPending.set(consumerId, pending);
        }
        return pending;
    }

    /** Drops a consumer's JWS after LivePerson refused it (401 40103/40104), so the next call mints a new one. */
    async forgetConsumerJws(consumerId: string): Promise<void> {
        this.consumerTokens.delete(consumerId);
        await this.options.storage.delete([consumerKey(consumerId)]);
    }

    /** Strings to scrub from errors: the client secret, the current AppJWT and every ConsumerJWS this process holds. */
    secrets(): string[] {
        return [this.options.clientSecret, this.appJwtCache?.token ?? '', ...this.consumerTokens.values()].filter(Boolean);
    }

    private async fetchAppJwt(): Promise<string> {
        const { accountId, clientId, clientSecret } = this.options;
        const base = await this.services.baseUrl('sentinel');
        const issuedAt = Date.now();
        const response = await this.http.send<{ access_token?: unknown; expires_in?: unknown }>({
            operation: 'sentinel.getAppJwt',
            method: 'POST',
            idempotent: true, // a second token does no harm
            url: `${base}/sentinel/api/account/${encodeURIComponent(accountId)}/app/token?v=1.0&grant_type=client_credentials`,
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
            body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString(),
        });
        const token = response.body && typeof response.body === 'object' ? response.body.access_token : undefined;
        if (typeof token !== 'string' || token === '') {
            throw new VendorApiError('liveperson', 'sentinel.getAppJwt', response.status, undefined, 'the answer has no access_token', 1);
        }
        const expiresIn = Number(response.body && typeof response.body === 'object' ? response.body.expires_in : NaN);
        const expiresAt =
            jwtExpiry(token) ?? (Number.isFinite(expiresIn) && expiresIn > 0 ? issuedAt + expiresIn * 1000 : issuedAt + DEFAULT_APP_JWT_LIFETIME_MS);
        const margin = Math.min(RENEW_MARGIN_MS, Math.max(0, (expiresAt - issuedAt) / 5));
        this.appJwtCache = { token, renewAt: expiresAt - margin };
        return token;
    }

    private async loadConsumerJws(consumerId: string): Promise<string> {
        const key = consumerKey(consumerId);
        const stored = (await this.options.storage.read([key]))[key] as { token?: unknown } | undefined;
        if (typeof stored?.token === 'string' && stored.token !== '') {
            this.consumerTokens.set(consumerId, stored.token);
            return stored.token;
        }
        const base = await this.services.baseUrl('idp');
        let usedAppJwt: string | undefined;
        const response = await this.http.send<{ token?: unknown }>({
            operation: 'idp.getConsumerJws',
            method: 'POST',
            idempotent: true, // a second token does no harm
            url: `${base}/api/account/${encodeURIComponent(this.options.accountId)}/consumer?v=1.0`,
            headers: async () => {
                usedAppJwt = await this.appJwt();
                return { authorization: usedAppJwt, accept: 'application/json' };
            },
            body: { ext_consumer_id: consumerId },
            onUnauthorized: async () => this.invalidateAppJwt(usedAppJwt),
        });
        const token = response.body && typeof response.body === 'object' ? response.body.token : undefined;
        if (typeof token !== 'string' || token === '') {
            throw new VendorApiError('liveperson', 'idp.getConsumerJws', response.status, undefined, 'the answer has no token', 1);
        }
        await this.options.storage.write({ [key]: { token, eTag: '*' } });
        this.consumerTokens.set(consumerId, token);
        return token;
    }
}

/** Storage key of a consumer's JWS. */
export function consumerKey(consumerId: string): string {
    return `liveperson/consumers/${encodeURIComponent(consumerId)}`;
}

/** The `exp` claim of a JWT in ms, read without verifying (only to schedule renewal); undefined when unreadable. */
export function jwtExpiry(token: string): number | undefined {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    try {
        const exp = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))?.exp;
        return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
    } catch {
        return undefined;
    }
}
