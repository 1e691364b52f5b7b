import { VendorApiError } from '../core/errors';
import type { VendorHttpClient } from '../core/httpClient';

/**
 * The LivePerson services this adapter calls, by their CSDS names: `swift` is the file storage that hosted files are
 * uploaded to and downloaded from with temporary URLs (Connector API, "File sharing").
 */
export type LivePersonService = 'sentinel' | 'idp' | 'asyncMessagingEnt' | 'swift';

/** Options of {@link LivePersonServiceDirectory}. */
export interface LivePersonServiceDirectoryOptions {
    accountId: string;
    /** Domain API base URL, e.g. `https://api.liveperson.net`. */
    csdsUrl: string;
    /** Full base URLs that replace the lookup of a service. */
    overrides: Partial<Record<LivePersonService, string>>;
    /** How long a resolved host is used before it is looked up again, in ms. Default 1 hour. */
    ttlMs?: number;
}

const HOST_PATTERN = /^[a-z0-9.-]+(:\d+)?$/i;

/**
 * Resolves the account's service hosts with the Domain API (CSDS,
 * https://developers.liveperson.com/essential-resources-domain-api.html) and caches them. LivePerson warns the hosts
 * can change, so entries expire and {@link forget} drops one after a connection failure.
 */
export class LivePersonServiceDirectory {
    private readonly cache = new Map<LivePersonService, { url: string; expiresAt: number }>();
    private readonly pending = new Map<LivePersonService, Promise<string>>();
    private readonly scheme: 'https' | 'http';

    constructor(
        private readonly http: VendorHttpClient,
        private readonly options: LivePersonServiceDirectoryOptions
    ) {
        const csds = new URL(options.csdsUrl);
        // Resolved hosts are called over https, except behind a local http stand-in of CSDS.
        this.scheme = csds.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(csds.hostname) ? 'http' : 'https';
    }

    /** The base URL (scheme and host, no trailing slash) of `service`. */
    async baseUrl(service: LivePersonService): Promise<string> {
        const override = this.options.overrides[service];
        if (override) return override;
        const cached = this.cache.get(service);
        if (cached && cached.expiresAt > Date.now()) return cached.url;
        let lookup = this.pending.get(service);
        if (!lookup) {
            lookup = this.lookup(service).finally(() => this.pending.delete(service));
            this.pending.set(service, lookup);
        }
        return lookup;
    }

    /** Drops a cached host (after a connection failure), so the next call looks it up again. */
    forget(service: LivePersonService): void {
        this.cache.delete(service);
    }

    private async lookup(service: LivePersonService): Promise<string> {
        const { accountId, csdsUrl } = this.options;
        const url = `${csdsUrl}/api/account/${encodeURIComponent(accountId)}/service/${service}/baseURI.json?version=1.0`;
        const response = await this.http.send<{ baseURI?: unknown }>({
            operation: `csds.${service}`,
            method: 'GET',
            url,
            headers: { accept: 'application/json' },
        });
        const host = response.body && typeof response.body === 'object' ? response.body.baseURI : undefined;
        if (typeof host !== 'string' || !HOST_PATTERN.test(host)) {
            throw new VendorApiError(
                'liveperson',
                `csds.${service}`,
                response.status,
                undefined,
                `the Domain API answered no usable baseURI for "${service}"`,
                1
            );
        }
        const resolved = `${this.scheme}://${host}`;
        this.cache.set(service, { url: resolved, expiresAt: Date.now() + (this.options.ttlMs ?? 60 * 60 * 1000) });
        return resolved;
    }
}
