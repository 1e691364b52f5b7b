/**
 * The sandbox's browser page: an 8x8 customer chat (with the agent's desk for handoffs), a LivePerson agent console,
 * and a protocol inspector (every webhook and vendor API call, replays, tampering, fault injection), over the two
 * stand-ins. Static files from `web/` (plain JS modules, no build step) plus a small JSON API the page calls, and a
 * server-sent-events stream that tells the page when to refresh. For this machine's browser only: see `pageGuards.ts`
 * (loopback, a loopback Host, JSON actions from the page itself).
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { EightByEightSandbox } from '../eightbyeight/eightByEightSandbox';
import { closeServer, listenOnLoopback } from '../httpServer';
import { EightByEightSource } from '../inspector/eightByEightSource';
import { LivePersonSource } from '../inspector/livePersonSource';
import type { VendorSource } from '../inspector/source';
import { TrafficLog } from '../inspector/trafficLog';
import type { LivePersonSandbox } from '../liveperson/livePersonSandbox';
import { chatAction } from './chatActions';
import { emulatorAction } from './inspectorActions';
import { refuseAction, refuseConnectorPost, refuseVisitor } from './pageGuards';
import { readJson, send, sendFile, type Answer, type Json } from './pageHttp';
import { pageState, type UsedMessages } from './pageState';
import { botConnectorRoute, WebChatStandIn, type WebChatOptions } from './webChat';
import { webChatAction } from './webChatActions';

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
    /**
     * What the running bot understands, shown in the page's header, e.g. "Try `card`, `options`, `agent` or `bye`."
     * (words in backquotes are shown as keys). Default: a general line.
     */
    hint?: string | undefined;
    /**
     * A "Web Chat" customer on the bot's Bot Framework channel endpoint (`POST /api/messages`, Emulator-style), with
     * the Bot Connector stand-in its replies go to served at `botconnector/` under the page: see {@link WebChatStandIn}.
     */
    webChat?: WebChatOptions | undefined;
}

const TYPES: Record<string, string> = {
    js: 'text/javascript; charset=utf-8',
    css: 'text/css; charset=utf-8',
    svg: 'image/svg+xml',
};

/**
 * Serves the page. Mount {@link handle} under a path of your server (`app.use('/sandbox', page.handle)`), or
 * {@link start} it on its own port. The inspector records the stand-ins' traffic from construction on.
 *
 * @example
 * ```ts
 * const page = new SandboxPage({ eightByEight, livePerson, openLivePersonConversationUrl: `${botUrl}/api/liveperson/conversations` });
 * app.use('/sandbox', page.handle);
 * ```
 */
export class SandboxPage {
    /** Every webhook and vendor API call of the stand-ins, credentials masked: what the inspector shows. */
    readonly traffic: TrafficLog;
    private server?: Server;
    private readonly webRoot = join(__dirname, '..', '..', 'web');
    private readonly used: UsedMessages = new Map();
    /** The Web Chat customer and the Bot Connector stand-in, when {@link SandboxPageOptions.webChat} is set. */
    readonly webChat: WebChatStandIn | undefined;

    constructor(private readonly options: SandboxPageOptions) {
        const sources: VendorSource[] = [];
        if (options.eightByEight) sources.push(new EightByEightSource(options.eightByEight));
        if (options.livePerson) sources.push(new LivePersonSource(options.livePerson));
        this.traffic = new TrafficLog(sources);
        this.webChat = options.webChat ? new WebChatStandIn(options.webChat) : undefined;
    }

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

