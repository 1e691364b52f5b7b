import type { ConversationReference } from 'botbuilder';
import type { LivePersonClient } from '../liveperson/client';
import { LivePersonConnector, type OpenConversationOptions } from '../liveperson/connector';
import type { LivePersonAdapterOptions } from '../liveperson/options';
import type { BotbuilderHostOptions } from './hostOptions';
import { ContactCenterBotAdapter } from './contactCenterBotAdapter';

/**
 * Connects a botbuilder v4 bot to LivePerson agents through the LivePerson Connector API. The connector acts on
 * behalf of consumers: the bot opens a conversation for a consumer ({@link openConversation}) and talks in it, its
 * counterpart being the LivePerson agent.
 *
 * Inbound: `process()` verifies each webhook's `x-liveperson-signature` and account/client ids, handles every
 * change of a notification in `sequence` order, drops the connector's own echoes, de-duplicates (dialog + sequence;
 * conversation changes by `metaDataLastUpdateTs`) and runs the bot's turns in order per conversation; agent messages
 * are acknowledged with AcceptStatusEvent ACCEPT and READ while the bot's turn for them runs. Outbound: messages,
 * typing (COMPOSING, then ACTIVE once the bot has answered) and `endOfConversation` (close) go through the SEND API.
 * The Agents SDK has the same class in `botbuilder-contact-center/agents`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { ActivityHandler } from 'botbuilder';
 * import { LivePersonAdapter } from 'botbuilder-contact-center';
 *
 * const adapter = new LivePersonAdapter({
 *     accountId: process.env.LIVEPERSON_ACCOUNT_ID!,
 *     clientId: process.env.LIVEPERSON_CLIENT_ID!,
 *     clientSecret: process.env.LIVEPERSON_CLIENT_SECRET!,
 * });
 * const bot = new ActivityHandler().onMessage(async (context, next) => {
 *     await context.sendActivity(`Echo: ${context.activity.text}`);
 *     await next();
 * });
 * createServer((req, res) => adapter.process(req, res, (context) => bot.run(context))).listen(3978);
 *
 * // Later: open a conversation for a customer and say something in it.
 * const reference = await adapter.openConversation({ consumerId: 'customer-42', skillId: '1234' });
 * await adapter.continueConversation(reference, (context) => context.sendActivity('Hello, I need help with my order.'));
 * ```
 */
export class LivePersonAdapter extends ContactCenterBotAdapter<LivePersonConnector> {
    /** @param options The app installation's credentials and the webhook pipeline's settings; see {@link LivePersonAdapterOptions}. */
    constructor(options: LivePersonAdapterOptions & BotbuilderHostOptions) {
        super(new LivePersonConnector(options), options);
    }

    /** The CONVERSATION/SEND client this adapter sends through. */
    get client(): LivePersonClient {
        return this.connector.client;
    }

    /**
     * Opens a LivePerson conversation for a consumer (CONVERSATION: SetUserProfile + ConsumerRequestConversation),
     * remembers which consumer it belongs to, and returns a reference for `continueConversation`.
     * Routing: `skillId` / `campaignInfo` here, else the adapter's options, else LivePerson's default.
     *
     * @example
     * ```ts
     * const reference = await adapter.openConversation({ consumerId: 'customer-42', skillId: '1234' });
     * await adapter.continueConversation(reference, (context) => context.sendActivity('Hi, I would like to talk to someone.'));
     * ```
     */
    async openConversation(options: OpenConversationOptions): Promise<Partial<ConversationReference>> {
        return (await this.connector.openConversation(options, 'LivePersonAdapter')) as Partial<ConversationReference>;
    }

    /** The reference of a conversation (for `continueConversation`), e.g. one whose id you stored. */
    reference(conversationId: string): Partial<ConversationReference> {
        return this.connector.reference(conversationId) as Partial<ConversationReference>;
    }
}
