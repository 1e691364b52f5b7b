/**
 * The vendor side of the scale-out tests: signed webhooks sent to the load balancer as a vendor sends them — each
 * conversation's messages in order (the next once the previous is acknowledged), every webhook delivered more than
 * once (copies at the same time, which the proxy spreads over different instances), and every copy re-posted,
 * byte for byte, until it is answered 2xx (a vendor's redelivery on a non-2xx or no answer). Then the replies the
 * stand-in received are checked: each message answered exactly once, in order per conversation.
 */
import { randomUUID } from 'node:crypto';
import type { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';

/** One webhook, signed: posted as it is, every time. */
export interface SignedWebhook {
    conversationId: string;
    /** The message's text; the echo bot answers `Echo: <text>`. */
    text: string;
    path: string;
    body: string;
    headers: Record<string, string>;
}

/** Builds message `n` of a conversation (called once per message, just before it is sent). */
export type WebhookBuilder = (conversationId: string, n: number) => SignedWebhook;

/** What one load run did, as the vendor saw it. */
export interface LoadFigures {
    messages: number;
    conversations: number;
    /** From the first message sent to the last one acknowledged. */
    seconds: number;
    /** Every POST made (copies and redeliveries). */
    posts: number;
    /** Answers by status (`0`: no answer at all). */
    statuses: Record<string, number>;
    /** Copies answered 2xx beyond one per message: duplicates the instances acknowledged and dropped (no second reply, checked apart). */
    duplicatesAcknowledged: number;
    /** Messages whose copies were acknowledged by at least two different instances. */
    copiesOnDifferentInstances: number;
    /** Ack latency (a webhook's 2xx answer, through the proxy), ms. */
    ackP50: number;
    ackP99: number;
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
    /** Copies of every webhook, sent at the same time. Default 2. */
    copies?: number;
    /** Pause before re-posting a copy that was not answered 2xx, ms. Default 100. */
    retryDelayMs?: number;
    /** A copy still not answered 2xx after this long fails the run (a lost message), ms. Default 45,000. */
    giveUpMs?: number;
    /** The conversations start spread over this long, not all in the same millisecond, ms. Default 250. */
    rampUpMs?: number;
    /** Called after every acknowledged message with the count so far (to inject a fault mid-way). */
    onAcknowledged?: (count: number) => void;
}

/**
 * Sends `perConversation` messages in each conversation to `baseUrl`, conversations concurrently, each in order.
 * Rejects when a copy could not be delivered within `giveUpMs` (never retried forever).
 */
export async function runLoad(
    baseUrl: string,
    conversationIds: string[],
    perConversation: number,
    build: WebhookBuilder,
    options: LoadOptions = {}
): Promise<LoadFigures> {
    const copies = options.copies ?? 2;
    const retryDelayMs = options.retryDelayMs ?? 100;
    const giveUpMs = options.giveUpMs ?? 45_000;
    const statuses: Record<string, number> = {};
    const latencies: number[] = [];
    let posts = 0;
    let acknowledged = 0;
    let acknowledgedCopies = 0;
    let spread = 0;

    /** Posts one copy until 2xx; resolves with the instance that acknowledged it. */
    const deliver = async (webhook: SignedWebhook): Promise<string> => {
        const giveUpAt = Date.now() + giveUpMs;
        for (;;) {
            const started = performance.now();
            let status = 0;
            let upstream = '';
            try {
                const response = await fetch(`${baseUrl}${webhook.path}`, { method: 'POST', headers: webhook.headers, body: webhook.body });
                status = response.status;
                upstream = response.headers.get('x-upstream') ?? '';
                await response.arrayBuffer();
            } catch {
                status = 0;
            }
            posts++;
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (status >= 200 && status < 300) {
                latencies.push(performance.now() - started);
                return upstream;
            }
            if (Date.now() > giveUpAt) {
                throw new Error(`Message "${webhook.text}" not acknowledged within ${giveUpMs} ms (last answer ${status}).`);
            }
            await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
        }
    };

    const started = performance.now();
    await Promise.all(
        conversationIds.map(async (conversationId, i) => {
            await new Promise((resolve) => setTimeout(resolve, ((options.rampUpMs ?? 250) * i) / conversationIds.length));
            for (let n = 0; n < perConversation; n++) {
                const webhook = build(conversationId, n);
                const upstreams = await Promise.all(Array.from({ length: copies }, () => deliver(webhook)));
                acknowledgedCopies += upstreams.length;
                if (new Set(upstreams).size > 1) spread++;
                options.onAcknowledged?.(++acknowledged);
            }
        })
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
    const messages = conversationIds.length * perConversation;
    return {
        messages,
        conversations: conversationIds.length,
        seconds,
        posts,
        statuses,
        duplicatesAcknowledged: acknowledgedCopies - messages,
        copiesOnDifferentInstances: spread,
        ackP50: at(0.5),
        ackP99: at(0.99),
    };
}

/** The text of message `n` of a conversation: unique over the whole test. */
export function messageText(conversationId: string, n: number): string {
    return `m:${conversationId}:${n}`;
}

/** 8x8 `MESSAGE` webhooks from the customer, signed with the stand-in's key like the Chat Gateway signs them. */
export function eightByEightWebhooks(sandbox: EightByEightSandbox): WebhookBuilder {
    return (conversationId, n) => {
        const conversation = sandbox.conversation(conversationId);
        const text = messageText(conversationId, n);
        const transmissionTime = Date.now();
        const body = JSON.stringify({
            eventType: 'MESSAGE',
            conversationId,
            timestamp: transmissionTime,
            data: { isEcho: false, sender: { id: conversation.user.userId, type: 'user' }, text },
        });
        const eventId = randomUUID().replace(/-/g, '').slice(0, 22);
        const fields = { customerId: sandbox.customerId, eventId, retry: 0, tenantId: sandbox.tenantId, transmissionTime };
        return {
            conversationId,
            text,
            path: '/api/8x8/webhook',
            body,
            headers: {
                'content-type': 'application/json',
                'x-8x8-tenant-id': sandbox.tenantId,
                'x-8x8-customer-id': sandbox.customerId,
                'x-8x8-event-id': eventId,
                'x-8x8-retry': '0',
                'x-8x8-transmission-time': String(transmissionTime),
                'x-8x8-signature': sandbox.signingKey.signDelivery(body, fields),
            },
        };
    };
}

/** LivePerson agent `ContentEvent`s (the stand-in assigns the sequence), signed with the app's client secret. */
export function livePersonWebhooks(sandbox: LivePersonSandbox): WebhookBuilder {
    return (conversationId, n) => {
        const text = messageText(conversationId, n);
        const body = JSON.stringify(sandbox.messagingNotification([sandbox.agentMessageChange(conversationId, text)]));
        return {
            conversationId,
            text,
            path: '/api/liveperson/webhook',
            body,
            headers: {
                'content-type': 'application/json',
                'x-liveperson-account-id': sandbox.accountId,
                'x-liveperson-client-id': sandbox.clientId,
                'x-liveperson-signature': sandbox.sign(body),
            },
        };
    };
}

/** How the replies compare with the messages sent. */
export interface ReplyCheck {
    messages: number;
    /** Messages with at least one `Echo: <text>` reply. */
    answered: number;
    /** Messages with none (at most 5 listed). */
    missing: string[];
    /** Replies beyond the first for a message: the bot answered it twice or more. */
    repeatedReplies: number;
    /** Messages answered more than once (at most 5 listed). */
    repeated: string[];
    /** The most replies beyond the first in any one conversation. */
    mostRepeatsInAConversation: number;
    /** Replies that are no echo of a message sent in that conversation (at most 5 listed). */
    unexpected: string[];
    /** Conversations whose first replies are not in the order the messages were sent, or whose repeats are not adjacent. */
    outOfOrder: string[];
}

/** Compares each conversation's replies (in the order the vendor received them) with the messages sent to it. */
export function checkReplies(conversationIds: string[], perConversation: number, replies: (conversationId: string) => string[]): ReplyCheck {
    const check: ReplyCheck = {
        messages: 0,
        answered: 0,
        missing: [],
        repeatedReplies: 0,
        repeated: [],
        mostRepeatsInAConversation: 0,
        unexpected: [],
        outOfOrder: [],
    };
    const note = (list: string[], item: string) => list.length < 5 && list.push(item);
    for (const conversationId of conversationIds) {
        const expected = Array.from({ length: perConversation }, (_, n) => `Echo: ${messageText(conversationId, n)}`);
        const wanted = new Set(expected);
        const got = replies(conversationId);
        const firsts: string[] = [];
        let ordered = true;
        let repeats = 0;
        for (let i = 0; i < got.length; i++) {
            const text = got[i];
            if (!wanted.has(text)) {
                note(check.unexpected, `${conversationId}: ${text}`);
                continue;
            }
            if (firsts.includes(text)) {
                check.repeatedReplies++;
                repeats++;
                note(check.repeated, text);
                // A re-run event repeats its send right after the first (the next event waits for it to complete).
                if (got[i - 1] !== text) ordered = false;
            } else {
                firsts.push(text);
            }
        }
        if (firsts.some((text, i) => text !== expected[i])) ordered = false;
        check.mostRepeatsInAConversation = Math.max(check.mostRepeatsInAConversation, repeats);
        if (!ordered) note(check.outOfOrder, conversationId);
        check.messages += expected.length;
        check.answered += firsts.length;
        for (const text of expected) if (!firsts.includes(text)) note(check.missing, text);
    }
    return check;
}

/**
 * Waits until every message has a reply (or `timeoutMs` passes), then until no new reply came for `quietMs` (a late
 * repeat would show); resolves with the check.
 */
export async function waitForReplies(
    conversationIds: string[],
    perConversation: number,
    replies: (conversationId: string) => string[],
    options: { timeoutMs?: number; quietMs?: number } = {}
): Promise<ReplyCheck> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const count = () => conversationIds.reduce((sum, id) => sum + replies(id).length, 0);
    let check = checkReplies(conversationIds, perConversation, replies);
    while (check.answered < check.messages && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        check = checkReplies(conversationIds, perConversation, replies);
    }
    let seen = count();
    let quietSince = Date.now();
    while (Date.now() - quietSince < (options.quietMs ?? 750) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (count() !== seen) {
            seen = count();
            quietSince = Date.now();
        }
    }
    return checkReplies(conversationIds, perConversation, replies);
}
