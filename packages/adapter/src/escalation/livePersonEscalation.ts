import type { WebhookRequest, WebhookResponse } from '../core/http';
import type { InboxStore } from '../core/inboxStore';
import { describeError } from '../core/logger';
import type { StorageLike } from '../core/storage';
import type { TurnRunner } from '../core/turn';
import { AgentEvents } from './agentEvents';
import { CustomerChannels, type CustomerAdapter, type EscalationMiddleware } from './customerChannel';
import { CustomerMiddleware } from './customerMiddleware';
import { EscalationConnector } from './escalationConnector';
import { EscalationLifecycle, type EscalationDeps } from './lifecycle';
import { resolveEscalationOptions, type LivePersonEscalationOptions } from './options';
import { EscalationRecords } from './records';
import { notificationConversation } from './webhookRouting';

/** Options of {@link LivePersonEscalation.middleware}. */
export interface EscalationMiddlewareOptions {
    /**
     * The bot's turn handler, the one you give the adapter's `process()` (e.g. `(context) => bot.run(context)`): the
     * bridge runs it for the escalation's events (`handoff.status`, queued, transferred) on the customer's conversation.
     */
    logic: (context: any) => Promise<unknown>;
    /**
     * The bot's app id (`MicrosoftAppId`, `clientId`) for proactive turns: `continueConversationAsync(botAppId, …)` on
     * botbuilder, `continueConversation(botAppId, …)` on the Agents SDK. Default `''`: no credentials, as with the
     * Emulator (on the Agents SDK the bridge then passes its anonymous identity `{}`); this library's adapters take any.
     */
    botAppId?: string | undefined;
    /** The adapter's name in the bridge's records, when several adapters use one bridge. Default `'default'`. */
    name?: string | undefined;
}

/**
 * Escalates a customer the bot serves on any Bot Framework channel (Web Chat / Direct Line and Teams through
 * botbuilder's `CloudAdapter`, 8x8 through this library's `EightByEightAdapter`, or an Agents SDK adapter) to a
 * LivePerson agent: the bridge opens a LivePerson conversation on the customer's behalf (Connector API), relays both
 * ways until the agent closes it, then the bot takes over again. The bot asks the standard way, with `handoff.initiate`
 * (`EventFactory.createHandoffInitiation(context, { skillId, summary, sdes }, transcript)`; on the Agents SDK this
 * library's `createHandoffInitiation`), and hears back through `handoff.status` (`accepted`, `completed`, `failed` with
 * `value.reason`) and the events of {@link LivePersonEscalationEvents}.
 *
 * All state lives in the store's Storage (compare-and-swap on every transition), LivePerson webhooks go through a
 * durable inbox (answered at once; relayed in order per conversation, retried while the customer's channel fails), so
 * several instances can share one store and a restart loses nothing.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
 * import { LivePersonEscalation, SqliteInboxStore } from 'botbuilder-contact-center';
 *
 * const store = new SqliteInboxStore({ path: './data/contact-center.sqlite' });
 * const bridge = new LivePersonEscalation({
 *     accountId: process.env.LIVEPERSON_ACCOUNT_ID!,
 *     clientId: process.env.LIVEPERSON_CLIENT_ID!,
 *     clientSecret: process.env.LIVEPERSON_CLIENT_SECRET!,
 *     skillId: process.env.LIVEPERSON_ESCALATION_SKILL,
 *     store,
 * });
 * const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(process.env));
 * const bot = new ActivityHandler(); // sends EventFactory.createHandoffInitiation(...) when the customer asks for a human
 * const logic = (context) => bot.run(context);
 * adapter.use(bridge.middleware(adapter, { logic, botAppId: process.env.MicrosoftAppId ?? '' }));
 *
 * const app = express();
 * app.post('/api/messages', express.json(), (req, res) => adapter.process(req, res, logic));
 * app.post('/api/liveperson/webhook', (req, res) => bridge.process(req, res)); // no body parser: the signature needs the raw bytes
 * app.listen(3978);
 * ```
 */
export class LivePersonEscalation {
    private readonly deps: EscalationDeps;
    private readonly connector: EscalationConnector;
    private readonly lifecycle: EscalationLifecycle;
    private readonly runner: TurnRunner;
    private readonly sweepTimer: NodeJS.Timeout | undefined;

    /** @param options The LivePerson app installation, the store, and the escalation's behaviour ({@link LivePersonEscalationOptions}). */
    constructor(options: LivePersonEscalationOptions) {
        const resolved = resolveEscalationOptions(options);
        const consumerOf = async (conversationId: string) => {
            const link = await records.linkOf(conversationId);
            return link && (await records.read(link.customerKey))?.consumerId;
        };
        this.connector = new EscalationConnector(resolved.livePerson, consumerOf);
        const records = new EscalationRecords(this.connector.storage);
        this.deps = { records, connector: this.connector, channels: new CustomerChannels(), options: resolved, logger: this.connector.logger };
        this.lifecycle = new EscalationLifecycle(this.deps);
        const agentEvents = new AgentEvents(this.deps, this.lifecycle);
        this.runner = (activity) => agentEvents.handle(activity);
        if (resolved.sweepIntervalMs !== undefined) {
            this.sweepTimer = setInterval(() => void this.sweep(), resolved.sweepIntervalMs).unref();
        }
    }

