/** Small HTTP helpers of the sandbox page: JSON answers, static files, JSON request bodies. */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Json = Record<string, any>;

/** An action's answer. */
export interface Answer {
    status: number;
    body: unknown;
}

export async function sendFile(res: ServerResponse, path: string, type: string): Promise<void> {
    const content = await readFile(path);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(content);
}

export function send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
}

/** The JSON object of a request body (at most `limit`, default 64 KB; empty is `{}`); undefined when it is anything else. */
export async function readJson(req: IncomingMessage, limit = 64 * 1024): Promise<Json | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > limit) return undefined;
        chunks.push(chunk as Buffer);
    }
    if (size === 0) return {};
    try {
        const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
    } catch {
        return undefined;
    }
}

/** 200 `{}` when the bot took the webhook, else 502 with what it answered. */
export function delivered(result: { status: number; body: string }): Answer {
    const ok = result.status >= 200 && result.status < 300;
    return { status: ok ? 200 : 502, body: ok ? {} : { error: `The bot's webhook answered ${result.status}: ${result.body}` } };
}

export function badRequest(error: string): Answer {
    return { status: 400, body: { error } };
}
