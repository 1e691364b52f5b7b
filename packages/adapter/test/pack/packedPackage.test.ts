/**
 * The package as a user gets it: `npm pack` of the adapter and the stand-ins, installed into a fresh project with
 * both bot SDKs; the README's snippets compiled there with `tsc` under `tsc --init`'s defaults (strict,
 * exactOptionalPropertyTypes, module nodenext, an ES module project) and run against the stand-ins.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { waitUntil } from '../helpers';

const run = promisify(execFile);
const repo = resolve(__dirname, '../../../..');

/** The environment without the calling npm's settings (a workspace run would leak them into the child npm). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
    return { ...env, ...extra };
}

/** The ```ts blocks of the README that follow a `<!-- snippet: name -->` line. */
function readmeSnippets(): Map<string, string> {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const snippets = new Map<string, string>();
    for (const match of readme.matchAll(/<!-- snippet: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)) snippets.set(match[1], match[2]);
    return snippets;
}

async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((done) => server.close(() => done()));
    return port;
}

/** A bot written the ordinary way: a ChoicePrompt with no style, on the installed botbuilder-dialogs. */
const PROMPT_CHECK_BOT = `
const { createServer } = require('node:http');
const { ConversationState, MemoryStorage } = require('botbuilder');
const { ChoicePrompt, DialogSet, DialogTurnStatus, WaterfallDialog } = require('botbuilder-dialogs');
const { EightByEightAdapter } = require('botbuilder-contact-center');
const adapter = new EightByEightAdapter({ apiKey: process.env.EIGHTBYEIGHT_API_KEY, baseUrl: process.env.EIGHTBYEIGHT_BASE_URL });
const state = new ConversationState(new MemoryStorage());
const dialogs = new DialogSet(state.createProperty('dialogState'));
dialogs.add(new ChoicePrompt('choice'));
dialogs.add(new WaterfallDialog('main', [
    (step) => step.prompt('choice', { prompt: 'Pick a color', choices: ['Red', 'Green'] }),
    async (step) => { await step.context.sendActivity('You picked ' + step.result.value); return step.endDialog(); },
]));
createServer((req, res) => adapter.process(req, res, async (context) => {
    if (context.activity.type !== 'message') return;
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog('main');
    await state.saveChanges(context);
})).listen(Number(process.env.PORT));
`;

/** The newest SDK releases, and the oldest the peer ranges accept (botbuilder ^4.20, agents-hosting ^1.5.3). */
const sdkVersions = [
    { botbuilder: '4.23.3', agents: '1.8.1' },
    { botbuilder: '4.20.0', agents: '1.5.3' },
];

