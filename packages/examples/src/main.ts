/**
 * `npm start`: the echo example, against the real vendors when configured, else against the embedded sandbox.
 * `BOT_HOST` chooses the bot framework: `botbuilder` (default) or `agents` (the Microsoft 365 Agents SDK; `npm run
 * start:agents`, `npm run start:agents:dialogs`).
 */
import { readConfig } from './config';
import { startWithSandbox } from './embeddedSandbox';
import { loadHost, readHostName } from './host';
import { describeListenAddress } from './listenAddress';
import { startExample, type RunningExample } from './server';

async function main(): Promise<void> {
    const config = readConfig(process.env);
    const host = await loadHost(readHostName(process.env));
    // `npm start` runs the echo bot; `npm run start:dialogs` (argument "dialogs") the dialogs bot.
    const dialogs = process.argv[2] === 'dialogs';
    const bot = host.createBot(dialogs ? 'dialogs' : 'echo');
    const name = `${dialogs ? 'Dialogs bot' : 'Echo bot'} (${host.title} host)`;
    if (!config.eightByEight && !config.livePerson) {
        // No vendor configured: run against the embedded stand-ins, with the browser page.
        const running = await startWithSandbox(config.port, console, bot, host.name, { listenAddress: config.listenAddress, apiToken: config.apiToken });
        console.log(`${name} listening on ${running.url}, with an embedded 8x8 and LivePerson sandbox (no account needed).`);
        console.log(`  ${binding(running)}`);
        console.log('');
        console.log(`  Open ${running.pageUrl} to chat with the bot as an 8x8 customer and as a LivePerson agent.`);
        console.log('');
        console.log('  (Set EIGHTBYEIGHT_API_KEY or LIVEPERSON_ACCOUNT_ID/CLIENT_ID/CLIENT_SECRET to talk to the real vendors instead;');
        console.log(
            `   BOT_HOST=${host.name === 'agents' ? 'botbuilder' : 'agents'} to run the bot on ${host.name === 'agents' ? 'botbuilder v4' : 'the Microsoft 365 Agents SDK'}.)`
        );
        stopOnSignals(running.close);
        return;
    }
    const running = await startExample(config, console, { host: host.name, bot });
    console.log(`${name} listening on ${running.url}`);
    console.log(`  ${binding(running)}`);
    console.log(`  GET  ${running.url}/healthz`);
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
    stopOnSignals(running.close);
}

/** The start-up line saying where the server listens and who can reach it (`HOST`). */
function binding(running: RunningExample): string {
    const { address, port } = running.address;
    return `Bound to ${address.includes(':') ? `[${address}]` : address}:${port} (${describeListenAddress(address)}; set HOST to change it).`;
}

function stopOnSignals(close: () => Promise<void>): void {
    const stop = () => void close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
