/**
 * A local stand-in for LivePerson's side of the Connector API, faithful to its documented protocol
 * (shared/vendors/liveperson-connector-api.md): the Domain API (CSDS), Sentinel (AppJWT, expiring), the IdP
 * (ConsumerJWS), the CONVERSATION and SEND endpoints (tokens checked, UMS error bodies), webhook notifications signed
 * with the app's client secret (`x-liveperson-*` headers) and retried on anything but 200/201, delivered in order per
 * conversation, conversation state (agent assignment, sequences, chat states, close), and file sharing (temporary
 * upload and download URLs, the `swift` file storage, `hosted/file` messages both ways). Tests, the benchmark and
 * people without an account drive it programmatically, acting as the LivePerson agent.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { StandInRequest, StandInResponse } from '../httpServer';
import { VendorStandIn } from '../vendorStandIn';
import { deliverWithRedelivery, redeliveryPolicy, type RedeliveryOptions, type RedeliveryPolicy } from '../webhookDelivery';
import type { RecordedRequest } from '../recorder';
import { HOSTED_FILE_TYPES, SwiftStandIn } from './swift';
import { TokenIssuer, lpConsumerId } from './tokens';

/** Options of {@link LivePersonSandbox}. */
export interface LivePersonSandboxOptions {
    /** Default `12345678`. */
    accountId?: string;
    /** The app installation's client id. Default `sandbox-client-id`. */
    clientId?: string;
    /** The app installation's client secret (AppJWT and webhook signatures). Default `sandbox-client-secret`. */
    clientSecret?: string;
    /** The connector's webhook URL, where notifications are delivered. Can be set later with `webhookUrl`. */
    webhookUrl?: string;
    /** Lifetime of issued AppJWTs in seconds. Default 3600 (LivePerson's 60 minutes). */
    appJwtLifetimeSeconds?: number;
    /** Signature algorithm of deliveries. Default `sha1` (LivePerson's default; `sha256` on accounts that enable it). */
    signatureAlgorithm?: 'sha1' | 'sha256';
    /** Signature encoding. Default `base64` (hex on installations configured so). */
    signatureEncoding?: 'base64' | 'hex';
    /**
     * Redelivery of a notification the connector did not answer 200/201 (another status, a failed connection, or no
     * answer within `timeoutMs`), in order per conversation: `true` takes {@link LIVEPERSON_REDELIVERY}, LivePerson's
     * "time to live" mode. Takes precedence over `webhookRetries` and `webhookRetryDelayMs`. Default: those.
     */
    redelivery?: RedeliveryOptions | boolean;
    /** Redeliveries of a notification answered with anything but 200/201 (or not at all; no timeout). Default 0. */
    webhookRetries?: number;
    /**
     * Pause before the first redelivery, in ms, doubling for each next one up to 5 minutes — LivePerson's
     * "time to live" retry mode. Default 2000, as LivePerson; tests shorten it.
     */
    webhookRetryDelayMs?: number;
    /** Deliver the connector's own consumer events back to it (role CONSUMER), as LivePerson does. Default true. */
    echoConsumerEvents?: boolean;
    /** Largest hosted file, in bytes. Default 3,000,000 (LivePerson: "each file can be up to 3MB"). */
    maxFileBytes?: number;
    /** Lifetime of the file storage's temporary URLs, in seconds. Default 60 (LivePerson: 1 minute). */
    tempUrlLifetimeSeconds?: number;
}

/** A file the connector shared (a `hosted/file` ContentEvent it published), with the bytes it uploaded. */
export interface LivePersonSandboxFile {
    relativePath: string;
    fileType: string;
    caption?: string;
    preview?: string;
    bytes: Buffer;
    sequence?: number;
}

/** One event in a sandbox conversation. */
export interface LivePersonSandboxEvent {
    /** Absent for chat states. */
    sequence?: number;
    role: 'CONSUMER' | 'ASSIGNED_AGENT';
    originatorId: string;
    event: Record<string, any>;
    metadata?: unknown[];
    serverTimestamp: number;
}

/** A sandbox conversation's state. */
export interface LivePersonSandboxConversation {
    id: string;
    /** The connector's `ext_consumer_id`. */
    externalConsumerId: string;
    consumerId: string;
    skillId: string;
    campaignInfo?: unknown;
    userProfile: unknown;
    clientProperties?: string;
    state: 'OPEN' | 'CLOSE';
    agentId?: string;
    closeReason?: string;
    startTs: number;
    metaDataLastUpdateTs: number;
    nextSequence: number;
    events: LivePersonSandboxEvent[];
    /** The consumer's (the connector's) last chat state. */
    consumerChatState?: string;
}

/** How to sign a delivery: `valid` (default), `none` (no header), `forged` (another secret). */
export type LivePersonSignatureMode = 'valid' | 'none' | 'forged';

