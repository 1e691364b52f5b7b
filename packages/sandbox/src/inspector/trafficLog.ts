/**
 * The protocol inspector's record: every webhook the stand-ins delivered (headers, body, the inspector's signature
 * verdict, the bot's answer and its time) and every vendor API call the bot made (method, path, body, status, time,
 * retries), per conversation, in order, with credentials masked before anything is kept (`masking.ts`).
 *
 * It listens to the stand-ins only (`onWebhook`, `recorder.onRequest`): what it knows of the bot is what a vendor
 * sees of it over HTTP. From that it also tells retries (a call repeating one that failed) and duplicates (a webhook
 * the bot already accepted, delivered again: if no vendor call follows for its conversation, the bot did not run).
 */
import { EventEmitter } from 'node:events';
import type { FaultKind } from '../faultRate';
import type { RecordedRequest } from '../recorder';
import type { SentWebhook } from '../webhookDelivery';
import { curlCommand } from './curl';
import { SecretMasker } from './masking';
import type { SignatureVerdict } from './signatureVerdict';
import { parseJson, type Vendor, type VendorSource } from './source';

interface EntryBase {
    id: number;
    /** Grows with every change of the entry (a duplicate's verdict arrives later). */
    rev: number;
    vendor: Vendor;
    /** When it started (ms since the epoch). */
    at: number;
    durationMs: number;
    conversationId?: string | undefined;
    /** The status answered; 0 when there was none. */
    status: number;
}

/** A webhook a stand-in delivered to the bot. */
export interface WebhookEntry extends EntryBase {
    kind: 'webhook';
    eventType: string;
    summary?: string | undefined;
    eventId?: string | undefined;
    /** 1, then 2, 3… for the stand-in's own redeliveries after a failed attempt. */
    attempt: number;
    url: string;
    headers: Record<string, string>;
    /** The body sent, parsed when JSON (masked). */
    body: unknown;
    /** The body sent, as text (masked): what "copy as curl" and the tamper editor start from. */
    bodyText: string;
    /** The bot's answer, parsed when JSON. */
    response: unknown;
    signature: SignatureVerdict;
    replayOf?: number | undefined;
    tampered?: boolean | undefined;
    /** The earlier delivery of the same event the bot accepted: this one is a duplicate to the bot. */
    duplicateOf?: number | undefined;
    /** For an accepted duplicate: whether the bot made vendor calls for the conversation right after (`ran`) or not. */
    dedup?: 'checking' | 'not-run' | 'ran' | undefined;
    curl: string;
}

/** A vendor API call the bot made. */
export interface CallEntry extends EntryBase {
    kind: 'call';
    operation: string;
    method: string;
    path: string;
    headers: Record<string, string>;
    body: unknown;
    response?: { headers: Record<string, string>; body: unknown } | undefined;
    /** The failed call this one repeats. */
    retryOf?: number | undefined;
    /** 1, then 2, 3… for each retry of the same call. */
    attempt: number;
    /** The fault injected into the answer, in words. */
    injected?: string | undefined;
    fault?: FaultKind | undefined;
}

export type TrafficEntry = WebhookEntry | CallEntry;

/** How long after an accepted duplicate the log watches for vendor calls of its conversation. */
export const DEDUP_WATCH_MS = 2000;
const MAX_ENTRIES = 1000;
const RETRY_WINDOW_MS = 60_000;

export class TrafficLog {
    private list: TrafficEntry[] = [];
    private readonly sent = new Map<number, { source: VendorSource; webhook: SentWebhook; dedupKey: string }>();
    private readonly lastCall = new Map<string, CallEntry>();
    private readonly watches = new Set<{ entry: WebhookEntry; timer: NodeJS.Timeout }>();
    private readonly masker = new SecretMasker();
    private readonly events = new EventEmitter().setMaxListeners(0);
    private readonly unsubscribe: Array<() => void> = [];
    private nextId = 1;
    private revision = 0;
    private epochValue = Date.now();

    private readonly dedupWatchMs: number;

