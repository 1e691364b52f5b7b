/**
 * The sandbox's browser page: an 8x8 customer chat (with the agent's desk for handoffs) and a LivePerson agent
 * console, over the two stand-ins. Static files from `web/` (plain JS, no build step) plus a small JSON API the page
 * calls, and a server-sent-events stream that tells the page when to refresh. For this machine's browser only: see
 * `pageGuards.ts` (loopback, a loopback Host, JSON actions from the page itself).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { EightByEightSandbox } from '../eightbyeight/eightByEightSandbox';
import { closeServer, listenOnLoopback } from '../httpServer';
import type { LivePersonSandbox } from '../liveperson/livePersonSandbox';
import { refuseAction, refuseVisitor } from './pageGuards';

/** Options of {@link SandboxPage}. */
export interface SandboxPageOptions {
    eightByEight?: EightByEightSandbox;
    livePerson?: LivePersonSandbox;
    /**
     * The bot's `POST …/conversations` endpoint (the example's `/api/liveperson/conversations`): the page's
     * "open a conversation" form is forwarded there, so the bot opens it through its adapter as it would in production.
     */
    openLivePersonConversationUrl?: string;
    /** Sent as `Authorization: Bearer <token>` with the forwarded "open a conversation" form, when that endpoint needs one. */
    openLivePersonConversationToken?: string | undefined;
}

type Json = Record<string, any>;

