/** The botbuilder v4 host of the example (`BOT_HOST=botbuilder`, the default): `botbuilder-contact-center`. */
import type { Storage } from 'botbuilder';
import { EightByEightAdapter, LivePersonAdapter } from 'botbuilder-contact-center';
import { DialogBot } from '../dialogs/dialogBot';
import { EchoBot } from '../echoBot';
import type { Bot, ExampleHost } from '../host';
import { turnErrorHandler } from '../turnErrors';

export const botbuilderHost: ExampleHost = {
    name: 'botbuilder',
    title: 'botbuilder v4',

    createBot(kind, storage) {
        return kind === 'dialogs' ? new DialogBot(storage as Storage | undefined) : new EchoBot();
    },

    eightByEight(options, bot, logger) {
        const adapter = new EightByEightAdapter(options);
        adapter.onTurnError = turnErrorHandler('8x8', logger);
        const run = (bot as Bot).run.bind(bot);
        return { adapter, process: (req, res) => adapter.process(req, res, (context) => run(context)), close: () => adapter.close() };
    },

    livePerson(options, bot, logger) {
        const adapter = new LivePersonAdapter(options);
        adapter.onTurnError = turnErrorHandler('liveperson', logger);
        const run = (bot as Bot).run.bind(bot);
        return {
            adapter,
            process: (req, res) => adapter.process(req, res, (context) => run(context)),
            close: () => adapter.close(),
            async openConversation(conversation, text) {
                const reference = await adapter.openConversation(conversation);
                if (text) await adapter.continueConversation(reference, (context) => context.sendActivity(text));
                return reference.conversation!.id;
            },
        };
    },
};
