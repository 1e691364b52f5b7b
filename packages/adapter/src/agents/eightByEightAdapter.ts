import type { EightByEightClient } from '../eightbyeight/client';
import { EightByEightConnector } from '../eightbyeight/connector';
import type { EightByEightAdapterOptions } from '../eightbyeight/options';
import { ContactCenterAgentsAdapter, type AgentsHostOptions } from './contactCenterAgentsAdapter';

/**
 * Puts a Microsoft 365 Agents SDK agent into 8x8 Contact Center chat through the 8x8 Chat Gateway: the same adapter,
 * options and behaviour as botbuilder's `EightByEightAdapter` (main entry), on the Agents SDK's `BaseAdapter`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { AgentApplication, MemoryStorage, TurnState } from '@microsoft/agents-hosting';
 * import { EightByEightAdapter } from 'botbuilder-contact-center/agents';
 *
 * const adapter = new EightByEightAdapter({ apiKey: process.env.EIGHTBYEIGHT_API_KEY!, handoffQueueId: '101' });
 * const app = new AgentApplication<TurnState>({ storage: new MemoryStorage() });
 * app.onActivity('message', async (context) => {
 *     await context.sendActivity(`Echo: ${context.activity.text}`);
 * });
 * app.onTurn('afterTurn', async () => true); // AgentApplication 1.5–1.8 saves state only with an afterTurn handler
 * createServer((req, res) => adapter.process(req, res, (context) => app.run(context))).listen(3978);
 * ```
 */
export class EightByEightAdapter extends ContactCenterAgentsAdapter<EightByEightConnector> {
    /** @param options The Chat Gateway API key and the webhook pipeline's settings; see {@link EightByEightAdapterOptions}. */
    constructor(options: EightByEightAdapterOptions & AgentsHostOptions) {
        super(new EightByEightConnector(options), options);
    }

    /** The Chat Gateway client this adapter sends through. */
    get client(): EightByEightClient {
        return this.connector.client;
    }
}
