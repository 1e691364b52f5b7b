/**
 * Argument checks of the inbox store's methods: a `TypeError` naming the method and the argument, before any SQL, so a
 * caller's mistake never reaches the file or reads as a storage failure.
 */
import type { AppendOptions, InboxEvent, NewInboxEvent } from '../core/inboxStore';

/** An event to append, checked, with its payload as JSON. */
export interface CheckedEvent {
    conversationId: string;
    deduplicationKey?: string | undefined;
    json: string;
}

export function requireString(value: unknown, name: string, method: string): asserts value is string {
    if (typeof value !== 'string' || value === '') throw new TypeError(`${method}: ${name} must be a non-empty string.`);
}

/** `integer`: an integer of at least `min`; `positive`: a finite number above 0; `finite`: any finite number. */
export function requireNumber(value: unknown, name: string, method: string, kind: 'integer' | 'positive' | 'finite', min = 0): asserts value is number {
    const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (kind === 'finite' || (kind === 'positive' ? value > 0 : Number.isInteger(value) && value >= min));
    if (ok) return;
    const what = kind === 'finite' ? 'a finite number' : kind === 'positive' ? 'a positive number' : `an integer of at least ${min}`;
    throw new TypeError(`${method}: ${name} must be ${what}.`);
}

export function requireObject(value: unknown, name: string, method: string): asserts value is object {
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${method}: ${name} must be an object.`);
}

export function checkIds(value: unknown, name: string, method: string): asserts value is string[] {
    if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) throw new TypeError(`${method}: ${name} must be an array of strings.`);
}

/** An event the store handed out: at least its `id` and `conversationId`. */
export function checkEvent(event: unknown, method: string): asserts event is InboxEvent {
    requireObject(event, 'event', method);
    const { id, conversationId } = event as Partial<InboxEvent>;
    if (typeof id !== 'string' || typeof conversationId !== 'string') {
        throw new TypeError(`${method}: event must be an event the store handed out ({ id, conversationId, ... }).`);
    }
}

/** Checks the events and limits of an append; returns the events with their payloads serialised. */
export function checkAppend(events: unknown, options: unknown, method: string): CheckedEvent[] {
    if (!Array.isArray(events)) throw new TypeError(`${method}: events must be an array.`);
    requireObject(options, 'options', method);
    const { deduplicationTtlMs, maxPerConversation, maxTotal } = options as AppendOptions;
    requireNumber(deduplicationTtlMs, 'options.deduplicationTtlMs', method, 'positive');
    requireNumber(maxPerConversation, 'options.maxPerConversation', method, 'integer', 1);
    requireNumber(maxTotal, 'options.maxTotal', method, 'integer', 1);
    return events.map((event: NewInboxEvent, i) => {
        requireObject(event, `events[${i}]`, method);
        requireString(event.conversationId, `events[${i}].conversationId`, method);
        const key = event.deduplicationKey;
        if (key !== undefined && typeof key !== 'string') throw new TypeError(`${method}: events[${i}].deduplicationKey must be a string when given.`);
        let json: string;
        try {
            // An absent payload is stored as null, as JSON has no undefined.
            json = JSON.stringify(event.payload ?? null);
        } catch (error) {
            throw new TypeError(`${method}: events[${i}].payload must be JSON-serialisable (${(error as Error).message}).`);
        }
        return { conversationId: event.conversationId, deduplicationKey: key, json };
    });
}