for (const sdks of sdkVersions)
    describe(`the packed package in a fresh project (README snippets; botbuilder ${sdks.botbuilder}, agents-hosting ${sdks.agents})`, function () {
        this.timeout(300_000);
        let project: string;
        const children: ChildProcess[] = [];

        before(async () => {
            project = mkdtempSync(join(tmpdir(), 'bcc-pack-'));
            const tarballs: string[] = [];
            for (const pkg of ['adapter', 'sandbox']) {
                const { stdout } = await run('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: join(repo, 'packages', pkg), env: cleanEnv() });
                tarballs.push(join(project, stdout.trim().split('\n').pop()!));
            }
            writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-snippets', private: true, type: 'module' }));
            const versions = [
                `botbuilder@${sdks.botbuilder}`,
                `botbuilder-dialogs@${sdks.botbuilder}`,
                `@microsoft/agents-hosting@${sdks.agents}`,
                `@microsoft/agents-activity@${sdks.agents}`,
                'typescript@5.9.3',
                '@types/node@20',
            ];
            // No --legacy-peer-deps: npm must accept these SDK versions against the package's peer ranges.
            await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs, ...versions], {
                cwd: project,
                env: cleanEnv(),
                maxBuffer: 1 << 24,
            });
            // --ignore-scripts skipped better-sqlite3's build of its native module (a minute of node-gyp on this machine);
            // a user's install runs it. Same Node, same platform: the workspace's build is the file that install makes.
            const nativeModule = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
            mkdirSync(dirname(join(project, nativeModule)), { recursive: true });
            copyFileSync(join(repo, nativeModule), join(project, nativeModule));
            await run(join(project, 'node_modules/.bin/tsc'), ['--init'], { cwd: project });
            // tsc --init's defaults, plus what any Node project adds: Node's types, and where sources and output go.
            const config = readFileSync(join(project, 'tsconfig.json'), 'utf8')
                .replace('"types": []', '"types": ["node"]')
                .replace('"compilerOptions": {', '"compilerOptions": {\n    "rootDir": "./src",\n    "outDir": "./dist",');
            writeFileSync(join(project, 'tsconfig.json'), config);
            mkdirSync(join(project, 'src'));
            for (const [name, code] of readmeSnippets()) writeFileSync(join(project, 'src', `${name}.ts`), code);
        });

        afterEach(() => {
            for (const child of children.splice(0)) child.kill('SIGKILL');
        });

        after(() => {
            if (project) rmSync(project, { recursive: true, force: true });
        });

        it('has README, LICENSE, types and both entries in the tarball, and no tests or build info', () => {
            const installed = join(project, 'node_modules/botbuilder-contact-center');
            const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
            expect(Object.keys(pkg.exports)).to.deep.equal(['.', './agents', './protocol', './package.json']);
            expect(pkg.peerDependencies).to.have.keys('botbuilder', '@microsoft/agents-hosting', '@microsoft/agents-activity');
            const files = readdirSync(installed, { recursive: true }).map(String);
            expect(files).to.include.members(['README.md', 'LICENSE', 'lib/index.d.ts', 'lib/agents/index.js', 'lib/protocol.d.ts']);
            expect(files.filter((f) => /tsbuildinfo|\.test\.|^test\/|^src\//.test(f))).to.deep.equal([]);
        });

        it('compiles every README snippet with tsc under the tsc --init defaults', async () => {
            const names = [...readmeSnippets().keys()];
            expect(names).to.include.members(['eightbyeight-botbuilder', 'eightbyeight-agents', 'liveperson-botbuilder']);
            const result = await run(join(project, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: project }).catch(
                (err) => err as { stdout: string; code: number }
            );
            expect((result as { stdout: string }).stdout, 'tsc output').to.equal('');
        });

        for (const name of ['eightbyeight-botbuilder', 'eightbyeight-agents']) {
            it(`runs the ${name} snippet verbatim: an 8x8 customer's message gets the echo`, async () => {
                const sandbox = new EightByEightSandbox();
                const baseUrl = await sandbox.start();
                try {
                    const port = await freePort();
                    const env = cleanEnv({ EIGHTBYEIGHT_API_KEY: sandbox.apiKey, EIGHTBYEIGHT_BASE_URL: baseUrl, PORT: String(port) });
                    const child = spawn(process.execPath, [join(project, 'dist', `${name}.js`)], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
                    children.push(child);
                    let stderr = '';
                    child.stderr!.on('data', (chunk) => (stderr += chunk));
                    sandbox.webhookUrl = `http://127.0.0.1:${port}/`;
                    await waitForPort(port, () => stderr);
                    const id = await sandbox.startConversation();
                    await sandbox.customerSays(id, 'hi');
                    // The webhook is answered once the event is stored; the bot's turn runs right after.
                    await waitUntil(() => sandbox.botMessages(id).length > 0, 5000).catch(() => undefined);
                    expect(
                        sandbox.botMessages(id).map((m) => m.text),
                        stderr
                    ).to.deep.equal(['Echo: hi']);
                } finally {
                    await sandbox.stop();
                }
            });
        }

        it(`a ChoicePrompt with the default style shows 8x8 quick replies with botbuilder-dialogs ${sdks.botbuilder} (the quickReplyPrompts patch on that version)`, async () => {
            writeFileSync(join(project, 'prompt-check.cjs'), PROMPT_CHECK_BOT);
            const sandbox = new EightByEightSandbox();
            const baseUrl = await sandbox.start();
            try {
                const port = await freePort();
                const env = cleanEnv({ EIGHTBYEIGHT_API_KEY: sandbox.apiKey, EIGHTBYEIGHT_BASE_URL: baseUrl, PORT: String(port) });
                const child = spawn(process.execPath, [join(project, 'prompt-check.cjs')], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
                children.push(child);
                let stderr = '';
                child.stderr!.on('data', (chunk) => (stderr += chunk));
                sandbox.webhookUrl = `http://127.0.0.1:${port}/`;
                await waitForPort(port, () => stderr);
                const id = await sandbox.startConversation();
                await sandbox.customerSays(id, 'hi');
                await waitUntil(() => sandbox.botMessages(id).length > 0, 5000).catch(() => undefined);
                const [prompt] = sandbox.botMessages(id);
                expect(prompt?.text, stderr).to.equal('Pick a color');
                expect(prompt.cards).to.deep.equal([
                    { contentType: 'application/8x8.quick.replies', content: { options: ['Red', 'Green'].map((c) => ({ title: c, data: { postback: c } })) } },
                ]);
                await sandbox.customerClicksQuickReply(id, 'Green', 'Green');
                await waitUntil(() => sandbox.botMessages(id).length > 1, 5000).catch(() => undefined);
                expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['Pick a color', 'You picked Green']);
            } finally {
                await sandbox.stop();
            }
        });

        it('runs the LivePerson snippet verbatim: it opens a conversation, and the agent gets answers', async () => {
            const sandbox = new LivePersonSandbox();
            const csdsUrl = await sandbox.start();
            try {
                const port = await freePort();
                sandbox.webhookUrl = `http://127.0.0.1:${port}/`;
                const env = cleanEnv({
                    LIVEPERSON_ACCOUNT_ID: sandbox.accountId,
                    LIVEPERSON_CLIENT_ID: sandbox.clientId,
                    LIVEPERSON_CLIENT_SECRET: sandbox.clientSecret,
                    LIVEPERSON_CSDS_URL: csdsUrl,
                    PORT: String(port),
                });
                const child = spawn(process.execPath, [join(project, 'dist/liveperson-botbuilder.js')], { cwd: project, env, stdio: 'ignore' });
                children.push(child);
                const conversation = await sandbox.waitForConversation('customer-42', 20_000);
                await waitUntil(() => sandbox.consumerTexts(conversation.id).includes('Hi, I need help with my order.'), 10_000);
                await sandbox.agentSays(conversation.id, 'Hello, how can I help?');
                await waitUntil(() => sandbox.consumerTexts(conversation.id).includes('You said: Hello, how can I help?'), 10_000);
            } finally {
                await sandbox.stop();
            }
        });

        it('the LivePerson snippet with an unreachable CSDS ends with an error message, not an unhandled rejection', async () => {
            const env = cleanEnv({
                LIVEPERSON_ACCOUNT_ID: '123',
                LIVEPERSON_CLIENT_ID: 'c',
                LIVEPERSON_CLIENT_SECRET: 's3cret-value',
                LIVEPERSON_CSDS_URL: `http://127.0.0.1:${await freePort()}`,
                PORT: String(await freePort()),
            });
            const result = await run(process.execPath, [join(project, 'dist/liveperson-botbuilder.js')], { cwd: project, env, timeout: 60_000 }).catch(
                (err) => err as { code: number; stderr: string }
            );
            expect((result as { code: number }).code).to.equal(1);
            const stderr = (result as { stderr: string }).stderr;
            expect(stderr).to.match(/^Could not open a LivePerson conversation: liveperson csds\.\w+ failed/);
            expect(stderr).not.to.match(/Unhandled|s3cret-value/);
        });
    });

/** Resolves once something listens on the port (the snippet's server); fails after 15 s with what the child printed. */
async function waitForPort(port: number, output: () => string): Promise<void> {
    const started = Date.now();
    for (;;) {
        const open = await new Promise<boolean>((done) => {
            const socket = connect(port, '127.0.0.1', () => {
                socket.destroy();
                done(true);
            });
            socket.on('error', () => done(false));
        });
        if (open) return;
        if (Date.now() - started > 15_000) throw new Error(`nothing listens on ${port}: ${output()}`);
        await new Promise((done) => setTimeout(done, 50));
    }
}
