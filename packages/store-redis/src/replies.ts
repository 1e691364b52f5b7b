import type { DeadLetter, InboxEvent, SendRecord } from 'botbuilder-contact-center/protocol';

/**
 * Turns script replies back into the interface's objects. An event is kept as a body the client wrote
 * (`{"k": deduplication key, "p": payload}`, never re-encoded by Lua) plus a meta field the scripts keep
 * (`"<receivedAt ms> <attempts> <due µs>"`) and the last error.
 */

/** The body stored for a new event. */
export function eventBody(deduplicationKey: string | undefined, payload: unknown): string {
    return JSON.stringify(deduplicationKey === undefined ? { p: payload ?? null } : { k: deduplicationKey, p: payload ?? null });
}

/** One event from its stored parts. */
export function toEvent(conversationId: string, id: string, body: string, meta: string, lastError: string | null | undefined): InboxEvent {
    const { k, p } = JSON.parse(body) as { k?: string; p: unknown };
    const [receivedAt, attempts] = meta.split(' ').map(Number);
    const event: InboxEvent = { id, conversationId, deduplicationKey: k, payload: p, attempts, receivedAt };
    if (typeof lastError === 'string') event.lastError = lastError;
    return event;
}

/** Heads from a `lease` / `next` reply: five fields each (conversation, id, body, meta, last error). */
export function toEvents(reply: unknown): InboxEvent[] {
    const fields = (reply ?? []) as Array<string | null>;
    const events: InboxEvent[] = [];
    for (let i = 0; i + 4 < fields.length; i += 5) {
        events.push(toEvent(fields[i]!, fields[i + 1]!, fields[i + 2]!, fields[i + 3]!, fields[i + 4]));
    }
    return events;
}

/** Dead letters from XREVRANGE entries `[streamId, [field, value, …]]`; the stream id's milliseconds are `at`. */
export function toDeadLetters(reply: unknown): DeadLetter[] {
    return (reply as Array<[string, string[]]>).map(([streamId, list]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < list.length; i += 2) f[list[i]] = list[i + 1];
        return { event: toEvent(f.c, f.i, f.b, f.m, f.x), error: f.e, at: Number(streamId.split('-')[0]) };
    });
}

/** Send records from the hash `index → JSON`: in order from 0, stopping at the first gap. */
export function toSendRecords(hash: Record<string, string>): SendRecord[] {
    const records: SendRecord[] = [];
    for (let index = 0; hash[index] !== undefined; index++) records.push(JSON.parse(hash[index]) as SendRecord);
    return records;
}
