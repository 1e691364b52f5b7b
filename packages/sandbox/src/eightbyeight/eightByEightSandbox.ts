/**
 * A local stand-in for the 8x8 Contact Center Chat Gateway, faithful to its documented protocol
 * (shared/vendors/8x8-chat-gateway.md): the REST endpoints a bot uses (with `x-api-key` checked and
 * problem+json errors), the public JWK endpoint, signed webhook delivery with `x-8x8-*` headers and retries,
 * and conversation state (assignment, participants, messages). Tests and the benchmark drive it programmatically.
 */
import { randomUUID } from 'node:crypto';
import type { StandInRequest, StandInResponse } from '../httpServer';
import { VendorStandIn } from '../vendorStandIn';
import type { RecordedRequest } from '../recorder';
import { deliverWithRedelivery, redeliveryPolicy, type RedeliveryOptions, type RedeliveryPolicy } from '../webhookDelivery';
import { SigningKey } from './webhookSigner';

/** Options of {@link EightByEightSandbox}. */
export interface EightByEightSandboxOptions {
    /** The API key the stand-in accepts in `x-api-key`. Default `sandbox-8x8-api-key`. */
    apiKey?: string;
    /** The bot's webhook URL, where events are delivered. Can be set later with `webhookUrl`. */
    webhookUrl?: string;
    /** Sent as `x-8x8-tenant-id`. Default `sandbox-tenant`. */
    tenantId?: string;
    /** Sent as `x-8x8-customer-id`. Default `sandbox-customer`. */
    customerId?: string;
    /** The signing key id. Default `sandbox-key-1`. */
    keyId?: string;
    /** The RSA private key (PEM) to sign with, e.g. shared with a benchmark that pre-signs. Default: a new key. */
    privateKeyPem?: string;
    /**
     * Redelivery of an event the bot did not confirm with a 2xx (another status, a failed connection, or no answer
     * within `timeoutMs`): the same event id and body again, `x-8x8-retry` counting up. `true` takes
     * {@link EIGHTBYEIGHT_REDELIVERY}; 8x8 documents only that it retries "after a brief delay". Takes precedence over
     * `webhookRetries` and `webhookRetryDelayMs`. Default: those (no redelivery).
     */
    redelivery?: RedeliveryOptions | boolean;
    /** Redeliveries of an event answered with a non-2xx status or not at all, a fixed pause apart, no timeout. Default 0. */
    webhookRetries?: number;
    /** Pause before a redelivery, in ms. Default 200. */
    webhookRetryDelayMs?: number;
    /** Deliver a `MESSAGE` with `isEcho: true` for every message the bot sends, as 8x8 does. Default true. */
    echoBotMessages?: boolean;
    /** Deliver `QUEUED` after a conversation is assigned to a queue. Default true. */
    announceQueued?: boolean;
}

/** A message in a sandbox conversation. */
export interface SandboxMessage {
    id: string;
    authorType: 'user' | 'bot' | 'agent';
    authorId: string;
    text?: string;
    cards?: Array<{ contentType: string; content: unknown }>;
    attachments?: Array<{ id: string }>;
    createdAt: string;
}

/** A sandbox conversation's state. */
export interface SandboxConversation {
    id: string;
    channelId: string;
    state: 'created' | 'active' | 'closed';
    assignment?: { type: string; id: string };
    user: Record<string, unknown> & { userId: string };
    userRemoved: boolean;
    agentId?: string;
    postAgentAssignment?: Record<string, unknown>;
    messages: SandboxMessage[];
    /** When the bot last said it is typing (cleared by its next message). */
    botTypingAt?: number;
    /** Files uploaded to the conversation. */
    attachments: Array<{ id: string; filename: string; contentType: string; sizeInBytes: number; createdAt: string; bytes: Buffer }>;
}

/** How to sign a delivery: `valid` (default), `none`, `forged` (other key, same kid), `unknownKey` (other key and kid). */
export type SignatureMode = 'valid' | 'none' | 'forged' | 'unknownKey';

