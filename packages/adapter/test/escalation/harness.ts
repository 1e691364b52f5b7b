/**
 * The escalation tests' world, all on loopback: a "customer app" (botbuilder `CloudAdapter` serving `POST /api/messages`
 * Emulator-style, with the bridge's middleware, and the bridge's `POST /api/liveperson/webhook`), the LivePerson
 * stand-in acting as the agent, the Bot Connector stand-in receiving what the customer sees, and a customer who
 * posts activities to the app.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, EventFactory, type Transcript, type TurnContext } from 'botbuilder';
import * as agents from '@microsoft/agents-hosting';
import { createHandoffInitiation } from '../../src/agents/handoff';
import { expect } from 'chai';
import { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import type { InboxStore } from '../../src/core/inboxStore';
import type { Logger } from '../../src/core/logger';
import { LivePersonEscalation } from '../../src/escalation/livePersonEscalation';
import type { LivePersonEscalationOptions } from '../../src/escalation/options';
import { capturingLogger } from '../helpers';
import { BotConnectorStandIn } from 'botbuilder-contact-center-sandbox';

export const SECRET = 'escalation-test-secret-5be1';
export const SKILL = '4242';

/** What the bot ran on: the customer's messages and the events the bridge brought it (any instance). */
export interface BotLog {
    messages: Array<{ conversationId: string; text: string }>;
    events: Array<{ conversationId: string; name: string; value: any }>;
    /** Conversations whose endOfConversation the bot ran on. */
    ended: string[];
    errors: unknown[];
}

export const newBotLog = (): BotLog => ({ messages: [], events: [], ended: [], errors: [] });

/** The handoff the bot asks for: skill, SDEs, summary. */
export const HANDOFF_CONTEXT = {
    skillId: SKILL,
    summary: 'The customer wants a refund for order 1234.',
    details: { orderId: '1234' },
    sdes: [{ type: 'ctmrinfo', info: { customerId: 'cust-77', ctype: 'vip' } }],
};

/** The transcript the bot attaches. */
export const TRANSCRIPT = {
    activities: [
        { type: 'message', from: { id: 'customer-1', role: 'user' }, text: 'My parcel never arrived' },
        { type: 'message', from: { id: 'bot', role: 'bot' }, text: 'Echo: My parcel never arrived' },
    ],
};

/**
 * The example app's echo bot: "agent" escalates (a text, then `handoff.initiate` with the transcript), anything else
 * is echoed; `handoff.status` `completed` → "You are back with the bot.", `failed` → "Sorry, no agent could take the
 * conversation." and the reason.
 */
export function escalatingBot(log: BotLog, handoffContext: unknown = HANDOFF_CONTEXT): ActivityHandler {
    const bot = new ActivityHandler();
    bot.onMessage(async (context, next) => {
        const text = context.activity.text ?? '';
        log.messages.push({ conversationId: context.activity.conversation.id, text });
        if (text === 'agent') {
            await context.sendActivity('Connecting you to an agent.');
            await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, TRANSCRIPT as unknown as Transcript));
        } else {
            await context.sendActivity(`Echo: ${text}`);
        }
        await next();
    });
    bot.onEndOfConversation(async (context, next) => {
        log.ended.push(context.activity.conversation.id);
        await next();
    });
    bot.onEvent(async (context, next) => {
        const { name, value } = context.activity;
        log.events.push({ conversationId: context.activity.conversation.id, name: name ?? '', value });
        if (name === 'handoff.status' && value?.state === 'completed') await context.sendActivity('You are back with the bot.');
        if (name === 'handoff.status' && value?.state === 'failed') await context.sendActivity(`Sorry, no agent could take the conversation. ${value.message}`);
        await next();
    });
    return bot;
}

/** The same bot on the Agents SDK (whose ActivityHandler has no onEvent): the library's `createHandoffInitiation`. */
export function escalatingAgent(log: BotLog, handoffContext: unknown = HANDOFF_CONTEXT): (context: agents.TurnContext) => Promise<void> {
    return async (context) => {
        const { type, text, name } = context.activity;
        const value = context.activity.value as { state?: string; message?: string } | undefined;
        const conversationId = context.activity.conversation!.id;
        if (type === 'message') {
            log.messages.push({ conversationId, text: text ?? '' });
            if (text === 'agent') {
                await context.sendActivity('Connecting you to an agent.');
                await context.sendActivity(createHandoffInitiation(context, handoffContext, TRANSCRIPT));
            } else {
                await context.sendActivity(`Echo: ${text}`);
            }
        } else if (type === 'endOfConversation') {
            log.ended.push(conversationId);
        } else if (type === 'event') {
            log.events.push({ conversationId, name: name ?? '', value });
            if (name === 'handoff.status' && value?.state === 'completed') await context.sendActivity('You are back with the bot.');
            if (name === 'handoff.status' && value?.state === 'failed')
                await context.sendActivity(`Sorry, no agent could take the conversation. ${value.message}`);
        }
    };
}

