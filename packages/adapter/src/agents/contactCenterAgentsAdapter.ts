import type { StorageLike } from '../core/storage';
import { Activity, ActivityTypes, type ConversationReference } from '@microsoft/agents-activity';
import { BaseAdapter, INVOKE_RESPONSE_KEY, TurnContext, type AttachmentData, type AttachmentInfo, type ResourceResponse } from '@microsoft/agents-hosting';
import type { ConversationReference as PlainReference, PlainActivity } from '../core/activity';
import type { ContactCenterConnector } from '../core/contactCenterConnector';
import { UnsupportedOperationError } from '../core/errors';
import type { WebhookRequest, WebhookResponse } from '../core/http';
import { hostGuards } from '../core/hostGuards';
import { TurnScope } from '../core/turn';
import { useQuickReplyPrompts } from '../core/quickReplyPrompts';

/** The bot's turn handler, as passed to `process()` and `continueConversation()` (e.g. `(context) => app.run(context)`). */
export type AgentLogic = (context: TurnContext) => Promise<unknown>;

/** Options of the Agents SDK host, besides the vendor's. */
export interface AgentsHostOptions {
    /**
     * Keep the Agents SDK's default `onTurnError`, which sends two error texts to the customer and answers the vendor
     * 200 (the event is then never redelivered). Default false: a failed turn rejects, the webhook is answered 500 and
     * the vendor redelivers it, as with botbuilder. Setting your own `onTurnError` works either way.
     */
    keepDefaultOnTurnError?: boolean | undefined;
    /**
     * Make `ChoicePrompt` and `ConfirmPrompt` of `@microsoft/agents-hosting-dialogs` offer their choices as suggested
     * actions (8x8 and LivePerson quick replies) when the agent sets no style (`ListStyle.auto`), with no change to the
     * agent. Default true. Version 0.6.22 renders choices only as text (`auto`, `suggestedAction` and `heroCard` all end
     * in `ChoiceFactory.forChannel`, which knows no suggested actions); the adapter wraps that function in the copy the
     * agent loaded (0.6.x; another version is left untouched with a warning) for this adapter's channel only, within
     * the vendor's quick-reply limits. Typing the choice, its number or a synonym keeps working. `false` leaves the
     * library untouched.
     */
    quickReplyPrompts?: boolean | undefined;
}

/** turnState key of the vendor core's {@link TurnScope} for the turn. */
const TURN_SCOPE = Symbol('botbuilder-contact-center.turn');

type AnyConnector = ContactCenterConnector<any, any, any>;

/**
 * The Microsoft 365 Agents SDK host: a `BaseAdapter` that runs the agent's turns on a vendor connector. Inbound
 * activities go through `Activity.fromObject` (the SDK's validation) into a TurnContext; outgoing `Activity` instances
 * go back to the connector as plain objects (`toJsonString`, which keeps the `channelId` getter's value).
 * `EightByEightAdapter` and `LivePersonAdapter` are this class on their vendor's connector; any other
 * `ContactCenterConnector` runs the same way.
 *
 * @example
 * ```ts
 * const adapter = new ContactCenterAgentsAdapter(new EightByEightConnector({ apiKey: process.env.EIGHTBYEIGHT_API_KEY! }));
 * ```
 */
export class ContactCenterAgentsAdapter<TConnector extends AnyConnector> extends BaseAdapter {
    /** The framework-free vendor core this adapter runs on. */
    readonly connector: TConnector;

    /**
     * @param connector The vendor core to run the agent on.
     * @param options What the host does besides the vendor's options (see {@link AgentsHostOptions}).
     */
    constructor(connector: TConnector, options: AgentsHostOptions = {}) {
        super();
        this.connector = connector;
        if (!options.keepDefaultOnTurnError) {
            // The SDK's default handler answers failed turns with two texts to the customer and swallows the error.
            this.onTurnError = undefined as unknown as BaseAdapter['onTurnError'];
        }
        useQuickReplyPrompts(this, '@microsoft/agents-hosting-dialogs', connector, options.quickReplyPrompts);
    }

    /**
     * Handles one vendor webhook request: verifies it, writes its events to the durable inbox and answers the vendor;
     * the agent's turns run from the inbox right after (in order per conversation, retried when they fail).
     * Never throws: every failure becomes an HTTP status with a JSON `{ error }` message, and a log line.
     *
     * @example
     * ```ts
     * http.createServer((req, res) => adapter.process(req, res, (context) => app.run(context))).listen(3978);
     * ```
     */
    async process(req: WebhookRequest, res: WebhookResponse, logic: AgentLogic): Promise<void> {
        if (!hostGuards.processLogic(this.constructor.name, logic, this.connector.logger, res)) return;
        await this.connector.process(req, res, (activity, turn) => this.runTurn(activity, turn, logic));
    }

    /**
     * Starts running the inbox with the agent's logic without waiting for a webhook: call it at start-up, so events a
     * previous run accepted but had not finished (a restart, a crash) are resumed at once.
     *
     * @example
     * ```ts
     * adapter.processInbox((context) => app.run(context));
     * ```
     */
    processInbox(logic: AgentLogic): void {
        hostGuards.logic(this.constructor.name, 'processInbox', logic);
        this.connector.processInbox((activity, turn) => this.runTurn(activity, turn, logic));
    }

