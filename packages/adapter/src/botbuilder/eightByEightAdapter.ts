import { EightByEightConnector } from '../eightbyeight/connector';
import type { EightByEightClient } from '../eightbyeight/client';
import type { EightByEightAdapterOptions } from '../eightbyeight/options';
import type { BotbuilderHostOptions } from './hostOptions';
import { ContactCenterBotAdapter } from './contactCenterBotAdapter';

/**
 * Puts a botbuilder v4 bot into 8x8 Contact Center chat through the 8x8 Chat Gateway.
 *
 * Inbound: `process()` verifies each webhook's `x-8x8-signature`, de-duplicates by `x-8x8-event-id`, and runs
 * the bot's turns in order per conversation. Outbound: messages (text, Adaptive Cards, suggested actions as 8x8 quick
 * replies), typing, `handoff.initiate` (assign to a queue, optionally scheduling the hand-back) and
 * `endOfConversation` become Chat Gateway calls. The Agents SDK has the same class in `botbuilder-contact-center/agents`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { ActivityHandler } from 'botbuilder';
 * import { EightByEightAdapter } from 'botbuilder-contact-center';
 *
 * const adapter = new EightByEightAdapter({ apiKey: process.env.EIGHTBYEIGHT_API_KEY!, handoffQueueId: '101' });
 * const bot = new ActivityHandler().onMessage(async (context, next) => {
 *     await context.sendActivity(`Echo: ${context.activity.text}`);
 *     await next();
 * });
 * // No body parser in front of the adapter: it reads the raw bytes it verifies.
 * createServer((req, res) => adapter.process(req, res, (context) => bot.run(context))).listen(3978);
 * ```
 */
export class EightByEightAdapter extends ContactCenterBotAdapter<EightByEightConnector> {
    /** @param options The Chat Gateway API key and the webhook pipeline's settings; see {@link EightByEightAdapterOptions}. */
    constructor(options: EightByEightAdapterOptions & BotbuilderHostOptions) {
        super(new EightByEightConnector(options), options);
    }

    /** The Chat Gateway client this adapter sends through. */
    get client(): EightByEightClient {
        return this.connector.client;
    }
}
