/**
 * The escalation bridge with a customer on this library's EightByEightAdapter (the 8x8 stand-in as the customer's
 * channel), on both hosts: the bridge's middleware and proactive turns work on a botbuilder adapter and on an Agents
 * SDK adapter alike. The customer's adapter and the bridge each have their own store: the bridge's work never joins
 * the 8x8 adapter's inbox events.
 */
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { LivePersonEscalation } from '../../src/escalation/livePersonEscalation';
import { capturingLogger, listen } from '../helpers';
import { hosts, type TestContext, type TestEightByEightAdapter } from '../hosts';
import { HANDOFF_CONTEXT, SECRET, TRANSCRIPT } from './harness';

const API_KEY = 'escalation-8x8-key-31ab';

for (const host of hosts) {
    describe(`LivePersonEscalation: a customer on EightByEightAdapter (${host.name})`, function () {
        this.timeout(15000);
        let eightByEight: EightByEightSandbox;
        let livePerson: LivePersonSandbox;
        let adapter: TestEightByEightAdapter;
        let bridge: LivePersonEscalation;
        let logger: ReturnType<typeof capturingLogger>;
        let closers: Array<() => Promise<void>>;
        let statuses: string[];

        /** The echo bot of the example, host-neutral: "agent" escalates; handoff.status completed → back with the bot. */
        const logic = async (context: TestContext) => {
            const { type, text, name, value } = context.activity;
            if (type === ActivityTypes.Message && text === 'agent') {
                await context.sendActivity(host.handoffInitiation(context, HANDOFF_CONTEXT, TRANSCRIPT));
            } else if (type === ActivityTypes.Message) {
                await context.sendActivity(`Echo: ${text}`);
            } else if (type === ActivityTypes.Event && name === 'handoff.status') {
                statuses.push((value as { state: string }).state);
                if ((value as { state: string }).state === 'completed') await context.sendActivity('You are back with the bot.');
            }
        };

        beforeEach(async () => {
            closers = [];
            statuses = [];
            logger = capturingLogger();
            eightByEight = new EightByEightSandbox({ apiKey: API_KEY, echoBotMessages: false });
            const baseUrl = await eightByEight.start();
            livePerson = new LivePersonSandbox({ clientSecret: SECRET });
            const csdsUrl = await livePerson.start();
            adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
            bridge = new LivePersonEscalation({
                accountId: livePerson.accountId,
                clientId: livePerson.clientId,
                clientSecret: SECRET,
                csdsUrl,
                store: new MemoryInboxStore(),
                logger,
                inbox: { retryDelayMs: 10, maxRetryDelayMs: 40, pollMs: 20 },
                sweepIntervalMs: false,
            });
            (adapter as unknown as { use(middleware: unknown): void }).use(bridge.middleware(adapter as never, { logic }));
            const customerSide = await listen((req, res) => void adapter.process(req, res, logic));
            const livePersonSide = await listen((req, res) => void bridge.process(req, res));
            closers.push(customerSide.close, livePersonSide.close);
            eightByEight.webhookUrl = `${customerSide.url}/api/8x8/webhook`;
            livePerson.webhookUrl = `${livePersonSide.url}/api/liveperson/webhook`;
        });

        afterEach(async () => {
            for (const close of closers) await close();
            await bridge.close();
            await adapter.close();
            await eightByEight.stop();
            await livePerson.stop();
            for (const line of logger.lines) {
                expect(line).not.to.include(SECRET);
                expect(line).not.to.include(API_KEY);
            }
        });

        const botTexts = (conversationId: string) => eightByEight.botMessages(conversationId).map((m) => m.text);

        it('escalates instead of handing off to the 8x8 queue, relays both ways (quick replies as 8x8 quick replies), and hands back to the bot when the agent closes', async () => {
            const conversationId = await eightByEight.startConversation();
            await eightByEight.customerSays(conversationId, 'agent');
            const [conversation] = [...livePerson.conversations.values()];
            expect(conversation.skillId).to.equal(HANDOFF_CONTEXT.skillId);
            expect(livePerson.consumerTexts(conversation.id)[0]).to.match(/^The customer wants a refund for order 1234\.\n/);
            expect(
                eightByEight.recorder.find((r) => r.method === 'PATCH'),
                'no 8x8 queue assignment'
            ).to.deep.equal([]);
            expect(botTexts(conversationId)).to.deep.equal(['Please wait while I connect you to an agent. Type "cancel" to stop waiting.']);

            await livePerson.agentJoins(conversation.id);
            await bridge.whenIdle();
            expect(statuses).to.deep.equal(['accepted']);

            await eightByEight.customerSays(conversationId, 'Where is my parcel?');
            expect(livePerson.consumerTexts(conversation.id).at(-1)).to.equal('Where is my parcel?');
            const quickReplies = {
                type: 'quickReplies',
                replies: [{ type: 'button', title: 'Yes', click: { actions: [{ type: 'publishText', text: 'yes' }] } }],
            };
            await livePerson.agentSays(conversation.id, 'Shall I refund it?', { quickReplies });
            await bridge.whenIdle();
            const offered = eightByEight.botMessages(conversationId).at(-1)!;
            expect(offered.text).to.equal('Shall I refund it?');
            expect(JSON.stringify(offered.cards)).to.include('"Yes"');
            await eightByEight.customerSays(conversationId, 'yes');
            expect(livePerson.consumerTexts(conversation.id).at(-1)).to.equal('yes');

            await livePerson.agentCloses(conversation.id);
            await bridge.whenIdle();
            expect(statuses).to.deep.equal(['accepted', 'completed']);
            await eightByEight.customerSays(conversationId, 'thanks');
            expect(botTexts(conversationId).slice(-2)).to.deep.equal(['You are back with the bot.', 'Echo: thanks']);
            expect(botTexts(conversationId)).not.to.include('Echo: Where is my parcel?');
        });
    });
}
