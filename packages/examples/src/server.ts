import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { TurnContext } from 'botbuilder';
import { EightByEightAdapter, LivePersonAdapter, type Logger, type WebhookPipelineOptions } from 'botbuilder-contact-center';
import { EchoBot } from './echoBot';
import type { ExampleConfig } from './config';
import { openLivePersonConversation } from './livePersonConversations';
import { turnErrorHandler } from './turnErrors';

/** What the server runs: any botbuilder bot (an `ActivityHandler`). */
export interface Bot {
    run(context: TurnContext): Promise<void>;
}

/** A running example server. */
export interface RunningExample {
    url: string;
    server: Server;
    eightByEight?: EightByEightAdapter;
    livePerson?: LivePersonAdapter;
    close(): Promise<void>;
}

/**
 * Builds and starts the example server: `POST /api/8x8/webhook`, `POST /api/liveperson/webhook`,
 * `POST /api/liveperson/conversations`, `GET /healthz`. The webhook routes have no body parser in front of them:
 * the adapters read and verify the raw bytes.
 */
export async function startExample(
    config: ExampleConfig,
    logger: Logger = console,
    extras: {
        /** The bot to run; default the echo bot. */
        bot?: Bot;
        /** Extra handlers mounted under a path (the embedded sandbox page). */
        mounts?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
        /** Where the adapters keep their per-conversation state; default each adapter's bounded in-memory stores. */
        state?: Pick<WebhookPipelineOptions, 'storage' | 'deduplicationStore'>;
    } = {}
): Promise<RunningExample> {
    const bot = extras.bot ?? new EchoBot();
    const mounts = extras.mounts ?? {};
    const app = express();
    app.disable('x-powered-by');

    // The webhook routes are served straight from node:http, in front of Express: they are the hot path (Express's
    // router is ~8% of a turn's CPU and allocations, see docs/benchmarks.md), and the adapters need nothing from it —
    // they read the raw body and answer every method themselves (405 for non-POST). `app.post(...)` works as well.
    const webhooks = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();
    let eightByEight: EightByEightAdapter | undefined;
    if (config.eightByEight) {
        eightByEight = new EightByEightAdapter({
            apiKey: config.eightByEight.apiKey,
            baseUrl: config.eightByEight.baseUrl,
            tenant: config.eightByEight.tenant,
            handoffQueueId: config.eightByEight.queueId,
            logger,
            ...extras.state,
        });
        eightByEight.onTurnError = turnErrorHandler('8x8', logger);
        const adapter = eightByEight;
        webhooks.set('/api/8x8/webhook', (req, res) => adapter.process(req, res, (context) => bot.run(context)));
    } else {
        app.post('/api/8x8/webhook', (_req, res) => {
            res.status(404).json({ error: 'The 8x8 route is not enabled: set EIGHTBYEIGHT_API_KEY.' });
        });
    }

    let livePerson: LivePersonAdapter | undefined;
    if (config.livePerson) {
        const lp = config.livePerson;
        livePerson = new LivePersonAdapter({
            accountId: lp.accountId,
            clientId: lp.clientId,
            clientSecret: lp.clientSecret,
            csdsUrl: lp.csdsUrl,
            sentinelUrl: lp.sentinelUrl,
            idpUrl: lp.idpUrl,
            messagingUrl: lp.messagingUrl,
            skillId: lp.skillId,
            handoffSkillId: lp.handoffSkillId,
            logger,
            ...extras.state,
        });
        livePerson.onTurnError = turnErrorHandler('liveperson', logger);
        const adapter = livePerson;
        webhooks.set('/api/liveperson/webhook', (req, res) => adapter.process(req, res, (context) => bot.run(context)));
        app.post('/api/liveperson/conversations', express.json({ limit: '16kb' }), openLivePersonConversation(adapter, logger, lp.skillId));
    } else {
        app.post(['/api/liveperson/webhook', '/api/liveperson/conversations'], (_req, res) => {
            res.status(404).json({ error: 'The LivePerson routes are not enabled: set LIVEPERSON_ACCOUNT_ID, LIVEPERSON_CLIENT_ID and LIVEPERSON_CLIENT_SECRET.' });
        });
    }

    app.get('/healthz', (_req, res) => {
        res.json({ status: 'ok', routes: { eightByEight: Boolean(eightByEight), livePerson: Boolean(livePerson) } });
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

    const server = await new Promise<Server>((resolve, reject) => {
        const s = createServer((req, res) => {
            const path = (req.url ?? '/').split('?')[0];
            const webhook = webhooks.get(path);
            if (webhook) webhook(req, res);
            else app(req, res);
        });
        s.listen(config.port, () => resolve(s));
        s.once('error', reject);
    });
    const url = `http://localhost:${(server.address() as AddressInfo).port}`;
    return {
        url,
        server,
        eightByEight,
        livePerson,
        async close() {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            await eightByEight?.close();
            await livePerson?.close();
        },
    };
}
