/**
 * Oversized and slow webhook bodies over loopback: refused (413 / 408) with the connection closed, the rest of the
 * body never read. Measured on the server's side: the bytes its socket read.
 */
import { connect, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import type { WebhookResponse } from '../../src/core/http';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestAdapter } from '../hosts';

const MiB = 1024 * 1024;

/** What a raw client saw of one request. */
interface RawExchange {
    /** Status of the answer, 0 when none arrived. */
    status: number;
    /** The answer as received (headers and body). */
    answer: string;
    /** Body bytes the client managed to hand to its socket before the server closed the connection. */
    bodyBytesWritten: number;
    /** ms from the first byte sent until the server's answer arrived / until the connection was closed. */
    answeredAfterMs: number;
    closedAfterMs: number;
}

/**
 * Sends a POST over a raw socket: the headers, then `totalBytes` of body in `chunkBytes` pieces, `intervalMs` apart
 * (0: as fast as the socket takes them), declared with `content-length` or sent chunked. Stops writing when the server
 * closes the connection; resolves once it is closed.
 */
function rawPost(
    url: string,
    options: { totalBytes: number; chunkBytes: number; intervalMs?: number; chunked?: boolean; path?: string }
): Promise<RawExchange> {
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
        const socket: Socket = connect(Number(port), '127.0.0.1');
        const started = Date.now();
        let answer = '';
        let answeredAfterMs = -1;
        let written = 0;
        let closed = false;
        socket.setEncoding('latin1');
        socket.on('data', (text: string) => {
            if (answeredAfterMs < 0) answeredAfterMs = Date.now() - started;
            answer += text;
        });
        socket.on('error', () => undefined); // EPIPE / ECONNRESET once the server closed: expected
        socket.on('close', () => {
            closed = true;
            const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
            resolve({ status, answer, bodyBytesWritten: written, answeredAfterMs, closedAfterMs: Date.now() - started });
        });
        const framing = options.chunked ? 'transfer-encoding: chunked' : `content-length: ${options.totalBytes}`;
        socket.once('connect', async () => {
            try {
                socket.write(`POST ${options.path ?? '/webhook'} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`);
                const piece = Buffer.alloc(options.chunkBytes, 0x61);
                while (written < options.totalBytes && !closed && !socket.destroyed) {
                    const size = Math.min(options.chunkBytes, options.totalBytes - written);
                    const data = size === piece.length ? piece : piece.subarray(0, size);
                    const ok = options.chunked ? socket.write(`${size.toString(16)}\r\n`) && socket.write(data) && socket.write('\r\n') : socket.write(data);
                    written += size;
                    if (!ok) await Promise.race([new Promise((r) => socket.once('drain', r)), new Promise((r) => socket.once('close', r))]);
                    if (options.intervalMs) await new Promise((r) => setTimeout(r, options.intervalMs));
                }
                if (!closed && !socket.destroyed) socket.end(options.chunked ? '0\r\n\r\n' : '');
            } catch (err) {
                reject(err);
            }
        });
    });
}

/** A botbuilder-style response (status / header / send / end, no setHeader) over a Node ServerResponse that ignores `Connection`. */
function botbuilderStyle(res: ServerResponse): WebhookResponse {
    return {
        socket: res.socket,
        status: (code: number) => {
            res.statusCode = code;
        },
        header: (name: string, value: unknown) => {
            if (name.toLowerCase() !== 'connection') res.setHeader(name, String(value));
        },
        send: (body?: unknown) => {
            res.write(body);
        },
        end: () => res.end(),
    };
}

const host = hosts[0];

