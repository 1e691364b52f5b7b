import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { EIGHTBYEIGHT_REDELIVERY, EightByEightSandbox, LIVEPERSON_REDELIVERY, LivePersonSandbox } from '../src';

/** What the fake bot got: each POST's headers and body, and when. */
interface Received {
    headers: IncomingMessage['headers'];
    body: string;
    at: number;
}

/** A webhook endpoint that answers the n-th POST with `answers[n]` (the last one repeats): a status, `hang` or `reset`. */
async function fakeBot(answers: Array<number | 'hang' | 'reset'>): Promise<{ url: string; received: Received[]; server: Server }> {
    const received: Received[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            received.push({ headers: req.headers, body: Buffer.concat(chunks).toString(), at: Date.now() });
            const answer = answers[Math.min(received.length - 1, answers.length - 1)];
            if (answer === 'hang') return; // never answers; the stand-in's timeout drops it
            if (answer === 'reset') {
                req.socket.destroy();
                return;
            }
            res.writeHead(answer).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, received, server };
}

function close(server: Server): Promise<void> {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
}

describe('stand-ins as redelivering vendors (redelivery)', function () {
    this.timeout(10000);
    const servers: Server[] = [];
    const stopping: Array<{ stop(): Promise<void> }> = [];
    afterEach(async () => {
        await Promise.all(stopping.splice(0).map((s) => s.stop()));
        await Promise.all(servers.splice(0).map(close));
    });

    it('8x8: redelivers the same event on 500, no answer within the timeout and a reset, with a growing pause, until a 2xx', async () => {
        const bot = await fakeBot([500, 'hang', 'reset', 202]);
        servers.push(bot.server);
        const sandbox = new EightByEightSandbox({ webhookUrl: bot.url, redelivery: { attempts: 5, delayMs: 40, factor: 2, timeoutMs: 300 } });
        stopping.push(sandbox);
        await sandbox.start();
        const result = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: 'c-1', data: { text: 'hi' } });
        expect(result).to.include({ status: 202, attempts: 4 });
        expect(bot.received).to.have.length(4);
        expect(new Set(bot.received.map((r) => r.body)).size, 'the same body every time').to.equal(1);
        expect(bot.received.map((r) => r.headers['x-8x8-event-id'])).to.deep.equal(Array(4).fill(result.eventId));
        expect(bot.received.map((r) => r.headers['x-8x8-retry'])).to.deep.equal(['0', '1', '2', '3']);
        expect(sandbox.deliveries.map((d) => d.status)).to.deep.equal([500, 0, 0, 202]);
        // Pauses of 40, 80, 160 ms after each failure (the hang adds its 300 ms timeout before the second pause).
        const gaps = bot.received.slice(1).map((r, i) => r.at - bot.received[i].at);
        expect(gaps[0]).to.be.within(35, 250);
        expect(gaps[1]).to.be.within(300 + 75, 300 + 400);
        expect(gaps[2]).to.be.within(155, 500);
    });

    it('8x8: gives up after the attempts (status 0 when the bot cannot be reached at all)', async () => {
        const bot = await fakeBot([200]);
        await close(bot.server);
        const sandbox = new EightByEightSandbox({ webhookUrl: bot.url, redelivery: { attempts: 3, delayMs: 10 } });
        stopping.push(sandbox);
        await sandbox.start();
        const result = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: 'c-1', data: { text: 'hi' } });
        expect(result).to.include({ status: 0, attempts: 3 });
        expect(result.body).to.match(/fetch failed|ECONNREFUSED/);
    });

    it('LivePerson: only 200/201 count; the same notification again, the pause doubling', async () => {
        const bot = await fakeBot([202, 503, 201]);
        servers.push(bot.server);
        const sandbox = new LivePersonSandbox({ webhookUrl: bot.url, redelivery: { attempts: 4, delayMs: 30, timeoutMs: 1000 } });
        stopping.push(sandbox);
        await sandbox.start();
        const result = await sandbox.deliver(sandbox.messagingNotification([{ sequence: 1 }]));
        expect(result).to.include({ status: 201, attempts: 3 });
        expect(new Set(bot.received.map((r) => `${r.headers['x-liveperson-signature']} ${r.body}`)).size).to.equal(1);
        expect(sandbox.deliveries.map((d) => [d.status, d.attempt])).to.deep.equal([
            [202, 1],
            [503, 2],
            [201, 3],
        ]);
        const gaps = bot.received.slice(1).map((r, i) => r.at - bot.received[i].at);
        expect(gaps[0]).to.be.within(25, 200);
        expect(gaps[1]).to.be.within(55, 300);
    });

    it('without the option, the earlier behaviour: one delivery (webhookRetries 0); `true` takes the documented defaults', async () => {
        const bot = await fakeBot([500]);
        servers.push(bot.server);
        const eight = new EightByEightSandbox({ webhookUrl: bot.url });
        const lp = new LivePersonSandbox({ webhookUrl: bot.url });
        stopping.push(eight, lp);
        await Promise.all([eight.start(), lp.start()]);
        expect((await eight.deliver({ eventType: 'MESSAGE' })).attempts).to.equal(1);
        expect((await lp.deliver({ type: 'x' })).attempts).to.equal(1);
        expect(LIVEPERSON_REDELIVERY).to.include({ delayMs: 2000, factor: 2, maxDelayMs: 300_000, timeoutMs: 5000 });
        expect(EIGHTBYEIGHT_REDELIVERY.attempts).to.be.greaterThan(1);
        expect(() => new LivePersonSandbox({ redelivery: { attempts: 0 } })).to.throw(/attempts/);
    });

    it('stop() ends redeliveries at once instead of waiting out the pauses', async () => {
        const bot = await fakeBot([500]);
        servers.push(bot.server);
        const sandbox = new EightByEightSandbox({ webhookUrl: bot.url, redelivery: { attempts: 10, delayMs: 5000 } });
        await sandbox.start();
        const delivery = sandbox.deliver({ eventType: 'MESSAGE' });
        while (bot.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const started = Date.now();
        await sandbox.stop();
        expect((await delivery).attempts).to.equal(1);
        expect(Date.now() - started).to.be.below(1000);
    });
});
