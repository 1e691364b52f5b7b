import type { IncomingHttpHeaders } from 'node:http';
import { WebhookRequestError } from './errors';

/**
 * The request shape `process()` accepts: a Node `IncomingMessage` (plain `node:http`, Express, Restify).
 * When a body parser already ran, give the raw bytes as `rawBody` (Buffer or string), or let the parser
 * leave `body` as a Buffer (`express.raw()`): signatures are computed over the exact bytes received.
 */
export interface WebhookRequest {
    method?: string | undefined;
    headers: IncomingHttpHeaders;
    body?: unknown | undefined;
    rawBody?: Buffer | string | undefined;
    readableEnded?: boolean | undefined;
    /** False while the body has not been received to its end (Node's `IncomingMessage.complete`). */
    complete?: boolean | undefined;
    /** The connection, closed after answering a request whose body was not read to its end. */
    socket?: ConnectionSocket | null | undefined;
    on?(event: string, listener: (...args: any[]) => void): unknown;
    removeListener?(event: string, listener: (...args: any[]) => void): unknown;
    pause?(): unknown;
    resume?(): unknown;
}

/** What the adapter uses of a request's connection (a `net.Socket`). */
export interface ConnectionSocket {
    destroyed?: boolean | undefined;
    destroy(): unknown;
    destroySoon?(): unknown;
}

/**
 * The response shape `process()` writes to: a Node `ServerResponse` (plain `node:http`, Express, Restify),
 * or any object with botbuilder's `status()` + `send()` + `end()` methods.
 */
export interface WebhookResponse {
    headersSent?: boolean | undefined;
    statusCode?: number | undefined;
    setHeader?(name: string, value: string): unknown;
    end(chunk?: any): unknown;
    status?(code: number): unknown;
    send?(body?: unknown): unknown;
    header?(name: string, value: unknown): unknown;
    /** The connection (botbuilder's `Response` has it; a Node `ServerResponse` too). */
    socket?: ConnectionSocket | null | undefined;
    /** True once the answer was handed to the connection (Node `ServerResponse`). */
    writableFinished?: boolean | undefined;
    once?(event: string, listener: (...args: any[]) => void): unknown;
}

/** Reads one header as a single string (first value of a repeated header). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
    const value = headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
}

/**
 * Gets the raw body bytes of a webhook request, capped at `limit` bytes and `timeoutMs` ms.
 *
 * Order: `req.rawBody`, a Buffer/string `req.body`, then the unread request stream. A request whose body a
 * framework already parsed into an object, with no raw bytes kept, yields `undefined`: the caller decides
 * (with signature verification on, that is a server configuration error, never a reason to skip it).
 *
 * A body declared or found over the cap is a 413 and one that has not fully arrived within `timeoutMs` a 408; the
 * rest of it is left unread (the stream is paused, never drained), so the answer must close the connection
 * (see `connectionClose.ts`).
 */
export async function readRawBody(req: WebhookRequest, limit: number, timeoutMs = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
    const declared = Number(headerValue(req.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > limit) {
        throw new WebhookRequestError(413, `Request body of ${declared} bytes is over the ${limit}-byte limit.`);
    }
    const known = req.rawBody ?? (Buffer.isBuffer(req.body) || typeof req.body === 'string' ? req.body : undefined);
    if (known !== undefined) {
        const bytes = Buffer.isBuffer(known) ? known : Buffer.from(known, 'utf8');
        if (bytes.length > limit) {
            throw new WebhookRequestError(413, `Request body of ${bytes.length} bytes is over the ${limit}-byte limit.`);
        }
        return bytes;
    }
    if (req.body !== undefined || req.readableEnded || typeof req.on !== 'function') {
        return undefined;
    }
    return readStream(req, limit, timeoutMs);
}

function readStream(req: WebhookRequest, limit: number, timeoutMs: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const finish = (err?: Error, body?: Buffer) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            req.removeListener?.('data', onData);
            req.removeListener?.('end', onEnd);
            req.removeListener?.('error', onError);
            req.removeListener?.('aborted', onAborted);
            if (err) {
                // Stop reading: a stream left flowing without listeners would drain the rest of the body.
                req.pause?.();
                chunks.length = 0;
                reject(err);
            } else resolve(body as Buffer);
        };
        const onData = (chunk: Buffer | string) => {
            const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            size += buf.length;
            if (size > limit) {
                finish(new WebhookRequestError(413, `Request body is over the ${limit}-byte limit.`));
                return;
            }
            chunks.push(buf);
        };
        const onEnd = () => finish(undefined, Buffer.concat(chunks, size));
        const onError = (err: Error) => finish(new WebhookRequestError(400, `Request body could not be read: ${err.message}`));
        const onAborted = () => finish(new WebhookRequestError(400, 'Request was aborted by the client.'));
        const timer =
            timeoutMs === Number.POSITIVE_INFINITY
                ? undefined
                : setTimeout(() => finish(new WebhookRequestError(408, `Request body did not arrive in full within ${timeoutMs} ms.`)), timeoutMs);
        req.on!('data', onData);
        req.on!('end', onEnd);
        req.on!('error', onError);
        req.on!('aborted', onAborted);
    });
}

/** Writes a JSON (or empty) response on a Node ServerResponse or a botbuilder-style Response. */
export function writeResponse(res: WebhookResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) return;
    const text = body === undefined ? undefined : JSON.stringify(body);
    if (typeof res.setHeader === 'function') {
        res.statusCode = status;
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        if (text !== undefined) res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(text);
        return;
    }
    res.status?.(status);
    for (const [name, value] of Object.entries(headers)) res.header?.(name, value);
    if (text !== undefined && typeof res.send === 'function') {
        res.header?.('Content-Type', 'application/json; charset=utf-8');
        res.send(text);
    }
    res.end();
}

/** Parses a webhook body as JSON; a body that is not JSON is a 400 that says why. */
export function parseJsonBody(raw: Buffer): unknown {
    try {
        return JSON.parse(raw.toString('utf8'));
    } catch (err) {
        throw new WebhookRequestError(400, `The webhook body is not valid JSON: ${(err as Error).message}`);
    }
}

/**
 * The raw bytes a signature is checked over. When a body parser consumed them there is nothing to verify, and
 * skipping verification is never an option: that is a server misconfiguration (500) that says how to fix it.
 */
export function requireRawBody(rawBody: Buffer | undefined): Buffer {
    if (rawBody === undefined) {
        throw new WebhookRequestError(
            500,
            'The webhook body was parsed before the adapter could read its raw bytes, so its signature cannot be verified. ' +
                'Mount the route without a JSON body parser, or keep the raw bytes in req.rawBody.'
        );
    }
    return rawBody;
}