describe(`webhook bodies: oversized and slow ones are refused and their connection closed (${host.name})`, function () {
    this.timeout(20000);
    let adapter: TestAdapter | undefined;
    let lpSandbox: LivePersonSandbox | undefined;
    let server: { url: string; close(): Promise<void> } | undefined;
    let bytesRead: number[];
    let turns: number;

    /** An adapter behind a node:http server that records, per connection, the bytes its socket read. */
    async function serve(make: () => TestAdapter, wrap: (res: ServerResponse) => WebhookResponse = (res) => res): Promise<string> {
        adapter = make();
        turns = 0;
        bytesRead = [];
        const listening = await listen((req: IncomingMessage, res: ServerResponse) => {
            void adapter!.process(req, wrap(res), async () => {
                turns++;
            });
        });
        listening.server.on('connection', (socket: Socket) => socket.on('close', () => bytesRead.push(socket.bytesRead)));
        server = listening;
        return listening.url;
    }

    async function eightByEight(options: Record<string, unknown> = {}, wrap?: (res: ServerResponse) => WebhookResponse): Promise<string> {
        return serve(
            () => new host.EightByEightAdapter({ apiKey: 'body-test-key', baseUrl: 'http://127.0.0.1:9', logger: capturingLogger(), ...options }),
            wrap
        );
    }

    async function livePerson(options: Record<string, unknown> = {}): Promise<string> {
        lpSandbox = new LivePersonSandbox({ clientSecret: 'body-test-secret' });
        const csdsUrl = await lpSandbox.start();
        return serve(
            () =>
                new host.LivePersonAdapter({
                    accountId: lpSandbox!.accountId,
                    clientId: lpSandbox!.clientId,
                    clientSecret: 'body-test-secret',
                    csdsUrl,
                    logger: capturingLogger(),
                    ...options,
                })
        );
    }

    afterEach(async () => {
        await server?.close();
        await adapter?.close();
        await lpSandbox?.stop();
        server = undefined;
        adapter = undefined;
        lpSandbox = undefined;
    });

    for (const vendor of ['8x8', 'LivePerson'] as const) {
        it(`${vendor}: a 16 MB body declared in content-length gets 413 and a closed connection, the body unread`, async () => {
            const url = vendor === '8x8' ? await eightByEight() : await livePerson();
            const exchange = await rawPost(url, { totalBytes: 16 * MiB, chunkBytes: 64 * 1024 });
            expect(exchange.status).to.equal(413);
            expect(exchange.answer.toLowerCase()).to.include('connection: close');
            expect(exchange.answer).to.include('over the 1048576-byte limit');
            await waitUntil(() => bytesRead.length === 1);
            // The headers and what was in flight (~100 KB measured), not the 16 MB nor even the 1 MiB allowed.
            expect(bytesRead[0]).to.be.lessThan(1 * MiB);
            expect(exchange.closedAfterMs).to.be.lessThan(3000);
            expect(turns).to.equal(0);
        });
    }

    it('8x8: a 16 MB chunked body (no content-length) is read up to the cap only: 413, connection closed', async () => {
        const url = await eightByEight();
        const exchange = await rawPost(url, { totalBytes: 16 * MiB, chunkBytes: 64 * 1024, chunked: true });
        expect(exchange.status).to.equal(413);
        expect(exchange.answer).to.include('Request body is over the 1048576-byte limit.');
        await waitUntil(() => bytesRead.length === 1);
        expect(bytesRead[0]).to.be.lessThan(2 * MiB); // the 1 MiB allowed and what was in flight (~1.1 MiB measured)
        expect(exchange.closedAfterMs).to.be.lessThan(3000);
    });

    it('8x8: the same through a botbuilder-style response (no setHeader) that drops Connection: the adapter closes the socket itself', async () => {
        const url = await eightByEight({}, botbuilderStyle);
        const exchange = await rawPost(url, { totalBytes: 16 * MiB, chunkBytes: 64 * 1024 });
        expect(exchange.status).to.equal(413);
        expect(exchange.answer.toLowerCase()).not.to.include('connection: close');
        await waitUntil(() => bytesRead.length === 1);
        expect(bytesRead[0]).to.be.lessThan(1 * MiB);
        expect(exchange.closedAfterMs).to.be.lessThan(3000);
    });

    for (const vendor of ['8x8', 'LivePerson'] as const) {
        it(`${vendor}: a body trickling 1 byte per 100 ms gets 408 at bodyTimeoutMs, and the connection is closed`, async () => {
            const bodyTimeoutMs = 500;
            const url = vendor === '8x8' ? await eightByEight({ bodyTimeoutMs }) : await livePerson({ bodyTimeoutMs });
            const exchange = await rawPost(url, { totalBytes: 1000, chunkBytes: 1, intervalMs: 100 });
            expect(exchange.status).to.equal(408);
            expect(exchange.answer).to.include(`Request body did not arrive in full within ${bodyTimeoutMs} ms.`);
            expect(exchange.answeredAfterMs).to.be.within(bodyTimeoutMs - 50, bodyTimeoutMs + 1000);
            expect(exchange.closedAfterMs).to.be.lessThan(bodyTimeoutMs + 1500);
            expect(exchange.bodyBytesWritten).to.be.lessThan(40); // ~15 bytes sent by then, never the 1,000
            expect(turns).to.equal(0);
        });
    }

    it('8x8: a body within the cap and the time limit still reaches the pipeline (here: 401, unsigned), on a kept-alive connection', async () => {
        const url = await eightByEight({ bodyTimeoutMs: 2000 });
        const first = await fetch(`${url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"eventType":"MESSAGE"}' });
        expect(first.status).to.equal(401);
        expect(first.headers.get('connection')).not.to.equal('close');
        await first.text();
        const second = await fetch(`${url}/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        expect(second.status).to.equal(401);
        await second.text();
    });
});
