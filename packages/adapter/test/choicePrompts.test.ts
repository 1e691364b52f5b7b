/**
 * Bots people already have work unchanged: a waterfall with a `ChoicePrompt` and a `ConfirmPrompt` written the
 * ordinary way (no `style`) shows the vendors' quick replies on 8x8 and LivePerson, on both hosts' dialog libraries
 * (botbuilder-dialogs, @microsoft/agents-hosting-dialogs), over real HTTP on loopback against the stand-ins; clicks,
 * typed choices, their numbers and synonyms answer the prompts. `quickReplyPrompts: false` leaves the library alone
 * (the inline text list comes back), other channels keep the library's own style, and untested library versions are
 * left untouched with a warning.
 *
 * Two things these tests write down rather than fix: @microsoft/agents-hosting-dialogs 0.6.22 does not recognise a
 * choice's number ("2"): its `recognizeChoices` has number and ordinal recognition commented out (with or without
 * this feature); and the LivePerson stand-in refuses quick replies from the consumer (the Connector API's consumer
 * capabilities), so on LivePerson the prompts reach the agent as the adapter renders suggested actions for its options.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import * as botbuilderDialogs from 'botbuilder-dialogs';
import * as agentsDialogs from '@microsoft/agents-hosting-dialogs';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../src/core/activity';
import { ConfigurationError } from '../src/core/errors';
import { disableQuickReplyPrompts, enableQuickReplyPrompts, type DialogsPackageName } from '../src/core/quickReplyPrompts';
import type { EightByEightAdapterOptions } from '../src/eightbyeight/options';
import { fromActivity as livePersonFromActivity } from '../src/liveperson/outboundMapper';
import type { LivePersonAdapterOptions } from '../src/liveperson/options';
import { capturingLogger, listen, waitUntil } from './helpers';
import {
    hosts,
    type TestActivity,
    type TestAdapter,
    type TestContext,
    type TestDialog,
    type TestDialogTurnResult,
    type TestEightByEightAdapter,
    type TestHost,
    type TestLivePersonAdapter,
} from './hosts';

const API_KEY = 'choice-prompts-key-51c0';
const SECRET = 'choice-prompts-secret-7d21';
const QUICK_REPLIES = 'application/8x8.quick.replies';

/** The adapters' option this file is about (the vendors' option types do not declare the hosts' options). */
interface HostOptions {
    quickReplyPrompts?: unknown;
}

type Choice = string | { value: string; synonyms?: string[] };
interface PromptOptions {
    prompt: string;
    retryPrompt?: string;
    choices?: Choice[];
}
type Prompting = { prompt(dialogId: string, options: PromptOptions): Promise<TestDialogTurnResult> };

interface OnSend {
    onSendActivities(handler: (context: unknown, activities: TestActivity[], next: () => Promise<unknown[]>) => Promise<unknown[]>): void;
}

interface ChoiceFactoryLike {
    forChannel(channelId: string, choices: Choice[], text?: string): TestActivity;
}

/** What this file needs of each SDK's dialogs library besides `host.dialogs`, which has no ConfirmPrompt or ChoiceFactory. */
const library = (host: TestHost) =>
    host.name === 'botbuilder'
        ? {
              packageName: 'botbuilder-dialogs' as DialogsPackageName,
              version: '4.23.3',
              ConfirmPrompt: botbuilderDialogs.ConfirmPrompt as unknown as new (dialogId: string) => TestDialog,
              ChoiceFactory: botbuilderDialogs.ChoiceFactory as unknown as ChoiceFactoryLike,
          }
        : {
              packageName: '@microsoft/agents-hosting-dialogs' as DialogsPackageName,
              version: '0.6.22',
              ConfirmPrompt: agentsDialogs.ConfirmPrompt as unknown as new (dialogId: string) => TestDialog,
              ChoiceFactory: agentsDialogs.ChoiceFactory as unknown as ChoiceFactoryLike,
          };

const COLORS: Choice[] = ['Red', 'Green', { value: 'Blue', synonyms: ['navy'] }];
const INLINE_COLORS = 'Pick a color (1) Red, (2) Green, or (3) Blue';

/**
 * The bot, written the ordinary way: a waterfall asking a color (ChoicePrompt) then "Are you sure?" (ConfirmPrompt),
 * neither with a style; the dialog state saved in conversation state at the end of each turn.
 */