/** Options of {@link EightByEightSandbox.deliver}. */
export interface DeliverOptions {
    /** `x-8x8-event-id`; default a new id. Reuse one to redeliver the same event. */
    eventId?: string;
    /** `x-8x8-retry` of the first attempt. Default 0. */
    retry?: number;
    /** Redeliveries (on a non-2xx answer or none), overriding the sandbox's number of attempts. */
    retries?: number;
    signature?: SignatureMode;
    /** Changes the body after signing (a tampered request). */
    tamper?: (rawBody: string) => string;
    /** Send these exact bytes instead of the JSON of `event` (signed as they are). */
    rawBody?: string;
    /** `x-8x8-transmission-time`; default now. */
    transmissionTime?: number;
    /** Extra or replacing headers. */
    headers?: Record<string, string>;
}

/** The outcome of one delivery (after retries). */
export interface DeliveryResult {
    eventId: string;
    status: number;
    body: string;
    attempts: number;
}

/**
 * `redelivery: true`: 8x8 does not document its count, schedule or timeout, so these are the stand-in's assumptions —
 * a few attempts, from 1 s doubling, 5 s to answer.
 */
export const EIGHTBYEIGHT_REDELIVERY: RedeliveryPolicy = { attempts: 5, delayMs: 1000, factor: 2, maxDelayMs: 30_000, timeoutMs: 5000 };

const GATEWAY = '/chat-gateway/v1';
const CARD_TYPES = new Set([
    'application/vnd.microsoft.card.adaptive',
    'application/8x8.quick.replies',
    'Interactive',
    'Location',
    'Template',
    'Suggestions',
    'Buttons',
    'Carousel',
]);

/**
 * The 8x8 Chat Gateway stand-in.
 *
 * @example
 * ```ts
 * const sandbox = new EightByEightSandbox({ webhookUrl: 'http://127.0.0.1:3978/api/8x8/webhook' });
 * const baseUrl = await sandbox.start();            // give it to the adapter as baseUrl
 * const id = await sandbox.startConversation();     // CONVERSATION_UPDATE → the bot greets
 * await sandbox.customerSays(id, 'hello');
 * const reply = await sandbox.waitForBotMessage(id); // { text: 'Echo: hello', ... }
 * ```
 */
export class EightByEightSandbox extends VendorStandIn {
    readonly apiKey: string;
    readonly tenantId: string;
    readonly customerId: string;
    /** The key the stand-in signs with and publishes. */
    readonly signingKey: SigningKey;
    /** Every webhook delivery attempt made, in order. */
    readonly deliveries: Array<{ eventId: string; eventType: string; retry: number; status: number }> = [];
    readonly conversations = new Map<string, SandboxConversation>();
    webhookUrl?: string;

    private otherKeyCache?: SigningKey;
    private readonly options: EightByEightSandboxOptions;
    private readonly redelivery: RedeliveryPolicy;

    constructor(options: EightByEightSandboxOptions = {}) {
        super();
        this.options = options;
        this.apiKey = options.apiKey ?? 'sandbox-8x8-api-key';
        this.tenantId = options.tenantId ?? 'sandbox-tenant';
        this.customerId = options.customerId ?? 'sandbox-customer';
        this.webhookUrl = options.webhookUrl;
        this.signingKey = new SigningKey(options.keyId ?? 'sandbox-key-1', options.privateKeyPem);
        this.redelivery = redeliveryPolicy(options.redelivery, EIGHTBYEIGHT_REDELIVERY, {
            attempts: (options.webhookRetries ?? 0) + 1,
            delayMs: options.webhookRetryDelayMs ?? 200,
            factor: 1,
            maxDelayMs: options.webhookRetryDelayMs ?? 200,
            timeoutMs: undefined,
        });
    }

    /** A second key with the same kid, made on first use (RSA key generation is slow): forged signatures. */
    private otherKey(): SigningKey {
        this.otherKeyCache ??= new SigningKey(this.signingKey.kid);
        return this.otherKeyCache;
    }

    // ---- webhook delivery ---------------------------------------------------------------------------------

