/**
 * `npm start`: the echo example, against the real vendors when configured, else against the embedded sandbox.
 * `BOT_HOST` chooses the bot framework: `botbuilder` (default) or `agents` (the Microsoft 365 Agents SDK; `npm run
 * start:agents`, `npm run start:agents:dialogs`). `CONTACT_CENTER_STORE` chooses where accepted webhooks, conversation
 * records and dialog state are kept (default a SQLite file in ./data): see docs/deploy.md.
 */
import type { InboxStore } from 'botbuilder-contact-center/protocol';
import { describeStoreSetting, readConfig, type ExampleConfig } from './config';
import { startWithSandbox } from './embeddedSandbox';
import { escalationSkill } from './escalation';
import { loadHost, readHostName } from './host';
import { describeListenAddress } from './listenAddress';
import { exampleLogger } from './logging';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, startExample, type RunningExample } from './server';
import { openStore } from './store';

async function main(): Promise<void> {
    const config = readConfig(process.env);
    const logger = exampleLogger(process.env);
    const host = await loadHost(readHostName(process.env));
    // One store for both adapters and the escalation bridge (separate inboxes) and the bots' state: the dialogs bot's
    // ConversationState and UserState, the echo bot's recent texts (kept for an escalation's summary), on the store's
    // Storage, so they survive a restart and are shared by every instance on the same store.
    const store = await openStore(config.store!, logger);
    // `npm start` runs the echo bot; `npm run start:dialogs` (argument "dialogs") the dialogs bot.
    const dialogs = process.argv[2] === 'dialogs';
    const sandbox = !config.eightByEight && !config.livePerson;
    const keepsState = dialogs || escalationSkill(config, sandbox) !== undefined;
    const bot = host.createBot(dialogs ? 'dialogs' : 'echo', keepsState ? store.storage : undefined);
    const name = `${dialogs ? 'Dialogs bot' : 'Echo bot'} (${host.title} host)`;
    const state = `  State: ${describeStoreSetting(config.store!)} (CONTACT_CENTER_STORE).`;
    if (!config.eightByEight && !config.livePerson) {
        // No vendor configured: run against the embedded stand-ins, with the browser page.
        const running = await startWithSandbox(config.port, logger, bot, host.name, {
            listenAddress: config.listenAddress,
            apiToken: config.apiToken,
            store,
            escalation: config.escalation,
        }).catch(closeStoreAndRethrow(store));
        console.log(`${name} listening on ${running.url}, with an embedded 8x8 and LivePerson sandbox (no account needed).`);
        console.log(`  ${binding(running)}`);
        console.log(state);
        console.log('');
        console.log(`  Open ${running.pageUrl} to chat with the bot as an 8x8 customer, as a LivePerson agent, and as a Web Chat customer`);
        console.log('  who types "agent" to reach the LivePerson agent console; the inspector shows every webhook and API call.');
        console.log(`  ${messagesRoute(running, config)}`);
        console.log('');
        console.log('  (Set EIGHTBYEIGHT_API_KEY or LIVEPERSON_ACCOUNT_ID/CLIENT_ID/CLIENT_SECRET to talk to the real vendors instead;');
        console.log(
            `   BOT_HOST=${host.name === 'agents' ? 'botbuilder' : 'agents'} to run the bot on ${host.name === 'agents' ? 'botbuilder v4' : 'the Microsoft 365 Agents SDK'}.)`
        );
        stopOnSignals(running, store, config);
        return;
    }
    const running = await startExample(config, logger, { host: host.name, bot, state: { store } }).catch(closeStoreAndRethrow(store));
    console.log(`${name} listening on ${running.url}`);
    console.log(`  ${binding(running)}`);
    console.log(state);
    console.log(`  GET  ${running.url}/healthz  (alive)   GET  ${running.url}/readyz  (ready: the store answers)`);
    if (config.eightByEight) {
        console.log(`  POST ${running.url}/api/8x8/webhook  (8x8 Chat Gateway at ${config.eightByEight.baseUrl})`);
    } else {
        console.log('  8x8 route disabled: set EIGHTBYEIGHT_API_KEY (and EIGHTBYEIGHT_BASE_URL, EIGHTBYEIGHT_QUEUE_ID) to enable it.');
    }
    if (config.livePerson) {
        console.log(`  POST ${running.url}/api/liveperson/webhook  (LivePerson account ${config.livePerson.accountId})`);
        if (running.conversationsRoute === 'token') {
            console.log(
                `  POST ${running.url}/api/liveperson/conversations  {"consumerId": "...", "text": "..."} opens a conversation ` +
                    '(with "Authorization: Bearer <EXAMPLE_API_TOKEN>")'
            );
        } else {
            console.log('  POST /api/liveperson/conversations is off: set EXAMPLE_API_TOKEN to enable it (callers send "Authorization: Bearer <token>").');
        }
    } else {
        console.log('  LivePerson routes disabled: set LIVEPERSON_ACCOUNT_ID, LIVEPERSON_CLIENT_ID and LIVEPERSON_CLIENT_SECRET to enable them.');
    }
    console.log(`  ${messagesRoute(running, config)}`);
    stopOnSignals(running, store, config);
}