    /** `dedupWatchMs`: how long an accepted duplicate is watched for vendor calls (default {@link DEDUP_WATCH_MS}). */
    constructor(sources: readonly VendorSource[], options: { dedupWatchMs?: number | undefined } = {}) {
        this.dedupWatchMs = options.dedupWatchMs ?? DEDUP_WATCH_MS;
        for (const source of sources) {
            for (const [value, label] of source.secrets) this.masker.add(value, label);
            this.unsubscribe.push(source.standIn.onWebhook((webhook) => this.addWebhook(source, webhook)));
            this.unsubscribe.push(source.standIn.recorder.onRequest((request) => this.addCall(source, request)));
        }
    }

    /** Changes since revision `since` (all after a reset: compare `epoch`). */
    changes(since = 0): { epoch: number; rev: number; entries: TrafficEntry[] } {
        return { epoch: this.epochValue, rev: this.revision, entries: this.list.filter((entry) => entry.rev > since) };
    }

    get entries(): readonly TrafficEntry[] {
        return this.list;
    }

    /** Changes the epoch when cleared: a page holding entries drops them. */
    get epoch(): number {
        return this.epochValue;
    }

    /** The webhook as it was sent (unmasked), to deliver again, with the vendor that sent it. */
    sentWebhook(id: number): { source: VendorSource; webhook: SentWebhook } | undefined {
        return this.sent.get(id);
    }

    /** How many deliveries of the same event the log saw (8x8's next `x-8x8-retry`). */
    deliveriesOf(id: number): number {
        const original = this.sent.get(id);
        if (!original) return 0;
        return [...this.sent.values()].filter((s) => s.source === original.source && s.dedupKey === original.dedupKey).length;
    }

    /** Calls `listener` after every change; returns an unsubscribe function. */
    onChange(listener: () => void): () => void {
        this.events.on('change', listener);
        return () => this.events.removeListener('change', listener);
    }

    /** Forgets everything (the secrets it learned stay masked). */
    clear(): void {
        for (const watch of this.watches) clearTimeout(watch.timer);
        this.watches.clear();
        this.list = [];
        this.sent.clear();
        this.lastCall.clear();
        this.epochValue = Math.max(Date.now(), this.epochValue + 1);
        this.changed();
    }

    /** Stops listening to the stand-ins. */
    close(): void {
        for (const stop of this.unsubscribe.splice(0)) stop();
        for (const watch of this.watches) clearTimeout(watch.timer);
        this.watches.clear();
    }

    private addWebhook(source: VendorSource, webhook: SentWebhook): void {
        const json = parseJson(webhook.body);
        const facts = source.webhookFacts(webhook, json);
        const accepted = isAccepted(source, webhook.status);
        const earlier = this.list.find(
            (e): e is WebhookEntry => e.kind === 'webhook' && e.vendor === source.vendor && this.sent.get(e.id)?.dedupKey === facts.dedupKey
        );
        const firstAccepted = this.list.find(
            (e): e is WebhookEntry =>
                e.kind === 'webhook' && e.vendor === source.vendor && isAccepted(source, e.status) && this.sent.get(e.id)?.dedupKey === facts.dedupKey
        );
        const headers = this.masker.headers(webhook.headers);
        const bodyText = this.masker.text(webhook.body);
        const entry: WebhookEntry = {
            kind: 'webhook',
            id: this.nextId++,
            rev: 0,
            vendor: source.vendor,
            at: webhook.at,
            durationMs: webhook.durationMs,
            conversationId: facts.conversationId,
            status: webhook.status,
            eventType: facts.eventType,
            summary: facts.summary,
            eventId: facts.eventId,
            attempt: webhook.attempt,
            url: webhook.url,
            headers,
            body: json === undefined ? bodyText : this.masker.json(json),
            bodyText,
            response: this.masker.body(webhook.response),
            signature: source.verdict(webhook),
            replayOf: webhook.tag?.replayOf,
            tampered: webhook.tag?.tampered,
            duplicateOf: accepted ? firstAccepted?.id : undefined,
            curl: curlCommand(webhook.url, headers, bodyText),
        };
        if (!entry.replayOf && webhook.attempt > 1 && earlier) entry.summary = `${entry.summary ?? ''} (redelivery of #${earlier.id})`.trim();
        this.sent.set(entry.id, { source, webhook, dedupKey: facts.dedupKey });
        if (entry.duplicateOf !== undefined) this.watchDuplicate(entry);
        this.push(entry);
    }

