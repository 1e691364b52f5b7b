import type { StorageLike } from '../core/storage';
import { ActivityTypes, BotAdapter, INVOKE_RESPONSE_KEY, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { PlainActivity } from '../core/activity';
import type { ContactCenterConnector } from '../core/contactCenterConnector';
import type { WebhookRequest, WebhookResponse } from '../core/http';
import { hostGuards } from '../core/hostGuards';
import { TurnScope } from '../core/turn';
import { useQuickReplyPrompts } from '../core/quickReplyPrompts';
import type { BotbuilderHostOptions } from './hostOptions';

/** The bot's turn handler, as passed to `process()` and `continueConversation()`. */
export type BotLogic = (context: TurnContext) => Promise<unknown>;

/** turnState key of the vendor core's {@link TurnScope} for the turn. */
const TURN_SCOPE = Symbol('botbuilder-contact-center.turn');

type AnyConnector = ContactCenterConnector<any, any, any>;

/**
 * The botbuilder v4 host: a `BotAdapter` that runs the bot's turns on a vendor connector. Inbound activities become
 * botbuilder TurnContexts; the bot's sends go back to the connector as plain activities. A failed turn rejects out of
 * `runMiddleware` (unless your `onTurnError` absorbs it), so the webhook is answered 500 and the vendor redelivers.
 * `EightByEightAdapter` and `LivePersonAdapter` are this class on their vendor's connector; any other
 * `ContactCenterConnector` runs the same way.
 *
 * @example
 * ```ts
 * const adapter = new ContactCenterBotAdapter(new EightByEightConnector({ apiKey: process.env.EIGHTBYEIGHT_API_KEY! }));
 * ```
 */
export class ContactCenterBotAdapter<TConnector extends AnyConnector> extends BotAdapter {
    /** The framework-free vendor core this adapter runs on. */
    readonly connector: TConnector;

    /**
     * @param connector The vendor core to run the bot on.
     * @param options What the host does besides the vendor's options (see {@link BotbuilderHostOptions}).
     */
    constructor(connector: TConnector, options: BotbuilderHostOptions = {}) {
        super();
        this.connector = connector;
        useQuickReplyPrompts(this, 'botbuilder-dialogs', connector, options.quickReplyPrompts);
    }

    /**
     * Handles one vendor webhook request: verifies it, writes its events to the durable inbox and answers the vendor;
     * the bot's turns run from the inbox right after (in order per conversation, retried when they fail).
     * Never throws: every failure becomes an HTTP status with a JSON `{ error }` message, and a log line.
     *
     * @example
     * ```ts
     * http.createServer((req, res) => adapter.process(req, res, (context) => bot.run(context))).listen(3978);
     * ```
     */
    async process(req: WebhookRequest, res: WebhookResponse, logic: BotLogic): Promise<void> {
        if (!hostGuards.processLogic(this.constructor.name, logic, this.connector.logger, res)) return;
        await this.connector.process(req, res, (activity, turn) => this.runTurn(activity, turn, logic));
    }

    /**
     * Starts running the inbox with the bot's logic without waiting for a webhook: call it at start-up, so events a
     * previous run accepted but had not finished (a restart, a crash) are resumed at once.
     *
     * @example
     * ```ts
     * adapter.processInbox((context) => bot.run(context));
     * ```
     */
    processInbox(logic: BotLogic): void {
        hostGuards.logic(this.constructor.name, 'processInbox', logic);
        this.connector.processInbox((activity, turn) => this.runTurn(activity, turn, logic));
    }

    /** Resolves once every accepted event has run (or been dead-lettered): for tests, and to drain before a stop. */
    whenIdle(): Promise<void> {
        return this.connector.whenIdle();
    }

    /** The inbox store's `Storage` (SQLite, Redis or memory, as configured): fit for the bot's own state too. */
    get storage(): StorageLike {
        return this.connector.storage;
    }

    /** Sends the bot's activities to the vendor, one after the other; one ResourceResponse each. */
    override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
        hostGuards.sendActivities(this.constructor.name, context, activities);
        const turn: TurnScope = context.turnState.get(TURN_SCOPE) ?? new TurnScope(context.activity as PlainActivity);
        const responses: ResourceResponse[] = [];
        for (const activity of activities) {
            if (activity.type === ActivityTypes.InvokeResponse) {
                context.turnState.set(INVOKE_RESPONSE_KEY, activity);
                responses.push(await this.connector.sendInvokeResponse(activity as PlainActivity, turn));
            } else {
                responses.push(...(await this.connector.send([activity as PlainActivity], turn)));
            }
        }
        return responses;
    }

    /** Neither vendor can edit a sent message: rejects with `UnsupportedOperationError`. */
    override async updateActivity(_context: TurnContext, _activity: Partial<Activity>): Promise<void> {
        throw hostGuards.cannotChangeSent(this.constructor.name, 'updateActivity', this.connector.vendor);
    }

    /** Neither vendor can delete a sent message: rejects with `UnsupportedOperationError`. */
    override async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
        throw hostGuards.cannotChangeSent(this.constructor.name, 'deleteActivity', this.connector.vendor);
    }

    /**
     * Runs `logic` in a proactive turn of the conversation `reference` points to (from
     * `TurnContext.getConversationReference(context.activity)` saved earlier).
     *
     * @param continuation The activity the proactive turn sees; default an `event` named `continueConversation`.
     * @example
     * ```ts
     * await adapter.continueConversation(savedReference, async (context) => {
     *     await context.sendActivity('Your order has shipped.');
     * });
     * ```
     */
    override async continueConversation(reference: Partial<ConversationReference>, logic: BotLogic, continuation?: Partial<Activity>): Promise<void> {
        hostGuards.reference(this.constructor.name, 'continueConversation', reference);
        hostGuards.logic(this.constructor.name, 'continueConversation', logic);
        await this.connector.continueConversation(
            reference as PlainActivity,
            (activity, turn) => this.runTurn(activity, turn, logic),
            continuation as PlainActivity
        );
    }

    /**
     * The CloudAdapter-style entry point used by current botbuilder samples. The bot app id / claims identity and
     * audience are not used by these vendors (they have no Bot Framework token service); any value is accepted.
     *
     * @example
     * ```ts
     * await adapter.continueConversationAsync(process.env.MicrosoftAppId ?? '', savedReference, async (context) => {
     *     await context.sendActivity('Still there?');
     * });
     * ```
     */
    override async continueConversationAsync(
        _botAppIdOrClaims: unknown,
        reference: Partial<ConversationReference>,
        logicOrAudience: BotLogic | string | undefined,
        maybeLogic?: BotLogic
    ): Promise<void> {
        const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
        hostGuards.logic(this.constructor.name, 'continueConversationAsync', logic);
        await this.continueConversation(reference, logic!);
    }

    /**
     * Graceful shutdown: webhooks are answered 503 from now on, running events get `timeoutMs` (default 10 s) to finish,
     * leases are released, pooled connections and the store the adapter opened are closed.
     *
     * @example
     * ```ts
     * process.once('SIGTERM', async () => { server.close(); await adapter.close(); });
     * ```
     */
    async close(timeoutMs?: number): Promise<void> {
        await this.connector.close(timeoutMs);
    }

    /** Runs one activity as a turn through the middleware and the bot. */
    private async runTurn(activity: PlainActivity, turn: TurnScope, logic: BotLogic): Promise<void> {
        const context = new TurnContext(this, activity as Partial<Activity>);
        context.turnState.set(TURN_SCOPE, turn);
        await this.runMiddleware(context, async (ctx) => {
            await logic(ctx);
        });
    }
}
