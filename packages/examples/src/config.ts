import { isIP } from 'node:net';
import { resolve } from 'node:path';
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
    /**
     * `CONTACT_CENTER_STORE`: where the adapters keep their durable inbox, de-duplication keys, conversation records
     * and the dialogs bot's state, one store shared by both adapters. `sqlite:<path>` (default
     * `sqlite:./data/contact-center.sqlite`, relative to the working directory: one instance), `redis://host:port[/db]`
     * or `rediss://…` (several instances), `memory` (a restart loses everything queued; a warning says so). When the
     * server is started from code without it: in memory, silently (tests).
     */
    store?: StoreSetting | undefined;
    /** `CONTACT_CENTER_LEASE_MS`: how long a conversation stays with an instance that stopped renewing it (the adapters' `inbox.leaseMs`; default 30,000). */
    leaseMs?: number | undefined;
    /** `CONTACT_CENTER_MAX_ATTEMPTS`: attempts of an event before it goes to the dead letters (the adapters' `inbox.maxAttempts`; default 6). */
    maxAttempts?: number | undefined;
    /** `CONTACT_CENTER_RETRY_DELAY_MS`: wait before an event's first retry, doubled for each next one (`inbox.retryDelayMs`; default 1,000). */
    retryDelayMs?: number | undefined;
    /** `CONTACT_CENTER_REQUEST_TIMEOUT_MS`: deadline of one attempt of a vendor API call (the adapters' `requestTimeoutMs`; default 10,000). */
    requestTimeoutMs?: number | undefined;
    /** `CONTACT_CENTER_SHUTDOWN_TIMEOUT_MS`: on SIGTERM/SIGINT, how long running events get to finish before they are handed back. Default 10,000. */
    shutdownTimeoutMs?: number | undefined;
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
    /**
     * The escalation of customers on `POST /api/messages` to LivePerson agents (`LivePersonEscalation`): on when the
     * LivePerson credentials are set and `skillId` is, and always with the embedded sandbox (its stand-in, skill
     * `escalation` unless set).
     */
    escalation?:
        | {
              /** `LIVEPERSON_ESCALATION_SKILL`: the skill the bridge opens conversations on. */
              skillId?: string | undefined;
              /**
               * `LIVEPERSON_ESCALATION_TIMEOUT_S` (whole seconds; `0`: no limit), in ms: how long a customer waits for an agent
               * before the escalation fails. Default 600 s (the bridge's default).
               */
              noAgentTimeoutMs?: number | false | undefined;
          }
        | undefined;
    /**
     * The bot's Azure Bot Service credentials, for `POST /api/messages` (`MicrosoftAppId`, `MicrosoftAppPassword`,
     * `MicrosoftAppType`, `MicrosoftAppTenantId`, as botbuilder reads them). Without them the route takes
     * unauthenticated activities, as the Bot Framework Emulator sends them, and replies to their `serviceUrl`.
     */
    botFramework?:
        | {
              appId: string;
              appPassword?: string | undefined;
              /** `MultiTenant` (botbuilder's default), `SingleTenant` or `UserAssignedMSI`. */
              appType?: string | undefined;
              tenantId?: string | undefined;
          }
        | undefined;
}

/** `CONTACT_CENTER_STORE`, read. */
export type StoreSetting = { kind: 'memory' } | { kind: 'sqlite'; path: string } | { kind: 'redis'; url: string };

/** `CONTACT_CENTER_STORE`'s default: a SQLite file under the working directory. */
export const DEFAULT_STORE = 'sqlite:./data/contact-center.sqlite';

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
    config.escalation = readEscalation(env, config);
    config.botFramework = readBotFramework(env);
    config.store = readStoreSetting(env.CONTACT_CENTER_STORE);
    config.leaseMs = readMs(env, 'CONTACT_CENTER_LEASE_MS', 100);
    config.requestTimeoutMs = readMs(env, 'CONTACT_CENTER_REQUEST_TIMEOUT_MS', 100);
    config.maxAttempts = readMs(env, 'CONTACT_CENTER_MAX_ATTEMPTS', 1, 'a whole number');
    config.retryDelayMs = readMs(env, 'CONTACT_CENTER_RETRY_DELAY_MS', 10);
    config.shutdownTimeoutMs = readMs(env, 'CONTACT_CENTER_SHUTDOWN_TIMEOUT_MS', 0);
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

/**
 * `LIVEPERSON_ESCALATION_SKILL` and `LIVEPERSON_ESCALATION_TIMEOUT_S`. The skill needs the LivePerson credentials, except
 * with no vendor variables at all (the embedded sandbox, whose LivePerson stand-in takes any skill).
 */