const STATIC_FILES: Record<string, { file: string; type: string }> = {
    '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
    '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
    '/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

/**
 * Serves the page. Mount {@link handle} under a path of your server (`app.use('/sandbox', page.handle)`), or
 * {@link start} it on its own port.
 *
 * @example
 * ```ts
 * const page = new SandboxPage({ eightByEight, livePerson, openLivePersonConversationUrl: `${botUrl}/api/liveperson/conversations` });
 * app.use('/sandbox', page.handle);
 * ```
 */
export class SandboxPage {
    private server?: Server;
    private readonly webRoot = join(__dirname, '..', '..', 'web');

    constructor(private readonly options: SandboxPageOptions) {}

    /** A node:http / Express handler; paths are relative to where it is mounted. */
    readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
        this.route(req, res).catch((err) => send(res, 500, { error: (err as Error).message }));
    };

    /** Serves the page on its own port on 127.0.0.1; resolves with its URL. */
    async start(port = 0): Promise<string> {
        const { server, url } = await listenOnLoopback(this.handle, port);
        this.server = server;
        return `${url}/`;
    }

    async stop(): Promise<void> {
        const server = this.server;
        this.server = undefined;
        if (server) await closeServer(server);
    }

    private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const visitor = refuseVisitor(req);
        if (visitor) return send(res, visitor.status, { error: visitor.error });
        const url = new URL(req.url ?? '/', 'http://page');
        const path = url.pathname.replace(/\/+$/, '') || '/';
        const method = req.method ?? 'GET';
        const original = (req as IncomingMessage & { originalUrl?: string }).originalUrl?.split('?')[0];
        if (method === 'GET' && path === '/' && original && !original.endsWith('/')) {
            // Mounted under a path and opened without the trailing slash: the page's relative URLs need it.
            res.writeHead(301, { location: `${original}/` });
            res.end();
            return;
        }
        if (method === 'GET' && STATIC_FILES[path]) {
            const { file, type } = STATIC_FILES[path];
            return sendFile(res, join(this.webRoot, file), type);
        }
        if (method === 'GET' && path === '/vendor/adaptivecards.js')
            return sendFile(res, require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'text/javascript; charset=utf-8');
        if (method === 'GET' && path === '/api/state') return send(res, 200, this.state());
        if (method === 'GET' && path === '/api/events') return this.events(req, res);
        if (method !== 'POST') return send(res, 405, { error: `${method} ${path} is not supported.` });
        const refused = refuseAction(req);
        if (refused) return send(res, refused.status, { error: refused.error });
        const body = await readJson(req);
        if (body === undefined) return send(res, 400, { error: 'Send a JSON object.' });
        const answer = await this.action(path, body);
        return send(res, answer.status, answer.body);
    }

    /** What the page shows. */
    state(): Json {
        const eight = this.options.eightByEight;
        const lp = this.options.livePerson;
        return {
            eightByEight: eight && {
                conversations: [...eight.conversations.values()].map((c) => ({
                    id: c.id,
                    user: c.user,
                    assignment: c.assignment,
                    agentId: c.agentId,
                    userRemoved: c.userRemoved,
                    botTyping: c.botTypingAt !== undefined && Date.now() - c.botTypingAt < 10_000,
                    messages: c.messages.map((m) => ({
                        id: m.id,
                        authorType: m.authorType,
                        authorId: m.authorId,
                        text: m.text,
                        cards: m.cards,
                        attachments: m.attachments,
                        createdAt: m.createdAt,
                    })),
                })),
            },
            livePerson: lp && {
                conversations: [...lp.conversations.values()].map((c) => ({
                    id: c.id,
                    consumerId: c.externalConsumerId,
                    skillId: c.skillId,
                    state: c.state,
                    agentId: c.agentId,
                    consumerComposing: c.consumerChatState === 'COMPOSING',
                    events: c.events
                        .filter((e) => e.event.type === 'ContentEvent' || e.event.type === 'RichContentEvent')
                        .map((e) => ({ sequence: e.sequence, role: e.role, event: e.event })),
                    readUpTo: Math.max(
                        -1,
                        ...c.events
                            .filter((e) => e.role === 'CONSUMER' && e.event.type === 'AcceptStatusEvent' && e.event.status === 'READ')
                            .flatMap((e) => e.event.sequenceList as number[])
                    ),
                })),
            },
        };
    }

    private async action(path: string, body: Json): Promise<{ status: number; body: unknown }> {
        const eight = this.options.eightByEight;
        const lp = this.options.livePerson;
        const text = typeof body.text === 'string' ? body.text.trim() : '';
        let match: RegExpMatchArray | null;
        try {
            if (eight && path === '/api/8x8/conversations') {
                return { status: 201, body: { id: await eight.startConversation({ user: { name: body.name || 'Sandbox Customer' } }) } };
            }
            if (eight && (match = path.match(/^\/api\/8x8\/conversations\/([^/]+)\/(messages|card|quick-reply|agent\/join|agent\/messages|agent\/leave)$/))) {
                const id = decodeURIComponent(match[1]);
                eight.conversation(id);
                switch (match[2]) {
                    case 'messages':
                        if (!text) return { status: 400, body: { error: '"text" is required.' } };
                        return delivered(await eight.customerSays(id, text));
                    case 'card':
                        return delivered(await eight.customerSubmitsCard(id, body.data ?? {}));
                    case 'quick-reply':
                        if (typeof body.payload !== 'string') return { status: 400, body: { error: '"payload" is required.' } };
                        return delivered(await eight.customerClicksQuickReply(id, String(body.title ?? body.payload), body.payload));
                    case 'agent/join':
                        await eight.agentJoins(id, 'agent-1');
                        return { status: 200, body: {} };
                    case 'agent/messages':
                        if (!text) return { status: 400, body: { error: '"text" is required.' } };
                        return delivered(await eight.agentSays(id, text));
                    case 'agent/leave':
                        await eight.agentLeaves(id);
                        return { status: 200, body: {} };
                }
            }
            if (lp && path === '/api/liveperson/conversations') return this.openLivePersonConversation(body);
            if (lp && (match = path.match(/^\/api\/liveperson\/conversations\/([^/]+)\/(join|messages|close)$/))) {
                const id = decodeURIComponent(match[1]);
                lp.conversation(id);
                if (match[2] === 'join') return delivered(await lp.agentJoins(id, 'agent-1'));
                if (match[2] === 'close') return delivered(await lp.agentCloses(id));
                if (!text) return { status: 400, body: { error: '"text" is required.' } };
                const replies = Array.isArray(body.quickReplies)
                    ? body.quickReplies.filter((r: unknown) => typeof r === 'string' && r.trim() !== '').map((r: string) => r.trim())
                    : [];
                const quickReplies =
                    replies.length > 0
                        ? {
                              type: 'quickReplies',
                              itemsPerRow: Math.min(8, replies.length),
                              replies: replies.map((r: string) => ({
                                  type: 'button',
                                  title: r.slice(0, 25),
                                  click: { actions: [{ type: 'publishText', text: r }] },
                              })),
                          }
                        : undefined;
                return delivered(await lp.agentSays(id, text, { quickReplies }));
            }
        } catch (err) {
            const message = (err as Error).message;
            return { status: /: no conversation "/.test(message) ? 404 : 502, body: { error: message } };
        }
        return { status: 404, body: { error: `No action ${path}.` } };
    }

    private async openLivePersonConversation(body: Json): Promise<{ status: number; body: unknown }> {
        const url = this.options.openLivePersonConversationUrl;
        if (!url) return { status: 501, body: { error: 'No bot endpoint to open conversations with (openLivePersonConversationUrl).' } };
        const token = this.options.openLivePersonConversationToken;
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
        const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
        return { status: response.status, body: await response.json().catch(() => ({ error: `The bot answered ${response.status}.` })) };
    }

    /** Server-sent events: `data: {"version":n}` after each change of either stand-in (at most every 50 ms). */
    private events(req: IncomingMessage, res: ServerResponse): void {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write('retry: 1000\n\n');
        let timer: NodeJS.Timeout | undefined;
        let version = 0;
        const notify = () => {
            version++;
            timer ??= setTimeout(() => {
                timer = undefined;
                res.write(`data: ${JSON.stringify({ version })}\n\n`);
            }, 50);
        };
        const unsubscribe = [this.options.eightByEight?.onChange(notify), this.options.livePerson?.onChange(notify)];
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        notify();
        req.on('close', () => {
            clearInterval(heartbeat);
            clearTimeout(timer);
            for (const stop of unsubscribe) stop?.();
        });
    }
}

function delivered(result: { status: number; body: string }): { status: number; body: unknown } {
    const ok = result.status >= 200 && result.status < 300;
    return { status: ok ? 200 : 502, body: ok ? {} : { error: `The bot's webhook answered ${result.status}: ${result.body}` } };
}

async function sendFile(res: ServerResponse, path: string, type: string): Promise<void> {
    const content = await readFile(path);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
    res.end(content);
}

function send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Json | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 64 * 1024) return undefined;
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
