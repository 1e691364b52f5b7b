import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MemoryInboxStore, type InboxStore, type LivePersonEscalation, type Logger, type WebhookPipelineOptions } from 'botbuilder-contact-center/protocol';
import { requireBearerToken } from './apiToken';
import type { ExampleConfig } from './config';
import { DEFAULT_NO_AGENT_TIMEOUT_MS, createEscalation, escalationSkill } from './escalation';
import { loadHost, type ExampleBot, type ExampleHost, type HostName } from './host';
import { isLoopbackAddress, localUrl } from './listenAddress';
import { openLivePersonConversation } from './livePersonConversations';
import { sharedLivePersonWebhook } from './livePersonWebhook';
import { openStore, pingStore } from './store';

export type { AgentsBot, Bot, ExampleBot, HostName } from './host';

/**
 * Who may call `POST /api/liveperson/conversations`: `token` (a request with `Authorization: Bearer
 * <EXAMPLE_API_TOKEN>`), `open` (anyone who reaches the server: only the embedded sandbox, on loopback), `off` (404:
 * production configuration without `EXAMPLE_API_TOKEN`).
 */
export type ConversationsRouteAccess = 'token' | 'open' | 'off';

/** A running example server. */
export interface RunningExample {
    /** A URL this machine reaches the server at (loopback when it listens on every interface). */
    url: string;
    /** Where it listens (`HOST` and `PORT`, resolved). */
    address: AddressInfo;
    /** Who may open LivePerson conversations through the example's route; undefined when LivePerson is not configured. */
    conversationsRoute?: ConversationsRouteAccess;
    server: Server;
    /** The host serving the bot. */
    host: ExampleHost;
    /** The adapters (the botbuilder or the Agents SDK class, per host). */
    eightByEight?: ReturnType<ExampleHost['eightByEight']>['adapter'];
    livePerson?: ReturnType<ExampleHost['livePerson']>['adapter'];
    /**
     * The LivePerson escalation behind `POST /api/messages`, when it is on (the LivePerson credentials and
     * `LIVEPERSON_ESCALATION_SKILL`, or the embedded sandbox): the bridge, the skill, how long a customer waits for an
     * agent (`false`: no limit).
     */
    escalation?: { bridge: LivePersonEscalation; skillId: string; noAgentTimeoutMs: number | false };
    /** The store the adapters and the bridge share (inboxes, de-duplication, records, Storage). */
    store: InboxStore;
    /** Resolves once every event the adapters accepted has run (tests). */
    whenIdle(): Promise<void>;
    /**
     * Graceful shutdown: webhooks are answered 503 (so the vendors redeliver later) and `GET /readyz` 503 from now on;
     * running events get `timeoutMs` (default `config.shutdownTimeoutMs`, else 10 s) to finish, the rest stay in the
     * inbox for the next start (or another instance); then the server, the adapters and the store it opened close.
     */
    close(timeoutMs?: number): Promise<void>;
}

/** How long running events get to finish on a graceful shutdown, unless configured. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** The largest activity `POST /api/messages` takes (the Bot Framework's own limit for an activity is 256 KB). */
const MAX_ACTIVITY_BYTES = '256kb';

/**
 * Builds and starts the example server: `POST /api/8x8/webhook`, `POST /api/liveperson/webhook`,
 * `POST /api/liveperson/conversations`, `POST /api/messages` (a Bot Framework channel endpoint), `GET /healthz`
 * (alive), `GET /readyz` (the store answers). The webhook routes have no body parser in front of them: the adapters
 * read and verify the raw bytes. The same routes and answers on either host. The adapters (and the escalation bridge)
 * share one store (`extras.state.store`, else the one `config.store` names, else in memory) and start working off
 * their inbox before the server listens, so events an earlier run left are resumed.
 *
 * With escalation on (the LivePerson credentials and `config.escalation.skillId`, or the embedded sandbox), the bot's
 * `handoff.initiate` on `POST /api/messages` escalates the customer to a LivePerson agent through the
 * `LivePersonEscalation` bridge, whose LivePerson webhooks arrive on the same `POST /api/liveperson/webhook`.
 *
 * It listens on `config.listenAddress` (default `127.0.0.1`). `POST /api/liveperson/conversations` opens real
 * LivePerson conversations, so it requires `Authorization: Bearer <config.apiToken>`, and without a token it is off
 * (404), except for the embedded sandbox (`extras.sandbox`), which must listen on loopback.
 */
