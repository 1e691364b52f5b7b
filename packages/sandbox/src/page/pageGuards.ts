/**
 * Who may use the sandbox page. The page drives the stand-ins with no authentication of its own, so it is for the
 * browser of the machine it runs on, and nothing else:
 *
 * - it answers only connections made to a loopback address (a server listening on every interface still refuses
 *   the rest of the network);
 * - it answers only requests whose `Host` is a loopback name, so a site whose DNS name is rebound to 127.0.0.1 cannot
 *   read or drive it from the user's browser;
 * - its actions (POST) take `Content-Type: application/json` only, which no HTML form can send and a cross-site
 *   `fetch` can send only after a CORS preflight the page never allows; and a browser's `Sec-Fetch-Site` and `Origin`,
 *   when present, must say the request comes from the page itself (cross-site request forgery).
 */
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/** A refused request: the status and the message to answer with. */
export interface Refusal {
    status: 403 | 415;
    error: string;
}

/** Why a request may not reach the page at all (any method), or undefined. */
export function refuseVisitor(req: IncomingMessage): Refusal | undefined {
    const local = req.socket?.localAddress;
    if (!local || !isLoopbackIp(local)) {
        return { status: 403, error: 'The sandbox page is served on loopback only: open it on the machine that runs it (127.0.0.1 or localhost).' };
    }
    const host = hostName(req.headers.host);
    if (host === undefined || !isLoopbackHost(host)) {
        return { status: 403, error: 'The sandbox page answers only to localhost, 127.0.0.1 or [::1] in the Host header.' };
    }
    return undefined;
}

/** Why an action (a POST) may not run, or undefined: it must be JSON, from the page itself. */
export function refuseAction(req: IncomingMessage): Refusal | undefined {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
        return { status: 415, error: 'The sandbox page API takes Content-Type: application/json only.' };
    }
    const site = header(req, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        return { status: 403, error: `Refused a ${site} request: the sandbox page API answers the page itself only.` };
    }
    const origin = header(req, 'origin');
    if (origin !== undefined && !sameOrigin(origin, req.headers.host)) {
        return { status: 403, error: 'Refused a request from another origin: the sandbox page API answers the page itself only.' };
    }
    return undefined;
}

function header(req: IncomingMessage, name: string): string | undefined {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
}

/** `Origin` names this server: `http://` and the same host and port as the `Host` header. */
function sameOrigin(origin: string, host: string | undefined): boolean {
    try {
        const url = new URL(origin);
        return url.protocol === 'http:' && host !== undefined && url.host === new URL(`http://${host}`).host;
    } catch {
        return false; // "null" (a sandboxed frame, a file) or malformed
    }
}

/** The host name of a `Host` header (`127.0.0.1:3978` → `127.0.0.1`, `[::1]:80` → `::1`), or undefined when malformed. */
function hostName(host: string | undefined): string | undefined {
    if (!host) return undefined;
    try {
        return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
        return undefined;
    }
}

function isLoopbackHost(host: string): boolean {
    const name = host.toLowerCase();
    return name === 'localhost' || name.endsWith('.localhost') || isLoopbackIp(name);
}

function isLoopbackIp(address: string): boolean {
    if (isIPv4(address)) return address.startsWith('127.');
    if (isIPv6(address)) return address === '::1' || /^::ffff:127\./i.test(address);
    return false;
}

/**
 * Why a post to the Bot Connector stand-in (`botconnector/v3/…`) may not be taken, or undefined. Those posts come
 * from the bot's server (replies to the Web Chat customer), never from a browser, and change no page state beyond
 * the chat they answer: they are taken on loopback only ({@link refuseVisitor}) and only without the `Origin` and
 * `Sec-Fetch-Site` a browser sends, so no web page can post into the chat.
 */
export function refuseConnectorPost(req: IncomingMessage): Refusal | undefined {
    if (header(req, 'origin') !== undefined || header(req, 'sec-fetch-site') !== undefined) {
        return { status: 403, error: 'The Bot Connector stand-in takes posts from the bot (a server), not from a browser.' };
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') return { status: 415, error: 'The Bot Connector stand-in takes Content-Type: application/json only.' };
    return undefined;
}
