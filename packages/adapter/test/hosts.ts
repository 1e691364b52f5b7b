/**
 * The two hosts the adapter tests run on — botbuilder v4 (`botbuilder-contact-center`) and the Microsoft 365 Agents
 * SDK (`botbuilder-contact-center/agents`) — behind one host-neutral, structural test API. Each test file does
 * `for (const host of hosts) describe(\`... (${host.name})\`, ...)` and reaches the SDK only through `host`.
 *
 * The casts between the SDKs' own types and the structural types below are made here, once, and nowhere else.
 */
import * as botbuilder from 'botbuilder';
import * as botbuilderDialogs from 'botbuilder-dialogs';
import * as agents from '@microsoft/agents-hosting';
import { Activity as AgentsActivity, type ConversationReference as AgentsConversationReference } from '@microsoft/agents-activity';
import * as agentsDialogs from '@microsoft/agents-hosting-dialogs';
import { EightByEightAdapter as BotbuilderEightByEightAdapter } from '../src/botbuilder/eightByEightAdapter';
import { LivePersonAdapter as BotbuilderLivePersonAdapter } from '../src/botbuilder/livePersonAdapter';
import type { ContactCenterBotAdapter } from '../src/botbuilder/contactCenterBotAdapter';
import { EightByEightAdapter as AgentsEightByEightAdapter } from '../src/agents/eightByEightAdapter';
import { LivePersonAdapter as AgentsLivePersonAdapter } from '../src/agents/livePersonAdapter';
import type { ContactCenterAgentsAdapter } from '../src/agents/contactCenterAgentsAdapter';
import { createHandoffInitiation } from '../src/core/handoff';
import type { Attachment, ChannelAccount, ConversationReference, PlainActivity, ResourceResponse } from '../src/core/activity';
import type { WebhookRequest, WebhookResponse } from '../src/core/http';
import type { StorageLike } from '../src/core/storage';
import { MemoryInboxStore } from '../src/core/memoryInboxStore';
import type { EightByEightClient } from '../src/eightbyeight/client';
import type { EightByEightAdapterOptions } from '../src/eightbyeight/options';
import type { LivePersonClient } from '../src/liveperson/client';
import type { OpenConversationOptions } from '../src/liveperson/connector';
import type { LivePersonAdapterOptions } from '../src/liveperson/options';

// ---- the host-neutral shapes the tests use ---------------------------------------------------------------------

/** An activity as the tests read and write it (both SDKs' activities have this shape). */
export type TestActivity = PlainActivity;

/** A conversation reference: botbuilder names the bot's account `bot`, the Agents SDK `agent`. */
export type TestReference = Partial<ConversationReference> & { agent?: ChannelAccount };

/** What the tests use of a TurnContext (botbuilder's or the Agents SDK's). */
export interface TestContext {
    readonly activity: TestActivity;
    sendActivity(activityOrText: string | TestActivity): Promise<ResourceResponse | undefined>;
    sendActivities(activities: TestActivity[]): Promise<ResourceResponse[]>;
    readonly turnState: { get(key: unknown): unknown; set(key: unknown, value: unknown): unknown };
}

/** The bot's turn handler. */
export type TestLogic = (context: TestContext) => Promise<unknown>;

/** What the tests use of either host's adapter (same class names and options on both hosts). */
export interface TestAdapter {
    /** Answers the webhook, then waits until the events it accepted have run (see `forTests`). */
    process(req: WebhookRequest, res: WebhookResponse, logic: TestLogic): Promise<void>;
    /** The adapter's own `process()`: resolves when the webhook is answered. */
    processOnly(req: WebhookRequest, res: WebhookResponse, logic: TestLogic): Promise<void>;
    whenIdle(): Promise<void>;
    readonly storage: StorageLike;
    sendActivities(context: TestContext, activities: TestActivity[]): Promise<ResourceResponse[]>;
    updateActivity(context: TestContext, activity: TestActivity): Promise<void>;
    deleteActivity(context: TestContext, reference: TestReference): Promise<void>;
    close(timeoutMs?: number): Promise<void>;
}

export interface TestEightByEightAdapter extends TestAdapter {
    readonly client: EightByEightClient;
}

export interface TestLivePersonAdapter extends TestAdapter {
    readonly client: LivePersonClient;
    openConversation(options: OpenConversationOptions): Promise<TestReference>;
    reference(conversationId: string): TestReference;
}

/** A bot Storage (either SDK's MemoryStorage); also what the adapters' `storage` option takes. */
export interface TestStorage extends StorageLike {
    read(keys: string[]): Promise<Record<string, any>>;
    write(changes: Record<string, any>): Promise<void>;
    delete(keys: string[]): Promise<void>;
}

