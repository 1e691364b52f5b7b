/**
 * The dialogs example (a botbuilder-dialogs waterfall, and the same on @microsoft/agents-hosting-dialogs for the Agents
 * SDK host) on both vendors, over loopback HTTP against the stand-ins: every step is a separate webhook request, so
 * passing these shows the dialog state survives between turns. Each delivery waits until the example ran what it
 * accepted (`waitForTurnsAfterDeliveries`).
 */
import { expect } from 'chai';
import { MemoryInboxStore } from 'botbuilder-contact-center';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { CASE_HELP_TEXT, CASE_UNKNOWN, caseAnswerOf, isDecisionCue } from '../src/dialogs/returnCaseScript';
import { HELP_TEXT } from '../src/dialogs/supportScript';
import { HOST_NAMES, createExampleBot } from '../src/host';
import { startExample, type RunningExample } from '../src/server';
import { capturingLogger, waitForTurnsAfterDeliveries } from './helpers';

const VALID = { orderNumber: 'A-1234', urgency: 'high', date: '2026-11-01' };

for (const host of HOST_NAMES) {
    describe(`dialogs example on 8x8, ${host} host (integration, loopback HTTP)`, function () {
        this.timeout(20000);
        let sandbox: EightByEightSandbox;
        let example: RunningExample;
        let logger: ReturnType<typeof capturingLogger>;
        let stopWaiting: () => void;

        beforeEach(async () => {
            sandbox = new EightByEightSandbox({ apiKey: 'dialogs-key' });
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            example = await startExample({ port: 0, eightByEight: { apiKey: 'dialogs-key', baseUrl, queueId: 'human-queue' } }, logger, {
                host,
                bot: await createExampleBot(host, 'dialogs'),
            });
            sandbox.webhookUrl = `${example.url}/api/8x8/webhook`;
            stopWaiting = waitForTurnsAfterDeliveries(sandbox, example);
        });
        afterEach(async () => {
            stopWaiting();
            await example.close();
            await sandbox.stop();
            expect(logger.lines.filter((l) => l.startsWith('error'))).to.deep.equal([]);
        });

        const last = (id: string) => sandbox.botMessages(id).slice(-1)[0];
        const texts = (id: string) => sandbox.botMessages(id).map((m) => m.text);
        const quickReplyTitles = (id: string) =>
            ((last(id).cards?.find((c) => c.contentType === 'application/8x8.quick.replies')?.content as any)?.options ?? []).map(
                (o: { title: string }) => o.title
            );

        async function toDetailsStep(id: string, name = 'Ada', topic = 'Returns'): Promise<void> {
            await sandbox.customerSays(id, name);
            await sandbox.customerClicksQuickReply(id, topic, topic);
        }

        it('runs the whole waterfall: name, topic by quick reply, card form (invalid date re-asked), confirm → summary', async () => {
            const id = await sandbox.startConversation();
            expect(texts(id)).to.deep.equal(["Hi! I'm the support bot. What's your name?"]);

            await sandbox.customerSays(id, 'Ada');
            expect(last(id).text).to.equal('Thanks, Ada. What can I help you with?');
            expect(quickReplyTitles(id)).to.deep.equal(['Order status', 'Returns', 'Billing']);

            await sandbox.customerClicksQuickReply(id, 'Returns', 'Returns');
            const form = last(id).cards![0];
            expect(form.contentType).to.equal('application/vnd.microsoft.card.adaptive');
            const inputs = (form.content as { body: Array<{ type: string; id?: string }> }).body.filter((e) => e.type.startsWith('Input.'));
            expect(inputs.map((e) => `${e.type}:${e.id}`)).to.deep.equal(['Input.Text:orderNumber', 'Input.ChoiceSet:urgency', 'Input.Date:date']);
            expect((form.content as { actions: Array<{ type: string }> }).actions[0].type).to.equal('Action.Submit');

            const before = sandbox.botMessages(id).length;
            await sandbox.customerSubmitsCard(id, { ...VALID, date: '2099-01-01' });
            const retry = sandbox.botMessages(id).slice(before);
            expect(retry.map((m) => m.text)).to.deep.equal(['That date is in the future: when did it happen?', 'Please fill in the form again.']);
            expect(retry[1].cards![0].contentType).to.equal('application/vnd.microsoft.card.adaptive');
            await sandbox.customerSubmitsCard(id, { ...VALID, date: '2026-02-30' });
            expect(texts(id).slice(-2)).to.deep.equal(['That date does not look right: please use YYYY-MM-DD.', 'Please fill in the form again.']);

            await sandbox.customerSubmitsCard(id, VALID);
            expect(last(id).text).to.equal(
                'Name: Ada\nTopic: Returns\nOrder number: A-1234\nUrgency: high\nDate: 2026-11-01\nShall I file this as a support request? (No connects you with a person.)'
            );
            expect(quickReplyTitles(id)).to.deep.equal(['Yes', 'No']);

            await sandbox.customerClicksQuickReply(id, 'Yes', 'Yes');
            expect(last(id).text).to.equal(
                'Done, Ada: your request is filed.\nName: Ada\nTopic: Returns\nOrder number: A-1234\nUrgency: high\nDate: 2026-11-01'
            );
            // The dialog is over: the next message starts it again.
            await sandbox.customerSays(id, 'hi again');
            expect(last(id).text).to.equal("Hi! I'm the support bot. What's your name?");
        });

        it('hands off with the collected details, stays silent while the agent has it, and greets the customer back', async () => {
            const id = await sandbox.startConversation();
            await toDetailsStep(id, 'Bea', 'Billing');
            await sandbox.customerSubmitsCard(id, VALID);
            const mark = sandbox.recorder.mark();
            await sandbox.customerClicksQuickReply(id, 'No', 'No');
            expect(last(id).text).to.equal("I'm connecting you with a person, Bea. They will see what you told me; please wait a moment.");
            const patch = await sandbox.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(`/conversations/${id}`), { after: mark });
            expect(patch.body).to.deep.equal({
                assignment: { type: 'queue', id: 'human-queue' },
                user: {
                    name: 'Bea',
                    additionalProperties: [
                        { key: 'name', value: 'Bea' },
                        { key: 'topic', value: 'Billing' },
                        { key: 'orderNumber', value: 'A-1234' },
                        { key: 'urgency', value: 'high' },
                        { key: 'date', value: '2026-11-01' },
                    ],
                },
            });

            await sandbox.agentJoins(id, 'agent-5');
            const count = sandbox.botMessages(id).length;
            await sandbox.customerSays(id, 'hello?');
            await sandbox.agentSays(id, 'Hi Bea, I can help.');
            expect(sandbox.botMessages(id)).to.have.length(count);

            await sandbox.agentLeaves(id);
            expect(last(id).text).to.equal("Welcome back, Bea! I'm the bot again. Say anything if you need more help.");
            await sandbox.customerSays(id, 'one more thing');
            expect(last(id).text).to.equal("Hi! I'm the support bot. What's your name?");
        });

        it('"cancel" and "help" interrupt any step', async () => {
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'Cy');
            await sandbox.customerSays(id, 'help');
            expect(texts(id).slice(-2)).to.deep.equal([HELP_TEXT, 'Thanks, Cy. What can I help you with?']);
            await sandbox.customerClicksQuickReply(id, 'Order status', 'Order status');
            await sandbox.customerSays(id, 'cancel');
            expect(last(id).text).to.equal('Cancelled. Say anything to start again.');
            await sandbox.customerSubmitsCard(id, VALID); // the form is gone: this starts over
            expect(last(id).text).to.equal("Hi! I'm the support bot. What's your name?");
        });

        it("dialog state lives in the store's Storage: two instances sharing one store carry on each other's dialog", async () => {
            const store = new MemoryInboxStore();
            stopWaiting();
            await example.close();
            example = await startExample({ port: 0, eightByEight: { apiKey: 'dialogs-key', baseUrl: sandbox.url, queueId: 'q' } }, logger, {
                host,
                bot: await createExampleBot(host, 'dialogs', store.storage),
                state: { store },
            });
            const other = await startExample({ port: 0, eightByEight: { apiKey: 'dialogs-key', baseUrl: sandbox.url, queueId: 'q' } }, logger, {
                host,
                bot: await createExampleBot(host, 'dialogs', store.storage),
                state: { store },
            });
            // Either instance's whenIdle waits for the shared inbox to be empty, whoever runs the events.
            stopWaiting = waitForTurnsAfterDeliveries(sandbox, example);
            try {
                const urls = [`${example.url}/api/8x8/webhook`, `${other.url}/api/8x8/webhook`];
                sandbox.webhookUrl = urls[0];
                const id = await sandbox.startConversation();
                sandbox.webhookUrl = urls[1];
                await sandbox.customerSays(id, 'Eve');
                sandbox.webhookUrl = urls[0];
                await sandbox.customerClicksQuickReply(id, 'Billing', 'Billing');
                sandbox.webhookUrl = urls[1];
                await sandbox.customerSubmitsCard(id, VALID);
                expect(last(id).text).to.match(/^Name: Eve\nTopic: Billing\nOrder number: A-1234/);
            } finally {
                await other.close();
                await store.close();
            }
        });

        it('keeps two customers apart when their turns interleave', async () => {
            const [a, b] = await Promise.all([sandbox.startConversation(), sandbox.startConversation()]);
            await Promise.all([sandbox.customerSays(a, 'Ann'), sandbox.customerSays(b, 'Bob')]);
            await Promise.all([sandbox.customerClicksQuickReply(a, 'Returns', 'Returns'), sandbox.customerClicksQuickReply(b, 'Billing', 'Billing')]);
            await Promise.all([sandbox.customerSubmitsCard(a, VALID), sandbox.customerSubmitsCard(b, { ...VALID, orderNumber: 'B-9' })]);
            expect(last(a).text).to.match(/^Name: Ann\nTopic: Returns\nOrder number: A-1234/);
            expect(last(b).text).to.match(/^Name: Bob\nTopic: Billing\nOrder number: B-9/);
        });
    });
}

