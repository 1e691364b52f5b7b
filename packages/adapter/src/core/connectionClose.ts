import type { WebhookRequest, WebhookResponse } from './http';

/** Longest wait for an answer to be flushed before its connection is destroyed anyway, in ms. */
const FLUSH_GRACE_MS = 2000;

/**
 * True while the request's body has not been received to its end: refused for its declared size, over the cap, too
 * slow, or never read (405). Answering such a request must close its connection, or Node would read and discard the
 * rest of the body (up to its `requestTimeout`, 300 s by default) to keep the connection alive.
 */
export function bodyUnfinished(req: WebhookRequest): boolean {
    return req.complete === false;
}

/**
 * Closes the request's connection once the answer written to `res` is flushed (a Node `ServerResponse`: on its
 * `finish`; another response, e.g. botbuilder-style: on the next turn of the event loop), and after
 * {@link FLUSH_GRACE_MS} at the latest. The answer should carry `Connection: close`; Node's server then ends the
 * connection itself, and this makes sure of it for frameworks that do not.
 */
export function closeAfterAnswer(req: WebhookRequest, res: WebhookResponse): void {
    const socket = req.socket ?? res.socket;
    if (!socket || socket.destroyed) return;
    const close = () => {
        if (socket.destroyed) return;
        // destroySoon: ends the sending side once what is written went out, then destroys; reading stays paused.
        if (typeof socket.destroySoon === 'function') socket.destroySoon();
        else socket.destroy();
    };
    // Also when the client reads nothing and the answer never leaves: the connection goes all the same.
    setTimeout(() => {
        if (!socket.destroyed) socket.destroy();
    }, FLUSH_GRACE_MS).unref?.();
    if (typeof res.once === 'function' && res.writableFinished === false) res.once('finish', close);
    else setImmediate(close);
}
