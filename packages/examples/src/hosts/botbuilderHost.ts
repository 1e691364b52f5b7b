/** The botbuilder v4 host of the example (`BOT_HOST=botbuilder`, the default): `botbuilder-contact-center`. */
import {
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    type ConfigurationBotFrameworkAuthenticationOptions,
    type Storage,
    type TurnContext,
} from 'botbuilder';
import { EightByEightAdapter, LivePersonAdapter } from 'botbuilder-contact-center';
import { EchoBot } from '../echoBot';
import type { Bot, BotFrameworkCredentials, ExampleHost } from '../host';
import { channelTurnErrorHandler, turnErrorHandler } from '../turnErrors';

export const botbuilderHost: ExampleHost = {
    name: 'botbuilder',
    title: 'botbuilder v4',

    createBot(kind, storage) {
        if (kind !== 'dialogs') return new EchoBot(storage);
        // Loaded only for the dialogs bot: botbuilder-dialogs (with lodash) is ~18 MB of heap the echo bot never uses.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { DialogBot } = require('../dialogs/dialogBot') as typeof import('../dialogs/dialogBot');
        return new DialogBot(storage as Storage | undefined);
    },

    eightByEight(options, bot, logger) {
        const adapter = new EightByEightAdapter(options);
        adapter.onTurnError = turnErrorHandler('8x8', logger);
        const run = (bot as Bot).run.bind(bot);
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
        adapter.onTurnError = turnErrorHandler('liveperson', logger);
        const run = (bot as Bot).run.bind(bot);
        return {
            adapter,
            process: (req, res) => adapter.process(req, res, (context) => run(context)),
            start: () => adapter.processInbox((context) => run(context)),
            whenIdle: () => adapter.whenIdle(),
            close: (timeoutMs) => adapter.close(timeoutMs),
            async openConversation(conversation, text) {
                const reference = await adapter.openConversation(conversation);
                if (text) await adapter.continueConversation(reference, (context) => context.sendActivity(text));
                return reference.conversation!.id;
            },
        };
    },

    botFramework(credentials, bot, logger, escalation) {
        // botbuilder's own authentication: with an app id, a request without a valid Bot Connector token is a 401.
        const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(authenticationOptions(credentials)));
        adapter.onTurnError = channelTurnErrorHandler(logger);
        const run = (bot as Bot).run.bind(bot);
        const logic = (context: TurnContext) => run(context);
        // First, before anything else the bot's turn uses: the bridge takes the customer's messages while escalated.
        if (escalation) adapter.use(escalation.middleware(adapter, { logic, botAppId: credentials?.appId ?? '' }));
        return { process: (req, res) => adapter.process(req, res, logic) };
    },
};

/** The credentials as botbuilder names them (none: the Emulator's unauthenticated activities are taken). */
function authenticationOptions(credentials: BotFrameworkCredentials | undefined): ConfigurationBotFrameworkAuthenticationOptions {
    if (!credentials) return {};
    const { appId, appPassword, appType, tenantId } = credentials;
    return {
        MicrosoftAppId: appId,
        ...(appPassword ? { MicrosoftAppPassword: appPassword } : {}),
        ...(appType ? { MicrosoftAppType: appType } : {}),
        ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
    };
}