/** Options of {@link LivePersonSandbox.deliver}. */
export interface LivePersonDeliverOptions {
    signature?: LivePersonSignatureMode;
    algorithm?: 'sha1' | 'sha256';
    encoding?: 'base64' | 'hex';
    /** Changes the body after signing (a tampered request). */
    tamper?: (rawBody: string) => string;
    /** Send these exact bytes instead of the JSON of the notification (signed as they are). */
    rawBody?: string;
    /** Extra or replacing headers (e.g. another `x-liveperson-account-id`). */
    headers?: Record<string, string>;
    /** Redeliveries on failure, overriding the sandbox's number of attempts. */
    retries?: number;
}

/** The outcome of one delivery (after retries). */
export interface LivePersonDeliveryResult {
    status: number;
    body: string;
    attempts: number;
}

type Json = Record<string, any>;

/**
 * `redelivery: true`, as LivePerson's "time to live" retry mode documents it: 2 s, 4 s, 8 s… at most 5 minutes apart;
 * 5 s to answer (its connect and read timeouts). The attempts are bounded by a retention time there (up to 3 days);
 * here by a count.
 */
export const LIVEPERSON_REDELIVERY: RedeliveryPolicy = { attempts: 10, delayMs: 2000, factor: 2, maxDelayMs: 300_000, timeoutMs: 5000 };

const ACCEPT_STATUSES = new Set(['ACCEPT', 'READ', 'ACCESS', 'NACK', 'ACTION']);
const CHAT_STATES = new Set(['ACTIVE', 'INACTIVE', 'GONE', 'COMPOSING', 'PAUSE']);

/**
 * The LivePerson stand-in.
 *
 * @example
 * ```ts
 * const lp = new LivePersonSandbox({ webhookUrl: 'http://127.0.0.1:3978/api/liveperson/webhook' });
 * const url = await lp.start();                      // the adapter's csdsUrl
 * // ... the bot opens a conversation with adapter.openConversation({ consumerId: 'c1' }) ...
 * const [conversation] = lp.conversations.values();
 * await lp.agentJoins(conversation.id);
 * await lp.agentSays(conversation.id, 'Hello, how can I help?');
 * const reply = await lp.waitForConsumerMessage(conversation.id); // the bot's ContentEvent
 * ```
 */
export class LivePersonSandbox extends VendorStandIn {
    readonly accountId: string;
    readonly clientId: string;
    readonly clientSecret: string;
    /** Every delivery attempt, in order. */
    readonly deliveries: Array<{ type: string; status: number; attempt: number }> = [];
    readonly conversations = new Map<string, LivePersonSandboxConversation>();
    webhookUrl?: string;

    private readonly tokens = new TokenIssuer();
    private readonly chains = new Map<string, Promise<unknown>>();
    /** LivePerson's file storage (`swift`), on a loopback server of its own. */
    private readonly swift: SwiftStandIn;
    private readonly maxFileBytes: number;
    private readonly redelivery: RedeliveryPolicy;

    constructor(private readonly options: LivePersonSandboxOptions = {}) {
        super();
        this.redelivery = redeliveryPolicy(options.redelivery, LIVEPERSON_REDELIVERY, {
            attempts: (options.webhookRetries ?? 0) + 1,
            delayMs: options.webhookRetryDelayMs ?? 2000,
            factor: 2,
            maxDelayMs: 300_000,
            timeoutMs: undefined,
        });
        this.accountId = options.accountId ?? '12345678';
        this.clientId = options.clientId ?? 'sandbox-client-id';
        this.clientSecret = options.clientSecret ?? 'sandbox-client-secret';
        this.webhookUrl = options.webhookUrl;
        this.maxFileBytes = options.maxFileBytes ?? 3_000_000;
        this.swift = new SwiftStandIn({
            accountId: this.accountId,
            lifetimeSeconds: options.tempUrlLifetimeSeconds ?? 60,
            maxBytes: this.maxFileBytes,
            recorder: this.recorder,
            changed: () => this.changed(),
        });
    }

    /** Starts the stand-in and its file storage on 127.0.0.1; resolves with the stand-in's base URL (the adapter's `csdsUrl`). */
    override async start(port = 0): Promise<string> {
        const url = await super.start(port);
        await this.swift.start();
        return url;
    }

    override async stop(): Promise<void> {
        await super.stop();
        await this.swift.stop();
    }

    /** Base URL of the file storage (CSDS `swift`), e.g. for the adapter's `swiftUrl`. */
    get swiftUrl(): string {
        return this.swift.url;
    }

    /** Makes every temporary file URL issued so far expired (as if their minute passed): using one gets 401. */
    expireTempUrls(): void {
        this.swift.expireTempUrls();
    }

    /** Makes every AppJWT issued so far invalid, as if it expired: the next call with one gets 401 (errorCode 40102). */
    expireAppJwts(): void {
        this.tokens.revokeAll('appjwt');
    }