    /** The store holding the bridge's state, its LivePerson inbox and tokens. */
    get store(): InboxStore {
        return this.connector.store;
    }

    /** The store's Storage (escalation records under `liveperson-escalation/…`). */
    get storage(): StorageLike {
        return this.connector.storage;
    }

    /**
     * The middleware to install on the adapter serving the customer (`adapter.use(...)`): it takes the bot's
     * `handoff.initiate` out of what goes to the customer, relays the customer to the agent while escalated, and
     * registers the adapter for the bridge's proactive turns. Install it first, before state-saving middleware.
     *
     * @example
     * ```ts
     * adapter.use(bridge.middleware(adapter, { logic: (context) => bot.run(context) }));
     * ```
     */
    middleware(adapter: CustomerAdapter, options: EscalationMiddlewareOptions): EscalationMiddleware {
        const candidate = adapter as Record<string, unknown> | undefined;
        if (typeof candidate?.continueConversationAsync !== 'function' && typeof candidate?.continueConversation !== 'function') {
            throw new TypeError('LivePersonEscalation.middleware(): adapter must be a botbuilder or Agents SDK adapter (with continueConversation).');
        }
        if (typeof options?.logic !== 'function')
            throw new TypeError("LivePersonEscalation.middleware(): options.logic must be the bot's (context) => Promise<void>.");
        if (options.name !== undefined && (typeof options.name !== 'string' || options.name.trim() === '')) {
            throw new TypeError('LivePersonEscalation.middleware(): options.name must be a non-empty string when given.');
        }
        const channel = { name: options.name ?? 'default', adapter, botAppId: options.botAppId ?? '', logic: options.logic };
        this.deps.channels.add(channel);
        // Resume what an earlier run left in the inbox, now that there is a channel to relay to.
        this.connector.processInbox(this.runner);
        return new CustomerMiddleware(this.deps, this.lifecycle, channel);
    }

    /**
     * Handles one LivePerson webhook request (mount it without a body parser, or keep the raw bytes in `req.rawBody`):
     * verifies the signature and account, stores the notification's changes in the inbox (duplicates dropped) and
     * answers 200 at once; the changes are relayed from there. Never throws.
     *
     * @example
     * ```ts
     * http.createServer((req, res) => bridge.process(req, res)).listen(3979);
     * ```
     */
    process(req: WebhookRequest, res: WebhookResponse): Promise<void> {
        return this.connector.process(req, res, this.runner);
    }

    /**
     * True when a LivePerson notification is about a conversation the bridge opened: for a webhook route shared with a
     * `LivePersonAdapter` (one app installation, one webhook URL), give the body as bytes to both and let each take its
     * own. A body that is no notification is not the bridge's. Reads the Storage once; checks no signature (the
     * `process()` it goes to does).
     *
     * @example
     * ```ts
     * app.post('/api/liveperson/webhook', express.raw({ type: () => true }), async (req, res) => {
     *     if (await bridge.handles(req.body)) await bridge.process(req, res);
     *     else await livePersonAdapter.process(req, res, (context) => bot.run(context));
     * });
     * ```
     */
    async handles(body: Buffer | string): Promise<boolean> {
        const conversationId = notificationConversation(body);
        return conversationId !== undefined && (await this.deps.records.linkOf(conversationId)) !== undefined;
    }

    /**
     * Ends the waits for an agent and the accepted escalations whose customer was idle that passed their deadline
     * (`handoff.status` `failed`, LivePerson conversation closed) and delivers the bot's events that could not be delivered yet. Runs every `sweepIntervalMs` by itself;
     * call it from your own scheduler when that is off. Never rejects (problems are logged).
     *
     * @example
     * ```ts
     * const bridge = new LivePersonEscalation({ ...credentials, store, sweepIntervalMs: false });
     * scheduler.every('30s', () => bridge.sweep()); // one scheduler for all instances
     * ```
     */
    async sweep(): Promise<void> {
        try {
            await this.lifecycle.sweep();
        } catch (err) {
            this.deps.logger.warn(`LivePersonEscalation.sweep(): ${describeError(err)}`);
        }
    }

    /** Resolves once the LivePerson events received have been relayed (tests; draining before a stop). */
    whenIdle(): Promise<void> {
        return this.connector.whenIdle();
    }

    /**
     * Graceful shutdown: stops the sweep, answers webhooks 503 from now on, lets relays under way finish (`timeoutMs`,
     * default 10 s), closes LivePerson connections, and the store when the bridge opened it (no `store` option).
     *
     * @example
     * ```ts
     * process.once('SIGTERM', async () => { server.close(); await bridge.close(); await store.close(); });
     * ```
     */
    async close(timeoutMs?: number): Promise<void> {
        clearInterval(this.sweepTimer);
        await this.connector.close(timeoutMs);
    }
}
