/**
 * LivePersonAdapter over real HTTP on loopback: a node:http server running the adapter, and the LivePerson stand-in
 * from packages/sandbox (CSDS, Sentinel, IdP, CONVERSATION, SEND; signed webhooks) recording every call.
 */
import { expect } from 'chai';
import { LivePersonSandbox, type RecordedRequest } from 'botbuilder-contact-center-sandbox';
import type { LivePersonAdapterOptions } from '../../src/liveperson/options';
import { ActivityTypes } from '../../src/core/activity';
import { ActivityMappingError, ConfigurationError, ConversationNotReadyError, VendorApiError } from '../../src/core/errors';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestActivity, type TestContext, type TestLivePersonAdapter } from '../hosts';

const SECRET = 'lp-test-secret-93f1c0aa';
type Logic = (context: TestContext) => Promise<void>;

for (const host of hosts) {
    describe(`LivePersonAdapter over loopback HTTP (${host.name})`, function () {
        this.timeout(15000);
        let sandbox: LivePersonSandbox;
        let adapter: TestLivePersonAdapter;
        let logger: ReturnType<typeof capturingLogger>;
        let received: TestActivity[];
        let logic: Logic;
        let closeServer: () => Promise<void>;
        let webhookUrl: string;

        async function setup(options: Partial<LivePersonAdapterOptions> = {}, sandboxOptions = {}) {
            sandbox = new LivePersonSandbox({ clientSecret: SECRET, ...sandboxOptions });
            const url = await sandbox.start();
            logger = capturingLogger();
            adapter = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: SECRET,
                csdsUrl: url,
                logger,
                retry: { baseDelayMs: 10, maxDelayMs: 50 },
                ...options,
            });
            received = [];
            logic = async () => undefined;
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context) => {
                    received.push(context.activity);
                    await logic(context);
                });
            });
            closeServer = server.close;
            webhookUrl = `${server.url}/api/liveperson/webhook`;
            sandbox.webhookUrl = webhookUrl;
        }

        /** The echo behaviour of the example bot: typing, then `Echo: <text>`. */
        const echo: Logic = async (context) => {
            if (context.activity.type !== ActivityTypes.Message) return;
            await context.sendActivity({ type: ActivityTypes.Typing });
            await context.sendActivity(`Echo: ${context.activity.text}`);
        };

        async function open(consumerId = 'consumer-1'): Promise<string> {
            const reference = await adapter.openConversation({ consumerId });
            const id = reference.conversation!.id;
            // The stand-in's "conversation created" notification arrives in the background.
            await waitUntil(() => sandbox.deliveries.length > 0);
            return id;
        }

        const sends = (after = 0) => sandbox.recorder.find((r) => r.path.endsWith('/conversation/send'), after);
        const describeSend = (r: RecordedRequest) => {
            const body = r.body as any;
            const event = body.body?.event;
            if (body.type === 'cm.UpdateConversationField') return `CLOSE`;
            if (event.type === 'ChatStateEvent') return `ChatState ${event.chatState}`;
            if (event.type === 'AcceptStatusEvent') return `${event.status} [${event.sequenceList}]`;
            return `${event.type} ${event.message ?? ''}`.trim();
        };

        /**
         * The receipts (ACCEPT, READ) go out while the bot's turn runs: each sequence keeps its own order, and together
         * they are everything that was sent.
         */
        const expectInterleaved = (actual: string[], ...sequences: string[][]) => {
            expect([...actual].sort(), 'everything sent, once').to.deep.equal(sequences.flat().sort());
            for (const sequence of sequences)
                expect(
                    actual.filter((s) => sequence.includes(s)),
                    'in order'
                ).to.deep.equal(sequence);
        };

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
            // No secret in any log line, whatever the test did.
            for (const line of logger?.lines ?? []) {
                expect(line).not.to.include(SECRET);
                expect(line).not.to.match(/eyJ[\w-]+\.eyJ/); // no token (AppJWT / ConsumerJWS)
            }
        });

        it('opens a conversation: CSDS, Sentinel (form body), IdP, CONVERSATION; returns a reference that continueConversation can use', async () => {
            await setup({ skillId: '777' });
            const reference = await adapter.openConversation({ consumerId: 'customer-42', userProfile: { firstName: 'Ada' } });
            const id = reference.conversation!.id;
            expect(reference.channelId).to.equal('liveperson');
            // The reference is in the host SDK's shape: botbuilder names the bot's account `bot`, the Agents SDK `agent`.
            const account = host.name === 'botbuilder' ? 'bot' : 'agent';
            expect(reference[account]).to.deep.include({ role: 'bot' });
            expect(reference).not.to.have.property(account === 'bot' ? 'agent' : 'bot');
            expect(adapter.reference(id)).to.deep.equal(reference);
            const paths = sandbox.recorder.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
            expect(paths).to.deep.equal([
                `GET /api/account/${sandbox.accountId}/service/asyncMessagingEnt/baseURI.json 200`,
                `GET /api/account/${sandbox.accountId}/service/sentinel/baseURI.json 200`,
                `POST /sentinel/api/account/${sandbox.accountId}/app/token 200`,
                `GET /api/account/${sandbox.accountId}/service/idp/baseURI.json 200`,
                `POST /api/account/${sandbox.accountId}/consumer 201`,
                `POST /api/account/${sandbox.accountId}/messaging/consumer/conversation 200`,
            ]);
            const tokenRequest = sandbox.recorder.requests[2];
            expect(tokenRequest.body).to.equal(`client_id=${sandbox.clientId}&client_secret=${SECRET}`);
            const conversation = sandbox.conversation(id);
            expect(conversation.externalConsumerId).to.equal('customer-42');
            expect(conversation.skillId).to.equal('777');
            expect(conversation.userProfile).to.deep.equal({ firstName: 'Ada' });
            expect(JSON.parse(conversation.clientProperties!)).to.deep.equal({ type: '.ClientProperties', features: ['RICH_CONTENT', 'QUICK_REPLIES'] });
            const create = sandbox.recorder.requests[5];
            expect(create.headers.authorization).to.match(/^eyJ/); // the raw AppJWT, no "Bearer"
            expect(create.headers['x-lp-on-behalf']).to.match(/^eyJ/);

            await host.continueConversation(adapter, reference, async (context) => {
                await context.sendActivity('Hello, I need help with my order.');
            });
            expect(sandbox.consumerTexts(id)).to.deep.equal(['Hello, I need help with my order.']);
            // Host lookups and tokens are cached: the message needed no further CSDS, Sentinel or IdP call.
            expect(sandbox.recorder.requests.filter((r) => !r.path.includes('/messaging/'))).to.have.length(5);
        });

        it('agent message → COMPOSING, the echo, ACTIVE, and meanwhile ACCEPT then READ for its sequence; the echoes of all that run no turn', async () => {
            await setup();
            logic = echo;
            const id = await open();
            await sandbox.agentJoins(id);
            expect(received.map((a) => a.type)).to.deep.equal(['conversationUpdate']);
            expect(received[0].membersAdded).to.deep.equal([{ id: 'agent-1', name: 'Agent', role: 'user' }]);
            const mark = sandbox.recorder.mark();
            const { status, sequence } = await sandbox.agentSays(id, 'Where is my parcel?');
            expect(status).to.equal(200);
            expectInterleaved(
                sends(mark).map(describeSend),
                ['ChatState COMPOSING', 'ContentEvent Echo: Where is my parcel?', 'ChatState ACTIVE'],
                [`ACCEPT [${sequence}]`, `READ [${sequence}]`]
            );
            expect(received.filter((a) => a.type === 'message').map((a) => a.text)).to.deep.equal(['Where is my parcel?']);
            // LivePerson echoes the connector's own events back (role CONSUMER): wait for them, they must run no turn.
            await waitUntil(() => sandbox.deliveries.length >= 8);
            expect(received.map((a) => a.type)).to.deep.equal(['conversationUpdate', 'message']);
        });

        it('AppJWT expired mid-conversation: 401 → a new AppJWT → the reply is delivered once', async () => {
            await setup();
            logic = echo;
            const id = await open();
            sandbox.expireAppJwts();
            const mark = sandbox.recorder.mark();
            await sandbox.agentSays(id, 'still there?');
            const after = sandbox.recorder.requests.slice(mark);
            // COMPOSING and ACCEPT leave together, so one or both meet the expired AppJWT; one new AppJWT serves both.
            const refused = after.filter((r) => r.status === 401);
            expect(refused.length).to.be.within(1, 2);
            expect(after.filter((r) => r.path.endsWith('/app/token'))).to.have.length(1);
            expectInterleaved(
                sends(mark)
                    .filter((r) => r.status === 200)
                    .map(describeSend),
                ['ChatState COMPOSING', 'ContentEvent Echo: still there?', 'ChatState ACTIVE'],
                ['ACCEPT [0]', 'READ [0]']
            );
            expect(sandbox.consumerTexts(id)).to.deep.equal(['Echo: still there?']);
        });

        it('acknowledges while the turn runs: the agent has ACCEPT and READ before the bot answers', async () => {
            await setup();
            const id = await open();
            const receiptsSeen: string[][] = [];
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                // Would time out (and fail the turn) if the receipts waited for the turn to end.
                await waitUntil(() => sends().some((r) => describeSend(r).startsWith('READ ')), 5000);
                receiptsSeen.push(sends().map(describeSend));
                await context.sendActivity('answered');
            };
            const { status, sequence } = await sandbox.agentSays(id, 'are you there?');
            expect(status).to.equal(200);
            expect(receiptsSeen).to.deep.equal([[`ACCEPT [${sequence}]`, `READ [${sequence}]`]]);
            expect(sandbox.consumerTexts(id)).to.deep.equal(['answered']);
        });

        it('a turn that closes the conversation sends its receipts first, then CLOSE', async () => {
            await setup();
            const id = await open();
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message) await context.sendActivity({ type: ActivityTypes.EndOfConversation });
            };
            const mark = sandbox.recorder.mark();
            const { sequence } = await sandbox.agentSays(id, 'thanks, bye');
            expect(sends(mark).map(describeSend)).to.deep.equal([`ACCEPT [${sequence}]`, `READ [${sequence}]`, 'CLOSE']);
            expect(sandbox.conversation(id).state).to.equal('CLOSE');
            expect(logger.lines.filter((line) => line.includes('could not acknowledge'))).to.deep.equal([]);
        });

        it('renews the AppJWT before it expires (no 401 needed)', async () => {
            await setup({}, { appJwtLifetimeSeconds: 2 });
            const reference = await adapter.openConversation({ consumerId: 'c-renew' });
            await new Promise((resolve) => setTimeout(resolve, 1700));
            await host.continueConversation(adapter, reference, (context) => context.sendActivity('later'));
            expect(sandbox.recorder.requests.filter((r) => r.path.endsWith('/app/token'))).to.have.length(2);
            expect(sandbox.recorder.requests.filter((r) => r.status === 401)).to.have.length(0);
        });

        it('a duplicate notification (same dialog and sequence), sequential or concurrent, runs one turn', async () => {
            await setup();
            logic = echo;
            const id = await open();
            const notification = sandbox.messagingNotification([sandbox.agentMessageChange(id, 'once')]);
            const results = await Promise.all([sandbox.deliver(notification), sandbox.deliver(notification)]);
            expect(results.map((r) => r.status)).to.deep.equal([200, 200]);
            expect((await sandbox.deliver(notification)).status).to.equal(200);
            expect(received.filter((a) => a.type === 'message')).to.have.length(1);
            expect(sandbox.consumerTexts(id)).to.deep.equal(['Echo: once']);
            // A conversation change redelivered with the same metaDataLastUpdateTs is one turn too.
            await sandbox.agentJoins(id);
            await sandbox.deliver(sandbox.conversationNotification(id));
            expect(received.filter((a) => a.type === 'conversationUpdate')).to.have.length(1);
        });

        it('batched changes out of order in one notification are handled in sequence order', async () => {
            await setup();
            logic = echo;
            const id = await open();
            const changes = ['first', 'second', 'third'].map((text) => sandbox.agentMessageChange(id, text));
            const typing = {
                originatorId: 'agent-1',
                originatorMetadata: { id: 'agent-1', role: 'ASSIGNED_AGENT' },
                event: { type: 'ChatStateEvent', chatState: 'COMPOSING' },
                conversationId: id,
                dialogId: id,
            };
            const result = await sandbox.deliver(sandbox.messagingNotification([changes[2], typing, changes[0], changes[1]]));
            expect(result.status).to.equal(200);
            expect(received.filter((a) => a.type === 'message').map((a) => a.text)).to.deep.equal(['first', 'second', 'third']);
            expect(received.filter((a) => a.type === 'typing')).to.have.length(1);
            expect(sandbox.consumerTexts(id)).to.deep.equal(['Echo: first', 'Echo: second', 'Echo: third']);
        });

        it('refuses forged, tampered and unsigned notifications (401) and wrong account or client ids (403), running no turn', async () => {
            await setup();
            logic = echo;
            const id = await open();
            const notification = () => sandbox.messagingNotification([sandbox.agentMessageChange(id, 'evil')]);
            const forged = await sandbox.deliver(notification(), { signature: 'forged' });
            expect(forged.status).to.equal(401);
            expect(JSON.parse(forged.body)).to.deep.equal({ error: 'x-liveperson-signature does not match the request body.' });
            expect((await sandbox.deliver(notification(), { tamper: (b) => b.replace('evil', 'good') })).status).to.equal(401);
            expect(JSON.parse((await sandbox.deliver(notification(), { signature: 'none' })).body)).to.deep.equal({
                error: 'Missing x-liveperson-signature header.',
            });
            const wrongAccount = await sandbox.deliver(notification(), { headers: { 'x-liveperson-account-id': '99999999' } });
            expect(wrongAccount.status).to.equal(403);
            expect(JSON.parse(wrongAccount.body).error).to.equal('x-liveperson-account-id "99999999" is not this bot\'s account.');
            expect((await sandbox.deliver(notification(), { headers: { 'x-liveperson-client-id': 'someone-else' } })).status).to.equal(403);
            expect(received.filter((a) => a.type === 'message')).to.have.length(0);
            // sha256 and hex signatures (accounts configured so) are accepted.
            expect((await sandbox.deliver(notification(), { algorithm: 'sha256', encoding: 'hex' })).status).to.equal(200);
            expect(received.filter((a) => a.type === 'message')).to.have.length(1);
        });

        it('bad input gets a clear status: 405, 400 (not JSON, missing field), 413; unknown types 200 without a turn', async () => {
            await setup({ maxBodyBytes: 4096 });
            const get = await fetch(webhookUrl);
            expect(get.status).to.equal(405);
            const notJson = await sandbox.deliver({}, { rawBody: '{"kind": nope' });
            expect(notJson.status).to.equal(400);
            expect(JSON.parse(notJson.body).error).to.match(/^The webhook body is not valid JSON/);
            const missing = await sandbox.deliver({ kind: 'notification', type: 'ms.MessagingEventNotification', body: {} });
            expect(missing.status).to.equal(400);
            expect(JSON.parse(missing.body).error).to.equal('Invalid LivePerson notification: body.changes is required.');
            const big = await sandbox.deliver({}, { rawBody: JSON.stringify({ type: 'x', pad: 'x'.repeat(5000) }) });
            expect(big.status).to.equal(413);
            expect((await sandbox.deliver({ kind: 'notification', type: 'ms.NewKind', body: { changes: [] } })).status).to.equal(200);
            expect(received).to.have.length(0);
        });

        it('agent close → endOfConversation; the bot closing sends ConversationStateField CLOSE and gets no endOfConversation back', async () => {
            await setup();
            const first = await open('closer-1');
            await sandbox.agentCloses(first);
            expect(received.filter((a) => a.type === 'endOfConversation').map((a) => a.conversation!.id)).to.deep.equal([first]);

            const reference = await adapter.openConversation({ consumerId: 'closer-2' });
            const second = reference.conversation!.id;
            await host.continueConversation(adapter, reference, (context) => context.sendActivity({ type: ActivityTypes.EndOfConversation }));
            expect(sandbox.conversation(second).state).to.equal('CLOSE');
            await waitUntil(() => sandbox.deliveries.filter((d) => d.type === 'cqm.ExConversationChangeNotification').length >= 4);
            expect(received.filter((a) => a.type === 'endOfConversation')).to.have.length(1);
        });

        it('non-ASCII text round-trips byte for byte', async () => {
            await setup();
            logic = echo;
            const id = await open();
            const text = 'Grüße 👋 — ¿qué tal? 日本語';
            await sandbox.agentSays(id, text);
            expect(received.find((a) => a.type === 'message')!.text).to.equal(text);
            expect(sandbox.consumerTexts(id)).to.deep.equal([`Echo: ${text}`]);
        });

        it('answering with an agent quick reply reports the click (metadata + AcceptStatusEvent ACTION)', async () => {
            await setup();
            const id = await open();
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message && context.activity.suggestedActions) {
                    await context.sendActivity(String(context.activity.suggestedActions.actions[0].value));
                }
            };
            const quickReplies = {
                type: 'quickReplies',
                itemsPerRow: 8,
                replies: [
                    {
                        type: 'button',
                        title: 'Yes',
                        click: { actions: [{ type: 'publishText', text: 'yep' }], metadata: [{ type: 'ExternalId', id: 'Yes-1234' }] },
                    },
                ],
            };
            const mark = sandbox.recorder.mark();
            const { sequence } = await sandbox.agentSays(id, 'Shall I refund it?', { quickReplies });
            expectInterleaved(sends(mark).map(describeSend), ['ContentEvent yep', `ACTION [${sequence}]`], [`ACCEPT [${sequence}]`, `READ [${sequence}]`]);
            const events = sandbox.consumerEvents(id);
            const content = events.find((e) => e.event.type === 'ContentEvent')!;
            const action = events.find((e) => e.event.status === 'ACTION')!;
            expect(content.metadata).to.deep.equal([{ type: 'ExternalId', id: 'Yes-1234' }]);
            expect(action.metadata).to.deep.equal([{ type: 'ExternalId', id: 'Yes-1234' }]);
        });

        it('handoff.initiate re-routes: closes, opens on the handoff skill with details and transcript; the bot keeps its conversation id', async () => {
            await setup({ handoffSkillId: 'human-skill' });
            const first = await open('handoff-consumer');
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message && context.activity.text === 'agent please') {
                    const transcript = {
                        activities: [
                            { type: 'message', text: 'My parcel is late', from: { id: 'agent-1', role: 'user' } },
                            { type: 'message', text: 'Sorry to hear that', from: { id: 'bot', role: 'bot' } },
                        ],
                    };
                    await context.sendActivity(host.handoffInitiation(context, { details: { name: 'Ada', topic: 'Returns' } }, transcript));
                }
                if (context.activity.type === ActivityTypes.Message && context.activity.text === 'hello human here') await context.sendActivity('hi human');
            };
            await sandbox.agentSays(first, 'agent please');
            expect(sandbox.conversation(first).state).to.equal('CLOSE');
            const second = [...sandbox.conversations.values()].find((c) => c.id !== first)!;
            expect(second.externalConsumerId).to.equal('handoff-consumer');
            expect(second.skillId).to.equal('human-skill');
            expect(sandbox.consumerTexts(second.id)).to.deep.equal([
                'Handoff from the bot.\nname: Ada\ntopic: Returns',
                'Transcript:\nCustomer: My parcel is late\nBot: Sorry to hear that',
            ]);

            received = [];
            await sandbox.agentJoins(second.id, 'human-7');
            expect(received.map((a) => `${a.type}${a.name ? ` ${a.name}` : ''}`)).to.deep.equal(['conversationUpdate', 'event handoff.status']);
            expect(received[1].value).to.deep.include({ state: 'accepted' });
            for (const activity of received) expect(activity.conversation!.id, 'the bot keeps its conversation id').to.equal(first);
            await sandbox.agentSays(second.id, 'hello human here');
            expect(received.find((a) => a.type === 'message')!.conversation!.id).to.equal(first);
            expect(sandbox.consumerTexts(second.id).slice(-1)).to.deep.equal(['hi human']);

            received = [];
            await sandbox.agentCloses(second.id);
            expect(received.map((a) => `${a.type}${a.name ? ` ${a.name}` : ''}`)).to.deep.equal(['event handoff.status', 'endOfConversation']);
            expect(received[0].value).to.deep.include({ state: 'completed' });
            expect(received[1].conversation!.id).to.equal(first);
        });

        it('a handoff whose new conversation failed to open is completed by the retry, without closing twice', async () => {
            await setup({ handoffSkillId: 'human-skill', retry: { maxAttempts: 1 } });
            const reference = await adapter.openConversation({ consumerId: 'retry-handoff' });
            sandbox.injectFault({ path: /\/messaging\/consumer\/conversation$/, status: 503 });
            const handoff = (context: TestContext) => context.sendActivity(host.handoffInitiation(context, { details: { name: 'Ida' } }));
            let failure: unknown;
            await host.continueConversation(adapter, reference, async (context) => {
                try {
                    await handoff(context);
                } catch (err) {
                    failure = err;
                }
            });
            expect(failure).to.be.instanceOf(VendorApiError);
            expect(sandbox.conversation(reference.conversation!.id).state).to.equal('CLOSE');
            await host.continueConversation(adapter, reference, handoff);
            const closes = sends().filter((r) => (r.body as any).type === 'cm.UpdateConversationField');
            expect(closes).to.have.length(1);
            const next = [...sandbox.conversations.values()].find((c) => c.id !== reference.conversation!.id)!;
            expect(next.skillId).to.equal('human-skill');
            expect(sandbox.consumerTexts(next.id)).to.deep.equal(['Handoff from the bot.\nname: Ida']);
        });

        it('handoff.initiate without a skill is refused before anything is sent', async () => {
            await setup();
            const reference = await adapter.openConversation({ consumerId: 'no-skill' });
            let error: unknown;
            await host.continueConversation(adapter, reference, async (context) => {
                try {
                    await context.sendActivity(host.handoffInitiation(context, {}));
                } catch (err) {
                    error = err;
                }
            });
            expect(error).to.be.instanceOf(ActivityMappingError);
            expect((error as Error).message).to.match(/handoff.initiate needs a skill/);
            expect(sends()).to.have.length(0);
            expect(sandbox.conversation(reference.conversation!.id).state).to.equal('OPEN');
        });

        it('events of a conversation this connector did not open are delivered; replying fails with a clear error', async () => {
            await setup();
            let failure: unknown;
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                try {
                    await context.sendActivity('hi');
                } catch (err) {
                    failure = err;
                }
            };
            const change = {
                sequence: 3,
                originatorId: 'agent-9',
                originatorMetadata: { id: 'agent-9', role: 'ASSIGNED_AGENT' },
                event: { type: 'ContentEvent', message: 'hello?', contentType: 'text/plain' },
                conversationId: 'foreign-1',
                dialogId: 'foreign-1',
            };
            expect((await sandbox.deliver(sandbox.messagingNotification([change]))).status).to.equal(200);
            expect(received.map((a) => a.text)).to.deep.equal(['hello?']);
            // Not permanent: the record of a conversation just opened by another instance may not be written yet.
            expect(failure).to.be.instanceOf(ConversationNotReadyError);
            expect((failure as Error).message).to.match(/cannot send to conversation foreign-1: this connector did not open it/);
            expect(sends()).to.have.length(0); // no receipts either: there is no consumer to act for
        });

        it('429 (waiting at least 1 s, as LivePerson asks, even when Retry-After says 0) and 503 on SEND are retried; delivered once', async () => {
            await setup();
            const reference = await adapter.openConversation({ consumerId: 'busy' });
            sandbox.injectFault({ path: /\/send$/, status: 429, retryAfterSeconds: 0 });
            sandbox.injectFault({ path: /\/send$/, status: 503 });
            await host.continueConversation(adapter, reference, (context) => context.sendActivity('patience'));
            const attempts = sends();
            expect(attempts.map((r) => r.status)).to.deep.equal([429, 503, 200]);
            expect(attempts[1].at - attempts[0].at).to.be.at.least(990);
            expect(sandbox.consumerTexts(reference.conversation!.id)).to.deep.equal(['patience']);
        });

        it('a refused ConsumerJWS (401 40103) is minted again and the call repeated once', async () => {
            await setup();
            const reference = await adapter.openConversation({ consumerId: 'renewed-consumer' });
            sandbox.invalidateConsumerTokens();
            await host.continueConversation(adapter, reference, (context) => context.sendActivity('after a new JWS'));
            expect(sends().map((r) => r.status)).to.deep.equal([401, 200]);
            expect(sandbox.recorder.find((r) => r.path.endsWith('/consumer'))).to.have.length(2);
            expect(sandbox.consumerTexts(reference.conversation!.id)).to.deep.equal(['after a new JWS']);
        });

        it('a failing SEND surfaces as VendorApiError naming the operation, status and LivePerson error code, without secrets', async () => {
            await setup({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
            const reference = await adapter.openConversation({ consumerId: 'doomed' });
            // A 500 to a message post is ambiguous (LivePerson may have published it): not repeated by the client.
            sandbox.injectFault({ path: /\/send$/, status: 500, times: 2 });
            let error: unknown;
            await host.continueConversation(adapter, reference, async (context) => {
                try {
                    await context.sendActivity('nope');
                } catch (err) {
                    error = err;
                }
            });
            expect(error).to.be.instanceOf(VendorApiError);
            expect((error as Error).message).to.equal('liveperson publishContent failed with HTTP 500 (50000): Service unavailable: Service unavailable');
        });

        it('service URL options replace the CSDS lookup', async () => {
            sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            const url = await sandbox.start();
            logger = capturingLogger();
            adapter = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: SECRET,
                csdsUrl: 'https://csds.invalid',
                sentinelUrl: url,
                idpUrl: url,
                messagingUrl: url,
                logger,
            });
            const reference = await adapter.openConversation({ consumerId: 'direct' });
            expect(reference.conversation!.id).to.be.a('string');
            expect(sandbox.recorder.find((r) => r.path.includes('/service/'))).to.have.length(0);
        });

        it('ConsumerJWS and conversation records live in the Storage: a second instance on the same Storage replies without the IdP', async () => {
            const storage = new host.MemoryStorage();
            await setup({ store: new MemoryInboxStore({ storage }) });
            const reference = await adapter.openConversation({ consumerId: 'shared-consumer' });
            const second = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: SECRET,
                csdsUrl: sandbox.url,
                store: new MemoryInboxStore({ storage }),
                logger,
            });
            try {
                await host.continueConversation(second, reference, (context) => context.sendActivity('from instance two'));
            } finally {
                await second.close();
            }
            expect(sandbox.consumerTexts(reference.conversation!.id)).to.deep.equal(['from instance two']);
            expect(sandbox.recorder.find((r) => r.path.endsWith('/consumer'))).to.have.length(1);
        });

        it('reads a conversation record from the Storage once per webhook, and again at the next (another instance may have changed it)', async () => {
            const storage = new host.MemoryStorage();
            const reads: string[] = [];
            const read = storage.read.bind(storage);
            storage.read = async (keys) => {
                reads.push(...keys);
                return read(keys);
            };
            // No echoes of the connector's own events: each would be one more webhook (and one more read) to count.
            await setup({ store: new MemoryInboxStore({ storage }) }, { echoConsumerEvents: false });
            logic = echo;
            const id = await open();
            await sandbox.agentJoins(id);
            const recordKey = `liveperson/conversations/${id}`;
            const readsOf = () => reads.filter((key) => key === recordKey).length;
            const before = readsOf();
            const first = await sandbox.agentSays(id, 'one');
            // Mapping, COMPOSING, the echo, ACTIVE and the receipts share one read (there were five).
            expect(readsOf() - before).to.equal(1);
            expect(
                sends()
                    .map(describeSend)
                    .filter((s) => /^(ACCEPT|READ) /.test(s))
            ).to.deep.equal([`ACCEPT [${first.sequence}]`, `READ [${first.sequence}]`]);
            // Between webhooks the Storage is the truth: mark the conversation closed there, as another instance would.
            const stored = (await read([recordKey]))[recordKey];
            await storage.write({ [recordKey]: { ...stored, closed: true, eTag: '*' } });
            const mark = sandbox.recorder.mark();
            await sandbox.agentSays(id, 'two');
            expect(readsOf() - before).to.equal(2);
            // Closed: no receipts for the second message (acknowledge() saw the changed record), and the bot's echo is
            // refused before any HTTP call (a closed conversation gets no more sends).
            expect(sends(mark).map(describeSend)).to.deep.equal([]);
        });

        it('validates options up front and never puts the client secret in an error', async () => {
            const base = { accountId: '1', clientId: 'c', clientSecret: SECRET };
            expect(() => new host.LivePersonAdapter({ ...base, clientSecret: '' })).to.throw(ConfigurationError, /"clientSecret" is required/);
            expect(() => new host.LivePersonAdapter({ ...base, csdsUrl: 'ftp://x' })).to.throw(ConfigurationError, /"csdsUrl" must be an http\(s\) URL/);
            expect(() => new host.LivePersonAdapter({ ...base, cardRendering: 'html' as any })).to.throw(ConfigurationError, /cardRendering/);
            sandbox = new LivePersonSandbox({ clientSecret: 'the-real-secret' });
            const url = await sandbox.start();
            logger = capturingLogger();
            adapter = new host.LivePersonAdapter({ ...base, accountId: sandbox.accountId, clientId: sandbox.clientId, csdsUrl: url, logger });
            const error = await adapter.openConversation({ consumerId: 'x' }).then(
                () => undefined,
                (err: Error) => err
            );
            expect(error).to.be.instanceOf(VendorApiError);
            expect(error!.message).to.equal('liveperson sentinel.getAppJwt failed with HTTP 401 (invalid_client): Client authentication failed');
            expect(error!.message).not.to.include(SECRET);
            await adapter.openConversation({ consumerId: '' }).then(
                () => expect.fail('should reject'),
                (err: Error) => expect(err.message).to.equal('LivePersonAdapter.openConversation(): consumerId is required (a non-empty string).')
            );
        });
    });
}