    private addCall(source: VendorSource, request: RecordedRequest): void {
        const facts = source.callFacts(request);
        this.masker.learn(request.response?.body);
        const contentType = String(request.headers['content-type'] ?? '');
        const key = `${source.vendor} ${request.method} ${request.path} ${stableBody(request.body)}`;
        const previous = this.lastCall.get(key);
        const retryOf = previous && failed(previous.status) && request.at - previous.at < RETRY_WINDOW_MS ? previous : undefined;
        const entry: CallEntry = {
            kind: 'call',
            id: this.nextId++,
            rev: 0,
            vendor: source.vendor,
            at: request.at,
            durationMs: request.durationMs ?? 0,
            conversationId: facts.conversationId,
            status: request.status,
            operation: facts.operation,
            method: request.method,
            path: this.masker.text(request.path),
            headers: this.masker.headers(request.headers),
            body: this.masker.body(request.body, contentType),
            response: request.response && {
                headers: this.masker.headers(request.response.headers),
                body: this.masker.body(request.response.body, request.response.headers?.['content-type']),
            },
            retryOf: retryOf?.id,
            attempt: retryOf ? retryOf.attempt + 1 : 1,
            injected: request.injected,
            fault: request.fault,
        };
        this.lastCall.set(key, entry);
        for (const watch of this.watches) {
            const duplicate = watch.entry;
            if (duplicate.vendor === entry.vendor && duplicate.conversationId !== undefined && duplicate.conversationId === entry.conversationId) {
                clearTimeout(watch.timer);
                this.watches.delete(watch);
                this.update(duplicate, { dedup: 'ran' });
            }
        }
        this.push(entry);
    }

    /** An accepted duplicate: `not-run` unless a vendor call for its conversation comes within `dedupWatchMs`. */
    private watchDuplicate(entry: WebhookEntry): void {
        entry.dedup = 'checking';
        const watch = {
            entry,
            timer: setTimeout(() => {
                this.watches.delete(watch);
                this.update(entry, { dedup: 'not-run' });
            }, this.dedupWatchMs),
        };
        watch.timer.unref();
        this.watches.add(watch);
    }

    private push(entry: TrafficEntry): void {
        entry.rev = ++this.revision;
        this.list.push(entry);
        if (this.list.length > MAX_ENTRIES) {
            for (const dropped of this.list.splice(0, this.list.length - MAX_ENTRIES)) this.sent.delete(dropped.id);
        }
        this.changed();
    }

    private update(entry: WebhookEntry, change: Partial<WebhookEntry>): void {
        Object.assign(entry, change, { rev: ++this.revision });
        this.changed();
    }

    private changed(): void {
        this.events.emit('change');
    }
}

/** What the vendor counts as received: 8x8 any 2xx, LivePerson only 200 and 201. */
function isAccepted(source: VendorSource, status: number): boolean {
    return source.vendor === 'liveperson' ? status === 200 || status === 201 : status >= 200 && status < 300;
}

/** A status after which a client may try again: none, 408, 429, 5xx. */
function failed(status: number): boolean {
    return status === 0 || status === 408 || status === 429 || status >= 500;
}

/** A call's body without what changes between retries of the same call (LivePerson's request `id`). */
function stableBody(body: unknown): string {
    if (body && typeof body === 'object' && !Array.isArray(body)) {
        const { id: _id, ...rest } = body as Record<string, unknown>;
        return JSON.stringify(rest).slice(0, 2000);
    }
    return typeof body === 'string' ? body.slice(0, 2000) : JSON.stringify(body ?? null);
}
