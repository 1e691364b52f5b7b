/**
 * The Microsoft 365 Agents SDK host of the example (`BOT_HOST=agents`): `botbuilder-contact-center/agents` running
 * `AgentApplication`s. The adapters answer a failed turn 500 (the vendor redelivers) unless their onTurnError absorbs
 * it; the examples' handler is set on the adapter, not with `app.onError` (which goes to the application's own
 * CloudAdapter).
 */
import type { Storage } from '@microsoft/agents-hosting';
import { EightByEightAdapter, LivePersonAdapter } from 'botbuilder-contact-center/agents';
import { EchoAgent } from '../agents/echoAgent';
import type { AgentsBot, ExampleHost } from '../host';
import { agentsTurnErrorHandler } from '../turnErrors';

export const agentsHost: ExampleHost = {
    name: 'agents',
    title: 'Microsoft 365 Agents SDK',

    createBot(kind, storage) {
        if (kind !== 'dialogs') return new EchoAgent();
        // Loaded only for the dialogs bot: agents-hosting-dialogs brings its own agents-hosting copy and lodash.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { DialogAgent } = require('../agents/dialogs/dialogAgent') as typeof import('../agents/dialogs/dialogAgent');
        return new DialogAgent(storage as Storage | undefined);
    },

    eightByEight(options, bot, logger) {
        const adapter = new EightByEightAdapter(options);
        adapter.onTurnError = agentsTurnErrorHandler('8x8', logger);
        const run = (bot as AgentsBot).run.bind(bot);
        return {
            adapter,
            process: (req, res) => adapter.process(req, res, (context) => run(context)),
            start: () => adapter.processInbox((context) => run(context)),
            whenIdle: () => adapter.whenIdle(),
            close: (timeoutMs) => adapter.close(timeoutMs),
        };
    },

    livePerson(options, bot, logger) {
        const adapter = new LivePersonAdapter(options);
        adapter.onTurnError = agentsTurnErrorHandler('liveperson', logger);
        const run = (bot as AgentsBot).run.bind(bot);
        return {
            adapter,
            process: (req, res) => adapter.process(req, res, (context) => run(context)),
            start: () => adapter.processInbox((context) => run(context)),
            whenIdle: () => adapter.whenIdle(),
            close: (timeoutMs) => adapter.close(timeoutMs),
            async openConversation(conversation, text) {
                const reference = await adapter.openConversation(conversation);
                if (text) {
                    await adapter.continueConversation('', reference, async (context) => {
                        await context.sendActivity(text);
                    });
                }
                return reference.conversation!.id;
            },
        };
    },
};
