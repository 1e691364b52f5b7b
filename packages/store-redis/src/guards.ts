import type { InboxEvent } from 'botbuilder-contact-center/protocol';

/** Argument checks: a TypeError naming the method and the argument, before any call to Redis. */

const fail = (method: string, message: string): never => {
    throw new TypeError(`RedisInboxStore.${method}(): ${message}`);
};

export function checkString(method: string, name: string, value: unknown): asserts value is string {
    if (typeof value !== 'string' || value === '') fail(method, `${name} must be a non-empty string.`);
}

export function checkCount(method: string, name: string, value: unknown, min: number): asserts value is number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(method, `${name} must be an integer ≥ ${min}.`);
}

export function checkMs(method: string, name: string, value: unknown): asserts value is number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(method, `${name} must be a positive number of milliseconds.`);
}

export function checkEvent(method: string, event: unknown): asserts event is InboxEvent {
    const candidate = event as InboxEvent | null;
    if (!candidate || typeof candidate !== 'object' || typeof candidate.id !== 'string' || typeof candidate.conversationId !== 'string') {
        fail(method, 'event must be an InboxEvent from this store (with id and conversationId).');
    }
}

export function checkObject(method: string, name: string, value: unknown): asserts value is Record<string, unknown> {
    if (!value || typeof value !== 'object' || Array.isArray(value)) fail(method, `${name} must be an object.`);
}

export function checkStringArray(method: string, name: string, value: unknown): asserts value is string[] {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== ''))
        fail(method, `${name} must be an array of non-empty strings.`);
}
