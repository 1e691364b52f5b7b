/**
 * The Microsoft 365 Agents SDK host of the example (`BOT_HOST=agents`): `botbuilder-contact-center/agents` running
 * `AgentApplication`s. The adapters answer a failed turn 500 (the vendor redelivers) unless their onTurnError absorbs
 * it; the examples' handler is set on the adapter, not with `app.onError` (which goes to the application's own
 * CloudAdapter).
 */
import { CloudAdapter, type AuthConfiguration, type Request as AgentsRequest, type Storage, type TurnContext } from '@microsoft/agents-hosting';
import { EightByEightAdapter, LivePersonAdapter } from 'botbuilder-contact-center/agents';
import { EchoAgent } from '../agents/echoAgent';
import type { AgentsBot, BotFrameworkCredentials, ExampleHost } from '../host';
import { agentsTurnErrorHandler, channelTurnErrorHandler } from '../turnErrors';

export const agentsHost: ExampleHost = {
    name: 'agents',
    title: 'Microsoft 365 Agents SDK',

    createBot(kind, storage) {
        if (kind !== 'dialogs') return new EchoAgent(storage);
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

    botFramework(credentials, bot, logger, escalation) {
        if (!credentials && process.env.NODE_ENV?.toLowerCase() === 'production') {
            // agents-hosting refuses to run without a client id when NODE_ENV=production (its CloudAdapter throws).
            logger.warn('POST /api/messages is off: on the Agents SDK with NODE_ENV=production it needs MicrosoftAppId and MicrosoftAppPassword.');
            return {
                async process(_req, res) {
                    res.status(503).json({
                        error: 'POST /api/messages needs MicrosoftAppId and MicrosoftAppPassword on the Agents SDK with NODE_ENV=production.',
                    });
                },
            };
        }
        const adapter = new CloudAdapter(authConfiguration(credentials));
        adapter.onTurnError = channelTurnErrorHandler(logger);
        const run = (bot as AgentsBot).run.bind(bot);
        const logic = (context: TurnContext) => run(context);
        // First, before anything else the bot's turn uses: the bridge takes the customer's messages while escalated.
        if (escalation) adapter.use(escalation.middleware(adapter, { logic, botAppId: credentials?.appId ?? '' }));
        return {
            async process(req, res) {
                // The SDK's JWT check (anonymous without a client id), then the turn; a refused request is answered 401 here.
                let authorized = false;
                await adapter.authorizeRequest(req as unknown as AgentsRequest, res, () => {
                    authorized = true;
                });
                if (authorized) await adapter.process(req as unknown as AgentsRequest, res, logic);
            },
        };
    },
};

/** The credentials as agents-hosting names them; none: anonymous (as the Emulator talks). */
function authConfiguration(credentials: BotFrameworkCredentials | undefined): AuthConfiguration {
    if (!credentials) return {};
    const { appId, appPassword, tenantId } = credentials;
    // No client secret: a user-assigned managed identity (MicrosoftAppType=UserAssignedMSI).
    return { clientId: appId, ...(appPassword ? { clientSecret: appPassword } : {}), ...(tenantId ? { tenantId } : {}) };
}