    /** Makes every ConsumerJWS issued so far invalid: the next call with one gets 401 (errorCode 40103). */
    invalidateConsumerTokens(): void {
        this.tokens.revokeAll('consumerjws');
    }

    // ---- webhook delivery ---------------------------------------------------------------------------------

    /** Signs a body like LivePerson: `sha1=` + HMAC of the exact bytes with the client secret. */
    sign(
        body: string,
        algorithm = this.options.signatureAlgorithm ?? 'sha1',
        encoding = this.options.signatureEncoding ?? 'base64',
        secret = this.clientSecret
    ): string {
        return `${algorithm}=${createHmac(algorithm, secret).update(body, 'utf8').digest(encoding)}`;
    }

    /** Delivers one notification to the webhook, redelivering on anything but 200/201 as configured (`redelivery`). */
    async deliver(notification: Json, options: LivePersonDeliverOptions = {}): Promise<LivePersonDeliveryResult> {
        const url = this.webhookUrl;
        if (!url) throw new Error('LivePersonSandbox.deliver(): set webhookUrl first.');
        const signedBody = options.rawBody ?? JSON.stringify(notification);
        const policy = options.retries === undefined ? this.redelivery : { ...this.redelivery, attempts: options.retries + 1 };
        const mode = options.signature ?? 'valid';
        const headers: Record<string, string> = {
            'content-type': 'application/json',
            'x-liveperson-account-id': this.accountId,
            'x-liveperson-client-id': this.clientId,
        };
        if (mode === 'valid') headers['x-liveperson-signature'] = this.sign(signedBody, options.algorithm, options.encoding);
        if (mode === 'forged') headers['x-liveperson-signature'] = this.sign(signedBody, options.algorithm, options.encoding, `${this.clientSecret}-forged`);
        Object.assign(headers, options.headers);
        const result = await deliverWithRedelivery(
            policy,
            async (attempt) => {
                const body = options.tamper ? options.tamper(signedBody) : signedBody;
                const outcome = await this.postWebhook({ url, headers, body, signedBody, attempt, timeoutMs: policy.timeoutMs });
                this.deliveries.push({ type: String(notification.type ?? ''), status: outcome.status, attempt });
                this.changed();
                return outcome;
            },
            (status) => status === 200 || status === 201,
            () => this.stopping
        );
        return { status: result.status, body: result.body, attempts: result.attempts };
    }

    /** An `ms.MessagingEventNotification` carrying `changes`. */
    messagingNotification(changes: Json[]): Json {
        return { kind: 'notification', body: { changes }, type: 'ms.MessagingEventNotification' };
    }

    /** A `cqm.ExConversationChangeNotification` with the conversation's complete current state. */
    conversationNotification(conversationId: string): Json {
        const c = this.conversation(conversationId);
        const participants = [...(c.agentId ? [{ id: c.agentId, role: 'ASSIGNED_AGENT' }] : []), { id: c.consumerId, role: 'CONSUMER' }];
        const closed = c.state === 'CLOSE';
        return {
            kind: 'notification',
            body: {
                changes: [
                    {
                        type: 'UPSERT',
                        result: {
                            convId: c.id,
                            effectiveTTR: -1,
                            conversationDetails: {
                                skillId: c.skillId,
                                participants,
                                dialogs: [
                                    {
                                        dialogId: c.id,
                                        participantsDetails: participants.map((p) => ({ ...p, state: 'ACTIVE' })),
                                        dialogType: 'MAIN',
                                        channelType: 'MESSAGING',
                                        state: c.state,
                                        creationTs: c.startTs,
                                        metaDataLastUpdateTs: c.metaDataLastUpdateTs,
                                        ...(closed ? { endTs: c.metaDataLastUpdateTs, closedBy: c.closeReason } : {}),
                                    },
                                ],
                                brandId: this.accountId,
                                state: c.state,
                                stage: c.state,
                                ...(closed ? { closeReason: c.closeReason, endTs: c.metaDataLastUpdateTs } : {}),
                                startTs: c.startTs,
                                metaDataLastUpdateTs: c.metaDataLastUpdateTs,
                                ttr: { ttrType: 'PRIORITIZED', value: 600 },
                            },
                        },
                    },
                ],
            },
            type: 'cqm.ExConversationChangeNotification',
        };
    }

    // ---- acting as the agent --------------------------------------------------------------------------------

    /** An agent accepts the conversation: the conversation change with an ASSIGNED_AGENT participant. */
    async agentJoins(conversationId: string, agentId = 'agent-1'): Promise<LivePersonDeliveryResult> {
        const c = this.conversation(conversationId);
        c.agentId = agentId;
        this.touch(c);
        return this.inOrder(conversationId, () => this.deliver(this.conversationNotification(conversationId)));
    }

    /**
     * Records an agent text message and returns its change (with the next sequence) without delivering it, so tests
     * can batch several in one notification.
     */
    agentMessageChange(conversationId: string, text: string, options: { quickReplies?: Json; audience?: string } = {}): Json {
        return this.agentChange(
            conversationId,
            { type: 'ContentEvent', message: text, contentType: 'text/plain', ...(options.quickReplies ? { quickReplies: options.quickReplies } : {}) },
            true,
            options.audience
        );
    }