for (const host of HOST_NAMES) {
    describe(`dialogs example on LivePerson, ${host} host (integration, loopback HTTP)`, function () {
        this.timeout(20000);
        let sandbox: LivePersonSandbox;
        let example: RunningExample;
        let logger: ReturnType<typeof capturingLogger>;
        let stopWaiting: () => void;

        beforeEach(async () => {
            sandbox = new LivePersonSandbox({ clientSecret: 'dialogs-secret' });
            const csdsUrl = await sandbox.start();
            logger = capturingLogger();
            example = await startExample(
                {
                    port: 0,
                    apiToken: 'dialogs-api-token-5e8b21c0',
                    livePerson: {
                        accountId: sandbox.accountId,
                        clientId: sandbox.clientId,
                        clientSecret: 'dialogs-secret',
                        csdsUrl,
                        handoffSkillId: 'human-skill',
                    },
                },
                logger,
                { host, bot: await createExampleBot(host, 'dialogs') }
            );
            sandbox.webhookUrl = `${example.url}/api/liveperson/webhook`;
            stopWaiting = waitForTurnsAfterDeliveries(sandbox, example);
        });
        afterEach(async () => {
            stopWaiting();
            await example.close();
            await sandbox.stop();
            expect(logger.lines.filter((l) => l.startsWith('error'))).to.deep.equal([]);
        });

        const lastEvent = (id: string) =>
            sandbox
                .consumerEvents(id)
                .filter((e) => e.event.type === 'ContentEvent')
                .slice(-1)[0].event;

        async function open(consumerId: string): Promise<string> {
            const response = await fetch(`${example.url}/api/liveperson/conversations`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: 'Bearer dialogs-api-token-5e8b21c0' },
                body: JSON.stringify({ consumerId }),
            });
            const { conversationId } = (await response.json()) as { conversationId: string };
            await sandbox.agentJoins(conversationId); // the dialog starts when the agent arrives
            return conversationId;
        }

        const texts = (id: string) => sandbox.consumerTexts(id);
        const OPENING = [
            "Hello, and thanks for taking this! I'm an automated assistant writing on behalf of Ada Lovelace.",
            'She would like to return order A-1234 (trail running shoes, size 42, delivered on 2026-11-24): they are too small; unworn, in the ' +
                'original box. She asks for a refund of 89.90 EUR to her original payment method. Ask me anything about the order, and say ' +
                '"approved" or "decided" once you know.',
        ];

        it('acts for a customer: greets the agent, states the case, answers from the facts; the agent approves and picks the return → thanks, closes', async () => {
            const id = await open('lp-case');
            // Not the 8x8 interview ("What's your name?"): the agent is greeted and told what the customer wants.
            expect(texts(id)).to.deep.equal(OPENING);

            const answers: Array<[string, string]> = [
                ['Hi! What is the order number?', 'The order number is A-1234.'],
                ["What's her email address?", 'Her email address is ada.lovelace@example.com.'],
                ['And the delivery address?', 'The delivery address is 12 Analytical Way, London N1 9GU.'],
                ['When was it delivered?', 'Ordered on 2026-11-20, delivered on 2026-11-24.'],
                ['How did she pay?', 'She paid 89.90 EUR with a Visa card ending 4242; the refund should go there.'],
                ['Can you sing?', CASE_UNKNOWN],
            ];
            for (const [question, answer] of answers) {
                await sandbox.agentSays(id, question);
                expect(texts(id).slice(-1)).to.deep.equal([answer], question);
            }
            await sandbox.agentSays(id, 'help');
            expect(texts(id).slice(-1)).to.deep.equal([CASE_HELP_TEXT]);
            expect(texts(id)).to.have.length(OPENING.length + answers.length + 1); // help re-prompts nothing while the bot listens

            await sandbox.agentSays(id, 'OK, I have decided.');
            // The agent picks: a consumer may not send quick replies, so the choices come as a list the agent answers by typing.
            expect(lastEvent(id)).to.deep.equal({ type: 'ContentEvent', contentType: 'text/plain', message: 'Is the refund approved?\n\n• Yes\n• No' });
            await sandbox.agentSays(id, 'hmm');
            expect(lastEvent(id).message).to.match(/^Please answer yes or no: is the refund approved\?\n\n• Yes\n• No$/);
            await sandbox.agentSays(id, 'Yes');
            expect(lastEvent(id).message).to.equal(
                'Great, thank you! How should Ada send the shoes back?\n\n• Prepaid label by email\n• Drop-off at a store\n• Courier pickup'
            );
            expect(sandbox.conversation(id).state).to.not.equal('CLOSE');
            await sandbox.agentSays(id, 'Courier pickup');
            expect(texts(id).slice(-1)).to.deep.equal([
                "Thank you! I'll tell Ada the refund for order A-1234 is approved (return: courier pickup). Have a good day, goodbye!",
            ]);
            // endOfConversation closed it; no handoff anywhere.
            expect(sandbox.conversation(id).state).to.equal('CLOSE');
            expect(sandbox.conversations.size).to.equal(1);
        });

        it('the agent refuses: the bot asks why, passes the reason on and closes', async () => {
            const id = await open('lp-refused');
            await sandbox.agentSays(id, 'I have to decline this return, sorry.');
            expect(texts(id).slice(-1)[0]).to.match(/^Is the refund approved\?/);
            await sandbox.agentSays(id, 'No');
            expect(texts(id).slice(-1)).to.deep.equal(['I see. Could you tell me why, so I can explain it to Ada?']);
            await sandbox.agentSays(id, 'Shoes bought on sale cannot be returned.');
            expect(texts(id).slice(-1)).to.deep.equal([
                'Thank you, I\'ll pass that on to Ada: "Shoes bought on sale cannot be returned.". Have a good day, goodbye!',
            ]);
            expect(sandbox.conversation(id).state).to.equal('CLOSE');
        });

        it('"cancel" mid-dialog, then a new start; dialog state is per conversation', async () => {
            const [a, b] = [await open('lp-a'), await open('lp-b')];
            await sandbox.agentSays(a, 'What is the order number?');
            await sandbox.agentSays(b, 'Who is the customer?');
            await sandbox.agentSays(a, 'cancel');
            expect(texts(a).slice(-1)).to.deep.equal(['Cancelled. Say anything to start again.']);
            await sandbox.agentSays(b, 'decided');
            expect(texts(b).slice(-2)).to.deep.equal(['The customer is Ada Lovelace.', 'Is the refund approved?\n\n• Yes\n• No']);
            await sandbox.agentSays(a, 'again');
            expect(texts(a).slice(-2)).to.deep.equal(OPENING);
            expect(sandbox.conversation(a).state).to.not.equal('CLOSE');
        });
    });
}

