/**
 * Bot Framework cards on 8x8, over real HTTP on loopback: a bot sends the cards of its SDK's own CardFactory, and
 * the 8x8 stand-in shows what the Chat Gateway received (Adaptive Cards in the message's `cards`).
 */
import { expect } from 'chai';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import { findAdaptiveCardProblems } from '../../src/core/adaptiveCards';
import { CARD_BUTTON_TEXT_KEY } from '../../src/core/cardConversion';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { cardFactory, everyCard } from '../everyCard';
import { hosts, type TestActivity, type TestContext, type TestEightByEightAdapter } from '../hosts';

const API_KEY = 'cards-test-key-5e02a1';
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
type Logic = (context: TestContext) => Promise<void>;

/** A readable summary of an Adaptive Card: its body (texts, image URLs, facts) and its actions. */
function summary(card: any): { body: string[]; actions: string[] } {
    const body = (card.body ?? []).flatMap((e: any) =>
        e.type === 'TextBlock'
            ? [e.text]
            : e.type === 'Image'
              ? [`image ${e.url}`]
              : e.type === 'FactSet'
                ? e.facts.map((f: any) => `${f.title}: ${f.value}`)
                : [e.type]
    );
    const actions = (card.actions ?? []).map((a: any) => (a.type === 'Action.OpenUrl' ? `${a.title} → ${a.url}` : `${a.title} ⇒ ${JSON.stringify(a.data)}`));
    return { body, actions };
}

for (const host of hosts) {
    describe(`8x8: Bot Framework cards over loopback HTTP (${host.name})`, function () {
        this.timeout(15000);
        let sandbox: EightByEightSandbox;
        let adapter: TestEightByEightAdapter;
        let logger: ReturnType<typeof capturingLogger>;
        let received: TestActivity[];
        let errors: unknown[];
        let logic: Logic;
        let closeServer: () => Promise<void>;

        beforeEach(async () => {
            sandbox = new EightByEightSandbox({ apiKey: API_KEY });
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
            received = [];
            errors = [];
            logic = async () => undefined;
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context) => {
                    received.push(context.activity);
                    await logic(context).catch((err: unknown) => {
                        errors.push(err);
                        throw err;
                    });
                });
            });
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
        });

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
        });

        /** Nothing was refused: no mapping error in the bot, no failed turn, no 4xx/5xx from the Chat Gateway. */
        function expectNothingRefused() {
            expect(errors).to.deep.equal([]);
            expect(logger.lines.filter((line) => /ActivityMappingError|not supported|failed/.test(line))).to.deep.equal([]);
            expect(sandbox.recorder.find((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([]);
        }

        it('shows a welcome Hero card sent on conversationUpdate as an Adaptive Card', async () => {
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.ConversationUpdate) return;
                const welcome = cardFactory(host).heroCard(
                    'Welcome to Contoso',
                    'How can I help you today?',
                    [{ url: 'https://cdn.example/contoso.png', alt: 'Contoso' }],
                    ['Order status', 'Talk to an agent']
                );
                await context.sendActivity({ type: ActivityTypes.Message, attachments: [welcome] });
            };
            const id = await sandbox.startConversation();
            const messages = sandbox.botMessages(id);
            expect(messages).to.have.length(1);
            expect(messages[0].text).to.equal(undefined);
            expect(messages[0].cards).to.deep.equal([
                {
                    contentType: ADAPTIVE,
                    content: {
                        type: 'AdaptiveCard',
                        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
                        version: '1.3',
                        body: [
                            { type: 'Image', url: 'https://cdn.example/contoso.png', altText: 'Contoso', size: 'Stretch' },
                            { type: 'TextBlock', text: 'Welcome to Contoso', weight: 'Bolder', size: 'Medium', wrap: true },
                            { type: 'TextBlock', text: 'How can I help you today?', wrap: true },
                        ],
                        actions: [
                            { type: 'Action.Submit', title: 'Order status', data: { [CARD_BUTTON_TEXT_KEY]: 'Order status' } },
                            { type: 'Action.Submit', title: 'Talk to an agent', data: { [CARD_BUTTON_TEXT_KEY]: 'Talk to an agent' } },
                        ],
                    },
                },
            ]);
            expectNothingRefused();
        });

        it("gets every card of the SDK's CardFactory to 8x8 as a valid Adaptive Card, one message each", async () => {
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                for (const card of everyCard(host)) await context.sendActivity({ type: ActivityTypes.Message, attachments: [card] });
            };
            const id = await sandbox.startConversation();
            expect((await sandbox.customerSays(id, 'show me everything')).status).to.equal(200);
            const messages = sandbox.botMessages(id);
            expect(messages.map((m) => m.cards?.map((c) => c.contentType))).to.deep.equal(everyCard(host).map(() => [ADAPTIVE]));
            for (const message of messages) expect(findAdaptiveCardProblems(message.cards![0].content)).to.deep.equal([]);
            const yes = JSON.stringify({ [CARD_BUTTON_TEXT_KEY]: 'Yes' });
            expect(messages.map((m) => summary(m.cards![0].content))).to.deep.equal([
                { body: ['image https://cdn.example/hero.png', 'Hero', 'Hero text'], actions: [`Yes ⇒ ${yes}`, 'Docs → https://docs.example'] },
                {
                    body: ['Thumbnail', 'image https://cdn.example/thumb.png', 'Thumbnail text'],
                    actions: [`Buy ⇒ ${JSON.stringify({ [CARD_BUTTON_TEXT_KEY]: 'Buy' })}`],
                },
                { body: ['Animation', 'image https://cdn.example/dance.gif'], actions: [`Again ⇒ ${JSON.stringify({ [CARD_BUTTON_TEXT_KEY]: 'Again' })}`] },
                { body: ['Audio', 'Episode 1'], actions: ['Play → https://cdn.example/episode.mp3'] },
                {
                    body: ['Video'],
                    actions: ['Play (HD) → https://cdn.example/guide.mp4', `Helpful ⇒ ${JSON.stringify({ [CARD_BUTTON_TEXT_KEY]: 'Helpful' })}`],
                },
                { body: ['Receipt', '2 × Coffee: $7.00', 'Total: $7.00'], actions: ['Invoice → https://shop.example/inv/1'] },
                { body: ['Sign in to see your orders'], actions: ['Sign in → https://token.example/signin/1'] },
                { body: ['Log in first'], actions: ['Log in → https://login.example/start'] },
            ]);
            expectNothingRefused();
        });

        // Needs the inbound change (eightbyeight/inboundMapper.ts: an Action.Submit whose data carries the
        // CARD_BUTTON_TEXT_KEY marker → a message with that text); fails until it is applied.
        it('delivers a click on a Hero card button to the bot as the button value in text, like a typed choice', async () => {
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                if (context.activity.text === 'colors') {
                    const card = cardFactory(host).heroCard('Pick a color', [], ['Red', 'Green']);
                    await context.sendActivity({ type: ActivityTypes.Message, attachments: [card] });
                } else if (context.activity.text) {
                    await context.sendActivity(`You picked ${context.activity.text}`);
                }
            };
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'colors');
            const [shown] = sandbox.botMessages(id);
            const red = (shown.cards![0].content as { actions: Array<{ title: string; data: unknown }> }).actions.find((a) => a.title === 'Red')!;
            expect((await sandbox.customerSubmitsCard(id, red.data)).status).to.equal(200);
            await waitUntil(() => received.length === 3);
            expect(received[2]).to.deep.include({ type: ActivityTypes.Message, text: 'Red' });
            expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal([undefined, 'You picked Red']);
            expectNothingRefused();
        });
    });
}
