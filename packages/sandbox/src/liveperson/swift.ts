/**
 * The stand-in of LivePerson's file storage (`swift` in CSDS), as the file-sharing docs describe it
 * (shared/vendors/liveperson-connector-api.md "File sharing"; developers.liveperson.com
 * messaging-window-api-tutorials-file-sharing.html): files live under a `relativePath`
 * (`/v1/AUTH_async-images/{account}/{uuid}.{TYPE}`) and are reached with temporary URLs
 * `https://{swift}{relativePath}?temp_url_sig=…&temp_url_expires=…`, valid for 1 minute: `PUT` the binary (201; 401
 * "Temp URL invalid"), `GET` it back. The signature is OpenStack Swift's temp URL one (HMAC-SHA1 of method, expiry and
 * path with a key only the storage knows), so an upload URL cannot download and a URL of one file opens no other.
 *
 * A loopback server of its own, as swift is a host of its own at LivePerson (and answers bytes, not JSON).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from '../httpServer';
import type { RequestRecorder } from '../recorder';

/** The file types LivePerson hosts ("JPG, JPEG, PNG, and GIF"). */
export const HOSTED_FILE_TYPES = ['JPG', 'JPEG', 'PNG', 'GIF'];

/** A file in the storage. */
export interface SwiftFile {
    relativePath: string;
    fileType: string;
    /** The size announced when the upload URL was generated. */
    declaredSize: number;
    /** Who may ask for its URLs: the consumer who uploaded it, or everyone in the conversation it was shared in. */
    consumerId?: string;
    conversationId?: string;
    /** Undefined until uploaded. */
    bytes?: Buffer;
}

/** What the storage needs from the LivePerson stand-in. */
export interface SwiftStandInOptions {
    accountId: string;
    /** Lifetime of temporary URLs in seconds (LivePerson: 1 minute). */
    lifetimeSeconds: number;
    /** Largest file stored, in bytes. */
    maxBytes: number;
    /** Where requests are recorded and injected faults are taken from (the LivePerson stand-in's). */
    recorder: RequestRecorder;
    /** Called after every request answered. */
    changed(): void;
}

const TEMP_URL_INVALID = '401 Unauthorized: Temp URL invalid\n';

export class SwiftStandIn {
    readonly files = new Map<string, SwiftFile>();
    private readonly key = randomBytes(32);
    private server?: Server;
    private baseUrl = '';
    /** Added to the clock: `expireTempUrls()` moves it past every URL issued so far. */
    private clockOffsetMs = 0;

    constructor(private readonly options: SwiftStandInOptions) {}

    async start(): Promise<string> {
        const { server, url } = await listenOnLoopback((req, res) => void this.handle(req, res));
        this.server = server;
        this.baseUrl = url;
        return url;
    }

    async stop(): Promise<void> {
        const server = this.server;
        this.server = undefined;
        if (server) await closeServer(server);
    }

    /** Base URL (`http://127.0.0.1:port`). */
    get url(): string {
        if (!this.baseUrl) throw new Error('The swift stand-in is not started.');
        return this.baseUrl;
    }

    /** Makes every temporary URL issued so far expired (as if a minute passed). */
    expireTempUrls(): void {
        this.clockOffsetMs += (this.options.lifetimeSeconds + 1) * 1000;
    }

    /** A new place for a file of this type (not yet uploaded). */
    reserve(fileType: string, declaredSize: number, owner: { consumerId?: string; conversationId?: string }): SwiftFile {
        const relativePath = `/v1/AUTH_async-images/${this.options.accountId}/${randomUUID()}.${fileType}`;
        const file: SwiftFile = { relativePath, fileType, declaredSize, ...owner };
        this.files.set(relativePath, file);
        return file;
    }

    /** `queryParams` of a temporary URL for `method` on a file. */
    sign(method: 'PUT' | 'GET', relativePath: string): { temp_url_sig: string; temp_url_expires: string } {
        const expires = String(Math.floor(this.now() / 1000) + this.options.lifetimeSeconds);
        return { temp_url_sig: this.signature(method, expires, relativePath), temp_url_expires: expires };
    }

    private now(): number {
        return Date.now() + this.clockOffsetMs;
    }

    private signature(method: string, expires: string, path: string): string {
        return createHmac('sha1', this.key).update(`${method}\n${expires}\n${path}`).digest('hex');
    }

    private valid(method: string, path: string, query: URLSearchParams): boolean {
        const sig = query.get('temp_url_sig') ?? '';
        const expires = query.get('temp_url_expires') ?? '';
        if (!/^\d+$/.test(expires) || Number(expires) * 1000 <= this.now()) return false;
        const expected = Buffer.from(this.signature(method, expires, path));
        const given = Buffer.from(sig);
        return given.length === expected.length && timingSafeEqual(given, expected);
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://swift');
        const method = (req.method ?? 'GET').toUpperCase();
        const path = decodeURIComponent(url.pathname);
        const fault = this.options.recorder.takeFault(method, path);
        if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        let answer: { status: number; body?: Buffer | string; headers?: Record<string, string> };
        if (fault && fault.status !== undefined) {
            // Swift answers in plain text, not in LivePerson's UMS error bodies.
            const retryAfter = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined;
            answer = { status: fault.status, body: `${fault.status} ${STATUS_CODES[fault.status] ?? 'Error'}\n`, headers: retryAfter };
        } else {
            answer = this.answer(method, path, url.searchParams, body);
        }
        // The path only: the signature stays out of the recording.
        this.options.recorder.record({
            method,
            path,
            headers: req.headers,
            body: body.length > 0 ? `(${body.length} bytes)` : undefined,
            status: answer.status,
        });
        this.options.changed();
        res.writeHead(answer.status, { ...(typeof answer.body === 'string' ? { 'content-type': 'text/plain; charset=utf-8' } : {}), ...answer.headers });
        res.end(answer.body);
    }

    private answer(
        method: string,
        path: string,
        query: URLSearchParams,
        body: Buffer
    ): { status: number; body?: Buffer | string; headers?: Record<string, string> } {
        if (method !== 'PUT' && method !== 'GET') return { status: 405, body: '405 Method Not Allowed\n', headers: { allow: 'GET, PUT' } };
        if (!this.valid(method, path, query)) return { status: 401, body: TEMP_URL_INVALID };
        const file = this.files.get(path);
        if (!file) return { status: 404, body: '404 Not Found\n' };
        if (method === 'PUT') {
            if (body.length > this.options.maxBytes) return { status: 413, body: '413 Request Entity Too Large\n' };
            file.bytes = body;
            return { status: 201, body: '' };
        }
        if (!file.bytes) return { status: 404, body: '404 Not Found\n' };
        return { status: 200, body: file.bytes, headers: { 'content-type': contentTypeOf(file.fileType), 'content-length': String(file.bytes.length) } };
    }
}

/** The media type of a file type (`JPG` → `image/jpeg`). */
export function contentTypeOf(fileType: string): string {
    return { JPG: 'image/jpeg', JPEG: 'image/jpeg', PNG: 'image/png', GIF: 'image/gif' }[fileType.toUpperCase()] ?? 'application/octet-stream';
}