    /** Delivers one event to the webhook, signed like 8x8, redelivering as configured (`redelivery`). */
    async deliver(event: Record<string, unknown>, options: DeliverOptions = {}): Promise<DeliveryResult> {
        const url = this.webhookUrl;
        if (!url) throw new Error('EightByEightSandbox.deliver(): set webhookUrl first.');
        const eventId = options.eventId ?? randomUUID().replace(/-/g, '').slice(0, 22);
        const policy = options.retries === undefined ? this.redelivery : { ...this.redelivery, attempts: options.retries + 1 };
        const signedBody = options.rawBody ?? JSON.stringify(event);
        const firstRetry = options.retry ?? 0;
        const result = await deliverWithRedelivery(
            policy,
            async (attempt) => {
                // The same event, body and id on every attempt; x-8x8-retry and the transmission time (so the signature) change.
                const retry = firstRetry + attempt - 1;
                const outcome = await this.postWebhook({
                    url,
                    headers: this.deliveryHeaders(signedBody, eventId, retry, options),
                    body: options.tamper ? options.tamper(signedBody) : signedBody,
                    signedBody,
                    attempt,
                    timeoutMs: policy.timeoutMs,
                });
                this.deliveries.push({ eventId, eventType: String(event.eventType ?? ''), retry, status: outcome.status });
                this.changed();
                return outcome;
            },
            (status) => status >= 200 && status < 300,
            () => this.stopping
        );
        return { eventId, status: result.status, body: result.body, attempts: result.attempts };
    }

    private deliveryHeaders(signedBody: string, eventId: string, retry: number, options: DeliverOptions): Record<string, string> {
        const transmissionTime = options.transmissionTime ?? Date.now();
        const fields = { customerId: this.customerId, eventId, retry, tenantId: this.tenantId, transmissionTime };
        const headers: Record<string, string> = {
            'content-type': 'application/json',
            'x-8x8-tenant-id': this.tenantId,
            'x-8x8-customer-id': this.customerId,
            'x-8x8-event-id': eventId,
            'x-8x8-retry': String(retry),
            'x-8x8-transmission-time': String(transmissionTime),
        };
        const mode = options.signature ?? 'valid';
        if (mode === 'valid') headers['x-8x8-signature'] = this.signingKey.signDelivery(signedBody, fields);
        if (mode === 'forged') headers['x-8x8-signature'] = this.otherKey().signDelivery(signedBody, fields);
        if (mode === 'unknownKey') headers['x-8x8-signature'] = new SigningKey('no-such-key', undefined).signDelivery(signedBody, fields);
        return Object.assign(headers, options.headers);
    }

    // ---- acting as the customer and the agent -------------------------------------------------------------

    /** Creates a conversation without delivering anything (bulk setup, e.g. for a benchmark). */
    addConversation(conversationId: string, user: Record<string, unknown> = {}): SandboxConversation {
        const conversation = this.createConversation(conversationId, 'sandbox-channel', {
            userId: `user-${conversationId}`,
            name: 'Sandbox Customer',
            ...user,
        });
        conversation.state = 'active';
        return conversation;
    }

    /** Creates a conversation and delivers its first CONVERSATION_UPDATE (state active). Resolves with its id. */
    async startConversation(options: { conversationId?: string; user?: Record<string, unknown>; channel?: string } = {}): Promise<string> {
        const conversation = this.createConversation(options.conversationId ?? `conv-${randomUUID()}`, 'sandbox-channel', {
            userId: `user-${randomUUID().slice(0, 8)}`,
            name: 'Sandbox Customer',
            language: 'en',
            ...options.user,
        });
        conversation.state = 'active';
        await this.deliverOk({
            eventType: 'CONVERSATION_UPDATE',
            conversationId: conversation.id,
            timestamp: Date.now(),
            data: { state: 'active', user: conversation.user, channel: options.channel ?? 'ChatAPI' },
        });
        return conversation.id;
    }

    /** The customer sends a text message. */
    customerSays(conversationId: string, text: string, options: DeliverOptions = {}): Promise<DeliveryResult> {
        const conversation = this.conversation(conversationId);
        this.addMessage(conversation, { authorType: 'user', authorId: conversation.user.userId, text });
        return this.deliver(
            {
                eventType: 'MESSAGE',
                conversationId,
                timestamp: Date.now(),
                data: { isEcho: false, sender: { id: conversation.user.userId, type: 'user' }, text },
            },
            options
        );
    }