/** The stand-ins (LivePerson; the customer's Bot Connector), what the bot saw, and the logs. */
export interface World {
    sandbox: LivePersonSandbox;
    connector: BotConnectorStandIn;
    log: BotLog;
    logger: ReturnType<typeof capturingLogger>;
    /** Stops the stand-ins and checks that no secret or token reached a log line. */
    stop(): Promise<void>;
}

export async function startWorld(): Promise<World> {
    const sandbox = new LivePersonSandbox({ clientSecret: SECRET });
    await sandbox.start();
    const connector = new BotConnectorStandIn();
    await connector.start();
    const logger = capturingLogger();
    return {
        sandbox,
        connector,
        log: newBotLog(),
        logger,
        stop: async () => {
            await connector.stop();
            await sandbox.stop();
            for (const line of logger.lines) {
                expect(line).not.to.include(SECRET);
                expect(line).not.to.match(/eyJ[\w-]+\.eyJ/);
            }
        },
    };
}

/** One instance of the customer app. */
export interface EscalationApp {
    url: string;
    bridge: LivePersonEscalation;
    close(): Promise<void>;
}

export interface AppOptions {
    store: InboxStore;
    sandbox: LivePersonSandbox;
    log: BotLog;
    logger: Logger;
    bridge?: Partial<LivePersonEscalationOptions>;
    handoffContext?: unknown;
    /** The customer's adapter: botbuilder's CloudAdapter (default) or the Agents SDK's. */
    host?: 'botbuilder' | 'agents';
}

/** Starts an instance of the customer app on loopback. */
export async function startApp(options: AppOptions): Promise<EscalationApp> {
    const { sandbox, log } = options;
    const bridge = new LivePersonEscalation({
        accountId: sandbox.accountId,
        clientId: sandbox.clientId,
        clientSecret: SECRET,
        csdsUrl: sandbox.url,
        store: options.store,
        logger: options.logger,
        retry: { baseDelayMs: 10, maxDelayMs: 50 },
        inbox: { retryDelayMs: 10, maxRetryDelayMs: 40, pollMs: 20 },
        sweepIntervalMs: false,
        ...options.bridge,
    });
    const app = express();
    if (options.host === 'agents') {
        const adapter = new agents.CloudAdapter();
        adapter.onTurnError = async (_context, error) => {
            log.errors.push(error);
            throw error;
        };
        const logic = escalatingAgent(log, options.handoffContext);
        adapter.use(bridge.middleware(adapter, { logic }));
        // Without credentials, agents-hosting's authorizeJWT lets the Emulator in as anonymous.
        app.post('/api/messages', express.json(), agents.authorizeJWT({}) as any, (req, res) => void adapter.process(req as any, res as any, logic));
    } else {
        const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
        adapter.onTurnError = async (_context, error) => {
            log.errors.push(error);
            throw error;
        };
        const bot = escalatingBot(log, options.handoffContext);
        const logic = (context: TurnContext) => bot.run(context);
        adapter.use(bridge.middleware(adapter, { logic }));
        app.post('/api/messages', express.json(), (req, res) => void adapter.process(req as any, res as any, logic));
    }
    app.post('/api/liveperson/webhook', (req, res) => void bridge.process(req, res));
    const server: Server = await new Promise((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        bridge,
        close: async () => {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
            await bridge.close();
        },
    };
}

/** A customer on an Emulator-style channel, posting to an app's `/api/messages`. */
export class Customer {
    private counter = 0;

    constructor(
        public appUrl: string,
        private readonly connectorUrl: string,
        readonly conversationId = 'conversation-1',
        readonly userId = 'customer-1'
    ) {}

    /** Posts an activity; resolves with the status the app answered (after the turn). */
    async send(activity: Record<string, unknown>, appUrl = this.appUrl): Promise<number> {
        const body = {
            id: `${this.conversationId}-activity-${++this.counter}`,
            channelId: 'emulator',
            serviceUrl: this.connectorUrl,
            conversation: { id: this.conversationId },
            from: { id: this.userId, name: 'Customer', role: 'user' },
            recipient: { id: 'bot', name: 'Bot', role: 'bot' },
            timestamp: new Date().toISOString(),
            ...activity,
        };
        const response = await fetch(`${appUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        await response.text();
        return response.status;
    }

    says(text: string, appUrl?: string): Promise<number> {
        return this.send({ type: 'message', text }, appUrl);
    }
}
