import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for the bot's webhook route: records what it gets, answers 200 (or what `answer` says). */
export interface FakeBot {
    url: string;
    received: Array<{ headers: IncomingHttpHeaders; body: string }>;
    /** The answer to the next webhooks; default 200 with no body. */
    answer: (webhook: { headers: IncomingHttpHeaders; body: string }) => { status: number; body?: unknown };
    close(): Promise<void>;
}

export async function startFakeBot(): Promise<FakeBot> {
    const bot: Partial<FakeBot> & { server?: Server } = { received: [], answer: () => ({ status: 200 }) };
    const server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const webhook = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        bot.received!.push(webhook);
        const { status, body } = bot.answer!(webhook);
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    bot.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
    bot.close = async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return bot as FakeBot;
}

/** A bot that checks LivePerson's signature as the adapter does, answering 401 with the reason. */
export function checkLivePersonSignature(secret: string) {
    return (webhook: { headers: IncomingHttpHeaders; body: string }) => {
        const header = String(webhook.headers['x-liveperson-signature'] ?? '');
        const expected = `sha1=${createHmac('sha1', secret).update(webhook.body, 'utf8').digest('base64')}`;
        return header === expected ? { status: 200 } : { status: 401, body: { error: 'x-liveperson-signature does not match the request body.' } };
    };
}