function colorBot(host: TestHost, sent: TestActivity[] = []): (context: TestContext) => Promise<void> {
    const { DialogSet, ChoicePrompt, WaterfallDialog, DialogTurnStatus } = host.dialogs;
    const { ConfirmPrompt } = library(host);
    const conversationState = new host.ConversationState(new host.MemoryStorage());
    const dialogs = new DialogSet(conversationState.createProperty('dialogState'));
    dialogs.add(new ChoicePrompt('color'));
    dialogs.add(new ConfirmPrompt('sure'));
    dialogs.add(
        new WaterfallDialog('order', [
            async (step) => (step as unknown as Prompting).prompt('color', { prompt: 'Pick a color', retryPrompt: 'Please pick a color', choices: COLORS }),
            async (step) => {
                await step.context.sendActivity(`You picked ${(step.result as { value: string }).value}`);
                return (step as unknown as Prompting).prompt('sure', { prompt: 'Are you sure?' });
            },
            async (step) => {
                await step.context.sendActivity(step.result ? 'Confirmed' : 'Cancelled');
                return step.endDialog();
            },
        ])
    );
    return async (context) => {
        if (context.activity.type !== ActivityTypes.Message) return;
        // Keeps what the bot sends, as the adapter receives it (plain JSON).
        (context as unknown as OnSend).onSendActivities(async (_c, activities, next) => {
            sent.push(...activities.map((a) => JSON.parse(JSON.stringify(a)) as TestActivity));
            return next();
        });
        const dc = await dialogs.createContext(context);
        const result = await dc.continueDialog();
        if (result.status === DialogTurnStatus.empty) await dc.beginDialog('order');
        await conversationState.saveChanges(context);
    };
}

const quickRepliesCard = (...titles: string[]) => ({
    contentType: QUICK_REPLIES,
    content: { options: titles.map((t) => ({ title: t, data: { postback: t } })) },
});