    /** The agent sends a text message (optionally with quick replies); resolves with its sequence and the delivery. */
    async agentSays(
        conversationId: string,
        text: string,
        options: { quickReplies?: Json; audience?: string } = {}
    ): Promise<LivePersonDeliveryResult & { sequence: number }> {
        const change = this.agentMessageChange(conversationId, text, options);
        const result = await this.inOrder(conversationId, () => this.deliver(this.messagingNotification([change])));
        return { ...result, sequence: change.sequence };
    }

    /** The agent sends structured content (a card). */
    async agentSendsRichContent(conversationId: string, content: Json, quickReplies?: Json): Promise<LivePersonDeliveryResult & { sequence: number }> {
        const change = this.agentChange(conversationId, { type: 'RichContentEvent', content, ...(quickReplies ? { quickReplies } : {}) }, true);
        const result = await this.inOrder(conversationId, () => this.deliver(this.messagingNotification([change])));
        return { ...result, sequence: change.sequence };
    }

    /**
     * The agent shares a file: it is stored (as the agent's workspace uploads it) and the agent's `hosted/file`
     * ContentEvent is delivered; the connector gets its download URL with `ms.GenerateURLForDownloadFile`.
     */
    async agentSendsFile(
        conversationId: string,
        file: { bytes: Buffer; fileType: string; caption?: string; preview?: string }
    ): Promise<LivePersonDeliveryResult & { sequence: number; relativePath: string }> {
        const stored = this.swift.reserve(file.fileType, file.bytes.length, { conversationId });
        stored.bytes = file.bytes;
        const message = {
            ...(file.caption !== undefined ? { caption: file.caption } : {}),
            relativePath: stored.relativePath,
            fileType: file.fileType,
            ...(file.preview !== undefined ? { preview: file.preview } : {}),
        };
        const change = this.agentChange(conversationId, { type: 'ContentEvent', contentType: 'hosted/file', message }, true);
        const result = await this.inOrder(conversationId, () => this.deliver(this.messagingNotification([change])));
        return { ...result, sequence: change.sequence, relativePath: stored.relativePath };
    }

    /** The agent's chat state (COMPOSING while typing, ACTIVE when they stop). */
    agentChatState(conversationId: string, chatState = 'COMPOSING'): Promise<LivePersonDeliveryResult> {
        const change = this.agentChange(conversationId, { type: 'ChatStateEvent', chatState }, false);
        return this.inOrder(conversationId, () => this.deliver(this.messagingNotification([change])));
    }

    /** The agent read the consumer's messages with these sequences. */
    agentReads(conversationId: string, sequenceList: number[]): Promise<LivePersonDeliveryResult> {
        const change = this.agentChange(conversationId, { type: 'AcceptStatusEvent', status: 'READ', sequenceList }, true);
        return this.inOrder(conversationId, () => this.deliver(this.messagingNotification([change])));
    }

    /** The agent closes the conversation. */
    agentCloses(conversationId: string): Promise<LivePersonDeliveryResult> {
        const c = this.conversation(conversationId);
        c.state = 'CLOSE';
        c.closeReason = 'AGENT';
        this.touch(c);
        return this.inOrder(conversationId, () => this.deliver(this.conversationNotification(conversationId)));
    }

    // ---- what the connector did --------------------------------------------------------------------------

    /** Conversation state; throws for an unknown id. */
    conversation(conversationId: string): LivePersonSandboxConversation {
        const c = this.conversations.get(conversationId);
        if (!c) throw new Error(`LivePersonSandbox: no conversation "${conversationId}".`);
        return c;
    }

    /** Events the connector published in a conversation (as the consumer), in order. */
    consumerEvents(conversationId: string): LivePersonSandboxEvent[] {
        return this.conversation(conversationId).events.filter((e) => e.role === 'CONSUMER');
    }

    /** Texts of the connector's ContentEvents in a conversation (files are in `consumerFiles`). */
    consumerTexts(conversationId: string): string[] {
        return this.consumerEvents(conversationId)
            .filter((e) => e.event.type === 'ContentEvent' && typeof e.event.message === 'string')
            .map((e) => String(e.event.message));
    }

    /** The files the connector shared in a conversation (its `hosted/file` ContentEvents), with the bytes it uploaded, in order. */
    consumerFiles(conversationId: string): LivePersonSandboxFile[] {
        return this.consumerEvents(conversationId)
            .filter((e) => e.event.type === 'ContentEvent' && e.event.contentType === 'hosted/file')
            .map((e) => {
                const message = e.event.message as Json;
                return {
                    relativePath: message.relativePath,
                    fileType: message.fileType,
                    ...(message.caption !== undefined ? { caption: message.caption } : {}),
                    ...(message.preview !== undefined ? { preview: message.preview } : {}),
                    bytes: this.swift.files.get(message.relativePath)!.bytes!,
                    ...(e.sequence !== undefined ? { sequence: e.sequence } : {}),
                };
            });
    }