export interface TestStatePropertyAccessor {
    get(context: TestContext): Promise<unknown>;
}

export interface TestConversationState {
    createProperty(name: string): TestStatePropertyAccessor;
    saveChanges(context: TestContext, force?: boolean): Promise<void>;
}

/** The part of botbuilder-dialogs / agents-hosting-dialogs the tests use. */
export interface TestDialogs {
    DialogSet: new (dialogState: TestStatePropertyAccessor) => TestDialogSet;
    ChoicePrompt: new (dialogId: string) => TestDialog;
    WaterfallDialog: new (dialogId: string, steps: TestWaterfallStep[]) => TestDialog;
    DialogTurnStatus: { readonly empty: string; readonly waiting: string; readonly complete: string };
    ListStyle: { readonly suggestedAction: number; readonly heroCard: number; readonly none: number };
}

/** A dialog (opaque to the tests: only added to a DialogSet). */
export interface TestDialog {
    readonly id: string;
}

export interface TestDialogSet {
    add(dialog: TestDialog): TestDialogSet;
    createContext(context: TestContext): Promise<TestDialogContext>;
}

export interface TestDialogTurnResult {
    status: string;
    result?: unknown;
}

export interface TestDialogContext {
    continueDialog(): Promise<TestDialogTurnResult>;
    beginDialog(dialogId: string, options?: unknown): Promise<TestDialogTurnResult>;
}

export interface TestWaterfallStepContext {
    readonly context: TestContext;
    readonly result: unknown;
    prompt(dialogId: string, options: { prompt: string | TestActivity; choices: string[]; style?: number }): Promise<TestDialogTurnResult>;
    endDialog(result?: unknown): Promise<TestDialogTurnResult>;
}

export type TestWaterfallStep = (step: TestWaterfallStepContext) => Promise<TestDialogTurnResult>;

/** What an `adaptiveCard/action` invoke handler answers (both SDKs' `AdaptiveCardInvokeResponse`). */
export interface TestAdaptiveCardInvokeResponse {
    statusCode: number;
    type: string;
    value: Record<string, unknown>;
}

/** A bot built on the host SDK's `ActivityHandler`. */
export interface TestBot {
    run(context: TestContext): Promise<void>;
}

/** One host: everything SDK-specific the adapter tests need. */
interface TestHostBase {
    /** The SDK's `EightByEightAdapter` (botbuilder's main entry, or `botbuilder-contact-center/agents`). */
    EightByEightAdapter: new (options: EightByEightAdapterOptions) => TestEightByEightAdapter;
    /** The SDK's `LivePersonAdapter`. */
    LivePersonAdapter: new (options: LivePersonAdapterOptions) => TestLivePersonAdapter;
    /** The host's own proactive call: botbuilder `continueConversation(reference, logic)`, Agents `continueConversation('', reference, logic)`. */
    continueConversation(adapter: TestAdapter, reference: TestReference, logic: TestLogic): Promise<void>;
    /** The reference of the turn's conversation, as the SDK makes it (botbuilder: `bot`; Agents: `agent`). */
    referenceOf(context: TestContext): TestReference;
    /** A `handoff.initiate` event: botbuilder `EventFactory.createHandoffInitiation`, Agents the library's `createHandoffInitiation`. */
    handoffInitiation(context: TestContext, handoffContext: unknown, transcript?: { activities: TestActivity[] }): TestActivity;
    MemoryStorage: new () => TestStorage;
    ConversationState: new (storage: TestStorage) => TestConversationState;
    dialogs: TestDialogs;
    /** A TurnContext of the SDK on `adapter` for `activity` (the Agents SDK validates it with `Activity.fromObject`). */
    newTurnContext(adapter: TestAdapter, activity: TestActivity): TestContext;
    CardFactory: { adaptiveCard(card: unknown): Attachment };
    /** A bot on the SDK's `ActivityHandler` that answers `adaptiveCard/action` invokes with `answer`. */
    adaptiveCardInvokeBot(answer: (context: TestContext, value: unknown) => Promise<TestAdaptiveCardInvokeResponse>): TestBot;
}

export interface BotbuilderTestHost extends TestHostBase {
    readonly name: 'botbuilder';
    /** botbuilder only: the CloudAdapter-style `continueConversationAsync(appIdOrClaims, reference, logic)`. */
    continueConversationAsync(adapter: TestAdapter, botAppIdOrClaims: unknown, reference: TestReference, logic: TestLogic): Promise<void>;
}

