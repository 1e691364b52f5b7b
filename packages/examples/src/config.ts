import { isIP } from 'node:net';
import { isLoopbackAddress } from './listenAddress';

/**
 * The example server's configuration, read from environment variables (docs/architecture.md, "Example app contract").
 *
 * Two modes: with no vendor variables, `npm start` runs against the embedded sandbox (local stand-ins and the browser
 * page); with `EIGHTBYEIGHT_API_KEY` or the LivePerson credentials set it is in **production configuration**: it talks
 * to the real vendors and its routes face the internet.
 */
export interface ExampleConfig {
    /** `PORT`: the port to listen on. Default 3978. */
    port: number;
    /**
     * `HOST`: the address the server listens on (an IP address or a host name). Default `127.0.0.1` (loopback: this
     * machine only) with no vendor variables — the embedded sandbox refuses any other, as its page and stand-ins have
     * no authentication; `0.0.0.0` (every IPv4 interface) in production configuration, where the vendors must reach
     * the webhooks and every route checks who calls (signatures, `EXAMPLE_API_TOKEN`). Set `127.0.0.1` behind a reverse
     * proxy on the same machine, `::` for IPv6 as well. Printed at start-up. When the server is started from code
     * without it, `127.0.0.1`.
     */
    listenAddress?: string | undefined;
    /**
     * `EXAMPLE_API_TOKEN`: the bearer token `POST /api/liveperson/conversations` requires (`Authorization: Bearer
     * <token>`, compared in constant time; 401 without it or with another). At least 16 characters of `A-Z a-z 0-9 - .
     * _ ~ + /` (then `=` padding), e.g. `openssl rand -hex 32`. In production configuration, unset means the route is
     * off (404 saying how to enable it): it opens real LivePerson conversations. With the embedded sandbox the route is
     * open unless this is set (the server is on loopback and the conversations are the stand-in's).
     */
    apiToken?: string | undefined;
    eightByEight?: {
        /** `EIGHTBYEIGHT_API_KEY`: enables `POST /api/8x8/webhook`. */
        apiKey: string;
        /** `EIGHTBYEIGHT_BASE_URL`: default `https://api.8x8.com`. */
        baseUrl: string;
        /** `EIGHTBYEIGHT_TENANT`: sent as `X-8x8-Tenant`. */
        tenant?: string | undefined;
        /** `EIGHTBYEIGHT_QUEUE_ID`: the queue "agent" hands off to. */
        queueId?: string | undefined;
        /**
         * `EIGHTBYEIGHT_ALLOWED_TENANT_IDS` (comma-separated): webhooks whose `x-8x8-tenant-id` is not one of these get
         * 403 (the adapter's `allowedTenantIds`). 8x8 signs every tenant's webhooks with the same keys, so in
         * production set this or `EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS`; with both empty the server warns at start-up.
         */
        allowedTenantIds?: string[] | undefined;
        /** `EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS` (comma-separated): the same for `x-8x8-customer-id` (`allowedCustomerIds`). */
        allowedCustomerIds?: string[] | undefined;
    };
    livePerson?: {
        accountId: string;
        clientId: string;
        clientSecret: string;
        csdsUrl: string;
        sentinelUrl?: string | undefined;
        idpUrl?: string | undefined;
        messagingUrl?: string | undefined;
        /** Default skill of conversations opened through `POST /api/liveperson/conversations`. */
        skillId?: string | undefined;
        /** Skill `handoff.initiate` re-routes to (a human skill). */
        handoffSkillId?: string | undefined;
    };
}

/** What `HOST` defaults to with the embedded sandbox (no vendor variables). */
export const SANDBOX_LISTEN_ADDRESS = '127.0.0.1';
/** What `HOST` defaults to in production configuration (vendor variables set). */
export const PRODUCTION_LISTEN_ADDRESS = '0.0.0.0';

/** A bearer token (RFC 6750 token68), at least 16 characters. */
const API_TOKEN = /^[A-Za-z0-9\-._~+/]{16,}=*$/;