    /** The bytes stored at a relative path (uploaded by the connector or shared by the agent); undefined when none. */
    uploadedFile(relativePath: string): Buffer | undefined {
        return this.swift.files.get(relativePath)?.bytes;
    }

    /** Waits for a successful SEND whose request body matches `predicate` (from recorder index `after` on). */
    waitForSend(predicate: (body: Json) => boolean, options: { after?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
        return this.recorder.waitFor((r) => r.path.endsWith('/messaging/consumer/conversation/send') && r.status === 200 && predicate(r.body as Json), options);
    }

    /** Waits for the connector's next ContentEvent or RichContentEvent in a conversation; resolves with the published event. */
    async waitForConsumerMessage(conversationId: string, options: { after?: number; timeoutMs?: number } = {}): Promise<Json> {
        const request = await this.waitForSend(
            (b) =>
                b?.type === 'ms.PublishEvent' &&
                (b.body?.conversationId ?? b.body?.dialogId) === conversationId &&
                ['ContentEvent', 'RichContentEvent'].includes(b.body?.event?.type),
            options
        );
        return (request.body as Json).body.event;
    }

    /** Waits until the connector opened a conversation for `externalConsumerId`; resolves with it. */
    async waitForConversation(externalConsumerId: string, timeoutMs = 5000): Promise<LivePersonSandboxConversation> {
        await this.recorder.waitFor((r) => r.path.endsWith('/messaging/consumer/conversation') && r.status === 200, { timeoutMs });
        const found = [...this.conversations.values()].find((c) => c.externalConsumerId === externalConsumerId);
        if (!found) throw new Error(`LivePersonSandbox: no conversation for consumer "${externalConsumerId}".`);
        return found;
    }

    // ---- the REST API -------------------------------------------------------------------------------------

    protected faultBody(status: number) {
        return { body: umsError(status, status === 429 ? 'Too many requests, please try again later.' : 'Service unavailable', status * 100) };
    }

    protected handle(request: StandInRequest): StandInResponse {
        const { method, path } = request;
        const account = `/api/account/${this.accountId}`;
        const csds = path.match(/^\/api\/account\/([^/]+)\/service\/([^/]+)\/baseURI\.json$/);
        if (csds && method === 'GET') {
            if (csds[1] !== this.accountId) return { status: 400, body: { message: `Unknown account ${csds[1]}` } };
            const host = new URL(csds[2] === 'swift' ? this.swift.url : this.url).host;
            return { status: 200, body: { service: csds[2], account: this.accountId, baseURI: host } };
        }
        if (method !== 'POST') return { status: 405, body: { message: `${method} ${path} is not supported` } };
        if (path === `/sentinel${account}/app/token`) return this.issueAppJwt(request);
        if (path === `${account}/consumer`) return this.issueConsumerJws(request);
        if (path === `${account}/messaging/consumer/conversation`) return this.createConversation(request);
        if (path === `${account}/messaging/consumer/conversation/send`) return this.send(request);
        return { status: 404, body: { message: `Not found: ${path}` } };
    }

    /** Sentinel: client credentials in an `application/x-www-form-urlencoded` body. */
    private issueAppJwt(request: StandInRequest): StandInResponse {
        if (request.query.get('grant_type') !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
        if (!String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
            return { status: 400, body: { error: 'invalid_request', error_description: 'Content-Type must be application/x-www-form-urlencoded' } };
        }
        const form = new URLSearchParams(request.rawBody.toString('utf8'));
        if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
            return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
        }
        const now = Math.floor(Date.now() / 1000);
        const token = this.tokens.issue(
            {
                aud: this.accountId,
                azp: this.clientId,
                scope: 'msg.consumer',
                iss: 'Sentinel',
                iat: now,
                exp: now + (this.options.appJwtLifetimeSeconds ?? 3600),
                jti: randomUUID(),
            },
            `appjwt-${this.accountId}`
        );
        return { status: 200, body: { access_token: token, token_type: 'Bearer' } };
    }

    private issueConsumerJws(request: StandInRequest): StandInResponse {
        const appError = this.checkAppJwt(request);
        if (appError) return appError;
        const externalId = (request.json as Json | undefined)?.ext_consumer_id;
        if (typeof externalId !== 'string' || externalId === '') return { status: 400, body: umsError(400, 'ext_consumer_id is required', 40001) };
        const token = this.tokens.issue(
            { account_id: this.accountId, ext_consumer_id: externalId, lp_consumer_id: lpConsumerId(this.accountId, externalId), jti: randomUUID() },
            'consumerjws'
        );
        return { status: 201, body: { token } };
    }

    private checkAppJwt(request: StandInRequest): StandInResponse | undefined {
        const header = request.headers.authorization;
        if (!header) return { status: 401, body: umsError(401, 'AppJWT is missing', 40105, 'AUTHORIZATION header is not present') };
        const claims = this.tokens.read(String(header));
        if (!claims || claims.iss !== 'Sentinel' || claims.aud !== this.accountId || claims.exp * 1000 <= Date.now()) {
            return { status: 401, body: umsError(401, 'Invalid AppJWT', 40102, 'AppJWT has expired or is invalid') };
        }
        return undefined;
    }

    /** Both tokens of a CONVERSATION / SEND call; resolves with the consumer's claims or an error answer. */
    private checkTokens(request: StandInRequest): { consumer: Json } | { error: StandInResponse } {
        const appError = this.checkAppJwt(request);
        if (appError) return { error: appError };
        const onBehalf = request.headers['x-lp-on-behalf'];
        if (!onBehalf) return { error: { status: 401, body: umsError(401, 'ConsumerJWS is missing', 40104, 'X_ON_BEHALF_HEADER is not present') } };
        const consumer = this.tokens.read(String(onBehalf));
        if (!consumer || consumer.account_id !== this.accountId)
            return { error: { status: 401, body: umsError(401, 'Invalid ConsumerJWS', 40103, 'ConsumerJWS is invalid') } };
        return { consumer };
    }

    private createConversation(request: StandInRequest): StandInResponse {
        const tokens = this.checkTokens(request);
        if ('error' in tokens) return tokens.error;
        const batch = request.json;
        if (!Array.isArray(batch) || batch.length !== 2)
            return { status: 400, body: umsError(400, 'The body must be an array: [userprofile.SetUserProfile, cm.ConsumerRequestConversation]', 40000) };
        const [profile, requestConversation] = batch as Json[];
        if (profile?.type !== 'userprofile.SetUserProfile' || requestConversation?.type !== 'cm.ConsumerRequestConversation') {
            return { status: 400, body: umsError(400, 'Expected userprofile.SetUserProfile then cm.ConsumerRequestConversation', 40000) };
        }
        for (const req of batch as Json[]) {
            if (req.kind !== 'req' || typeof req.id !== 'string' || req.id.length < 1 || req.id.length > 64)
                return { status: 400, body: umsError(400, 'Each request needs kind "req" and an id of 1-64 characters', 40000) };
        }
        if (requestConversation.body?.brandId !== this.accountId) return { status: 400, body: umsError(400, 'Brand Id is missing', 40001) };
        const consumerId = String(tokens.consumer.lp_consumer_id);
        if ([...this.conversations.values()].some((c) => c.consumerId === consumerId && c.state === 'OPEN')) {
            return { status: 400, body: umsError(400, 'The consumer already has an open conversation', 40000) };
        }
        const now = Date.now();
        const conversation: LivePersonSandboxConversation = {
            id: randomUUID(),
            externalConsumerId: String(tokens.consumer.ext_consumer_id),
            consumerId,
            skillId: String(requestConversation.body.skillId ?? '-1'),
            campaignInfo: requestConversation.body.campaignInfo,
            userProfile: profile.body,
            clientProperties: request.headers['client-properties'] as string | undefined,
            state: 'OPEN',
            startTs: now,
            metaDataLastUpdateTs: now,
            nextSequence: 0,
            events: [],
        };
        this.conversations.set(conversation.id, conversation);
        this.background(conversation.id, () => this.conversationNotification(conversation.id));
        return {
            status: 200,
            body: [
                { code: 'OK', body: { msg: 'OK User Profile set successfully' }, reqId: profile.id },
                { code: 'OK', body: { conversationId: conversation.id }, reqId: requestConversation.id },
            ],
        };
    }

    private send(request: StandInRequest): StandInResponse {
        const tokens = this.checkTokens(request);
        if ('error' in tokens) return tokens.error;
        const req = request.json as Json | undefined;
        if (!req || Array.isArray(req) || req.kind !== 'req' || typeof req.id !== 'string' || req.id.length < 1 || req.id.length > 64) {
            return { status: 400, body: umsError(400, 'The body must be one request with kind "req" and an id of 1-64 characters', 40000) };
        }
        if (req.type === 'ms.GenerateURLForUploadFile') return this.generateUploadUrl(req, String(tokens.consumer.lp_consumer_id));
        if (req.type === 'ms.GenerateURLForDownloadFile') return this.generateDownloadUrl(req, String(tokens.consumer.lp_consumer_id));
        const conversationId = req.body?.conversationId ?? req.body?.dialogId;
        const conversation = this.conversations.get(String(conversationId));
        if (!conversation) return { status: 400, body: { reqId: req.id, code: 400, body: `Conversation ${conversationId} not found` } };
        if (conversation.consumerId !== tokens.consumer.lp_consumer_id) {
            return { status: 401, body: umsError(401, 'Unauthorized', 40103, 'The consumer does not own this conversation') };
        }
        if (conversation.state === 'CLOSE') return { status: 400, body: { reqId: req.id, code: 400, body: 'The conversation is closed' } };
        if (req.type === 'cm.UpdateConversationField') {
            const field = req.body?.conversationField;
            if (field?.field !== 'ConversationStateField' || field.conversationState !== 'CLOSE') {
                return { status: 400, body: { reqId: req.id, code: 400, body: 'Only ConversationStateField CLOSE is supported for consumers' } };
            }
            conversation.state = 'CLOSE';
            conversation.closeReason = 'CONSUMER';
            this.touch(conversation);
            this.background(conversation.id, () => this.conversationNotification(conversation.id));
            return { status: 200, body: { reqId: req.id, code: 'OK', body: 'Conversation closed' } };
        }
        if (req.type !== 'ms.PublishEvent') return { status: 400, body: { reqId: req.id, code: 400, body: `Unsupported type ${req.type}` } };
        const event = req.body?.event as Json | undefined;
        const problem = checkEvent(event) ?? (event!.contentType === 'hosted/file' ? this.checkHostedFile(event!.message, conversation.consumerId) : undefined);
        if (problem) return { status: 400, body: { reqId: req.id, code: 400, body: problem } };
        if (event!.contentType === 'hosted/file') this.swift.files.get(event!.message.relativePath)!.conversationId = conversation.id;
        const sequenced = event!.type !== 'ChatStateEvent';
        if (!sequenced) conversation.consumerChatState = event!.chatState;
        const stored: LivePersonSandboxEvent = {
            ...(sequenced ? { sequence: conversation.nextSequence++ } : {}),
            role: 'CONSUMER',
            originatorId: conversation.consumerId,
            event: event!,
            ...(req.metadata ? { metadata: req.metadata } : {}),
            serverTimestamp: Date.now(),
        };
        conversation.events.push(stored);
        if (this.options.echoConsumerEvents !== false) {
            this.background(conversation.id, () => this.messagingNotification([this.changeOf(conversation, stored)]));
        }
        return { status: 200, body: { reqId: req.id, code: 'OK', body: sequenced ? { sequence: stored.sequence } : {} } };
    }

    /**
     * `ms.GenerateURLForUploadFile` `{ fileSize, fileType }`: a place for the file and its temporary upload URL's
     * `queryParams`. Types JPG, JPEG, PNG, GIF; up to `maxFileBytes`.
     */
    private generateUploadUrl(req: Json, consumerId: string): StandInResponse {
        const fileType = req.body?.fileType;
        const fileSize = Number(req.body?.fileSize);
        if (!HOSTED_FILE_TYPES.includes(fileType)) {
            return {
                status: 400,
                body: { reqId: req.id, code: 400, body: `Unsupported fileType ${fileType}: the supported file types are ${HOSTED_FILE_TYPES.join(', ')}` },
            };
        }
        if (!Number.isInteger(fileSize) || fileSize < 1)
            return { status: 400, body: { reqId: req.id, code: 400, body: 'fileSize must be a positive number of bytes' } };
        if (fileSize > this.maxFileBytes) {
            return { status: 400, body: { reqId: req.id, code: 400, body: `fileSize ${fileSize} is over the ${this.maxFileBytes}-byte limit` } };
        }
        const file = this.swift.reserve(fileType, fileSize, { consumerId });
        return {
            status: 200,
            body: {
                kind: 'resp',
                reqId: req.id,
                code: 200,
                body: { relativePath: file.relativePath, queryParams: this.swift.sign('PUT', file.relativePath) },
                type: 'ms.GenerateURLResponse',
            },
        };
    }

    /** `ms.GenerateURLForDownloadFile` `{ relativePath }`: a temporary download URL of a stored file the consumer may see. */
    private generateDownloadUrl(req: Json, consumerId: string): StandInResponse {
        const relativePath = req.body?.relativePath;
        const file = typeof relativePath === 'string' ? this.swift.files.get(relativePath) : undefined;
        const conversation = file?.conversationId ? this.conversations.get(file.conversationId) : undefined;
        if (!file?.bytes || (file.consumerId !== consumerId && conversation?.consumerId !== consumerId)) {
            return { status: 400, body: { reqId: req.id, code: 400, body: `File ${relativePath} not found` } };
        }
        return {
            status: 200,
            body: {
                kind: 'resp',
                reqId: req.id,
                code: 200,
                body: { relativePath, queryParams: this.swift.sign('GET', relativePath) },
                type: 'ms.BaseGenerateURLResponse',
            },
        };
    }

    /** A consumer's `hosted/file` message: a file this consumer uploaded, a hosted type, an optional caption and a preview under 30 KB. */
    private checkHostedFile(message: unknown, consumerId: string): string | undefined {
        if (typeof message !== 'object' || message === null) return 'A hosted/file message must be { caption?, relativePath, fileType, preview? }';
        const { relativePath, fileType, caption, preview } = message as Json;
        const file = typeof relativePath === 'string' ? this.swift.files.get(relativePath) : undefined;
        if (!file || file.consumerId !== consumerId || !file.bytes) return `hosted/file relativePath ${relativePath} was not uploaded by this consumer`;
        if (!HOSTED_FILE_TYPES.includes(fileType)) return `hosted/file fileType must be one of ${HOSTED_FILE_TYPES.join(', ')}`;
        if (caption !== undefined && typeof caption !== 'string') return 'hosted/file caption must be a string';
        if (preview !== undefined && (typeof preview !== 'string' || !preview.startsWith('data:image/') || preview.length >= 30_000)) {
            return 'hosted/file preview must be a data:image URL under 30 KB';
        }
        return undefined;
    }

    private agentChange(conversationId: string, event: Json, sequenced: boolean, audience?: string): Json {
        const c = this.conversation(conversationId);
        const agentId = c.agentId ?? 'agent-1';
        const stored: LivePersonSandboxEvent = {
            ...(sequenced ? { sequence: c.nextSequence++ } : {}),
            role: 'ASSIGNED_AGENT',
            originatorId: agentId,
            event,
            serverTimestamp: Date.now(),
        };
        c.events.push(stored);
        return { ...this.changeOf(c, stored), ...(audience ? { messageAudience: audience } : {}) };
    }

    private changeOf(c: LivePersonSandboxConversation, e: LivePersonSandboxEvent): Json {
        return {
            ...(e.sequence !== undefined ? { sequence: e.sequence } : {}),
            originatorId: e.originatorId,
            originatorMetadata: { id: e.originatorId, role: e.role },
            ...(e.event.type !== 'ChatStateEvent' ? { serverTimestamp: e.serverTimestamp } : {}),
            event: e.event,
            conversationId: c.id,
            dialogId: c.id,
            ...(e.event.type !== 'ChatStateEvent' ? { messageAudience: 'ALL' } : {}),
            ...(e.metadata ? { metadata: e.metadata } : {}),
        };
    }

    private touch(c: LivePersonSandboxConversation): void {
        c.metaDataLastUpdateTs = Math.max(Date.now(), c.metaDataLastUpdateTs + 1);
    }

    /** Runs deliveries of one conversation one after the other, as LivePerson keeps per-conversation order. */
    private inOrder<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
        const previous = this.chains.get(conversationId) ?? Promise.resolve();
        const next = previous.then(task, task);
        const tail = next.catch(() => undefined);
        this.chains.set(conversationId, tail);
        void tail.then(() => {
            if (this.chains.get(conversationId) === tail) this.chains.delete(conversationId);
        });
        return next;
    }

