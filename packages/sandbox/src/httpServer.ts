import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a stand-in route sees it. */
export interface StandInRequest {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: IncomingMessage['headers'];
    rawBody: Buffer;
    /** JSON-parsed body; undefined when empty or not JSON. */
    json: unknown;
}

/** What a route answers. */
export interface StandInResponse {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    /** Send the headers at once, then the body (padded with spaces to `bytes`) one byte every `intervalMs`. */
    trickle?: { intervalMs: number; bytes: number };
    /**
     * Answer nothing and reset the connection after `afterMs` (0: at once; a hang: a long time, ended early when the
     * client gives up). `status` and `body` are then ignored.
     */
    drop?: { afterMs: number };
}

export type StandInHandler = (request: StandInRequest) => Promise<StandInResponse> | StandInResponse;

/** A loopback HTTP server for a stand-in; JSON in, JSON out. */
export class StandInServer {
    private server?: Server;
    private baseUrl = '';

    constructor(private readonly handler: StandInHandler) {}

    /** Starts listening on 127.0.0.1 (port 0 = any free port); resolves with the base URL. */
    async start(port = 0): Promise<string> {
        const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res), port);
        this.server = server;
        this.baseUrl = url;
        return this.baseUrl;
    }

    get url(): string {
        if (!this.baseUrl) throw new Error('The stand-in is not started.');
        return this.baseUrl;
    }

    async stop(): Promise<void> {
        const server = this.server;
        this.server = undefined;
        if (server) await closeServer(server);
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        try {
            const chunks: Buffer[] = [];
            for await (const chunk of req) chunks.push(chunk as Buffer);
            const rawBody = Buffer.concat(chunks);
            let json: unknown;
            if (rawBody.length > 0) {
                try {
                    json = JSON.parse(rawBody.toString('utf8'));
                } catch {
                    json = undefined;
                }
            }
            const url = new URL(req.url ?? '/', 'http://stand-in');
            const answer = await this.handler({
                method: req.method ?? 'GET',
                path: url.pathname,
                query: url.searchParams,
                headers: req.headers,
                rawBody,
                json,
            });
            if (answer.drop) {
                dropConnection(req, res, answer.drop.afterMs);
                return;
            }
            const headers = { ...answer.headers };
            let text: string | undefined;
            if (answer.body !== undefined) {
                text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
                headers['content-type'] ??= 'application/json';
            }
            if (answer.trickle) {
                trickle(res, answer.status, headers, text ?? '', answer.trickle);
                return;
            }
            res.writeHead(answer.status, headers);
            res.end(text);
        } catch (err) {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ message: `stand-in error: ${(err as Error).message}` }));
        }
    }
}

/** Resets the request's connection (no answer at all) after `afterMs`, or when the client closes it first. */
function dropConnection(req: IncomingMessage, res: ServerResponse, afterMs: number): void {
    const reset = () => {
        const socket = req.socket as IncomingMessage['socket'] & { resetAndDestroy?: () => void };
        if (socket.resetAndDestroy) socket.resetAndDestroy();
        else socket.destroy();
    };
    if (afterMs <= 0) {
        reset();
        return;
    }
    const timer = setTimeout(reset, afterMs);
    res.on('close', () => clearTimeout(timer));
}

/** Writes the headers, then `text` padded with spaces to `bytes`, one byte per `intervalMs` (until the client goes). */
function trickle(res: ServerResponse, status: number, headers: Record<string, string>, text: string, options: { intervalMs: number; bytes: number }): void {
    const body = Buffer.from(text.padEnd(options.bytes, ' '));
    res.writeHead(status, headers);
    res.flushHeaders();
    let sent = 0;
    const timer = setInterval(() => {
        if (sent >= body.length) {
            clearInterval(timer);
            res.end();
            return;
        }
        res.write(body.subarray(sent, sent + 1));
        sent++;
    }, options.intervalMs);
    res.on('close', () => clearInterval(timer));
}

/** Starts a node:http server on 127.0.0.1 (port 0 = any free port); resolves with it and its base URL (no trailing slash). */
export async function listenOnLoopback(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<{ server: Server; url: string }> {
    const server = createServer(handler);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
    });
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes a server, dropping its keep-alive connections first. */
export async function closeServer(server: Server): Promise<void> {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
}