    /** The customer presses an Adaptive Card action (`Action.Submit` by default) with the card's input values. */
    customerSubmitsCard(conversationId: string, data: unknown, type: 'Action.Submit' | 'Action.Execute' = 'Action.Submit'): Promise<DeliveryResult> {
        this.conversation(conversationId);
        return this.deliver({ eventType: 'ACTIVITY', conversationId, timestamp: Date.now(), data: { name: 'adaptiveCard/action', value: { type, data } } });
    }

    /** The customer clicks a quick reply (8x8 returns its `postback` as `payload`). */
    customerClicksQuickReply(conversationId: string, title: string, payload: string): Promise<DeliveryResult> {
        this.conversation(conversationId);
        return this.deliver({
            eventType: 'ACTIVITY',
            conversationId,
            timestamp: Date.now(),
            data: { name: 'quickReply/action', value: { type: 'postback', data: { title, payload } } },
        });
    }

    /** The customer (or, with `type: 'agent'`, the agent) is typing; an empty list means they stopped. */
    typing(conversationId: string, users: Array<{ type: string; id: string }>): Promise<DeliveryResult> {
        return this.deliver({ eventType: 'ACTIVITY', conversationId, timestamp: Date.now(), data: { name: 'typing', value: { users } } });
    }

    /** An agent accepts the conversation: CONVERSATION_UPDATE (assignment agent) then MEMBERS_CHANGED joined. */
    async agentJoins(conversationId: string, agentId = 'agent-1'): Promise<void> {
        const conversation = this.conversation(conversationId);
        conversation.assignment = { type: 'agent', id: agentId };
        conversation.agentId = agentId;
        await this.deliverOk({
            eventType: 'CONVERSATION_UPDATE',
            conversationId,
            timestamp: Date.now(),
            data: { state: 'active', assignment: { type: 'agent', id: agentId }, user: conversation.user },
        });
        await this.deliverOk({
            eventType: 'MEMBERS_CHANGED',
            conversationId,
            timestamp: Date.now(),
            data: { memberType: 'agent', change: 'joined', id: agentId },
        });
    }

    /** The agent sends a message (delivered to the webhook as a MESSAGE from an agent). */
    agentSays(conversationId: string, text: string): Promise<DeliveryResult> {
        const conversation = this.conversation(conversationId);
        const agentId = conversation.agentId ?? 'agent-1';
        this.addMessage(conversation, { authorType: 'agent', authorId: agentId, text });
        return this.deliver({
            eventType: 'MESSAGE',
            conversationId,
            timestamp: Date.now(),
            data: { isEcho: false, sender: { id: agentId, type: 'agent' }, text },
        });
    }

    /** The agent leaves: MEMBERS_CHANGED left; with a scheduled post-agent-assignment the conversation returns to the bot. */
    async agentLeaves(conversationId: string): Promise<void> {
        const conversation = this.conversation(conversationId);
        const agentId = conversation.agentId ?? 'agent-1';
        conversation.agentId = undefined;
        conversation.assignment = conversation.postAgentAssignment ? { type: 'webhook', id: String(conversation.postAgentAssignment.id) } : undefined;
        await this.deliverOk({
            eventType: 'MEMBERS_CHANGED',
            conversationId,
            timestamp: Date.now(),
            data: { memberType: 'agent', change: 'left', id: agentId },
        });
    }

    /** The customer leaves the chat (MEMBERS_CHANGED user left): the conversation is over. */
    async customerLeaves(conversationId: string): Promise<void> {
        const conversation = this.conversation(conversationId);
        conversation.state = 'closed';
        await this.deliverOk({
            eventType: 'MEMBERS_CHANGED',
            conversationId,
            timestamp: Date.now(),
            data: { memberType: 'user', change: 'left', id: conversation.user.userId },
        });
    }