/** Reads the configuration; a vendor is enabled when its credentials are set. Throws on a malformed value. */
export function readConfig(env: NodeJS.ProcessEnv): ExampleConfig {
    const port = env.PORT === undefined || env.PORT === '' ? 3978 : Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got "${env.PORT}").`);
    const config: ExampleConfig = { port };
    if (env.EIGHTBYEIGHT_API_KEY) {
        config.eightByEight = {
            apiKey: env.EIGHTBYEIGHT_API_KEY,
            baseUrl: env.EIGHTBYEIGHT_BASE_URL || 'https://api.8x8.com',
            tenant: env.EIGHTBYEIGHT_TENANT || undefined,
            queueId: env.EIGHTBYEIGHT_QUEUE_ID || undefined,
            allowedTenantIds: commaSeparated(env.EIGHTBYEIGHT_ALLOWED_TENANT_IDS),
            allowedCustomerIds: commaSeparated(env.EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS),
        };
    }
    const livePersonCredentials = ['LIVEPERSON_ACCOUNT_ID', 'LIVEPERSON_CLIENT_ID', 'LIVEPERSON_CLIENT_SECRET'];
    const present = livePersonCredentials.filter((name) => env[name]);
    if (present.length > 0 && present.length < livePersonCredentials.length) {
        const missing = livePersonCredentials.filter((name) => !env[name]);
        throw new Error(`The LivePerson route needs ${livePersonCredentials.join(', ')}; missing: ${missing.join(', ')}.`);
    }
    if (present.length === livePersonCredentials.length) {
        config.livePerson = {
            accountId: env.LIVEPERSON_ACCOUNT_ID!,
            clientId: env.LIVEPERSON_CLIENT_ID!,
            clientSecret: env.LIVEPERSON_CLIENT_SECRET!,
            csdsUrl: env.LIVEPERSON_CSDS_URL || 'https://api.liveperson.net',
            sentinelUrl: env.LIVEPERSON_SENTINEL_URL || undefined,
            idpUrl: env.LIVEPERSON_IDP_URL || undefined,
            messagingUrl: env.LIVEPERSON_MESSAGING_URL || undefined,
            skillId: env.LIVEPERSON_SKILL_ID || undefined,
            handoffSkillId: env.LIVEPERSON_HANDOFF_SKILL_ID || undefined,
        };
    }
    config.listenAddress = readListenAddress(env.HOST, isProductionConfiguration(config));
    if (env.EXAMPLE_API_TOKEN) {
        // The value is never repeated in the error: it is a secret even when malformed.
        if (!API_TOKEN.test(env.EXAMPLE_API_TOKEN)) {
            throw new Error(
                'EXAMPLE_API_TOKEN must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (then = padding), e.g. the output of `openssl rand -hex 32`.'
            );
        }
        config.apiToken = env.EXAMPLE_API_TOKEN;
    }
    return config;
}

/** True when a vendor is configured: the server talks to the real vendors and faces the internet. */
export function isProductionConfiguration(config: ExampleConfig): boolean {
    return Boolean(config.eightByEight || config.livePerson);
}

/** `HOST`, or the mode's default; the embedded sandbox accepts only a loopback address. */
function readListenAddress(value: string | undefined, production: boolean): string {
    const host = value?.trim() ?? '';
    if (host === '') return production ? PRODUCTION_LISTEN_ADDRESS : SANDBOX_LISTEN_ADDRESS;
    if (isIP(host) === 0 && !/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) {
        throw new Error(`HOST must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0 (got "${value}").`);
    }
    if (!production && !isLoopbackAddress(host)) {
        throw new Error(
            `HOST=${host} is not a loopback address. With no vendor variables the example runs the embedded sandbox, whose page and ` +
                'stand-ins have no authentication, so it listens on loopback only: unset HOST, or use 127.0.0.1, ::1 or localhost.'
        );
    }
    return host;
}

/** A comma-separated list, trimmed, without empty entries; undefined when that leaves nothing. */
function commaSeparated(value: string | undefined): string[] | undefined {
    const items = (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    return items.length > 0 ? items : undefined;
}
