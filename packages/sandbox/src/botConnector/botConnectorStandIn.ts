/**
 * A loopback stand-in for the Bot Framework Connector service, as the Emulator serves it: the bot's replies arrive as
 * `POST /v3/conversations/{conversationId}/activities[/{replyToId}]` and are recorded and answered `{ id }`. It can
 * fail the next posts (a customer channel that is down) to show that agent messages are retried, not lost.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One activity the bot posted. */
export interface PostedActivity {
    conversationId: string;
    replyToId?: string;
    activity: Record<string, any>;
}

export class BotConnectorStandIn {
    readonly posted: PostedActivity[] = [];
    /** Every post, with the status answered (failures included). */
    readonly attempts: Array<{ conversationId: string; status: number }> = [];
    private failures = 0;
    private failureStatus = 503;
    private server?: Server;
    private counter = 0;
    url = '';

    async start(): Promise<string> {
        this.server = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (chunk: Buffer) => chunks.push(chunk));
            req.on('end', () => {
                const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
                if (req.method !== 'POST' || !match) {
                    res.writeHead(404).end();
                    return;
                }
                const conversationId = decodeURIComponent(match[1]);
                if (this.failures > 0) {
                    this.failures--;
                    this.attempts.push({ conversationId, status: this.failureStatus });
                    res.writeHead(this.failureStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'ServiceUnavailable' } }));
                    return;
                }
                this.attempts.push({ conversationId, status: 200 });
                this.posted.push({
                    conversationId,
                    ...(match[2] ? { replyToId: decodeURIComponent(match[2]) } : {}),
                    activity: JSON.parse(Buffer.concat(chunks).toString('utf8')),
                });
                res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `posted-${++this.counter}` }));
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        return this.url;
    }

    /**
     * The next `count` posts are answered `status` (default 503). botbuilder's connector client retries a 503 itself
     * for seconds; 501 it does not retry, which leaves the retries to the caller.
     */
    failNext(count: number, status = 503): void {
        this.failures = count;
        this.failureStatus = status;
    }

    /** The activities posted to a conversation, in order. */
    activities(conversationId: string): Array<Record<string, any>> {
        return this.posted.filter((p) => p.conversationId === conversationId).map((p) => p.activity);
    }

    /** The texts of the messages posted to a conversation. */
    texts(conversationId: string): string[] {
        return this.activities(conversationId)
            .filter((a) => a.type === 'message')
            .map((a) => a.text ?? '');
    }

    async stop(): Promise<void> {
        if (!this.server) return;
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    }
}