    /** The agent transfers the conversation to another queue (TRANSFER, then the agent leaves). */
    async agentTransfers(conversationId: string, queueId: string): Promise<void> {
        const conversation = this.conversation(conversationId);
        await this.deliverOk({ eventType: 'TRANSFER', conversationId, timestamp: Date.now() });
        const agentId = conversation.agentId ?? 'agent-1';
        conversation.agentId = undefined;
        conversation.assignment = { type: 'queue', id: queueId };
        await this.deliverOk({
            eventType: 'MEMBERS_CHANGED',
            conversationId,
            timestamp: Date.now(),
            data: { memberType: 'agent', change: 'left', id: agentId },
        });
    }

    // ---- what the bot did ---------------------------------------------------------------------------------

    /** Messages the bot posted to a conversation, in order. */
    botMessages(conversationId: string): SandboxMessage[] {
        return this.conversation(conversationId).messages.filter((m) => m.authorType === 'bot');
    }

    /**
     * Waits for the bot's next message in a conversation: the first one posted at or after recorder index `after`
     * (default: any). Resolves with the request body 8x8 received.
     */
    async waitForBotMessage(conversationId: string, options: { after?: number; timeoutMs?: number } = {}): Promise<Record<string, any>> {
        const request = await this.recorder.waitFor(
            (r) => r.method === 'POST' && r.status === 202 && r.path === `${GATEWAY}/conversations/${conversationId}/messages`,
            options
        );
        return request.body as Record<string, any>;
    }

