import type { WebhookRequest, WebhookResponse } from './http';
import { bodyUnfinished, closeAfterAnswer } from './connectionClose';
import { mergeChanges } from './conversationRecords';
import { WebhookRequestError } from './errors';
import type { EventContext } from './eventContext';
import { writeResponse } from './http';
import type { AppendRefusal } from './inboxStore';
import { describeError, type Logger } from './logger';
import type { StorageLike, StoreItems } from './storage';

/**
 * What `ContactCenterConnector` answers and commits besides its pipeline's order: a refused webhook's answer, the 503
 * of a full inbox, and the records an event commits.
 */

/**
 * Answers a refused or failed webhook with its status and a JSON `{ error }`, and returns the status. When the body was
 * not read to its end (413, 408, 405…), the answer says `Connection: close` and the connection is closed once it is
 * sent, so the rest of the body is never read.
 */
export function answerWebhookError(req: WebhookRequest, res: WebhookResponse, err: unknown, vendor: string, logger: Logger): number {
    const close = bodyUnfinished(req);
    const headers: Record<string, string> = close ? { Connection: 'close' } : {};
    let status = 500;
    if (err instanceof WebhookRequestError) {
        status = err.status;
        logger.warn(`${vendor} webhook refused with ${err.status}: ${err.message}`, { vendor, status, outcome: 'refused' });
        writeResponse(res, err.status, { error: err.message }, err.status === 405 ? { ...headers, Allow: 'POST' } : headers);
    } else {
        logger.error(`${vendor} webhook failed: ${describeError(err)}`, { vendor, status, outcome: 'failed' });
        writeResponse(res, 500, { error: 'Internal error while handling the webhook.' }, headers);
    }
    if (close) closeAfterAnswer(req, res);
    return status;
}

/** The 503 for a webhook the inbox has no room for (nothing of it was stored). */
export function inboxFull(refusal: AppendRefusal): WebhookRequestError {
    const [where, option] =
        refusal.limit === 'perConversation' ? [`of conversation ${refusal.conversationId}`, 'maxQueuedEventsPerConversation'] : ['in all', 'maxQueuedEvents'];
    return new WebhookRequestError(
        503,
        `The bot is busy: ${events(refusal.waiting)} ${where} waiting or running, and this webhook brings ${refusal.adding} more, ` +
            `over the ${refusal.max} allowed (${option}). Deliver this webhook again later.`
    );
}

/**
 * The records an event changed, each merged over the latest stored one (a write made meanwhile outside the event,
 * e.g. the conversation the adapter opened, is kept); ends the event's context.
 */
export async function recordsToCommit(context: EventContext, storage: StorageLike): Promise<StoreItems> {
    const changed = context.changedRecords();
    context.finish();
    if (changed.length === 0) return {};
    const latest = await storage.read(changed.map(({ key }) => key));
    const items: StoreItems = {};
    for (const { key, base, current } of changed) items[key] = mergeChanges(latest[key], base, current);
    return items;
}

/** `1 event`, `2 events`. */
function events(count: number): string {
    return `${count} event${count === 1 ? '' : 's'}`;
}
