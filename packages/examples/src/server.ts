import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { EightByEightAdapter, type Logger } from 'botbuilder-contact-center';
import { EchoBot } from './echoBot';
import { readConfig, type ExampleConfig } from './config';

/** A running example server. */
export interface RunningExample {
    url: string;
    server: Server;
    eightByEight?: EightByEightAdapter;
    close(): Promise<void>;
}

/**
 * Builds and starts the example server: `POST /api/8x8/webhook`, `GET /healthz`.
 * The webhook route has no body parser in front of it: the adapter reads and verifies the raw bytes.
 */
export async function startExample(config: ExampleConfig, logger: Logger = console): Promise<RunningExample> {
    const bot = new EchoBot();
    const app = express();
    app.disable('x-powered-by');

    let eightByEight: EightByEightAdapter | undefined;
    if (config.eightByEight) {
        eightByEight = new EightByEightAdapter({
            apiKey: config.eightByEight.apiKey,
            baseUrl: config.eightByEight.baseUrl,
            tenant: config.eightByEight.tenant,
            handoffQueueId: config.eightByEight.queueId,
            logger,
        });
        eightByEight.onTurnError = async (_context, error) => {
            // Rethrown: the webhook is answered 500 and 8x8 redelivers the event, so nothing accepted is lost.
            logger.error(`8x8 turn failed: ${error instanceof Error ? error.message : String(error)}`);
            throw error;
        };
        const adapter = eightByEight;
        // app.all, not app.post: the adapter itself answers other methods with 405.
        app.all('/api/8x8/webhook', (req, res) => adapter.process(req, res, (context) => bot.run(context)));
    } else {
        app.post('/api/8x8/webhook', (_req, res) => {
            res.status(404).json({ error: 'The 8x8 route is not enabled: set EIGHTBYEIGHT_API_KEY.' });
        });
    }

    app.get('/healthz', (_req, res) => {
        res.json({ status: 'ok', routes: { eightByEight: Boolean(eightByEight) } });
    });

    const server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(config.port, () => resolve(s));
        s.once('error', reject);
    });
    const url = `http://localhost:${(server.address() as AddressInfo).port}`;
    return {
        url,
        server,
        eightByEight,
        async close() {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            await eightByEight?.close();
        },
    };
}

async function main(): Promise<void> {
    const config = readConfig(process.env);
    const running = await startExample(config);
    console.log(`Echo bot listening on ${running.url}`);
    console.log(`  GET  ${running.url}/healthz`);
    if (config.eightByEight) {
        console.log(`  POST ${running.url}/api/8x8/webhook  (8x8 Chat Gateway at ${config.eightByEight.baseUrl})`);
    } else {
        console.log('  8x8 route disabled: set EIGHTBYEIGHT_API_KEY (and EIGHTBYEIGHT_BASE_URL, EIGHTBYEIGHT_QUEUE_ID) to enable it.');
    }
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