    /** Delivers after the current response, in the conversation's order (the notification is built when sent). */
    private background(conversationId: string, notification: () => Json): void {
        if (!this.webhookUrl) return;
        this.track(
            this.inOrder(conversationId, async () => {
                await new Promise((resolve) => setImmediate(resolve));
                return this.deliver(notification());
            }).catch(() => undefined)
        );
    }
}

/**
 * The Connector API lets a consumer publish text, files/images, chat state, metadata, close and CSAT; structured content
 * and quick replies are agent capabilities (connector-api-overview), so the stand-in refuses them from the consumer.
 */
const CONSUMER_CAPABILITIES_REFUSAL = (what: string) =>
    `A consumer may not publish ${what}: the Connector API's consumer capabilities are text, files, chat state, metadata, close and CSAT`;

function checkEvent(event: Json | undefined): string | undefined {
    switch (event?.type) {
        case 'ContentEvent':
            if (typeof event.message !== 'string' && (typeof event.message !== 'object' || event.message === null)) return 'ContentEvent.message is required';
            if (event.quickReplies !== undefined) return CONSUMER_CAPABILITIES_REFUSAL('quick replies');
            return typeof event.contentType === 'string' ? undefined : 'ContentEvent.contentType is required';
        case 'RichContentEvent':
            return CONSUMER_CAPABILITIES_REFUSAL('structured content (RichContentEvent)');
        case 'ChatStateEvent':
            return CHAT_STATES.has(event.chatState) ? undefined : `ChatStateEvent.chatState must be one of ${[...CHAT_STATES].join(', ')}`;
        case 'AcceptStatusEvent':
            if (!ACCEPT_STATUSES.has(event.status)) return `AcceptStatusEvent.status must be one of ${[...ACCEPT_STATUSES].join(', ')}`;
            return Array.isArray(event.sequenceList) && event.sequenceList.every((n: unknown) => Number.isInteger(n))
                ? undefined
                : 'AcceptStatusEvent.sequenceList must be a list of sequences';
        default:
            return `Unsupported event type ${event?.type}`;
    }
}

function umsError(code: number, title: string, errorCode: number, details = title): Json {
    return { kind: 'resp', code, body: { title, details, errorCode }, type: '.ReqBody$ErrorResp' };
}