export async function startExample(
    config: ExampleConfig,
    logger: Logger = console,
    extras: {
        /** The bot framework serving the bot (`BOT_HOST`); default botbuilder. */
        host?: HostName;
        /** The bot to run, one for that host; default the host's echo bot. */
        bot?: ExampleBot;
        /** Extra handlers mounted under a path (the embedded sandbox page). */
        mounts?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
        /**
         * The inbox store the adapters share, owned by the caller (`close()` leaves it open). Default: the store
         * `config.store` names (`CONTACT_CENTER_STORE`), or in memory without it; opened here and closed by `close()`.
         */
        state?: Pick<WebhookPipelineOptions, 'store'>;
        /**
         * The embedded sandbox (stand-ins on loopback, the page mounted): the server must listen on a loopback address
         * (else this rejects), and `POST /api/liveperson/conversations` is open when no `apiToken` is set.
         */
        sandbox?: boolean;
    } = {}
): Promise<RunningExample> {
    const listenAddress = config.listenAddress ?? '127.0.0.1';
    if (extras.sandbox && !isLoopbackAddress(listenAddress)) {
        throw new Error(`The embedded sandbox listens on loopback only (its page and stand-ins have no authentication), not on ${listenAddress}.`);
    }
    const host = await loadHost(extras.host);
    const mounts = extras.mounts ?? {};
    const ownsStore = !extras.state?.store;
    const store = extras.state?.store ?? (config.store ? await openStore(config.store, logger) : new MemoryInboxStore());
    const skillId = config.livePerson ? escalationSkill(config, extras.sandbox === true) : undefined;
    // With escalation on, the echo bot keeps the customer's recent texts in the store, for the agent's summary.
    const bot = extras.bot ?? host.createBot('echo', skillId ? store.storage : undefined);
    // What both adapters take besides their vendor's options: the shared store, and the timings the environment sets.
    const pipeline: WebhookPipelineOptions = {
        store,
        logger,
        inbox: definedOnly({ leaseMs: config.leaseMs, maxAttempts: config.maxAttempts, retryDelayMs: config.retryDelayMs }),
        ...(config.requestTimeoutMs !== undefined ? { requestTimeoutMs: config.requestTimeoutMs } : {}),
    };
    let closing = false;
    const app = express();
    app.disable('x-powered-by');
    // While shutting down, the other routes answer 503 too (the webhooks get theirs from the adapters).
    app.use((req, res, next) => {
        if (closing && req.path !== '/healthz' && req.path !== '/readyz') res.status(503).json({ error: 'The server is shutting down.' });
        else next();
    });

    // The webhook routes are served straight from node:http, in front of Express: they are the hot path (Express's
    // router is ~8% of a turn's CPU and allocations, see docs/benchmarks.md), and the adapters need nothing from it —
    // they read the raw body and answer every method themselves (405 for non-POST). `app.post(...)` works as well.
    // (Nor does the Agents host use agents-hosting-express's startServer: its global express.json() would consume the
    // raw bytes the signatures are computed over.)
    const webhooks = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
    let eightByEight: ReturnType<ExampleHost['eightByEight']> | undefined;
    if (config.eightByEight) {
        const hosted = host.eightByEight(
            {
                apiKey: config.eightByEight.apiKey,
                baseUrl: config.eightByEight.baseUrl,
                tenant: config.eightByEight.tenant,
                handoffQueueId: config.eightByEight.queueId,
                allowedTenantIds: config.eightByEight.allowedTenantIds,
                allowedCustomerIds: config.eightByEight.allowedCustomerIds,
                ...pipeline,
            },
            bot,
            logger
        );
        eightByEight = hosted;
        webhooks.set('/api/8x8/webhook', (req, res) => void hosted.process(req, res));
        if (!config.eightByEight.allowedTenantIds && !config.eightByEight.allowedCustomerIds && !extras.sandbox) {
            logger.warn(
                '8x8: EIGHTBYEIGHT_ALLOWED_TENANT_IDS and EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS are both empty, so this bot takes webhooks 8x8 ' +
                    "signed for any tenant (8x8 signs every tenant's webhooks with the same keys). Set one of them to your tenant or customer id."
            );
        }
    } else {
        app.post('/api/8x8/webhook', (_req, res) => {
            res.status(404).json({ error: 'The 8x8 route is not enabled: set EIGHTBYEIGHT_API_KEY.' });
        });
    }

    let livePerson: ReturnType<ExampleHost['livePerson']> | undefined;
    let conversationsRoute: ConversationsRouteAccess | undefined;
    const escalation = skillId ? createEscalation(config, skillId, pipeline, logger) : undefined;
    if (config.livePerson) {
        const lp = config.livePerson;
        const hosted = host.livePerson(
            {
                accountId: lp.accountId,
                clientId: lp.clientId,
                clientSecret: lp.clientSecret,
                csdsUrl: lp.csdsUrl,
                sentinelUrl: lp.sentinelUrl,
                idpUrl: lp.idpUrl,
                messagingUrl: lp.messagingUrl,
                skillId: lp.skillId,
                handoffSkillId: lp.handoffSkillId,
                ...pipeline,
            },
            bot,
            logger
        );
        livePerson = hosted;
        // One LivePerson app installation, one webhook URL: with the bridge, each notification goes to the one that
        // opened its conversation.
        webhooks.set('/api/liveperson/webhook', escalation ? sharedLivePersonWebhook(escalation, hosted, logger) : (req, res) => void hosted.process(req, res));
        const open = [express.json({ limit: '16kb' }), openLivePersonConversation(hosted, logger, lp.skillId)];
        conversationsRoute = config.apiToken ? 'token' : extras.sandbox ? 'open' : 'off';
        if (conversationsRoute === 'token') {
            // The token is checked before the body is read.
            app.post('/api/liveperson/conversations', requireBearerToken(config.apiToken!), ...open);
        } else if (conversationsRoute === 'open') {
            app.post('/api/liveperson/conversations', ...open);
        } else {
            app.post('/api/liveperson/conversations', (_req, res) => {
                res.status(404).json({
                    error:
                        'POST /api/liveperson/conversations is off: it opens real LivePerson conversations, so it needs a token. Set ' +
                        'EXAMPLE_API_TOKEN (16+ characters, e.g. `openssl rand -hex 32`) and send it as "Authorization: Bearer <token>".',
                });
            });
        }
    } else {
        app.post(['/api/liveperson/webhook', '/api/liveperson/conversations'], (_req, res) => {
            res.status(404).json({
                error: 'The LivePerson routes are not enabled: set LIVEPERSON_ACCOUNT_ID, LIVEPERSON_CLIENT_ID and LIVEPERSON_CLIENT_SECRET.',
            });
        });
    }

    // The Bot Framework channel endpoint (Web Chat, Direct Line, Teams, the Emulator): the SDK's own CloudAdapter, which
    // needs the parsed activity; with escalation on, the bridge's middleware is on it.
    const channel = host.botFramework(config.botFramework, bot, logger, escalation);
    if (!config.botFramework && !extras.sandbox) {
        logger.warn(
            'POST /api/messages takes unauthenticated activities (no MicrosoftAppId), as the Bot Framework Emulator sends them, and replies ' +
                "to the URL each activity names as its serviceUrl. Set MicrosoftAppId and MicrosoftAppPassword (the Azure Bot's app registration) " +
                'so that only the Bot Framework Connector is served.'
        );
    }
    app.post('/api/messages', express.json({ limit: MAX_ACTIVITY_BYTES }), (req, res) => channel.process(req, res));

    // Liveness and readiness say nothing about the configuration (which vendors or routes are on): anyone who reaches
    // the server can call them. Ready means the store answers (a cheap check: the vendors' APIs are not probed) and
    // the server is not shutting down.
    app.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
        const ready = !closing && (await pingStore(store));
        res.status(ready ? 200 : 503).json({ ready });
    });
    for (const [path, handler] of Object.entries(mounts)) app.use(path, handler);
    app.use((_req, res) => {
        res.status(404).json({ error: 'Not found.' });
    });
    // Body-parser failures (bad JSON, too large) as JSON errors instead of Express's HTML page.
    app.use((err: { status?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
        const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
        res.status(status).json({ error: status === 500 ? 'Internal error.' : `Bad request: ${err.message ?? err.type}` });
    });

    // Events an earlier run accepted but did not finish run now, without waiting for a webhook.
    eightByEight?.start();
    livePerson?.start();
    const adapters = [eightByEight, livePerson, escalation].filter((hosted) => hosted !== undefined);

    const server = await new Promise<Server>((resolve, reject) => {
        const s = createServer((req, res) => {
            const path = (req.url ?? '/').split('?')[0];
            const webhook = webhooks.get(path);
            if (webhook) webhook(req, res);
            else app(req, res);
        });
        // Whole-request and header limits well under Node's defaults (300 s, 60 s): a client that trickles its headers or
        // body does not hold a connection for minutes (the adapters also bound each webhook body: bodyTimeoutMs).
        s.requestTimeout = 15_000;
        s.headersTimeout = 10_000;
        s.keepAliveTimeout = 5_000;
        s.once('error', reject);
        s.listen(config.port, listenAddress, () => resolve(s));
    }).catch(async (err: unknown) => {
        await Promise.all(adapters.map((hosted) => hosted.close(0)));
        if (ownsStore) await store.close();
        throw err;
    });
    const address = server.address() as AddressInfo;
    return {
        url: localUrl(address),
        address,
        conversationsRoute,
        server,
        host,
        eightByEight: eightByEight?.adapter,
        livePerson: livePerson?.adapter,
        ...(escalation
            ? { escalation: { bridge: escalation, skillId: skillId!, noAgentTimeoutMs: config.escalation?.noAgentTimeoutMs ?? DEFAULT_NO_AGENT_TIMEOUT_MS } }
            : {}),
        store,
        async whenIdle() {
            await Promise.all(adapters.map((hosted) => hosted.whenIdle()));
        },
        async close(timeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) {
            if (closing) return;
            closing = true;
            // The server keeps listening while the adapters drain, answering 503 (webhooks, readiness), which tells a
            // vendor to redeliver and a load balancer to send elsewhere sooner than refused connections would.
            await Promise.all(adapters.map((hosted) => hosted.close(timeoutMs)));
            // Requests already past the adapters' closing check finish (their events are stored) before the store
            // closes; connections still open after a second are dropped.
            const closed = new Promise<void>((resolve) => server.close(() => resolve()));
            server.closeIdleConnections();
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))]);
            clearTimeout(timer);
            server.closeAllConnections();
            await closed;
            if (ownsStore) await store.close();
        },
    };
}

/** The fields of `options` that are set (the adapters' defaults apply to the others). */
function definedOnly<T extends object>(options: T): Partial<T> {
    return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
