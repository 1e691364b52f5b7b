/**
 * The page's "Web Chat" customer: a Bot Framework channel as the Emulator is one. The customer's messages are posted
 * to the bot's channel endpoint (`POST /api/messages`, unauthenticated Emulator-style activities) by the page's
 * server, and the bot's replies come back to a Bot Connector stand-in the page serves
 * (`POST botconnector/v3/conversations/{id}/activities[/{replyToId}]`, the activities' `serviceUrl`), which records
 * them and answers `{ id }`. With the example's LivePerson escalation on, "agent" there reaches the LivePerson agent
 * console of the same page.
 */
import { randomUUID } from 'node:crypto';
import type { Json } from './pageHttp';

/** Where the Web Chat customer talks to the bot. */
export interface WebChatOptions {
    /** The bot's channel endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
    messagesUrl: string;
    /** The Bot Connector stand-in's URL as the bot should reach it (the activities' `serviceUrl`), e.g. `http://127.0.0.1:3978/sandbox/botconnector`. */
    serviceUrl: string;
    /** `channelId` of the customer's activities. Default `emulator`. */
    channelId?: string | undefined;
}

/** One activity of a Web Chat conversation, from the customer (`user`) or posted by the bot (`bot`). */
export interface WebChatEntry {
    id: string;
    at: number;
    from: 'user' | 'bot';
    replyToId?: string | undefined;
    activity: Json;
}

export interface WebChatConversation {
    id: string;
    user: { id: string; name: string };
    entries: WebChatEntry[];
    /** Messages whose suggested actions or card the customer used. */
    used: Set<string>;
}

/** What the bot answered a posted activity. */
export interface BotAnswer {
    status: number;
    body: string;
}

export class WebChatStandIn {
    readonly conversations = new Map<string, WebChatConversation>();
    private readonly listeners = new Set<() => void>();
    /** Where the bot posts its replies (the activities' `serviceUrl`); settable once the page's URL is known. */
    serviceUrl: string;
    private counter = 0;

    constructor(private readonly options: WebChatOptions) {
        this.serviceUrl = options.serviceUrl;
    }

    /** Calls `listener` after every change; returns the unsubscribe. */
    onChange(listener: () => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    conversation(id: string): WebChatConversation {
        const conversation = this.conversations.get(id);
        if (!conversation) throw new Error(`Web Chat: no conversation "${id}".`);
        return conversation;
    }

    /** Opens a conversation and tells the bot the customer joined (`conversationUpdate`), as the Emulator does. */
    async start(name: string): Promise<{ id: string; answer: BotAnswer }> {
        const id = `webchat-${randomUUID()}`;
        const conversation: WebChatConversation = { id, user: { id: `user-${randomUUID().slice(0, 8)}`, name }, entries: [], used: new Set() };
        this.conversations.set(id, conversation);
        this.changed();
        const answer = await this.post(conversation, { type: 'conversationUpdate', membersAdded: [conversation.user], membersRemoved: [] }, false);
        return { id, answer };
    }

    /** The customer sends a message: `text`, and `value` for a card's submit or a postBack. */
    async say(id: string, text: string, value?: unknown): Promise<BotAnswer> {
        const conversation = this.conversation(id);
        return this.post(conversation, { type: 'message', text, ...(value !== undefined ? { value } : {}) }, true);
    }

    /** The customer used the suggested actions or card of message `messageId` (shown disabled from now on). */
    markUsed(id: string, messageId: unknown): void {
        if (typeof messageId !== 'string' || messageId === '' || messageId.length > 100) return;
        this.conversation(id).used.add(messageId);
    }

    /** An activity the bot posted to the Bot Connector stand-in; answers the id given to it. */
    receive(conversationId: string, replyToId: string | undefined, activity: Json): string {
        const id = `bot-${++this.counter}`;
        const conversation = this.conversations.get(conversationId);
        // A conversation the page did not open (e.g. after a reset) is still recorded: the bot may talk to it.
        const target = conversation ?? { id: conversationId, user: { id: 'user', name: 'Customer' }, entries: [], used: new Set<string>() };
        if (!conversation) this.conversations.set(conversationId, target);
        target.entries.push({ id, at: Date.now(), from: 'bot', replyToId, activity: { ...activity, id } });
        this.changed();
        return id;
    }

    clear(): void {
        this.conversations.clear();
        this.changed();
    }

    /** What the page shows. */
    state(): Json {
        return {
            conversations: [...this.conversations.values()].map((c) => ({
                id: c.id,
                user: c.user,
                used: [...c.used],
                entries: c.entries.map((e) => ({ id: e.id, at: e.at, from: e.from, activity: e.activity })),
            })),
        };
    }

    private async post(conversation: WebChatConversation, fields: Json, record: boolean): Promise<BotAnswer> {
        const id = `user-${++this.counter}`;
        const activity: Json = {
            ...fields,
            id,
            timestamp: new Date().toISOString(),
            channelId: this.options.channelId ?? 'emulator',
            serviceUrl: this.serviceUrl,
            from: { id: conversation.user.id, name: conversation.user.name, role: 'user' },
            recipient: { id: 'bot', name: 'Bot', role: 'bot' },
            conversation: { id: conversation.id },
            locale: 'en-US',
        };
        if (record) {
            conversation.entries.push({ id, at: Date.now(), from: 'user', activity });
            this.changed();
        }
        const response = await fetch(this.options.messagesUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(activity),
        });
        return { status: response.status, body: await response.text() };
    }

    private changed(): void {
        for (const listener of this.listeners) listener();
    }
}

/** The Bot Connector stand-in's route (relative to the page): the conversation and the activity replied to. */
export function botConnectorRoute(path: string): { conversationId: string; replyToId?: string | undefined } | undefined {
    const match = /^\/botconnector\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (!match) return undefined;
    return { conversationId: decodeURIComponent(match[1]), replyToId: match[2] === undefined ? undefined : decodeURIComponent(match[2]) };
}
