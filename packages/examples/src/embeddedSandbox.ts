import type { IncomingMessage, ServerResponse } from 'node:http';
import { EightByEightSandbox, LivePersonSandbox, SandboxPage } from 'botbuilder-contact-center-sandbox';
import type { InboxStore, Logger } from 'botbuilder-contact-center/protocol';
import type { ExampleConfig } from './config';
import type { ExampleBot, HostName } from './host';
import { startExample, type RunningExample } from './server';

/** The example running against embedded stand-ins, with the sandbox page mounted at `/sandbox/`. */
export interface RunningSandboxExample extends RunningExample {
    /** The page to open. */
    pageUrl: string;
    eightByEightSandbox: EightByEightSandbox;
    livePersonSandbox: LivePersonSandbox;
    /** The page, with its inspector's record (`page.traffic`). */
    page: SandboxPage;
}

/** Where and how {@link startWithSandbox} serves (from `HOST` and `EXAMPLE_API_TOKEN`, see `config.ts`). */
export interface SandboxServerOptions {
    /** A loopback address (anything else is refused: the page and the stand-ins have no authentication). Default 127.0.0.1. */
    listenAddress?: string | undefined;
    /** When set, `POST /api/liveperson/conversations` requires it, and the page sends it; else that route is open. */
    apiToken?: string | undefined;
    /** The store the adapters share (the caller closes it). Default: in memory. */
    store?: InboxStore | undefined;
    /**
     * What the bot understands, shown in the page's header (words in backquotes shown as keys). Default: the example
     * bot's own ({@link sandboxHint}).
     */
    hint?: string | undefined;
    /** The LivePerson escalation of `POST /api/messages` (always on here, against the stand-in): its skill and timeout. */
    escalation?: ExampleConfig['escalation'];
}

/** The echo bot's hint (it acts on four words and echoes the rest). */
export const ECHO_HINT = 'Try `card`, `options`, `agent` or `bye`; anything else is echoed.';
/** The dialogs bot's hint (a support waterfall that starts on any message). */
export const DIALOGS_HINT =
    'Say anything to start the support dialog: your name, a topic, a details card, then file it or ask for a person. `help` and `cancel` work at every step.';

/**
 * The page's hint for one of the example bots: the dialogs bot (botbuilder `DialogBot`, Agents SDK `DialogAgent`) or
 * the echo bot (the default, also when `bot` is none of the examples').
 */
export function sandboxHint(bot: ExampleBot | undefined): string {
    const name = bot?.constructor?.name;
    return name === 'DialogBot' || name === 'DialogAgent' ? DIALOGS_HINT : ECHO_HINT;
}

/**
 * Starts the 8x8 and LivePerson stand-ins on loopback, the example server configured for them (as it would be for
 * the real vendors, only with local URLs and the stand-ins' credentials), and the sandbox page on the same server.
 * `host` and `bot` as for {@link startExample}: default the echo bot on botbuilder.
 */
export async function startWithSandbox(
    port: number,
    logger: Logger = console,
    bot?: ExampleBot,
    host?: HostName,
    options: SandboxServerOptions = {}
): Promise<RunningSandboxExample> {
    // Redeliveries as the vendors do them, on a non-2xx answer, a failed connection or no answer within 5 s: 8x8 a
    // few times (its count and schedule are undocumented), LivePerson with a doubling pause from 2 s.
    const eightByEightSandbox = new EightByEightSandbox({ redelivery: true });
    const livePersonSandbox = new LivePersonSandbox({ redelivery: true });
    const [eightByEightUrl, livePersonUrl] = await Promise.all([eightByEightSandbox.start(), livePersonSandbox.start()]);
    let page: SandboxPage | undefined;
    const running = await startExample(
        {
            port,
            listenAddress: options.listenAddress ?? '127.0.0.1',
            apiToken: options.apiToken,
            eightByEight: {
                apiKey: eightByEightSandbox.apiKey,
                baseUrl: eightByEightUrl,
                queueId: 'sandbox-queue',
                // As in production: only this tenant's webhooks are taken.
                allowedTenantIds: [eightByEightSandbox.tenantId],
                allowedCustomerIds: [eightByEightSandbox.customerId],
            },
            livePerson: {
                accountId: livePersonSandbox.accountId,
                clientId: livePersonSandbox.clientId,
                clientSecret: livePersonSandbox.clientSecret,
                csdsUrl: livePersonUrl,
                handoffSkillId: 'human-agents',
            },
            ...(options.escalation ? { escalation: options.escalation } : {}),
        },
        logger,
        {
            host,
            bot,
            sandbox: true,
            mounts: { '/sandbox': (req: IncomingMessage, res: ServerResponse) => page!.handle(req, res) },
            ...(options.store ? { state: { store: options.store } } : {}),
        }
    ).catch(async (err: unknown) => {
        await Promise.all([eightByEightSandbox.stop(), livePersonSandbox.stop()]);
        throw err;
    });
    eightByEightSandbox.webhookUrl = `${running.url}/api/8x8/webhook`;
    livePersonSandbox.webhookUrl = `${running.url}/api/liveperson/webhook`;
    page = new SandboxPage({
        eightByEight: eightByEightSandbox,
        livePerson: livePersonSandbox,
        openLivePersonConversationUrl: `${running.url}/api/liveperson/conversations`,
        openLivePersonConversationToken: options.apiToken,
        hint: options.hint ?? sandboxHint(bot),
        // The page's Web Chat customer talks to the bot's Bot Framework channel endpoint, whose replies go to the
        // page's Bot Connector stand-in (and "agent" to the LivePerson stand-in's agent console, on the same page).
        webChat: { messagesUrl: `${running.url}/api/messages`, serviceUrl: `${running.url}/sandbox/botconnector` },
    });
    return {
        ...running,
        pageUrl: `${running.url}/sandbox/`,
        page,
        eightByEightSandbox,
        livePersonSandbox,
        async close(timeoutMs?: number) {
            // The stand-ins first: they finish the delivery under way (e.g. LivePerson's notifications of the bot's own
            // events) while the server can still answer it, and start no redelivery after; then the server drains.
            await Promise.all([eightByEightSandbox.stop(), livePersonSandbox.stop()]);
            await page?.stop();
            await running.close(timeoutMs);
        },
    };
}
