import type { ConversationReference } from '@microsoft/agents-activity';
import type { LivePersonClient } from '../liveperson/client';
import { LivePersonConnector, type OpenConversationOptions } from '../liveperson/connector';
import type { LivePersonAdapterOptions } from '../liveperson/options';
import { ContactCenterAgentsAdapter, toAgentsReference, type AgentsHostOptions } from './contactCenterAgentsAdapter';

/**
 * Connects a Microsoft 365 Agents SDK agent to LivePerson agents through the LivePerson Connector API: the same
 * adapter, options and behaviour as botbuilder's `LivePersonAdapter` (main entry), on the Agents SDK's `BaseAdapter`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { AgentApplication, MemoryStorage, TurnState } from '@microsoft/agents-hosting';
 * import { LivePersonAdapter } from 'botbuilder-contact-center/agents';
 *
 * const adapter = new LivePersonAdapter({
 *     accountId: process.env.LIVEPERSON_ACCOUNT_ID!,
 *     clientId: process.env.LIVEPERSON_CLIENT_ID!,
 *     clientSecret: process.env.LIVEPERSON_CLIENT_SECRET!,
 * });
 * const app = new AgentApplication<TurnState>({ storage: new MemoryStorage() });
 * app.onActivity('message', async (context) => {
 *     await context.sendActivity(`Echo: ${context.activity.text}`);
 * });
 * app.onTurn('afterTurn', async () => true);
 * createServer((req, res) => adapter.process(req, res, (context) => app.run(context))).listen(3978);
 *
 * const reference = await adapter.openConversation({ consumerId: 'customer-42', skillId: '1234' });
 * await adapter.continueConversation('', reference, (context) => context.sendActivity('Hello, I need help with my order.').then(() => undefined));
 * ```
 */
export class LivePersonAdapter extends ContactCenterAgentsAdapter<LivePersonConnector> {
    /** @param options The app installation's credentials and the webhook pipeline's settings; see {@link LivePersonAdapterOptions}. */
    constructor(options: LivePersonAdapterOptions & AgentsHostOptions) {
        super(new LivePersonConnector(options), options);
    }

    /** The CONVERSATION/SEND client this adapter sends through. */
    get client(): LivePersonClient {
        return this.connector.client;
    }

    /**
     * Opens a LivePerson conversation for a consumer (SetUserProfile + ConsumerRequestConversation), remembers which
     * consumer it belongs to, and returns a reference for `continueConversation`.
     *
     * @example
     * ```ts
     * const reference = await adapter.openConversation({ consumerId: 'customer-42', skillId: '1234' });
     * ```
     */
    async openConversation(options: OpenConversationOptions): Promise<ConversationReference> {
        return toAgentsReference(await this.connector.openConversation(options, 'LivePersonAdapter'));
    }

    /** The reference of a conversation (for `continueConversation`), e.g. one whose id you stored. */
    reference(conversationId: string): ConversationReference {
        return toAgentsReference(this.connector.reference(conversationId));
    }
}