function readEscalation(env: NodeJS.ProcessEnv, config: ExampleConfig): ExampleConfig['escalation'] {
    const skillId = env.LIVEPERSON_ESCALATION_SKILL?.trim() || undefined;
    const timeout = env.LIVEPERSON_ESCALATION_TIMEOUT_S?.trim();
    if (skillId && !config.livePerson && config.eightByEight) {
        throw new Error(
            'LIVEPERSON_ESCALATION_SKILL needs the LivePerson credentials: LIVEPERSON_ACCOUNT_ID, LIVEPERSON_CLIENT_ID and LIVEPERSON_CLIENT_SECRET.'
        );
    }
    let noAgentTimeoutMs: number | false | undefined;
    if (timeout !== undefined && timeout !== '') {
        const seconds = Number(timeout);
        if (!Number.isInteger(seconds) || seconds < 0) {
            throw new Error(`LIVEPERSON_ESCALATION_TIMEOUT_S must be a whole number of seconds, 0 for no limit (got "${timeout}").`);
        }
        noAgentTimeoutMs = seconds === 0 ? false : seconds * 1000;
    }
    return skillId === undefined && noAgentTimeoutMs === undefined ? undefined : { skillId, noAgentTimeoutMs };
}

/** The types of Azure Bot Service app registrations (`MicrosoftAppType`), as botbuilder takes them. */
const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'];

/** `MicrosoftAppId` and the rest of the bot's Azure Bot Service credentials; undefined without an app id. */
function readBotFramework(env: NodeJS.ProcessEnv): ExampleConfig['botFramework'] {
    const appId = env.MicrosoftAppId?.trim();
    if (!appId) return undefined;
    const appType = env.MicrosoftAppType?.trim() || undefined;
    const appPassword = env.MicrosoftAppPassword || undefined;
    const tenantId = env.MicrosoftAppTenantId?.trim() || undefined;
    if (appType !== undefined && !APP_TYPES.includes(appType)) {
        throw new Error(`MicrosoftAppType must be ${APP_TYPES.join(', ')} (got "${appType}").`);
    }
    // The password is a secret: never repeated in an error.
    if (appType !== 'UserAssignedMSI' && !appPassword) throw new Error("MicrosoftAppId needs MicrosoftAppPassword (the app registration's client secret).");
    if ((appType === 'SingleTenant' || appType === 'UserAssignedMSI') && !tenantId) throw new Error(`MicrosoftAppType=${appType} needs MicrosoftAppTenantId.`);
    return { appId, appPassword, appType, tenantId };
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

/**
 * `CONTACT_CENTER_STORE`: `memory`, `sqlite:<path>` or `redis://…` / `rediss://…` (default {@link DEFAULT_STORE}). The
 * value is not repeated in an error: a Redis URL can hold a password.
 */
export function readStoreSetting(value: string | undefined): StoreSetting {
    const setting = value?.trim() || DEFAULT_STORE;
    if (setting === 'memory') return { kind: 'memory' };
    if (setting.startsWith('sqlite:')) {
        const path = setting.slice('sqlite:'.length).trim();
        if (path === '') throw new Error('CONTACT_CENTER_STORE=sqlite: needs a file path, e.g. sqlite:./data/contact-center.sqlite.');
        return { kind: 'sqlite', path };
    }
    if (/^rediss?:\/\//.test(setting)) {
        let url: URL;
        try {
            url = new URL(setting);
        } catch {
            throw new Error('CONTACT_CENTER_STORE is not a valid Redis URL: use redis://host:port[/db] (or rediss:// for TLS).');
        }
        if (url.hostname === '' || !/^(\/\d*)?$/.test(url.pathname)) {
            throw new Error('CONTACT_CENTER_STORE is not a valid Redis URL: use redis://host:port[/db], the database a number (or rediss:// for TLS).');
        }
        return { kind: 'redis', url: setting };
    }
    throw new Error('CONTACT_CENTER_STORE must be memory, sqlite:<path> or redis://host:port[/db] (default sqlite:./data/contact-center.sqlite).');
}

/** The store setting for a start-up line, without credentials: `SQLite file /abs/path`, `Redis at host:6379/0`. */
export function describeStoreSetting(setting: StoreSetting, cwd: string = process.cwd()): string {
    switch (setting.kind) {
        case 'memory':
            return 'memory (lost on a restart)';
        case 'sqlite':
            return `SQLite file ${resolve(cwd, setting.path)}`;
        case 'redis': {
            const url = new URL(setting.url);
            return `Redis at ${url.host}${url.pathname === '/' ? '' : url.pathname}${url.protocol === 'rediss:' ? ' (TLS)' : ''}`;
        }
    }
}

/** An optional whole number (of milliseconds, unless `what` says otherwise), at least `min`. */
function readMs(env: NodeJS.ProcessEnv, name: string, min: number, what = 'a whole number of milliseconds'): number | undefined {
    const value = env[name]?.trim();
    if (value === undefined || value === '') return undefined;
    const number = Number(value);
    if (!Number.isInteger(number) || number < min) throw new Error(`${name} must be ${what}, at least ${min} (got "${value}").`);
    return number;
}

/** A comma-separated list, trimmed, without empty entries; undefined when that leaves nothing. */
function commaSeparated(value: string | undefined): string[] | undefined {
    const items = (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    return items.length > 0 ? items : undefined;
}