    /** Resolves once every accepted event has run (or been dead-lettered): for tests, and to drain before a stop. */
    whenIdle(): Promise<void> {
        return this.connector.whenIdle();
    }

    /** The inbox store's `Storage` (SQLite, Redis or memory, as configured): fit for the agent's own state too. */
    get storage(): StorageLike {
        return this.connector.storage;
    }

    /** Sends the agent's activities to the vendor, one after the other; one ResourceResponse each. */
    override async sendActivities(context: TurnContext, activities: Activity[]): Promise<ResourceResponse[]> {
        hostGuards.sendActivities(this.constructor.name, context, activities);
        const turn: TurnScope = context.turnState.get(TURN_SCOPE) ?? new TurnScope(toPlain(context.activity));
        const responses: ResourceResponse[] = [];
        for (const activity of activities) {
            const plain = toPlain(activity);
            if (plain.type === ActivityTypes.InvokeResponse) {
                context.turnState.set(INVOKE_RESPONSE_KEY, activity);
                responses.push(await this.connector.sendInvokeResponse(plain, turn));
            } else {
                responses.push(...(await this.connector.send([plain], turn)));
            }
        }
        return responses;
    }

    /** Neither vendor can edit a sent message: rejects with `UnsupportedOperationError`. */
    override async updateActivity(_context: TurnContext, _activity: Activity): Promise<void> {
        throw hostGuards.cannotChangeSent(this.constructor.name, 'updateActivity', this.connector.vendor);
    }

    /** Neither vendor can delete a sent message: rejects with `UnsupportedOperationError`. */
    override async deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
        throw hostGuards.cannotChangeSent(this.constructor.name, 'deleteActivity', this.connector.vendor);
    }

    /**
     * Runs `logic` in a proactive turn of the conversation `reference` points to (from
     * `context.activity.getConversationReference()` saved earlier). The app id / identity is not used by these
     * vendors (they have no Bot Framework token service); any value is accepted.
     *
     * @example
     * ```ts
     * await adapter.continueConversation('', savedReference, async (context) => {
     *     await context.sendActivity('Your order has shipped.');
     * });
     * ```
     */
    override async continueConversation(
        _botAppIdOrIdentity: unknown,
        reference: Partial<ConversationReference>,
        logic: (context: TurnContext) => Promise<void>
    ): Promise<void> {
        hostGuards.reference(this.constructor.name, 'continueConversation', reference as Partial<PlainReference>);
        hostGuards.logic(this.constructor.name, 'continueConversation', logic);
        await this.connector.continueConversation(fromAgentsReference(reference), (activity, turn) => this.runTurn(activity, turn, logic));
    }

    /** Not supported by these vendors (the SDK marks it deprecated): rejects with `UnsupportedOperationError`. */
    override async uploadAttachment(_context: TurnContext, _conversationId: string, _data: AttachmentData): Promise<ResourceResponse> {
        throw new UnsupportedOperationError(`${this.constructor.name}.uploadAttachment(): send the file as a message attachment with a contentUrl instead.`);
    }

    /** Not supported by these vendors: rejects with `UnsupportedOperationError`. */
    override async getAttachmentInfo(_context: TurnContext, _attachmentId: string): Promise<AttachmentInfo> {
        throw new UnsupportedOperationError(`${this.constructor.name}.getAttachmentInfo(): received files come with a contentUrl; download that instead.`);
    }

    /** Not supported by these vendors: rejects with `UnsupportedOperationError`. */
    override async getAttachment(_context: TurnContext, _attachmentId: string, _viewId: string): Promise<NodeJS.ReadableStream> {
        throw new UnsupportedOperationError(`${this.constructor.name}.getAttachment(): received files come with a contentUrl; download that instead.`);
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

    /** Runs one activity as a turn through the middleware and the agent. */
    private async runTurn(activity: PlainActivity, turn: TurnScope, logic: AgentLogic): Promise<void> {
        const context = new TurnContext(this, Activity.fromObject(activity));
        context.turnState.set(TURN_SCOPE, turn);
        await this.runMiddleware(context, async (ctx) => {
            await logic(ctx);
        });
    }
}

/** An Agents SDK `Activity` (a class whose `channelId` is a getter) as a plain activity. */
function toPlain(activity: Activity): PlainActivity {
    return typeof activity.toJsonString === 'function' ? (JSON.parse(activity.toJsonString()) as PlainActivity) : (activity as unknown as PlainActivity);
}

/** The Agents SDK names the bot's account `agent` in references; the core uses botbuilder's `bot`. */
export function fromAgentsReference(reference: Partial<ConversationReference>): PlainReference {
    const { agent, ...rest } = reference as Partial<ConversationReference> & { bot?: PlainReference['bot'] };
    const plain = rest as PlainReference;
    return agent && !plain.bot ? { ...plain, bot: agent as PlainReference['bot'] } : plain;
}

/** A core reference in the Agents SDK's shape (`agent` for the bot's account). */
export function toAgentsReference(reference: PlainReference): ConversationReference {
    const { bot, ...rest } = reference;
    return { ...rest, ...(bot ? { agent: bot } : {}) } as ConversationReference;
}
