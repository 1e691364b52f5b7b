/**
 * Pure: which LivePerson conversation a webhook body is about, so a route shared by the bridge and a
 * `LivePersonAdapter` can hand each notification to the one that opened the conversation.
 */
import { parseLivePersonNotification } from '../liveperson/events';
import { messagingConversationId } from '../liveperson/inboundMapper';

/** The conversation of a notification's first change; undefined for a body that is no (known) notification. */
export function notificationConversation(body: Buffer | string): string | undefined {
    let json: unknown;
    try {
        json = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body);
    } catch {
        return undefined;
    }
    const parsed = parseLivePersonNotification(json);
    if (parsed.kind !== 'parsed') return undefined;
    for (const change of parsed.value.changes) {
        if (change.kind === 'messaging') return messagingConversationId(change.change);
        if (change.kind === 'conversation') return change.change.result.convId;
    }
    return undefined;
}
