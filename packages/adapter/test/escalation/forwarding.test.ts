/**
 * `forwardCustomerMessagesToBot`, on both CloudAdapters (see relay.test.ts): while escalated, the bot gets each
 * customer message relayed to the agent as a `liveperson.escalation.customerMessage` event, and does not answer it.
 */
import { expect } from 'chai';
import type { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { LivePersonEscalationEvents } from '../../src/escalation/botEvents';
import type { BotConnectorStandIn } from 'botbuilder-contact-center-sandbox';
import type { AppOptions, BotLog, Customer } from './harness';
import { CloudScenario } from './scenario';

for (const host of ['botbuilder', 'agents'] as const)
    describe(`LivePersonEscalation, the customer's messages to the bot (${host === 'botbuilder' ? "botbuilder's" : "the Agents SDK's"} CloudAdapter)`, function () {
        this.timeout(15000);
        const scenario = new CloudScenario(host);
        afterEach(scenario.stop);
        const { escalate, settle, conversationId } = scenario;
        let sandbox: LivePersonSandbox;
        let connector: BotConnectorStandIn;
        let log: BotLog;
        let customer: Customer;
        const setup = async (options: Partial<AppOptions> = {}) => ({ sandbox, connector, log, customer } = await scenario.setup(options));
        const forwarded = () => log.events.filter((e) => e.name === LivePersonEscalationEvents.CustomerMessage);

        it('forwardCustomerMessagesToBot: the bot gets each relayed message as an event (the message as value), and does not reply to it', async () => {
            await setup({ bridge: { forwardCustomerMessagesToBot: true } });
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            await settle();
            const seen = connector.texts(conversationId).length;
            await customer.says('Where is my parcel?');
            expect(sandbox.consumerTexts(conversation.id).at(-1)).to.equal('Where is my parcel?');
            expect(forwarded()).to.have.length(1);
            expect(forwarded()[0].conversationId).to.equal(conversationId);
            expect(forwarded()[0].value).to.deep.include({ type: 'message', text: 'Where is my parcel?', channelId: 'emulator' });
            expect(forwarded()[0].value.from.id).to.equal('customer-1');
            expect(log.messages.map((m) => m.text)).to.deep.equal(['agent']);
            expect(connector.texts(conversationId)).to.have.length(seen);
            // Typing and the cancel word are no messages for the agent: not forwarded either.
            await customer.send({ type: 'typing' });
            await customer.says('cancel');
            expect(forwarded()).to.have.length(1);
            expect(log.errors).to.deep.equal([]);
        });

        it('off by default: the bot hears nothing of the relayed messages', async () => {
            await setup();
            const conversation = await escalate();
            await customer.says('hello agent');
            expect(sandbox.consumerTexts(conversation.id).at(-1)).to.equal('hello agent');
            expect(forwarded()).to.deep.equal([]);
            expect(log.messages.map((m) => m.text)).to.deep.equal(['agent']);
        });
    });