export interface AgentsTestHost extends TestHostBase {
    readonly name: 'agents';
    /** Agents SDK only: `continueConversation(appIdOrIdentity, reference, logic)` with an explicit app id or JWT identity. */
    continueConversationAs(adapter: TestAdapter, appIdOrIdentity: string | Record<string, unknown>, reference: TestReference, logic: TestLogic): Promise<void>;
}

export type TestHost = BotbuilderTestHost | AgentsTestHost;

// ---- how the tests run the adapters ---------------------------------------------------------------------------

/** Inbox settings for tests: retries come quickly, so a failing event reaches its dead letter within the test. */
export const TEST_INBOX = { retryDelayMs: 5, maxRetryDelayMs: 20, pollMs: 20 };

/**
 * The SDK's adapter class as the tests use it: an in-memory inbox store unless the test gives one (the default store
 * is a SQLite file, which tests running side by side must not share), quick retries, and a `process()` that holds the
 * answer back until the events it accepted have run (`whenIdle()`), so a test (or a vendor stand-in awaiting its
 * delivery) can look at what the bot did as soon as the answer arrives. The adapter itself answers as soon as the
 * events are stored: tests of that call `processOnly()`.
 */
function forTests<T extends new (...args: any[]) => { process(...args: any[]): Promise<void>; whenIdle(): Promise<void> }>(Adapter: T): T {
    const Wrapped = class extends Adapter {
        constructor(...args: any[]) {
            const options = args[0];
            super(options && typeof options === 'object' ? { store: new MemoryInboxStore(), ...options, inbox: { ...TEST_INBOX, ...options.inbox } } : options);
        }
        async processOnly(...args: any[]): Promise<void> {
            await super.process(...args);
        }
        override async process(req: any, res: any, logic: any): Promise<void> {
            const end = res.end;
            let held: unknown[] | undefined;
            res.end = (...endArgs: unknown[]) => {
                held = endArgs;
                return res;
            };
            try {
                await super.process(req, res, logic);
                await this.whenIdle();
            } finally {
                res.end = end;
                if (held) end.apply(res, held);
            }
        }
    };
    // Errors name the adapter by its class name (`EightByEightAdapter.process(): …`): keep the SDK class's.
    Object.defineProperty(Wrapped, 'name', { value: Adapter.name });
    return Wrapped;
}

// ---- botbuilder v4 -------------------------------------------------------------------------------------------

type BotbuilderHostAdapter = ContactCenterBotAdapter<any>;
const asBotbuilder = (adapter: TestAdapter) => adapter as unknown as BotbuilderHostAdapter;
const asBotbuilderContext = (context: TestContext) => context as unknown as botbuilder.TurnContext;
const asBotbuilderLogic = (logic: TestLogic) => logic as unknown as (context: botbuilder.TurnContext) => Promise<void>;

const botbuilderHost: BotbuilderTestHost = {
    name: 'botbuilder',
    EightByEightAdapter: forTests(BotbuilderEightByEightAdapter) as unknown as TestHost['EightByEightAdapter'],
    LivePersonAdapter: forTests(BotbuilderLivePersonAdapter) as unknown as TestHost['LivePersonAdapter'],
    continueConversation: (adapter, reference, logic) =>
        asBotbuilder(adapter).continueConversation(reference as Partial<botbuilder.ConversationReference>, asBotbuilderLogic(logic)),
    continueConversationAsync: (adapter, botAppIdOrClaims, reference, logic) =>
        asBotbuilder(adapter).continueConversationAsync(botAppIdOrClaims, reference as Partial<botbuilder.ConversationReference>, asBotbuilderLogic(logic)),
    referenceOf: (context) => botbuilder.TurnContext.getConversationReference(asBotbuilderContext(context).activity) as TestReference,
    handoffInitiation: (context, handoffContext, transcript) =>
        botbuilder.EventFactory.createHandoffInitiation(
            asBotbuilderContext(context),
            handoffContext,
            transcript as botbuilder.Transcript | undefined
        ) as TestActivity,
    MemoryStorage: botbuilder.MemoryStorage as unknown as TestHost['MemoryStorage'],
    ConversationState: botbuilder.ConversationState as unknown as TestHost['ConversationState'],
    dialogs: {
        DialogSet: botbuilderDialogs.DialogSet as unknown as TestDialogs['DialogSet'],
        ChoicePrompt: botbuilderDialogs.ChoicePrompt as unknown as TestDialogs['ChoicePrompt'],
        WaterfallDialog: botbuilderDialogs.WaterfallDialog as unknown as TestDialogs['WaterfallDialog'],
        DialogTurnStatus: botbuilderDialogs.DialogTurnStatus,
        ListStyle: botbuilderDialogs.ListStyle,
    },
    newTurnContext: (adapter, activity) =>
        new botbuilder.TurnContext(asBotbuilder(adapter), activity as Partial<botbuilder.Activity>) as unknown as TestContext,
    CardFactory: botbuilder.CardFactory,
    adaptiveCardInvokeBot: (answer) => {
        const bot = new (class extends botbuilder.ActivityHandler {
            protected override async onAdaptiveCardInvoke(
                context: botbuilder.TurnContext,
                value: botbuilder.AdaptiveCardInvokeValue
            ): Promise<botbuilder.AdaptiveCardInvokeResponse> {
                return answer(context as unknown as TestContext, value);
            }
        })();
        return { run: (context) => bot.run(asBotbuilderContext(context)) };
    },
};

