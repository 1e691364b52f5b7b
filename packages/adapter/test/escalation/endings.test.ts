/**
 * How escalations end, on both CloudAdapters (see relay.test.ts): the agent closes (after a survey or not), no agent in
 * time, the customer idle, the customer cancels or leaves, LivePerson refuses or cannot be reached, the handoff names no skill.
 */
import { expect } from 'chai';
import type { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import type { BotConnectorStandIn } from 'botbuilder-contact-center-sandbox';
import type { AppOptions, BotLog, Customer, EscalationApp } from './harness';
import { CloudScenario } from './scenario';

for (const host of ['botbuilder', 'agents'] as const)
    describe(`LivePersonEscalation, how escalations end (${host === 'botbuilder' ? "botbuilder's" : "the Agents SDK's"} CloudAdapter)`, function () {
        this.timeout(15000);
        const scenario = new CloudScenario(host);
        afterEach(scenario.stop);
        const { escalate, settle, statuses, sends, sendEvent, conversationId } = scenario;
        let sandbox: LivePersonSandbox;
        let connector: BotConnectorStandIn;
        let app: EscalationApp;
        let log: BotLog;
        let customer: Customer;
        const setup = async (options: Partial<AppOptions> = {}) => ({ sandbox, connector, app, log, customer } = await scenario.setup(options));
        const failures = () => log.events.filter((e) => e.name === 'handoff.status' && e.value.state === 'failed').map((e) => e.value);

        it('agent closes → handoff.status completed (once); the bot answers the next message itself', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            await sandbox.agentCloses(conversation.id);
            await settle();
            expect(statuses()).to.deep.equal(['accepted', 'completed']);
            expect(log.events.find((e) => e.value?.state === 'completed')!.value.message).to.equal('The agent closed the conversation.');
            expect(connector.texts(conversationId).at(-1)).to.equal('You are back with the bot.');
            // A redelivered close is no second completion.
            await sandbox.deliver(sandbox.conversationNotification(conversation.id));
            await settle();
            expect(statuses()).to.deep.equal(['accepted', 'completed']);
            await customer.says('thanks');
            expect(connector.texts(conversationId).at(-1)).to.equal('Echo: thanks');
            expect(sandbox.consumerTexts(conversation.id)).not.to.include('thanks');
            // And the customer can be escalated again: a new LivePerson conversation.
            await customer.says('agent');
            expect(sandbox.conversations.size).to.equal(2);
        });

        it('a post-conversation survey: its questions reach the customer, the answers go to the survey dialog, and completed comes when the conversation closes', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            // The agent closes the main dialog: LivePerson opens a POST_SURVEY dialog, the conversation stays open.
            const lp = sandbox.conversation(conversation.id);
            lp.agentId = undefined;
            lp.metaDataLastUpdateTs += 10;
            const surveyStarts = sandbox.conversationNotification(conversation.id);
            const details = surveyStarts.body.changes[0].result.conversationDetails;
            details.dialogs[0].state = 'CLOSE';
            details.dialogs.push({ dialogId: 'survey-1', dialogType: 'POST_SURVEY', channelType: 'MESSAGING', state: 'OPEN' });
            await sandbox.deliver(surveyStarts);
            await sandbox.deliver(
                sandbox.messagingNotification([{ ...sandbox.agentMessageChange(conversation.id, 'How did we do? (1-5)'), dialogId: 'survey-1' }])
            );
            await settle();
            expect(statuses()).to.deep.equal(['accepted']);
            expect(log.events.map((e) => e.name)).not.to.include('liveperson.escalation.transferred');
            expect(connector.texts(conversationId).at(-1)).to.equal('How did we do? (1-5)');
            const mark = sandbox.recorder.mark();
            await customer.says('5');
            expect(sends(mark).map((r) => [(r.body as any).body.dialogId, sendEvent(r).message])).to.deep.equal([['survey-1', '5']]);
            await sandbox.agentCloses(conversation.id);
            await settle();
            expect(statuses()).to.deep.equal(['accepted', 'completed']);
        });

        it('no agent within noAgentTimeoutMs → the sweep reports failed (timeout) and closes the LivePerson conversation; the bot answers again', async () => {
            await setup({ bridge: { noAgentTimeoutMs: 150 } });
            const conversation = await escalate();
            await app.bridge.sweep();
            expect(statuses(), 'not yet').to.deep.equal([]);
            await new Promise((resolve) => setTimeout(resolve, 200));
            await app.bridge.sweep();
            expect(failures()).to.deep.equal([{ state: 'failed', message: 'No agent accepted the conversation within 150 ms.', reason: 'timeout' }]);
            expect(sandbox.conversation(conversation.id).state).to.equal('CLOSE');
            expect(sandbox.conversation(conversation.id).closeReason).to.equal('CONSUMER');
            expect(connector.texts(conversationId).at(-1)).to.match(/^Sorry, no agent could take the conversation\. No agent accepted/);
            // The LivePerson close arrives and is no second status.
            await settle();
            await customer.says('hello?');
            expect(connector.texts(conversationId).at(-1)).to.equal('Echo: hello?');
            expect(statuses()).to.deep.equal(['failed']);
        });

        it("the deadline is checked on the customer's next message too (no sweep): failed first, then the bot answers that message", async () => {
            await setup({ bridge: { noAgentTimeoutMs: 100 } });
            await escalate();
            await new Promise((resolve) => setTimeout(resolve, 150));
            await customer.says('still there?');
            expect(statuses()).to.deep.equal(['failed']);
            expect(connector.texts(conversationId).slice(-2)).to.deep.equal([
                'Sorry, no agent could take the conversation. No agent accepted the conversation within 100 ms.',
                'Echo: still there?',
            ]);
        });

        it('an accepted escalation with no customer message within customerIdleTimeoutMs → the sweep reports failed (customerIdle) once and closes the LivePerson conversation', async () => {
            await setup({ bridge: { noAgentTimeoutMs: false, customerIdleTimeoutMs: 400 } });
            const conversation = await escalate();
            // Waiting for an agent is no idleness.
            await new Promise((resolve) => setTimeout(resolve, 450));
            await app.bridge.sweep();
            await sandbox.agentJoins(conversation.id);
            await settle();
            expect(statuses()).to.deep.equal(['accepted']);
            // Each customer message moves the deadline on.
            await new Promise((resolve) => setTimeout(resolve, 250));
            await customer.says('one moment');
            await new Promise((resolve) => setTimeout(resolve, 250));
            await app.bridge.sweep();
            expect(statuses(), 'the message moved the deadline').to.deep.equal(['accepted']);
            expect(sandbox.consumerTexts(conversation.id).at(-1)).to.equal('one moment');
            await new Promise((resolve) => setTimeout(resolve, 200));
            await Promise.all([app.bridge.sweep(), app.bridge.sweep()]);
            expect(failures()).to.deep.equal([{ state: 'failed', message: 'The customer sent no message within 400 ms.', reason: 'customerIdle' }]);
            expect(sandbox.conversation(conversation.id).state).to.equal('CLOSE');
            expect(sandbox.conversation(conversation.id).closeReason).to.equal('CONSUMER');
            await settle();
            await app.bridge.sweep();
            expect(statuses()).to.deep.equal(['accepted', 'failed']);
            await customer.says('back');
            expect(connector.texts(conversationId).at(-1)).to.equal('Echo: back');
        });

        it("the idle deadline is checked on the customer's next message too (no sweep): failed (customerIdle) first, then the bot answers that message", async () => {
            await setup({ bridge: { customerIdleTimeoutMs: 100 } });
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            await settle();
            await new Promise((resolve) => setTimeout(resolve, 150));
            await customer.says('still there?');
            expect(failures().map((value) => value.reason)).to.deep.equal(['customerIdle']);
            expect(connector.texts(conversationId).slice(-2)).to.deep.equal([
                'Sorry, no agent could take the conversation. The customer sent no message within 100 ms.',
                'Echo: still there?',
            ]);
            expect(sandbox.consumerTexts(conversation.id)).not.to.include('still there?');
        });

        it('the customer cancels → the LivePerson conversation is closed and the bot hears failed (cancelled); the cancel word never reaches the agent', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            await settle();
            await customer.says(' Cancel ');
            expect(sandbox.conversation(conversation.id).state).to.equal('CLOSE');
            expect(sandbox.consumerTexts(conversation.id)).to.have.length(1); // the summary only
            expect(failures()).to.deep.equal([{ state: 'failed', message: 'The customer cancelled the escalation.', reason: 'cancelled' }]);
            await settle();
            expect(statuses()).to.deep.equal(['accepted', 'failed']);
            expect(log.messages.map((m) => m.text)).to.deep.equal(['agent']);
        });

        it('a cancel event from the channel (handoff.cancel by default) cancels like the word, and other events go to the bot', async () => {
            await setup();
            const conversation = await escalate();
            await customer.send({ type: 'event', name: 'some.other.event' });
            expect(sandbox.conversation(conversation.id).state).not.to.equal('CLOSE');
            await customer.send({ type: 'event', name: 'handoff.cancel' });
            expect(sandbox.conversation(conversation.id).state).to.equal('CLOSE');
            expect(failures()).to.deep.equal([{ state: 'failed', message: 'The customer cancelled the escalation.', reason: 'cancelled' }]);
        });

        it("the customer's channel ends the conversation → failed (customerLeft), the LivePerson conversation closed, and the bot sees the endOfConversation", async () => {
            await setup();
            const conversation = await escalate();
            await customer.send({ type: 'endOfConversation' });
            expect(sandbox.conversation(conversation.id).state).to.equal('CLOSE');
            expect(failures().map((value) => value.reason)).to.deep.equal(['customerLeft']);
            expect(log.ended).to.deep.equal([conversationId]);
        });

        it('LivePerson refuses to open the conversation → failed (refused) at once; LivePerson unreachable → failed (unreachable)', async () => {
            await setup();
            sandbox.injectFault({ path: /\/messaging\/consumer\/conversation$/, status: 400 });
            await customer.says('agent');
            expect(failures().map((value) => value.reason)).to.deep.equal(['refused']);
            expect(failures()[0].message).to.match(/^LivePerson refused to open the conversation \(liveperson requestConversation failed with HTTP 400/);
            expect(connector.texts(conversationId).at(-1)).to.match(/^Sorry, no agent could take the conversation\. LivePerson refused/);
            sandbox.injectFault({ path: /\/messaging\/consumer\/conversation$/, status: 503, times: 10 });
            await customer.says('agent');
            expect(failures().map((value) => value.reason)).to.deep.equal(['refused', 'unreachable']);
            expect(sandbox.conversations.size).to.equal(0);
        });

        it('a handoff that names no skill (and no default) fails with a reason; the customer keeps talking to the bot', async () => {
            await setup({ handoffContext: { summary: 'no skill here' } });
            await customer.says('agent');
            expect(failures().map((value) => value.reason)).to.deep.equal(['misconfigured']);
            expect(sandbox.conversations.size).to.equal(0);
            await customer.says('hi');
            expect(connector.texts(conversationId).at(-1)).to.equal('Echo: hi');
        });
    });
