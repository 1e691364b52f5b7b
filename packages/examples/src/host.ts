/**
 * Which bot framework serves the example: botbuilder v4 (`botbuilder-contact-center`, the default) or the Microsoft
 * 365 Agents SDK (`botbuilder-contact-center/agents`), chosen with `BOT_HOST`. The example app contract (routes,
 * replies, status codes) is the same on both; a {@link ExampleHost} builds what differs: the two adapters, the SDK's
 * own CloudAdapter behind `POST /api/messages` (with the escalation bridge's middleware), how they run the bot, their
 * onTurnError, and the example bots.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TurnContext as BotbuilderTurnContext } from 'botbuilder';
import type { TurnContext as AgentsTurnContext } from '@microsoft/agents-hosting';
import type { EightByEightAdapter, LivePersonAdapter } from 'botbuilder-contact-center';
import type { EightByEightAdapter as AgentsEightByEightAdapter, LivePersonAdapter as AgentsLivePersonAdapter } from 'botbuilder-contact-center/agents';
import type {
    EightByEightAdapterOptions,
    LivePersonAdapterOptions,
    LivePersonEscalation,
    Logger,
    OpenConversationOptions,
    StorageLike,
} from 'botbuilder-contact-center/protocol';
import type { Request, Response } from 'express';
import type { ExampleConfig } from './config';

/** The hosts, `BOT_HOST`'s values. */
export const HOST_NAMES = ['botbuilder', 'agents'] as const;
export type HostName = (typeof HOST_NAMES)[number];

/** `BOT_HOST` (default `botbuilder`). Throws on another value. */
export function readHostName(env: NodeJS.ProcessEnv): HostName {
    const value = env.BOT_HOST?.trim();
    if (value === undefined || value === '') return 'botbuilder';
    if ((HOST_NAMES as readonly string[]).includes(value)) return value as HostName;
    throw new Error(`BOT_HOST must be ${HOST_NAMES.map((name) => `"${name}"`).join(' or ')} (got "${env.BOT_HOST}").`);
}

/** A botbuilder bot (an `ActivityHandler`), for the botbuilder host. */
export interface Bot {
    run(context: BotbuilderTurnContext): Promise<void>;
}

/** An Agents SDK bot (an `AgentApplication`), for the Agents host. */
export interface AgentsBot {
    run(context: AgentsTurnContext): Promise<void>;
}

/** A bot for either host; it must be one for the host that runs it (see {@link ExampleHost.createBot}). */
export type ExampleBot = Bot | AgentsBot;

/** The example bots: `echo` (`npm start`) and `dialogs` (`npm run start:dialogs`). */
export type BotKind = 'echo' | 'dialogs';

/** An adapter built by a host, with the bot it runs. */
export interface HostedAdapter<TAdapter> {
    readonly adapter: TAdapter;
    /** The webhook route: verifies the request, writes its events to the inbox, answers the vendor. Never throws. */
    process(req: IncomingMessage, res: ServerResponse): Promise<void>;
    /** Starts running the inbox with the bot (`processInbox`): events an earlier run left are resumed without a webhook. */
    start(): void;
    /** Resolves once every accepted event has run (tests). */
    whenIdle(): Promise<void>;
    /** Graceful shutdown: 503 to webhooks from now on, running events get `timeoutMs` to finish, leases released. */
    close(timeoutMs?: number): Promise<void>;
}

/** The LivePerson adapter built by a host, which also opens conversations (the bot speaks for consumers there). */
export interface HostedLivePerson<TAdapter> extends HostedAdapter<TAdapter> {
    /** Opens a conversation for a consumer and, with `text`, says it as the consumer's first message. Its id. */
    openConversation(options: OpenConversationOptions, text?: string): Promise<string>;
}

/** The bot's Azure Bot Service credentials (`MicrosoftAppId`…), for `POST /api/messages`. */
export type BotFrameworkCredentials = NonNullable<ExampleConfig['botFramework']>;

/** The Bot Framework channel endpoint built by a host (`POST /api/messages`). */
export interface HostedChannel {
    /**
     * Serves one request whose JSON body was parsed (`express.json()`): authenticates it as the SDK does (without
     * credentials, an Emulator's unauthenticated activity is taken), runs the bot, and answers. Replies go to the
     * activity's `serviceUrl`.
     */
    process(req: Request, res: Response): Promise<void>;
}

/** What differs between the hosts. */
export interface ExampleHost {
    readonly name: HostName;
    /** For the start-up line, e.g. "botbuilder v4". */
    readonly title: string;
    /**
     * An example bot for this host; `storage` is where its state goes, that SDK's Storage: the dialogs bot's dialog
     * state (default in memory), the echo bot's recent texts for the escalation summary (default: none kept).
     */
    createBot(kind: BotKind, storage?: StorageLike): ExampleBot;
    /** The 8x8 adapter running `bot`, with the examples' onTurnError. */
    eightByEight(options: EightByEightAdapterOptions, bot: ExampleBot, logger: Logger): HostedAdapter<EightByEightAdapter | AgentsEightByEightAdapter>;
    /** The LivePerson adapter running `bot`, with the examples' onTurnError. */
    livePerson(options: LivePersonAdapterOptions, bot: ExampleBot, logger: Logger): HostedLivePerson<LivePersonAdapter | AgentsLivePersonAdapter>;
    /**
     * The SDK's own `CloudAdapter` running `bot` for Bot Framework channels (Web Chat, Direct Line, Teams, the
     * Emulator), with `credentials` (none: unauthenticated, as the Emulator talks) and, when given, the escalation
     * bridge's middleware installed first, so `handoff.initiate` escalates to LivePerson.
     */
    botFramework(credentials: BotFrameworkCredentials | undefined, bot: ExampleBot, logger: Logger, escalation?: LivePersonEscalation): HostedChannel;
}

/**
 * The host of that name. Loaded on demand, so a server on one host never loads the other framework (botbuilder's
 * module graph alone is ~15 MB of heap).
 */
export async function loadHost(name: HostName = 'botbuilder'): Promise<ExampleHost> {
    switch (name) {
        case 'botbuilder':
            return (await import('./hosts/botbuilderHost')).botbuilderHost;
        case 'agents':
            return (await import('./hosts/agentsHost')).agentsHost;
        default:
            throw new Error(`Unknown host "${String(name)}": use ${HOST_NAMES.join(' or ')}.`);
    }
}

/** An example bot for the host of that name (tests, and `npm run start:dialogs`). */
export async function createExampleBot(host: HostName, kind: BotKind, storage?: StorageLike): Promise<ExampleBot> {
    return (await loadHost(host)).createBot(kind, storage);
}
