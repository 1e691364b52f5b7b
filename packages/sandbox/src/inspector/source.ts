/**
 * What the inspector needs to know about one vendor's stand-in: which conversation a webhook or an API call belongs
 * to, what it is in the vendor's words, how to check a webhook's signature, and how to deliver a webhook again as the
 * vendor would (or tampered with). One implementation per vendor: `eightByEightSource.ts`, `livePersonSource.ts`.
 */
import type { RecordedRequest } from '../recorder';
import type { VendorStandIn } from '../vendorStandIn';
import type { SentWebhook } from '../webhookDelivery';
import type { SignatureVerdict } from './signatureVerdict';

export type Vendor = '8x8' | 'liveperson';

/** What a webhook is. */
export interface WebhookFacts {
    conversationId?: string | undefined;
    /** The vendor's event type, e.g. `MESSAGE`, `ms.MessagingEventNotification`. */
    eventType: string;
    /** A short description: the text, the member change, the notification's changes… */
    summary?: string | undefined;
    /** The vendor's event id, when it has one (8x8's `x-8x8-event-id`). */
    eventId?: string | undefined;
    /** Two deliveries with the same key are the same event to the bot (it takes the second as a duplicate). */
    dedupKey: string;
}

/** What an API call is. */
export interface CallFacts {
    conversationId?: string | undefined;
    /** What the call does, in words: `send message`, `typing`, `AppJWT`… */
    operation: string;
}

/** How the replayed webhook differs from the original. */
export interface ReplayEdit {
    /** The body to send instead of the original (the signature stays the original's: a tampered webhook). */
    body?: string | undefined;
    /** Send the signature with one character changed. */
    breakSignature?: boolean | undefined;
    /** 8x8's `x-8x8-retry`: how many times this event was delivered before. */
    retry: number;
}

export interface VendorSource {
    readonly vendor: Vendor;
    readonly standIn: VendorStandIn;
    /** Values never to show, with what they are. */
    readonly secrets: ReadonlyArray<readonly [string, string]>;
    webhookFacts(webhook: SentWebhook, json: unknown): WebhookFacts;
    callFacts(request: RecordedRequest): CallFacts;
    /** Whether the webhook's signature matches the bytes sent. */
    verdict(webhook: SentWebhook): SignatureVerdict;
    /** Delivers the webhook's body again, once (no redelivery), signed as the vendor signs it; resolves with the bot's status. */
    replay(webhook: SentWebhook, edit: ReplayEdit): Promise<number>;
}

/** The signature with one character in the middle of its last part changed (still in its alphabet): a broken signature. */
export function breakSignature(signature: string): string {
    const start = Math.max(signature.lastIndexOf('.'), signature.indexOf('=')) + 1;
    const index = start + Math.floor((signature.length - start) / 2);
    const hex = /^[0-9a-f]+$/.test(signature.slice(start));
    const char = signature[index];
    const replacement = hex ? (char === '0' ? '1' : '0') : char === 'A' ? 'B' : 'A';
    return `${signature.slice(0, index)}${replacement}${signature.slice(index + 1)}`;
}

/** The JSON of a text, or undefined. */
export function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

/** A text cut to `length` characters. */
export function cut(text: unknown, length = 80): string | undefined {
    if (typeof text !== 'string' || text === '') return undefined;
    return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
