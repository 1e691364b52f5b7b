/**
 * The dialogs example (a botbuilder-dialogs waterfall, and the same on @microsoft/agents-hosting-dialogs for the Agents
 * SDK host) on both vendors, over loopback HTTP against the stand-ins: every step is a separate webhook request, so
 * passing these shows the dialog state survives between turns. Each delivery waits until the example ran what it
 * accepted (`waitForTurnsAfterDeliveries`).
 */
import { expect } from 'chai';
import { MemoryInboxStore } from 'botbuilder-contact-center';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
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

        it('runs the waterfall with the choices as bulleted lists and the card as text; a "No" re-routes to the human skill with the details', async () => {
            const id = await open('lp-dialog');
            expect(sandbox.consumerTexts(id)).to.deep.equal(["Hi! I'm the support bot. What's your name?"]);
            await sandbox.agentSays(id, 'Dee');
            const topic = lastEvent(id);
            // A consumer may not send quick replies: the choices come as a list the agent answers by typing.
            expect(topic).to.deep.equal({
                type: 'ContentEvent',
                contentType: 'text/plain',
                message: 'Thanks, Dee. What can I help you with?\n\n• Order status\n• Returns\n• Billing',
            });

            await sandbox.agentSays(id, 'Order status'); // the agent types the choice
            expect(lastEvent(id).message).to.match(/^About "Order status": please reply with your order number, the urgency/);

            await sandbox.agentSays(id, 'A-1234, urgent, 2026-11-01');
            const fallback = lastEvent(id).message;
            expect(sandbox.consumerTexts(id).slice(-2)).to.deep.equal(['Please choose the urgency: low, normal or high.', fallback]);
            expect(fallback).to.match(/^Please fill in the form again\.\n\nAbout "Order status": please reply/);
            await sandbox.agentSays(id, 'A-1234, normal, 2026-11-01');
            const confirm = lastEvent(id);
            expect(confirm.message).to.match(/^Name: Dee\nTopic: Order status\nOrder number: A-1234\nUrgency: normal\nDate: 2026-11-01\nShall I file/);
            expect(confirm.message).to.match(/\n\n• Yes\n• No$/);
            expect(confirm.quickReplies).to.equal(undefined);

            await sandbox.agentSays(id, 'No');
            expect(sandbox.consumerTexts(id).slice(-1)).to.deep.equal([
                "I'm connecting you with a person, Dee. They will see what you told me; please wait a moment.",
            ]);
            expect(sandbox.conversation(id).state).to.equal('CLOSE');
            const human = [...sandbox.conversations.values()].find((c) => c.id !== id)!;
            expect(human.skillId).to.equal('human-skill');
            const [first, transcript] = sandbox.consumerTexts(human.id);
            expect(first).to.equal('Dee needs help with Order status.\nname: Dee\ntopic: Order status\norderNumber: A-1234\nurgency: normal\ndate: 2026-11-01');
            expect(transcript).to.match(/^Transcript:\nBot: Hi! I'm the support bot\. What's your name\?\nCustomer: Dee\n/);

            // The human agent takes it: the bot stays silent; closing completes the handoff without a reply.
            await sandbox.agentJoins(human.id, 'human-1');
            const said = sandbox.consumerTexts(human.id).length;
            await sandbox.agentSays(human.id, 'Hello Dee, I am a person.');
            await sandbox.agentCloses(human.id);
            expect(sandbox.consumerTexts(human.id)).to.have.length(said);
        });

        it('"cancel" mid-dialog, then a new start; dialog state is per conversation', async () => {
            const [a, b] = [await open('lp-a'), await open('lp-b')];
            await sandbox.agentSays(a, 'Ann');
            await sandbox.agentSays(b, 'Bob');
            await sandbox.agentSays(a, 'cancel');
            expect(sandbox.consumerTexts(a).slice(-1)).to.deep.equal(['Cancelled. Say anything to start again.']);
            await sandbox.agentSays(b, 'Returns');
            expect(sandbox.consumerTexts(b).slice(-1)[0]).to.match(/^About "Returns"/);
            await sandbox.agentSays(a, 'again');
            expect(sandbox.consumerTexts(a).slice(-1)).to.deep.equal(["Hi! I'm the support bot. What's your name?"]);
        });
    });
}