/** The start-up line of `POST /api/messages`: who may call it, and where "agent" goes. */
function messagesRoute(running: RunningExample, config: ExampleConfig): string {
    const caller = config.botFramework ? `Bot Framework Connector, app ${config.botFramework.appId}` : 'unauthenticated, as the Bot Framework Emulator sends';
    const { escalation } = running;
    const timeout = escalation && escalation.noAgentTimeoutMs !== false ? `, ${escalation.noAgentTimeoutMs / 1000} s for an agent to accept` : '';
    const agent = escalation
        ? `"agent" escalates to LivePerson skill "${escalation.skillId}"${timeout}`
        : config.livePerson
          ? 'set LIVEPERSON_ESCALATION_SKILL for "agent" to escalate to LivePerson'
          : 'no LivePerson escalation';
    return `POST ${running.url}/api/messages  (Bot Framework channel: ${caller}; ${agent})`;
}

/** The start-up line saying where the server listens and who can reach it (`HOST`). */
function binding(running: RunningExample): string {
    const { address, port } = running.address;
    return `Bound to ${address.includes(':') ? `[${address}]` : address}:${port} (${describeListenAddress(address)}; set HOST to change it).`;
}

/** How long past the drain bound a shutdown may take (closing connections and the store) before the process just exits. */
const SHUTDOWN_GRACE_MS = 5000;

/**
 * Graceful shutdown on SIGTERM / SIGINT: webhooks are answered 503 at once (the vendors redeliver them), running events
 * get `CONTACT_CENTER_SHUTDOWN_TIMEOUT_MS` (default 10 s) to finish — the others stay in the store for the next start
 * — then the server, the adapters and the store close and the process exits 0. A second signal exits at once (1), and
 * so does a shutdown still going 5 s past the bound.
 */
function stopOnSignals(running: RunningExample, store: InboxStore, config: ExampleConfig): void {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
            console.error(`${signal} again: exiting without waiting for the shutdown to finish.`);
            process.exit(1);
        }
        stopping = true;
        const started = Date.now();
        const timeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
        console.log(`${signal}: shutting down (webhooks answered 503 meanwhile; running events get up to ${timeoutMs} ms)…`);
        // Whatever happens (a vendor call under way is waited for when the adapters close their connections), the
        // process is gone soon after the bound: the events not finished are in the store for the next start.
        setTimeout(() => {
            console.error(`Shutdown took longer than ${timeoutMs + SHUTDOWN_GRACE_MS} ms: exiting; unfinished events run at the next start.`);
            process.exit(1);
        }, timeoutMs + SHUTDOWN_GRACE_MS); // not unref'd: it also keeps a shutdown whose promises never settle from ending with 0
        void running
            .close(timeoutMs)
            .then(() => closeWithin(store, STORE_CLOSE_MS))
            .then(
                () => {
                    console.log(`Shut down in ${Date.now() - started} ms.`);
                    process.exit(0);
                },
                (err: unknown) => {
                    console.error(`Shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
                    process.exit(1);
                }
            );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
}

/** How long closing the store may take on shutdown (a Redis that went away may never confirm). */
const STORE_CLOSE_MS = 2000;

/** `store.close()`, given up on after `ms` (logged): the process exits either way. */
async function closeWithin(store: InboxStore, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
    // The timer keeps the process alive while waiting: a close that never settles must not end it early with code 0.
    const outcome = await Promise.race([store.close().then(() => 'closed' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') console.warn(`The store did not close within ${ms} ms; exiting anyway.`);
}

/** Closes the store when the server could not start, then fails as before. */
function closeStoreAndRethrow(store: InboxStore) {
    return async (err: unknown): Promise<never> => {
        await store.close().catch(() => undefined);
        throw err;
    };
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
