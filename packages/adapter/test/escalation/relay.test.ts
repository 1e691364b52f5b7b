/**
 * The escalation bridge with a customer on a CloudAdapter — botbuilder's, and the Agents SDK's — Emulator-style with a
 * loopback Bot Connector, the LivePerson stand-in as the agent's side, all over real HTTP on loopback: opening the
 * escalation and relaying both ways.
 */
import { expect } from 'chai';
import type { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { consumerIdOf } from '../../src/escalation/customerChannel';
import type { BotConnectorStandIn } from 'botbuilder-contact-center-sandbox';
import { SKILL, type AppOptions, type BotLog, type Customer, type EscalationApp } from './harness';
import { CloudScenario } from './scenario';

/** A real 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

for (const host of ['botbuilder', 'agents'] as const)
    describe(`LivePersonEscalation, opening and relaying (${host === 'botbuilder' ? "botbuilder's" : "the Agents SDK's"} CloudAdapter)`, function () {
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

        it('escalates: SetUserProfile (SDEs) + ConsumerRequestConversation on the skill, one first message with summary and transcript; the customer hears the bot and the waiting message, never the handoff event', async () => {
            await setup();
            const conversation = await escalate();
            expect(conversation.skillId).to.equal(SKILL);
            expect(conversation.externalConsumerId).to.equal(consumerIdOf('emulator', 'customer-1'));
            expect(conversation.externalConsumerId).not.to.include('customer-1');
            expect(conversation.userProfile).to.deep.equal({
                authenticatedData: { lp_sdes: [{ type: 'ctmrinfo', info: { customerId: 'cust-77', ctype: 'vip' } }] },
            });
            expect(sandbox.consumerTexts(conversation.id)).to.deep.equal([
                'The customer wants a refund for order 1234.\norderId: 1234\n\nTranscript:\nCustomer: My parcel never arrived\nBot: Echo: My parcel never arrived',
            ]);
            expect(connector.texts(conversationId)).to.deep.equal([
                'Connecting you to an agent.',
                'Please wait while I connect you to an agent. Type "cancel" to stop waiting.',
            ]);
            expect(connector.activities(conversationId).map((a) => a.type)).to.deep.equal(['message', 'message']);
            expect(statuses()).to.deep.equal([]);
        });

        it('a repeated handoff.initiate reuses the open conversation (one conversation per consumer)', async () => {
            await setup();
            const conversation = await escalate();
            expect(await customer.says('agent')).to.equal(200); // relayed to the agent: the bot does not run while escalated
            await app.bridge.whenIdle();
            expect(sandbox.conversations.size).to.equal(1);
            expect(sandbox.consumerTexts(conversation.id)).to.have.length(2);
            expect(sandbox.consumerTexts(conversation.id)[1]).to.equal('agent');
            expect(log.messages.map((m) => m.text)).to.deep.equal(['agent']);
        });

        it("agent joins → handoff.status accepted (once, with the agent id); text both ways; the bot does not run on the customer's messages; ACCEPT and READ once the customer's channel took the agent's message", async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id, 'agent-ann');
            await settle();
            const accepted = log.events.filter((e) => e.name === 'handoff.status');
            expect(accepted.map((e) => [e.value.state, e.value.agentId, e.conversationId])).to.deep.equal([['accepted', 'agent-ann', conversationId]]);

            expect(await customer.says('My order 1234 is missing')).to.equal(200);
            expect(sandbox.consumerTexts(conversation.id).slice(1)).to.deep.equal(['My order 1234 is missing']);
            expect(log.messages.map((m) => m.text)).to.deep.equal(['agent']);

            const mark = sandbox.recorder.mark();
            const { sequence } = await sandbox.agentSays(conversation.id, 'Hi, I am Ann. Let me check.');
            await settle();
            const last = connector.activities(conversationId).at(-1)!;
            expect(last).to.deep.include({ type: 'message', text: 'Hi, I am Ann. Let me check.', textFormat: 'plain' });
            const receipts = sends(mark)
                .map(sendEvent)
                .filter((e) => e.type === 'AcceptStatusEvent');
            expect(receipts).to.deep.equal([
                { type: 'AcceptStatusEvent', status: 'ACCEPT', sequenceList: [sequence] },
                { type: 'AcceptStatusEvent', status: 'READ', sequenceList: [sequence] },
            ]);
            // A second join notification (the same state again) is no second acceptance.
            await sandbox.deliver(sandbox.conversationNotification(conversation.id));
            await settle();
            expect(statuses()).to.deep.equal(['accepted']);
            expect(connector.texts(conversationId).filter((t) => t.startsWith('Echo'))).to.deep.equal([]);
        });

        it("typing both ways: the customer's typing → COMPOSING, then ACTIVE after their message; the agent's COMPOSING → typing", async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            const mark = sandbox.recorder.mark();
            expect(await customer.send({ type: 'typing' })).to.equal(200);
            expect(await customer.send({ type: 'typing' })).to.equal(200);
            expect(await customer.says('here it is')).to.equal(200);
            const published = sends(mark).map((r) => {
                const e = sendEvent(r);
                return e.type === 'ChatStateEvent' ? e.chatState : e.message;
            });
            expect(published).to.deep.equal(['COMPOSING', 'COMPOSING', 'here it is', 'ACTIVE']);
            // The next message has no COMPOSING standing: no ACTIVE.
            const next = sandbox.recorder.mark();
            await customer.says('and more');
            expect(sends(next).map((r) => sendEvent(r).type)).to.deep.equal(['ContentEvent']);
            await sandbox.agentChatState(conversation.id, 'COMPOSING');
            await settle();
            expect(connector.activities(conversationId).at(-1)).to.deep.include({ type: 'typing' });
            expect(log.messages.map((m) => m.text)).to.deep.equal(['agent']);
        });

        it("agent quick replies → suggested actions; the customer's click reaches the agent with the reply's metadata and an ACTION receipt", async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            const quickReplies = {
                type: 'quickReplies',
                itemsPerRow: 8,
                replies: [
                    {
                        type: 'button',
                        title: 'Refund',
                        click: { actions: [{ type: 'publishText', text: 'refund please' }], metadata: [{ type: 'ExternalId', id: 'r-1' }] },
                    },
                    { type: 'button', title: 'Resend', click: { actions: [{ type: 'publishText', text: 'resend please' }] } },
                ],
            };
            const { sequence } = await sandbox.agentSays(conversation.id, 'What would you like?', { quickReplies });
            await settle();
            const offered = connector.activities(conversationId).at(-1)!;
            expect(offered.text).to.equal('What would you like?');
            expect(offered.suggestedActions).to.deep.equal({
                actions: [
                    { type: 'imBack', title: 'Refund', value: 'refund please' },
                    { type: 'imBack', title: 'Resend', value: 'resend please' },
                ],
                to: ['customer-1'],
            });
            const mark = sandbox.recorder.mark();
            await customer.says('refund please');
            const [content, action] = sends(mark).map((r) => r.body as any);
            expect(content.body.event).to.deep.include({ type: 'ContentEvent', message: 'refund please' });
            expect(content.metadata).to.deep.equal([{ type: 'ExternalId', id: 'r-1' }]);
            expect(action.body.event).to.deep.equal({ type: 'AcceptStatusEvent', status: 'ACTION', sequenceList: [sequence] });
        });

        it('agent structured content → a hero card (publishText → imBack, link → openUrl)', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            const content = {
                type: 'vertical',
                elements: [
                    { type: 'image', url: 'https://example.com/parcel.png', tooltip: 'parcel' },
                    { type: 'text', text: 'Your parcel' },
                    { type: 'text', text: 'Delayed in transit' },
                    { type: 'button', title: 'Track', click: { actions: [{ type: 'link', uri: 'https://example.com/track/1234' }] } },
                    { type: 'button', title: 'Refund', click: { actions: [{ type: 'publishText', text: 'refund' }] } },
                ],
            };
            await sandbox.agentSendsRichContent(conversation.id, content);
            await settle();
            const card = connector.activities(conversationId).at(-1)!;
            expect(card.text).to.equal(undefined);
            expect(card.attachments).to.deep.equal([
                {
                    contentType: 'application/vnd.microsoft.card.hero',
                    content: {
                        title: 'Your parcel',
                        text: 'Delayed in transit',
                        images: [{ url: 'https://example.com/parcel.png', alt: 'parcel' }],
                        buttons: [
                            { type: 'openUrl', title: 'Track', value: 'https://example.com/track/1234' },
                            { type: 'imBack', title: 'Refund', value: 'refund' },
                        ],
                    },
                },
            ]);
        });

        it("files both ways: the agent's hosted file reaches the customer with a download URL; the customer's image reaches the agent as a hosted file", async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            await sandbox.agentSendsFile(conversation.id, { bytes: PNG, fileType: 'PNG', caption: 'Your label' });
            await settle();
            const shared = connector.activities(conversationId).at(-1)!;
            expect(shared.text).to.equal('Your label');
            expect(shared.attachments).to.have.length(1);
            expect(shared.attachments[0]).to.deep.include({ contentType: 'image/png' });
            const download = await fetch(shared.attachments[0].contentUrl);
            expect(Buffer.from(await download.arrayBuffer()).equals(PNG), "the agent's bytes").to.equal(true);

            await customer.send({
                type: 'message',
                text: 'my receipt',
                attachments: [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${PNG.toString('base64')}`, name: 'receipt.png' }],
            });
            const [file] = sandbox.consumerFiles(conversation.id);
            expect(file).to.deep.include({ fileType: 'PNG', caption: 'my receipt' });
            expect(file.bytes.equals(PNG), "the customer's bytes").to.equal(true);
        });

        it('the AppJWT expires mid-escalation: renewed after the 401, and both directions go on', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            await settle();
            sandbox.expireAppJwts();
            const mark = sandbox.recorder.mark();
            await customer.says('are you there?');
            expect(sandbox.consumerTexts(conversation.id).at(-1)).to.equal('are you there?');
            const calls = sandbox.recorder.requests.filter((r) => r.index >= mark).map((r) => `${r.path.split('/').pop()} ${r.status}`);
            expect(calls.slice(0, 3)).to.deep.equal(['send 401', 'token 200', 'send 200']);
            sandbox.expireAppJwts();
            await sandbox.agentSays(conversation.id, 'Yes, still here.');
            await settle();
            expect(connector.texts(conversationId).at(-1)).to.equal('Yes, still here.');
        });

        it('a redelivered agent message is relayed once (de-duplicated by conversation, dialog, sequence and type)', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            const change = sandbox.agentMessageChange(conversation.id, 'Only once, please.');
            const notification = sandbox.messagingNotification([change]);
            expect((await sandbox.deliver(notification)).status).to.equal(200);
            expect((await sandbox.deliver(notification)).status).to.equal(200);
            await settle();
            expect(connector.texts(conversationId).filter((t) => t === 'Only once, please.')).to.have.length(1);
        });

        it('agent messages batched out of order in one notification reach the customer in sequence order', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            const changes = ['first', 'second', 'third'].map((text) => sandbox.agentMessageChange(conversation.id, text));
            expect((await sandbox.deliver(sandbox.messagingNotification([changes[2], changes[0], changes[1]]))).status).to.equal(200);
            await settle();
            expect(connector.texts(conversationId).filter((t) => ['first', 'second', 'third'].includes(t))).to.deep.equal(['first', 'second', 'third']);
        });

        it('a forged or unsigned notification is refused (401) and relays nothing', async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            const notification = sandbox.messagingNotification([sandbox.agentMessageChange(conversation.id, 'Forged')]);
            expect((await sandbox.deliver(notification, { signature: 'forged' })).status).to.equal(401);
            expect((await sandbox.deliver(notification, { signature: 'none' })).status).to.equal(401);
            await settle();
            expect(connector.texts(conversationId)).not.to.include('Forged');
        });

        it("a customer channel that fails: the agent's message is retried until it is delivered, in order, nothing lost (the webhook answered at once)", async () => {
            await setup();
            const conversation = await escalate();
            await sandbox.agentJoins(conversation.id);
            await settle();
            connector.failNext(3, 501); // not retried by botbuilder's connector client: the bridge's inbox retries
            const first = await sandbox.agentSays(conversation.id, 'First');
            const second = await sandbox.agentSays(conversation.id, 'Second');
            expect([first.status, second.status]).to.deep.equal([200, 200]);
            await settle();
            expect(connector.attempts.filter((a) => a.status === 501)).to.have.length(3);
            expect(connector.texts(conversationId).slice(-2)).to.deep.equal(['First', 'Second']);
        });

        it('queued facts (TTR, an off-hours delay) reach the bot as liveperson.escalation.queued; a transfer is liveperson.escalation.transferred and keeps the escalation', async () => {
            await setup();
            const conversation = await escalate();
            const lp = sandbox.conversation(conversation.id);
            lp.metaDataLastUpdateTs += 10;
            const offHours = sandbox.conversationNotification(conversation.id);
            offHours.body.changes[0].result.conversationDetails.delay = { type: 'NIGHT', tillWhen: 1767250800000 };
            await sandbox.deliver(offHours);
            await settle();
            const queued = log.events.filter((e) => e.name === 'liveperson.escalation.queued');
            expect(queued.at(-1)!.value).to.deep.equal({ ttr: { ttrType: 'PRIORITIZED', value: 600 }, delay: { type: 'NIGHT', tillWhen: 1767250800000 } });

            await sandbox.agentJoins(conversation.id, 'agent-1');
            lp.agentId = undefined;
            lp.skillId = '5151';
            lp.metaDataLastUpdateTs += 10;
            await sandbox.deliver(sandbox.conversationNotification(conversation.id));
            await sandbox.agentJoins(conversation.id, 'agent-2');
            await settle();
            const events = log.events.filter((e) => e.name !== 'liveperson.escalation.queued');
            expect(events.map((e) => [e.name, e.value.state ?? e.value.agentId])).to.deep.equal([
                ['handoff.status', 'accepted'],
                ['liveperson.escalation.transferred', 'agent-1'],
            ]);
            await sandbox.agentSays(conversation.id, 'Hi, agent 2 here.');
            await customer.says('hello agent 2');
            await settle();
            expect(connector.texts(conversationId).at(-1)).to.equal('Hi, agent 2 here.');
            expect(sandbox.consumerTexts(conversation.id).at(-1)).to.equal('hello agent 2');
            await sandbox.agentCloses(conversation.id);
            await settle();
            expect(statuses()).to.deep.equal(['accepted', 'completed']);
        });
    });