for (const host of hosts) {
    const { packageName, version, ChoiceFactory } = library(host);
    // Each test starts from the library as installed: only the adapters it creates (or its own calls) change it.
    const untouched = () => disableQuickReplyPrompts(packageName);

    describe(`ChoicePrompt / ConfirmPrompt with no style on 8x8 (${host.name}, ${packageName})`, function () {
        this.timeout(15000);
        let sandbox: EightByEightSandbox;
        let adapter: TestEightByEightAdapter;
        let closeServer: () => Promise<void>;
        let logger: ReturnType<typeof capturingLogger>;
        beforeEach(untouched);

        async function setup(options: HostOptions = {}): Promise<string> {
            sandbox = new EightByEightSandbox({ apiKey: API_KEY });
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            const adapterOptions: EightByEightAdapterOptions & HostOptions = { apiKey: API_KEY, baseUrl, logger, ...options };
            adapter = new host.EightByEightAdapter(adapterOptions);
            const bot = colorBot(host);
            const server = await listen((req, res) => void adapter.process(req, res, bot));
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
            return sandbox.startConversation();
        }

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
            expect(logger.lines.filter((line) => line.startsWith('warn') || line.startsWith('error'))).to.deep.equal([]);
        });

        const shown = (id: string) => sandbox.botMessages(id).map((m) => ({ text: m.text, ...(m.cards?.length ? { cards: m.cards } : {}) }));

        it('shows both prompts as quick replies, and clicking them answers the prompts', async () => {
            const id = await setup();
            await sandbox.customerSays(id, 'I want a bike');
            expect(shown(id)).to.deep.equal([{ text: 'Pick a color', cards: [quickRepliesCard('Red', 'Green', 'Blue')] }]);
            await sandbox.customerClicksQuickReply(id, 'Green', 'Green');
            await sandbox.customerClicksQuickReply(id, 'Yes', 'Yes');
            expect(shown(id).slice(1)).to.deep.equal([
                { text: 'You picked Green' },
                { text: 'Are you sure?', cards: [quickRepliesCard('Yes', 'No')] },
                { text: 'Confirmed' },
            ]);
        });

        it('typing the choice, a synonym or (botbuilder-dialogs) its number answers too; an unknown answer re-asks with quick replies', async () => {
            const id = await setup();
            const colors = { text: 'Pick a color', cards: [quickRepliesCard('Red', 'Green', 'Blue')] };
            const again = { text: 'Please pick a color', cards: [quickRepliesCard('Red', 'Green', 'Blue')] };
            const sure = { text: 'Are you sure?', cards: [quickRepliesCard('Yes', 'No')] };
            type Step = [said: string, replies: object[]];
            // agents-hosting-dialogs 0.6.22 recognises no numbers (see the top of this file): "3" asks again there.
            const byNumber: Step[] =
                host.name === 'botbuilder'
                    ? [
                          ['3', [{ text: 'You picked Blue' }, sure]],
                          ['1', [{ text: 'Confirmed' }]],
                      ]
                    : [
                          ['3', [again]],
                          ['blue', [{ text: 'You picked Blue' }, sure]],
                          ['1', [sure]],
                          ['yes', [{ text: 'Confirmed' }]],
                      ];
            const script: Step[] = [
                ['hi', [colors]],
                ['purple', [again]],
                ['green', [{ text: 'You picked Green' }, sure]],
                ['no', [{ text: 'Cancelled' }]],
                ['hi', [colors]],
                ...byNumber,
                ['hi', [colors]],
                ['navy', [{ text: 'You picked Blue' }, sure]],
                ['Yes', [{ text: 'Confirmed' }]],
            ];
            for (const [text] of script) await sandbox.customerSays(id, text);
            expect(shown(id)).to.deep.equal(script.flatMap(([, replies]) => replies));
        });

        it(`quickReplyPrompts: false leaves ${packageName} untouched: the inline text list comes back, and typing still answers`, async () => {
            const original = ChoiceFactory.forChannel;
            const id = await setup({ quickReplyPrompts: false });
            expect(ChoiceFactory.forChannel, 'not wrapped').to.equal(original);
            for (const text of ['hi', 'green', 'yes']) await sandbox.customerSays(id, text);
            expect(shown(id)).to.deep.equal([
                { text: INLINE_COLORS },
                { text: 'You picked Green' },
                { text: 'Are you sure? (1) Yes or (2) No' },
                { text: 'Confirmed' },
            ]);
        });

        it('several adapters wrap the library once; a non-boolean option is refused', async () => {
            await setup();
            const wrapped = ChoiceFactory.forChannel;
            const more = [new host.EightByEightAdapter({ apiKey: API_KEY }), new host.LivePersonAdapter({ accountId: '1', clientId: 'c', clientSecret: 's' })];
            expect(ChoiceFactory.forChannel).to.equal(wrapped);
            expect(enableQuickReplyPrompts(packageName).find((copy) => copy.status === 'enabled')).to.include({ packageName, version });
            expect(ChoiceFactory.forChannel).to.equal(wrapped);
            for (const extra of more) await extra.close();
            const options: EightByEightAdapterOptions & HostOptions = { apiKey: API_KEY, quickReplyPrompts: 'no' };
            expect(() => new host.EightByEightAdapter(options))
                .to.throw(ConfigurationError)
                .with.property('message', `EightByEightAdapter: option "quickReplyPrompts" must be true or false.`);
        });
    });

    describe(`ChoicePrompt / ConfirmPrompt with no style on LivePerson (${host.name}, ${packageName})`, function () {
        this.timeout(15000);
        let sandbox: LivePersonSandbox;
        let adapter: TestLivePersonAdapter;
        let closeServer: () => Promise<void>;
        let sent: TestActivity[];
        beforeEach(untouched);

        async function setup(options: Partial<LivePersonAdapterOptions> & HostOptions = {}): Promise<string> {
            sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            const csdsUrl = await sandbox.start();
            const adapterOptions: LivePersonAdapterOptions & HostOptions = {
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: SECRET,
                csdsUrl,
                logger: capturingLogger(),
                ...options,
            };
            adapter = new host.LivePersonAdapter(adapterOptions);
            sent = [];
            const bot = colorBot(host, sent);
            const server = await listen((req, res) => void adapter.process(req, res, bot));
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
            const reference = await adapter.openConversation({ consumerId: 'bike-buyer' });
            await waitUntil(() => sandbox.deliveries.length > 0);
            return reference.conversation!.id;
        }

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
        });

        /** The texts of the bot's ContentEvents (it speaks as the consumer). */
        const shown = (id: string) => sandbox.consumerTexts(id);
        /** What the bot's prompts carried: text and suggested actions (title → value). */
        const prompts = () =>
            sent
                .filter((a) => (a as { inputHint?: string }).inputHint === 'expectingInput')
                .map((a) => ({ text: a.text, actions: a.suggestedActions?.actions.map((x) => `${x.title}→${String(x.value)}`) }));
        /** The ContentEvent the adapter makes of an activity, for the options given. */
        const rendered = (activity: TestActivity, options: Partial<LivePersonAdapterOptions> = {}) =>
            livePersonFromActivity(
                { ...activity, conversation: { id: 'c' } },
                { record: {}, cardRendering: 'text', suggestedActionsRendering: options.suggestedActionsRendering ?? 'text' }
            ).requests[0].body.event as { message: string; quickReplies?: { replies: Array<{ title: string; click: { actions: Array<{ text: string }> } }> } };

        // A LivePerson quick reply publishes its text as the agent's message: the agent answering "Green" is also the click.
        it('the prompts reach the adapter as suggested actions and the agent as the adapter renders them; the reply text, a synonym (and on botbuilder a number) answer', async () => {
            const id = await setup();
            const numbers = host.name === 'botbuilder';
            for (const text of ['Can I help you?', 'Green', 'no', 'hi', numbers ? '3' : 'navy', 'yes']) await sandbox.agentSays(id, text);
            expect(prompts()).to.deep.equal([
                { text: 'Pick a color', actions: ['Red→Red', 'Green→Green', 'Blue→Blue'] },
                { text: 'Are you sure?', actions: ['Yes→Yes', 'No→No'] },
                { text: 'Pick a color', actions: ['Red→Red', 'Green→Green', 'Blue→Blue'] },
                { text: 'Are you sure?', actions: ['Yes→Yes', 'No→No'] },
            ]);
            const [colors, sure] = sent.filter((a) => a.suggestedActions).map((a) => rendered(a).message);
            expect(colors).not.to.equal(INLINE_COLORS);
            expect(colors).to.match(/^Pick a color\n[\s\S]*Red[\s\S]*Green[\s\S]*Blue/);
            expect(shown(id)).to.deep.equal([colors, 'You picked Green', sure, 'Cancelled', colors, 'You picked Blue', sure, 'Confirmed']);
        });

        it('with suggestedActionsRendering "quickReplies" the adapter sends the prompt with LivePerson quick replies', async () => {
            const id = await setup({ suggestedActionsRendering: 'quickReplies' });
            await sandbox.agentSays(id, 'Can I help you?');
            const publish = sandbox.recorder
                .find((r) => r.path.endsWith('/conversation/send'))
                .map((r) => (r.body as { body?: { event?: ReturnType<typeof rendered> & { type: string } } }).body?.event)
                .find((event) => event?.type === 'ContentEvent');
            expect(publish?.message).to.equal('Pick a color');
            expect(publish?.quickReplies?.replies.map((r) => `${r.title}→${r.click.actions.map((a) => a.text).join()}`)).to.deep.equal([
                'Red→Red',
                'Green→Green',
                'Blue→Blue',
            ]);
            // (The stand-in refuses quick replies from a consumer, as the Connector API documents; accounts that accept them show buttons.)
        });

        it(`quickReplyPrompts: false leaves ${packageName} untouched: the inline text list`, async () => {
            const original = ChoiceFactory.forChannel;
            const id = await setup({ quickReplyPrompts: false });
            expect(ChoiceFactory.forChannel).to.equal(original);
            for (const text of ['Can I help you?', 'red']) await sandbox.agentSays(id, text);
            expect(prompts()).to.deep.equal([
                { text: INLINE_COLORS, actions: undefined },
                { text: 'Are you sure? (1) Yes or (2) No', actions: undefined },
            ]);
            expect(shown(id)).to.deep.equal([INLINE_COLORS, 'You picked Red', 'Are you sure? (1) Yes or (2) No']);
        });
    });

    describe(`quickReplyPrompts scope, limits and versions (${host.name}, ${packageName})`, () => {
        let adapters: TestAdapter[] = [];
        beforeEach(untouched);
        const eightByEight = (options: HostOptions = {}) => {
            const adapterOptions: EightByEightAdapterOptions & HostOptions = { apiKey: API_KEY, logger: capturingLogger(), ...options };
            const adapter = new host.EightByEightAdapter(adapterOptions);
            adapters.push(adapter);
            return adapter;
        };
        afterEach(async () => {
            for (const adapter of adapters) await adapter.close();
            adapters = [];
        });

        /** Runs the prompt on a TurnContext of `channelId` (through the dialogs library itself) and returns what it sent. */
        async function promptOn(adapter: TestAdapter, channelId: string): Promise<TestActivity> {
            const { DialogSet, ChoicePrompt } = host.dialogs;
            const dialogs = new DialogSet(new host.ConversationState(new host.MemoryStorage()).createProperty('dialogState')).add(new ChoicePrompt('color'));
            const context = host.newTurnContext(adapter, {
                type: ActivityTypes.Message,
                channelId,
                text: 'hi',
                id: 'a1',
                from: { id: 'user-1' },
                recipient: { id: 'bot-1' },
                conversation: { id: 'conversation-1' },
                serviceUrl: 'https://example.invalid',
            });
            const sent: TestActivity[] = [];
            (context as unknown as { onSendActivities(handler: (c: unknown, activities: TestActivity[]) => Promise<unknown[]>): void }).onSendActivities(
                async (_c, activities) => {
                    sent.push(...activities);
                    return activities.map(() => ({ id: 'sent' }));
                }
            );
            await (await dialogs.createContext(context)).beginDialog('color', { prompt: 'Pick a color', choices: COLORS });
            expect(sent).to.have.length(1);
            return JSON.parse(JSON.stringify(sent[0])) as TestActivity;
        }

        it("another channel keeps the library's own style; the adapter's channel gets suggested actions; the other vendor's only when registered", async () => {
            const adapter = eightByEight();
            const onTest = await promptOn(adapter, 'test');
            expect(onTest.text).to.equal(INLINE_COLORS);
            expect(onTest.suggestedActions).to.equal(undefined);
            const on8x8 = await promptOn(adapter, '8x8');
            expect(on8x8.text).to.equal('Pick a color');
            expect(on8x8.suggestedActions!.actions.map((a) => [a.type, a.title, a.value])).to.deep.equal([
                ['imBack', 'Red', 'Red'],
                ['imBack', 'Green', 'Green'],
                ['imBack', 'Blue', 'Blue'],
            ]);
            // Only the 8x8 adapter exists: LivePerson prompts are not changed by it.
            expect((await promptOn(adapter, 'liveperson')).text).to.equal(INLINE_COLORS);
            // A channel the library itself knows keeps its answer (botbuilder-dialogs: suggested actions on webchat; agents: text).
            const webchat = ChoiceFactory.forChannel('webchat', ['Red', 'Green'], 'Pick');
            expect(Boolean(webchat.suggestedActions)).to.equal(host.name === 'botbuilder');
        });

        it("more choices or longer titles than the vendor's quick replies allow, or no text on LivePerson, keep the library's style", () => {
            enableQuickReplyPrompts(packageName, { logger: capturingLogger() });
            const numbers = (n: number) => Array.from({ length: n }, (_, i) => `Choice ${i + 1}`);
            const hasActions = (channelId: string, choices: Choice[], text = 'Pick one') =>
                ChoiceFactory.forChannel(channelId, choices, text).suggestedActions !== undefined;
            expect(hasActions('8x8', numbers(10))).to.equal(true);
            expect(hasActions('8x8', numbers(11))).to.equal(false);
            expect(hasActions('8x8', ['x'.repeat(20)])).to.equal(true);
            expect(hasActions('8x8', ['x'.repeat(21)])).to.equal(false);
            expect(hasActions('liveperson', numbers(24))).to.equal(true);
            expect(hasActions('liveperson', numbers(25))).to.equal(false);
            expect(hasActions('liveperson', ['x'.repeat(25)])).to.equal(true);
            expect(hasActions('liveperson', ['x'.repeat(26)])).to.equal(false);
            expect(hasActions('liveperson', ['Red'], '')).to.equal(false);
            expect(hasActions('8x8', ['Red'], '')).to.equal(true);
            const openUrl = { value: 'Docs', action: { type: 'openUrl', title: 'Docs', value: 'https://example.com' } };
            expect(hasActions('8x8', [openUrl as Choice])).to.equal(false);
            expect(ChoiceFactory.forChannel('8x8', numbers(11), 'Pick one').text).to.equal(
                `Pick one\n\n   ${numbers(11)
                    .map((c, i) => `${i + 1}. ${c}`)
                    .join('\n   ')}`
            );
        });

        it('a copy of an untested version is left untouched, with one warning naming the version and what was tested', () => {
            const folder = realpathSync(mkdtempSync(join(tmpdir(), 'quick-reply-prompts-')));
            const untested = host.name === 'botbuilder' ? '5.0.0' : '0.7.0';
            const packageFolder = join(folder, 'node_modules', ...packageName.split('/'));
            mkdirSync(packageFolder, { recursive: true });
            writeFileSync(join(packageFolder, 'package.json'), JSON.stringify({ name: packageName, version: untested, main: 'index.js' }));
            writeFileSync(join(packageFolder, 'index.js'), 'exports.ChoiceFactory = { forChannel() { return "original"; }, toChoices(c) { return c; } };');
            const indexFile = require.resolve(packageName, { paths: [folder] });
            try {
                const logger = capturingLogger();
                const results = enableQuickReplyPrompts(packageName, { paths: [folder], logger });
                expect(results.find((r) => r.path === packageFolder)).to.deep.equal({
                    packageName,
                    version: untested,
                    path: packageFolder,
                    status: 'untestedVersion',
                });
                expect(results.find((r) => r.path !== packageFolder)).to.include({ packageName, version, status: 'enabled' });
                const fake = (require.cache[indexFile]!.exports as { ChoiceFactory: ChoiceFactoryLike }).ChoiceFactory;
                expect(fake.forChannel('8x8', ['Red'], 'Pick')).to.equal('original');
                enableQuickReplyPrompts(packageName, { paths: [folder], logger });
                expect(logger.lines).to.have.length(1);
                expect(logger.lines[0]).to.match(
                    new RegExp(`^warn quickReplyPrompts: ${packageName} ${untested.replace(/\./g, '\\.')} at .* is not a version`)
                );
                expect(logger.lines[0]).to.include(host.name === 'botbuilder' ? '4.x from 4.20' : '0.6.x');
            } finally {
                delete require.cache[indexFile];
                rmSync(folder, { recursive: true, force: true });
            }
        });
    });
}

