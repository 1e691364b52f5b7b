import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LivePersonEscalation, Logger } from 'botbuilder-contact-center/protocol';
import type { HostedAdapter } from './host';

/** The body limits the adapters apply by default (`maxBodyBytes`, `bodyTimeoutMs`), for the body read here. */
const MAX_BODY_BYTES = 1024 * 1024;
const BODY_TIMEOUT_MS = 10_000;

/**
 * `POST /api/liveperson/webhook` when the escalation bridge is on. One LivePerson app installation has one webhook
 * URL, shared by the LivePersonAdapter (conversations the bot opened as the consumer) and the bridge (conversations it
 * opened for escalated customers). The raw body is read once, within the adapters' limits, and kept as `req.rawBody`,
 * over which the one it goes to verifies the signature; `bridge.handles(body)` says whose conversation it is (one
 * Storage read). Never throws.
 */
export function sharedLivePersonWebhook(
    bridge: LivePersonEscalation,
    livePerson: Pick<HostedAdapter<unknown>, 'process'>,
    logger: Logger
): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => void route(req, res);

    async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
        // A wrong method or a body declared too large: the adapter answers (405, 413) without reading the body.
        if (req.method !== 'POST' || Number(req.headers['content-length']) > MAX_BODY_BYTES) {
            await livePerson.process(req, res);
            return;
        }
        let body: Buffer;
        try {
            body = await readBody(req);
        } catch (err) {
            const { status, message } = err as BodyError;
            // The rest of the body is not read: the connection closes after the answer.
            if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ error: message }));
            return;
        }
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
        let escalated: boolean;
        try {
            escalated = await bridge.handles(body);
        } catch (err) {
            logger.warn(`liveperson webhook: the store could not say whose conversation it is: ${(err as Error).message}`);
            // LivePerson delivers it again later.
            res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'The store cannot be reached; deliver this again later.' }));
            return;
        }
        if (escalated) await bridge.process(req, res);
        else await livePerson.process(req, res);
    }
}

interface BodyError {
    status: number;
    message: string;
}

/** The request's body, at most {@link MAX_BODY_BYTES}, within {@link BODY_TIMEOUT_MS}; rejects with a {@link BodyError}. */
function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (error?: BodyError) => {
            clearTimeout(timer);
            req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
            if (error) {
                req.pause();
                reject(error);
            } else resolve(Buffer.concat(chunks, size));
        };
        const onData = (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) finish({ status: 413, message: `Request body is over the ${MAX_BODY_BYTES}-byte limit.` });
            else chunks.push(chunk);
        };
        const onEnd = () => finish();
        const onError = (err: Error) => finish({ status: 400, message: `Request body could not be read: ${err.message}` });
        const onAborted = () => finish({ status: 400, message: 'Request was aborted by the client.' });
        const timer = setTimeout(() => finish({ status: 408, message: `Request body did not arrive within ${BODY_TIMEOUT_MS} ms.` }), BODY_TIMEOUT_MS);
        req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
    });
}