    /** Waits for a REST request matching `predicate` (see {@link RequestRecorder.waitFor}). */
    waitForRequest(predicate: (request: RecordedRequest) => boolean, options: { after?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
        return this.recorder.waitFor(predicate, options);
    }

    /** Conversation state; throws for an unknown id. */
    conversation(conversationId: string): SandboxConversation {
        const conversation = this.conversations.get(conversationId);
        if (!conversation) throw new Error(`EightByEightSandbox: no conversation "${conversationId}".`);
        return conversation;
    }

    // ---- the REST API ---------------------------------------------------------------------------------------

    protected faultBody(status: number) {
        const answer = problem(status, status === 429 ? 'Too many requests' : 'Service unavailable', status === 429 ? 'rate_limited' : 'service_unavailable');
        return { body: answer.body, headers: answer.headers };
    }

    protected async handle(request: StandInRequest): Promise<StandInResponse> {
        const { method, path } = request;
        const jwk = path.match(/^\/chat-gateway\/v1\/jwk\/([^/]+)\/public$/);
        if (jwk && method === 'GET') {
            return decodeURIComponent(jwk[1]) === this.signingKey.kid
                ? { status: 200, body: this.signingKey.publicJwk }
                : problem(404, 'Key not found', 'resource_not_found');
        }
        if (!path.startsWith(`${GATEWAY}/`)) return problem(404, 'Not found', 'resource_not_found');
        if (request.headers['x-api-key'] !== this.apiKey) {
            return problem(401, 'Access Denied', 'access_denied');
        }
        const multipart = String(request.headers['content-type'] ?? '').startsWith('multipart/form-data');
        if (!multipart && !request.json && request.rawBody.length > 0) return problem(400, 'Invalid JSON object', 'invalid_json_object');
        const body = (request.json ?? {}) as Record<string, any>;

        if (path === `${GATEWAY}/conversations` && method === 'POST') return this.createConversationRoute(body);
        const match = path.match(/^\/chat-gateway\/v1\/conversations\/([^/]+)(\/.*)?$/);
        if (!match) return problem(404, 'Not found', 'resource_not_found');
        const conversation = this.conversations.get(decodeURIComponent(match[1]));
        if (!conversation) return problem(404, `Conversation ${match[1]} not found`, 'resource_not_found');
        const sub = match[2] ?? '';
        const route = `${method} ${sub}`;
        switch (route) {
            case 'GET ':
                return { status: 200, body: this.conversationResult(conversation) };
            case 'PATCH ':
                return this.patchConversation(conversation, body);
            case 'POST /messages':
                return this.postMessage(conversation, body);
            case 'GET /messages':
                return { status: 200, body: { _embedded: { messages: [...conversation.messages].reverse() } } };
            case 'POST /typing':
                if (!['bot', 'user'].includes(body.authorType)) return invalid('authorType', 'must be one of bot, user');
                if (body.authorType === 'bot') conversation.botTypingAt = Date.now();
                return { status: 204 };
            case 'POST /thinking':
                return body.authorType === undefined || body.authorType === 'bot' ? { status: 204 } : invalid('authorType', 'must be bot');
            case 'POST /read-receipt':
                return ['bot', 'user'].includes(body.authorType) && typeof body.readAt === 'number'
                    ? { status: 204 }
                    : invalid('readAt', 'authorType and readAt are required');
            case 'PATCH /participants/user':
                if (typeof body.removed !== 'boolean') return invalid('removed', 'must be a boolean');
                conversation.userRemoved = body.removed;
                conversation.botTypingAt = undefined;
                return { status: 204 };
            case 'POST /attachments':
                return multipart ? this.uploadAttachment(conversation, request) : problem(415, 'Expected multipart/form-data', 'unsupported_media_type');
            case 'POST /post-agent-assignment':
                return this.postAgentAssignment(conversation, body);
            default:
                return problem(405, `${method} ${path} is not supported`, 'method_not_allowed');
        }
    }

    private createConversationRoute(body: Record<string, any>): StandInResponse {
        if (typeof body.channelId !== 'string' || !body.user || typeof body.user !== 'object') return invalid('channelId', 'channelId and user are required');
        const conversation = this.createConversation(`conv-${randomUUID()}`, body.channelId, { userId: `user-${randomUUID().slice(0, 8)}`, ...body.user });
        if (body.assignment) conversation.assignment = { type: body.assignment.type ?? 'queue', id: String(body.assignment.id) };
        return { status: 202, body: { conversationId: conversation.id, createdAt: new Date().toISOString() } };
    }

    private patchConversation(conversation: SandboxConversation, body: Record<string, any>): StandInResponse {
        if (!body.assignment && !body.user) return invalid('assignment', 'assignment or user is required');
        if (body.assignment) {
            const { type = 'queue', id } = body.assignment;
            if (!['queue', 'script'].includes(type)) return invalid('assignment.type', 'must be one of queue, script');
            if (typeof id !== 'string' || id === '') return problem(400, 'Invalid queue', 'invalid_queue');
            conversation.assignment = { type, id };
            conversation.botTypingAt = undefined;
            if (type === 'queue' && this.options.announceQueued !== false) {
                this.background({
                    eventType: 'QUEUED',
                    conversationId: conversation.id,
                    timestamp: Date.now(),
                    data: { queueId: id, queueName: `Queue ${id}` },
                });
            }
        }
        if (body.user && typeof body.user === 'object') Object.assign(conversation.user, body.user);
        return { status: 202, body: this.conversationResult(conversation) };
    }

    private postMessage(conversation: SandboxConversation, body: Record<string, any>): StandInResponse {
        if (!['user', 'bot'].includes(body.authorType)) return invalid('authorType', `Invalid authorType=${body.authorType}, has to be one of user, bot`);
        if (body.text !== undefined && typeof body.text !== 'string') return invalid('text', 'must be a string');
        const cards = body.cards ?? [];
        if (!Array.isArray(cards) || cards.some((c: any) => !c || !CARD_TYPES.has(c.contentType)))
            return invalid('cards', 'each card needs a supported contentType');
        if (!body.text && cards.length === 0 && !(body.attachments?.length > 0)) return invalid('text', 'a message needs text, cards or attachments');
        const unknownAttachment = (body.attachments ?? []).find((a: { id?: unknown }) => !conversation.attachments.some((u) => u.id === a?.id));
        if (unknownAttachment) return problem(404, `Attachment ${JSON.stringify(unknownAttachment.id)} not found`, 'resource_not_found');
        if (conversation.userRemoved || conversation.state === 'closed') return problem(400, 'The user has left the conversation', 'invalid_parameter');
        if (body.authorType === 'bot') conversation.botTypingAt = undefined;
        const message = this.addMessage(conversation, {
            authorType: body.authorType,
            authorId: body.authorType === 'bot' ? 'bot' : conversation.user.userId,
            text: body.text,
            cards: body.cards,
            attachments: body.attachments,
        });
        if (body.authorType === 'bot' && this.options.echoBotMessages !== false) {
            this.background({
                eventType: 'MESSAGE',
                conversationId: conversation.id,
                timestamp: Date.now(),
                data: { isEcho: true, sender: { id: message.authorId, type: 'bot' }, text: body.text, cards: body.cards },
            });
        }
        return { status: 202 };
    }

    /** `POST …/attachments` (multipart: `attachment` file + `authorType`) → 200 AttachmentResult. */
    private async uploadAttachment(conversation: SandboxConversation, request: StandInRequest): Promise<StandInResponse> {
        let form: FormData;
        try {
            form = await new Request('http://stand-in/', {
                method: 'POST',
                headers: { 'content-type': String(request.headers['content-type']) },
                body: request.rawBody,
            }).formData();
        } catch {
            return problem(400, 'Invalid multipart body', 'invalid_parameter');
        }
        const file = form.get('attachment');
        const authorType = form.get('authorType');
        if (!file || typeof file === 'string') return invalid('attachment', 'a file part named "attachment" is required');
        if (authorType !== 'bot' && authorType !== 'user') return invalid('authorType', 'must be one of bot, user');
        const bytes = Buffer.from(await file.arrayBuffer());
        const id = `att-${randomUUID().slice(0, 8)}`;
        const attachment = { id, filename: (file as File).name, contentType: file.type, sizeInBytes: bytes.length, createdAt: new Date().toISOString(), bytes };
        conversation.attachments.push(attachment);
        return { status: 200, body: { id, filename: attachment.filename, sizeInBytes: attachment.sizeInBytes, createdAt: attachment.createdAt } };
    }

    private postAgentAssignment(conversation: SandboxConversation, body: Record<string, any>): StandInResponse {
        if (body.type !== 'webhook') return invalid('type', 'must be webhook');
        if (typeof body.id !== 'string' || body.id === '') return invalid('id', 'is required');
        const config = body.configuration ?? {};
        const total = Number(config.maxTotalMinutes ?? 300);
        const timeout = Number(config.userTimeoutInMinutes ?? 150);
        if (total < 20 || total > 600) return invalid('configuration.maxTotalMinutes', 'must be between 20 and 600');
        if (timeout < 10 || timeout > 300) return invalid('configuration.userTimeoutInMinutes', 'must be between 10 and 300');
        conversation.postAgentAssignment = body;
        return { status: 201 };
    }

    private createConversation(id: string, channelId: string, user: Record<string, unknown> & { userId: string }): SandboxConversation {
        const conversation: SandboxConversation = { id, channelId, state: 'created', user, userRemoved: false, messages: [], attachments: [] };
        this.conversations.set(id, conversation);
        return conversation;
    }

    private addMessage(conversation: SandboxConversation, message: Omit<SandboxMessage, 'id' | 'createdAt'>): SandboxMessage {
        const full = { ...message, id: randomUUID(), createdAt: new Date().toISOString() };
        conversation.messages.push(full);
        return full;
    }

    private conversationResult(conversation: SandboxConversation) {
        return {
            id: conversation.id,
            channelId: conversation.channelId,
            state: conversation.state,
            assignment: conversation.assignment,
            user: conversation.user,
        };
    }

    private async deliverOk(event: Record<string, unknown>): Promise<void> {
        const result = await this.deliver(event);
        if (result.status < 200 || result.status >= 300) {
            throw new Error(`EightByEightSandbox: the webhook answered ${result.status} to ${String(event.eventType)}: ${result.body}`);
        }
    }

    /** Delivers an event after the current response, as 8x8 does asynchronously. */
    private background(event: Record<string, unknown>): void {
        if (!this.webhookUrl) return;
        this.track(new Promise((resolve) => setImmediate(resolve)).then(() => this.deliver(event)).catch(() => undefined));
    }
}

function problem(status: number, message: string, code: string): StandInResponse {
    return {
        status,
        body: { message, errors: [{ code, message }], referenceId: randomUUID() },
        headers: { 'content-type': 'application/problem+json' },
    };
}

function invalid(field: string, message: string): StandInResponse {
    const answer = problem(400, `Invalid parameter ${field}: ${message}`, 'invalid_parameter');
    (answer.body as Record<string, unknown>).validations = [{ field, code: 'invalid', message }];
    return answer;
}