after(() => {
    for (const host of hosts) disableQuickReplyPrompts(library(host).packageName);
});

describe('quickReplyPrompts: a bot that loads its dialogs library after creating the adapter', function () {
    this.timeout(30000);
    // A fresh process: this one has loaded both dialogs libraries already (test/hosts.ts).
    const run = promisify(execFile);
    for (const [entry, packageName, reference] of [
        ['../src/botbuilder/eightByEightAdapter', 'botbuilder-dialogs', "{ channelId: '8x8', conversation: { id: 'c1' }, serviceUrl: 'https://x.invalid' }"],
        [
            '../src/agents/eightByEightAdapter',
            '@microsoft/agents-hosting-dialogs',
            "'', { channelId: '8x8', conversation: { id: 'c1' }, serviceUrl: 'https://x.invalid' }",
        ],
    ] as const) {
        it(`${packageName}: not loaded by the adapter; patched at the first turn after the bot loaded it`, async () => {
            const script = `
                const { EightByEightAdapter } = require(${JSON.stringify(require.resolve(entry))});
                const loaded = () => Object.keys(require.cache).some((file) => file.includes(${JSON.stringify(packageName)}));
                const { MemoryInboxStore } = require(${JSON.stringify(require.resolve('../src/core/memoryInboxStore'))});
                const adapter = new EightByEightAdapter({ apiKey: 'k', store: new MemoryInboxStore() });
                const out = { loadedByAdapter: loaded() };
                const { ChoiceFactory } = require(${JSON.stringify(packageName)});
                const original = ChoiceFactory.forChannel;
                adapter.continueConversation(${reference}, async () => {
                    out.wrappedAtTurn = ChoiceFactory.forChannel !== original;
                    out.prompt = JSON.parse(JSON.stringify(ChoiceFactory.forChannel('8x8', ['Red', 'Green'], 'Pick')));
                }).then(() => adapter.close()).then(() => console.log(JSON.stringify(out)), (err) => { console.error(err); process.exit(1); });
            `;
            const { stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: join(__dirname, '..') });
            const out = JSON.parse(stdout.trim().split('\n').pop()!) as { loadedByAdapter: boolean; wrappedAtTurn: boolean; prompt: TestActivity };
            expect(out.loadedByAdapter).to.equal(false);
            expect(out.wrappedAtTurn).to.equal(true);
            expect(out.prompt.text).to.equal('Pick');
            expect(out.prompt.suggestedActions!.actions.map((a) => a.title)).to.deep.equal(['Red', 'Green']);
        });
    }
});