describe('dialogs example on LivePerson: what the bot understands from the agent (keyword matching)', () => {
    it('answers each known fact, whatever the wording, and nothing else', () => {
        const cases: Array<[string, string | undefined]> = [
            ['order number please', 'The order number is A-1234.'],
            ['Could I have the e-mail?', 'Her email address is ada.lovelace@example.com.'],
            ['Shipping address?', 'The delivery address is 12 Analytical Way, London N1 9GU.'],
            ['What size did she buy?', 'The order is one item: trail running shoes, size 42, 89.90 EUR.'],
            ['when did it arrive', 'Ordered on 2026-11-20, delivered on 2026-11-24.'],
            ["What's wrong with them?", 'The reason: they are too small; unworn, in the original box.'],
            ["What's the customer's name?", 'The customer is Ada Lovelace.'],
            ['Where should the refund go?', 'She paid 89.90 EUR with a Visa card ending 4242; the refund should go there.'],
            ['Good morning', undefined],
        ];
        for (const [text, answer] of cases) expect(caseAnswerOf(text)).to.equal(answer, text);
    });

    it('hears a decision only in words that say one', () => {
        for (const text of ['Approved!', 'I decided', 'We can accept the return', 'I must decline', 'go ahead'])
            expect(isDecisionCue(text), text).to.equal(true);
        for (const text of ['Hello', 'What is the order number?', 'Where should the refund go?', 'unapproved'])
            expect(isDecisionCue(text), text).to.equal(false);
    });
});