// ---- Microsoft 365 Agents SDK --------------------------------------------------------------------------------

type AgentsHostAdapter = ContactCenterAgentsAdapter<any>;
const asAgents = (adapter: TestAdapter) => adapter as unknown as AgentsHostAdapter;
const asAgentsContext = (context: TestContext) => context as unknown as agents.TurnContext;
const asAgentsLogic = (logic: TestLogic) => logic as unknown as (context: agents.TurnContext) => Promise<void>;
/** agents-hosting-dialogs 0.6.22 is typed against its own nested agents-hosting 0.6.22; at runtime 1.8.1 objects work. */
type DialogsAccessor = ConstructorParameters<typeof agentsDialogs.DialogSet>[0];
type DialogsTurnContext = Parameters<agentsDialogs.DialogSet['createContext']>[0];

/** agents-hosting-dialogs' DialogSet taking the 1.8.1 accessor and TurnContext (the casts the nested typings need). */
class AgentsDialogSet implements TestDialogSet {
    private readonly dialogs: agentsDialogs.DialogSet;
    constructor(dialogState: TestStatePropertyAccessor) {
        this.dialogs = new agentsDialogs.DialogSet(dialogState as unknown as DialogsAccessor);
    }
    add(dialog: TestDialog): this {
        this.dialogs.add(dialog as unknown as agentsDialogs.Dialog);
        return this;
    }
    async createContext(context: TestContext): Promise<TestDialogContext> {
        return (await this.dialogs.createContext(context as unknown as DialogsTurnContext)) as unknown as TestDialogContext;
    }
}

const agentsHost: AgentsTestHost = {
    name: 'agents',
    EightByEightAdapter: forTests(AgentsEightByEightAdapter) as unknown as TestHost['EightByEightAdapter'],
    LivePersonAdapter: forTests(AgentsLivePersonAdapter) as unknown as TestHost['LivePersonAdapter'],
    continueConversation: (adapter, reference, logic) =>
        asAgents(adapter).continueConversation('', reference as Partial<AgentsConversationReference>, asAgentsLogic(logic)),
    continueConversationAs: (adapter, appIdOrIdentity, reference, logic) =>
        asAgents(adapter).continueConversation(appIdOrIdentity, reference as Partial<AgentsConversationReference>, asAgentsLogic(logic)),
    referenceOf: (context) => asAgentsContext(context).activity.getConversationReference() as TestReference,
    handoffInitiation: (context, handoffContext, transcript) => createHandoffInitiation(context, handoffContext, transcript),
    MemoryStorage: agents.MemoryStorage as unknown as TestHost['MemoryStorage'],
    ConversationState: agents.ConversationState as unknown as TestHost['ConversationState'],
    dialogs: {
        DialogSet: AgentsDialogSet,
        ChoicePrompt: agentsDialogs.ChoicePrompt as unknown as TestDialogs['ChoicePrompt'],
        WaterfallDialog: agentsDialogs.WaterfallDialog as unknown as TestDialogs['WaterfallDialog'],
        DialogTurnStatus: agentsDialogs.DialogTurnStatus,
        ListStyle: agentsDialogs.ListStyle,
    },
    newTurnContext: (adapter, activity) => new agents.TurnContext(asAgents(adapter), AgentsActivity.fromObject(activity)) as unknown as TestContext,
    CardFactory: agents.CardFactory as unknown as TestHost['CardFactory'],
    adaptiveCardInvokeBot: (answer) => {
        const bot = new (class extends agents.ActivityHandler {
            protected override async onAdaptiveCardInvoke(
                context: agents.TurnContext,
                value: agents.AdaptiveCardInvokeValue
            ): Promise<agents.AdaptiveCardInvokeResponse> {
                return answer(context as unknown as TestContext, value);
            }
        })();
        return { run: (context) => bot.run(asAgentsContext(context)) };
    },
};

/** Both hosts, botbuilder first. */
export const hosts: readonly TestHost[] = [botbuilderHost, agentsHost];