    /** Stops the page's own server (if started) and the inspector's recording. */
    async stop(): Promise<void> {
        this.traffic.close();
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
        if (method === 'GET') {
            if (path === '/') return sendFile(res, join(this.webRoot, 'index.html'), 'text/html; charset=utf-8');
            // The page's own files: a plain name, no directories (nothing outside web/ can be named).
            const file = /^\/([a-z][a-zA-Z0-9-]*)\.(js|css|svg)$/.exec(path);
            if (file && existsSync(join(this.webRoot, `${file[1]}.${file[2]}`)))
                return sendFile(res, join(this.webRoot, `${file[1]}.${file[2]}`), TYPES[file[2]]);
            if (path === '/vendor/adaptivecards.js')
                return sendFile(res, require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'text/javascript; charset=utf-8');
            if (path === '/api/state') return send(res, 200, this.state());
            if (path === '/api/inspector') return send(res, 200, this.traffic.changes(Number(url.searchParams.get('since')) || 0));
            if (path === '/api/events') return this.events(req, res);
            return send(res, 404, { error: `Nothing at ${path}.` });
        }
        if (method !== 'POST') return send(res, 405, { error: `${method} ${path} is not supported.` });
        const connector = this.webChat && botConnectorRoute(path);
        if (connector) return this.botConnector(req, res, connector);
        const refused = refuseAction(req);
        if (refused) return send(res, refused.status, { error: refused.error });
        const body = await readJson(req);
        if (body === undefined) return send(res, 400, { error: 'Send a JSON object.' });
        const answer = await this.action(path, body);
        return send(res, answer.status, answer.body);
    }

    /** What the page shows. */
    state(): Json {
        const { eightByEight, livePerson, hint } = this.options;
        return { ...pageState({ eightByEight, livePerson, hint, log: this.traffic, used: this.used }), webChat: this.webChat?.state() };
    }

    /** The Bot Connector stand-in: records the bot's activity for the Web Chat customer and answers `{ id }`. */
    private async botConnector(req: IncomingMessage, res: ServerResponse, route: { conversationId: string; replyToId?: string | undefined }): Promise<void> {
        const refused = refuseConnectorPost(req);
        if (refused) return send(res, refused.status, { error: refused.error });
        const activity = await readJson(req, 1024 * 1024);
        if (activity === undefined) return send(res, 400, { error: { code: 'BadArgument', message: 'Send an activity (a JSON object).' } });
        return send(res, 200, { id: this.webChat!.receive(route.conversationId, route.replyToId, activity) });
    }

    private async action(path: string, body: Json): Promise<Answer> {
        const { eightByEight, livePerson } = this.options;
        try {
            if (path === '/api/reset') this.webChat?.clear();
            const answer =
                (await webChatAction(this.webChat, path, body)) ??
                (await chatAction(
                    { eightByEight, livePerson, used: this.used, openLivePersonConversation: (b) => this.openLivePersonConversation(b) },
                    path,
                    body
                )) ??
                (await emulatorAction({ eightByEight, livePerson, log: this.traffic, used: this.used }, path, body));
            return answer ?? { status: 404, body: { error: `No action ${path}.` } };
        } catch (err) {
            const message = (err as Error).message;
            return { status: /: no conversation "/.test(message) ? 404 : 502, body: { error: message } };
        }
    }

    private async openLivePersonConversation(body: Json): Promise<Answer> {
        const url = this.options.openLivePersonConversationUrl;
        if (!url) return { status: 501, body: { error: 'No bot endpoint to open conversations with (openLivePersonConversationUrl).' } };
        const token = this.options.openLivePersonConversationToken;
        const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
        const forwarded = {
            consumerId: body.consumerId,
            ...(body.text !== undefined ? { text: body.text } : {}),
            ...(body.skillId !== undefined ? { skillId: body.skillId } : {}),
            ...(body.firstName !== undefined ? { firstName: body.firstName } : {}),
            ...(body.lastName !== undefined ? { lastName: body.lastName } : {}),
        };
        const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(forwarded) });
        return { status: response.status, body: await response.json().catch(() => ({ error: `The bot answered ${response.status}.` })) };
    }

    /** Server-sent events: `data: {"version":n}` after each change of either stand-in or the inspector (at most every 50 ms). */
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
        const unsubscribe = [
            this.options.eightByEight?.onChange(notify),
            this.options.livePerson?.onChange(notify),
            this.traffic.onChange(notify),
            this.webChat?.onChange(notify),
        ];
        const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        notify();
        req.on('close', () => {
            clearInterval(heartbeat);
            clearTimeout(timer);
            for (const stop of unsubscribe) stop?.();
        });
    }
}
