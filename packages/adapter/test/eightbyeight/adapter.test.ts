/**
 * EightByEightAdapter over real HTTP on loopback: a node:http (or Express) server running the adapter, and the
 * 8x8 stand-in from packages/sandbox signing webhooks and recording the Chat Gateway calls.
 */
import { Readable } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import type { EightByEightAdapterOptions } from '../../src/eightbyeight/options';
import { ActivityTypes } from '../../src/core/activity';
import { ActivityMappingError, ConfigurationError, UnsupportedOperationError, VendorApiError } from '../../src/core/errors';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestActivity, type TestContext, type TestEightByEightAdapter, type TestReference } from '../hosts';

const API_KEY = 'adapter-test-key-8c1d77';
type Logic = (context: TestContext) => Promise<void>;

for (const host of hosts) {
    describe(`EightByEightAdapter over loopback HTTP (${host.name})`, function () {
        this.timeout(15000);
        let sandbox: EightByEightSandbox;
        let adapter: TestEightByEightAdapter;
        let logger: ReturnType<typeof capturingLogger>;
        let received: TestActivity[];
        let logic: Logic;
        let closeServer: () => Promise<void>;

        async function setup(options: Partial<EightByEightAdapterOptions> = {}, sandboxOptions = {}) {
            sandbox = new EightByEightSandbox({ apiKey: API_KEY, ...sandboxOptions });
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, retry: { baseDelayMs: 10, maxDelayMs: 50 }, ...options });
            received = [];
            logic = async () => undefined;
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context) => {
                    received.push(context.activity);
                    await logic(context);
                });
            });
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
        }

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
            for (const line of logger?.lines ?? []) expect(line).not.to.include(API_KEY);
        });

        it(`drives an unmodified ${host.name === 'botbuilder' ? 'botbuilder-dialogs' : 'agents-hosting-dialogs'} ChoicePrompt with 8x8 quick replies`, async () => {
            await setup();
            const { DialogSet, ChoicePrompt, WaterfallDialog, DialogTurnStatus, ListStyle } = host.dialogs;
            const conversationState = new host.ConversationState(new host.MemoryStorage());
            const dialogs = new DialogSet(conversationState.createProperty('dialogState'));
            const choices = ['Red', 'Green', 'Blue'];
            // agents-hosting-dialogs 0.6.22 cannot render ListStyle.suggestedAction (Prompt.appendChoices has no such case
            // and falls back to ChoiceFactory.forChannel, which has no suggested actions: "Pick a color (1) Red, ..."). Its
            // equivalent: the prompt activity carries the suggested actions (imBack, as botbuilder-dialogs makes them).
            const promptOptions =
                host.name === 'botbuilder'
                    ? { prompt: 'Pick a color', choices, style: ListStyle.suggestedAction }
                    : {
                          prompt: {
                              type: ActivityTypes.Message,
                              text: 'Pick a color',
                              suggestedActions: { actions: choices.map((c) => ({ type: 'imBack', title: c, value: c })), to: [] },
                          },
                          choices,
                          style: ListStyle.none,
                      };
            dialogs.add(new ChoicePrompt('choice'));
            dialogs.add(
                new WaterfallDialog('main', [
                    async (step) => step.prompt('choice', promptOptions),
                    async (step) => {
                        await step.context.sendActivity(`You picked ${(step.result as { value: string }).value}`);
                        return step.endDialog();
                    },
                ])
            );
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                const dc = await dialogs.createContext(context);
                const result = await dc.continueDialog();
                if (result.status === DialogTurnStatus.empty) await dc.beginDialog('main');
                await conversationState.saveChanges(context);
            };
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'hi');
            const [prompt] = sandbox.botMessages(id);
            expect(prompt.text).to.equal('Pick a color');
            expect(prompt.cards).to.deep.equal([
                {
                    contentType: 'application/8x8.quick.replies',
                    content: { options: ['Red', 'Green', 'Blue'].map((c) => ({ title: c, data: { postback: c } })) },
                },
            ]);
            await sandbox.customerClicksQuickReply(id, 'Green', 'Green');
            expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['Pick a color', 'You picked Green']);
        });

        it('delivers handoff.status accepted / completed, agent messages and user messages during the handoff as events', async () => {
            await setup({ handoffQueueId: 'q-9' });
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message && context.activity.text === 'human please') {
                    await context.sendActivity({
                        type: ActivityTypes.Event,
                        name: 'handoff.initiate',
                        value: { user: { additionalProperties: [{ key: 'topic', value: 'refund' }] } },
                    });
                }
            };
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'human please');
            const patch = sandbox.recorder.find((r) => r.method === 'PATCH')[0];
            expect(patch.body).to.deep.equal({ assignment: { type: 'queue', id: 'q-9' }, user: { additionalProperties: [{ key: 'topic', value: 'refund' }] } });
            await waitUntil(() => received.some((a) => a.name === '8x8.queued'));
            await sandbox.customerSays(id, 'still waiting');
            await sandbox.agentJoins(id, 'agent-5');
            await sandbox.agentSays(id, 'Hello from the agent');
            await sandbox.customerSays(id, 'hi agent');
            await sandbox.agentLeaves(id);
            await sandbox.customerSays(id, 'bot again?');
            const summary = received
                .filter((a) => a.type !== 'typing')
                .map((a) =>
                    a.type === 'event'
                        ? `${a.name}${a.name === 'handoff.status' ? `:${(a.value as { state: string }).state}` : ''}`
                        : `${a.type}${a.text ? `:${a.text}` : ''}`
                );
            expect(summary).to.deep.equal([
                'conversationUpdate',
                'message:human please',
                '8x8.queued',
                '8x8.userMessage', // queued: the bot handed off, it does not answer
                '8x8.conversationUpdate',
                'handoff.status:accepted',
                '8x8.membersChanged',
                '8x8.agentMessage',
                '8x8.userMessage',
                '8x8.membersChanged',
                'handoff.status:completed',
                'message:bot again?',
            ]);
            const duringHandoff = received.find((a) => a.name === '8x8.userMessage')!;
            expect((duringHandoff.value as TestActivity).text).to.equal('still waiting');
        });

        it('schedules the hand-back (post-agent-assignment) before assigning the queue, and sends X-8x8-Tenant', async () => {
            await setup({ handoffQueueId: 'q-1', tenant: 'tenant-a', handBack: { webhookId: 'wh-123', maxTotalMinutes: 120, userTimeoutInMinutes: 30 } });
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message)
                    await context.sendActivity({ type: ActivityTypes.Event, name: 'handoff.initiate', value: {} });
            };
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'agent');
            const calls = sandbox.recorder.find((r) => r.path.includes(id) && r.method !== 'GET');
            expect(calls.map((r) => `${r.method} ${r.path.split(id)[1] || '/'} ${r.status}`)).to.deep.equal(['POST /post-agent-assignment 201', 'PATCH / 202']);
            expect(calls[0].body).to.deep.equal({
                type: 'webhook',
                id: 'wh-123',
                configuration: { notifyChannelWebhookIfExists: 'false', maxTotalMinutes: 120, userTimeoutInMinutes: 30 },
            });
            for (const call of calls) expect(call.headers['x-8x8-tenant']).to.equal('tenant-a');
            expect(sandbox.conversation(id).postAgentAssignment).to.deep.include({ id: 'wh-123' });
        });

        it('turns Action.Execute into an adaptiveCard/action invoke and shows the refreshed card as a new message', async () => {
            await setup();
            const refreshed = { type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: 'Approved ✔' }] };
            const handler = host.adaptiveCardInvokeBot(async () => ({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: refreshed }));
            logic = (context) => handler.run(context);
            const id = await sandbox.startConversation();
            expect((await sandbox.customerSubmitsCard(id, { verb: 'approve', orderId: 7 }, 'Action.Execute')).status).to.equal(200);
            const invoke = received.find((a) => a.type === 'invoke')!;
            expect(invoke.name).to.equal('adaptiveCard/action');
            expect((invoke.value as { action: { verb: string } }).action.verb).to.equal('approve');
            expect(sandbox.botMessages(id).slice(-1)[0].cards).to.deep.equal([{ contentType: 'application/vnd.microsoft.card.adaptive', content: refreshed }]);
        });

        it('answers 200 once the event is in the inbox, before the slow turn ends; a redelivery meanwhile runs no second turn', async () => {
            await setup();
            let turns = 0;
            let release!: () => void;
            const released = new Promise<void>((resolve) => (release = resolve));
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                turns++;
                await released;
                await context.sendActivity('slow answer');
            };
            const server = await listen((req, res) => void adapter.processOnly(req, res, logic));
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
            try {
                const id = await sandbox.startConversation();
                const first = await sandbox.customerSays(id, 'take your time');
                // The turn is still waiting: the answer did not wait for it.
                expect(first.status).to.equal(200);
                await waitUntil(() => turns === 1);
                const retry = await sandbox.customerSays(id, 'take your time', { eventId: first.eventId, retry: 1 });
                expect(retry.status).to.equal(200);
                release();
                await sandbox.waitForBotMessage(id, { timeoutMs: 3000 });
                await adapter.whenIdle();
                expect(turns).to.equal(1);
                expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['slow answer']);
            } finally {
                release();
                await server.close();
            }
        });

        it('runs a failed turn again from the inbox (no onTurnError), after a backoff, until it succeeds; the webhook was answered 200', async () => {
            await setup();
            let attempts = 0;
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                if (++attempts < 3) throw new Error('database down');
                await context.sendActivity('recovered');
            };
            const id = await sandbox.startConversation();
            const first = await sandbox.customerSays(id, 'hello');
            expect(first.status).to.equal(200);
            expect(attempts).to.equal(3);
            expect(logger.lines.filter((l) => l.includes('database down') && l.includes('runs again later'))).to.have.length(2);
            expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['recovered']);
            // A redelivery of the same event is dropped at the inbox.
            expect((await sandbox.customerSays(id, 'hello', { eventId: first.eventId, retry: 1 })).status).to.equal(200);
            expect(attempts).to.equal(3);
        });

        it('rejects sendActivity with a typed error naming operation and status after retries, and never calls 8x8 for an invalid card', async () => {
            await setup({ retry: { maxAttempts: 2, baseDelayMs: 5 } });
            const errors: unknown[] = [];
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                if (context.activity.text === 'bad card') {
                    await context
                        .sendActivity({
                            type: ActivityTypes.Message,
                            attachments: [host.CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.3', body: [{ type: 'Input.Text' }] })],
                        })
                        .catch((e) => errors.push(e));
                } else {
                    await context.sendActivity('will fail').catch((e) => errors.push(e));
                }
            };
            const id = await sandbox.startConversation();
            const mark = sandbox.recorder.mark();
            await sandbox.customerSays(id, 'bad card');
            expect(errors[0]).to.be.instanceOf(ActivityMappingError);
            expect((errors[0] as Error).message).to.match(/not a valid Adaptive Card: All inputs must have a unique Id/);
            expect(sandbox.recorder.find((r) => r.path.endsWith('/messages'), mark)).to.have.length(0);
            sandbox.injectFault({ path: /\/messages$/, status: 503, times: 2 });
            await sandbox.customerSays(id, 'x');
            expect(errors[1]).to.be.instanceOf(VendorApiError);
            expect((errors[1] as VendorApiError).message).to.equal(
                '8x8 sendMessage failed with HTTP 503 (service_unavailable): Service unavailable after 2 attempts'
            );
        });

        it('uploads file attachments (data: and http URLs) as multipart and sends them by id, never giving the API key to the file host', async () => {
            await setup();
            const fileHostRequests: Array<Record<string, unknown>> = [];
            const fileHost = await listen((req, res) => {
                fileHostRequests.push(req.headers);
                if (req.url === '/missing.pdf') {
                    res.statusCode = 404;
                    res.end();
                    return;
                }
                res.setHeader('content-type', 'application/pdf');
                res.end(Buffer.from('%PDF-1.4 fake'));
            });
            const errors: Error[] = [];
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                if (context.activity.text === 'files') {
                    await context.sendActivity({
                        type: ActivityTypes.Message,
                        text: 'Here you go',
                        attachments: [
                            { contentType: 'image/png', contentUrl: `data:image/png;base64,${Buffer.from('PNGDATA').toString('base64')}`, name: 'dot.png' },
                            { contentType: 'application/pdf', contentUrl: `${fileHost.url}/receipt.pdf`, name: 'receipt.pdf' },
                        ],
                    });
                } else {
                    await context
                        .sendActivity({
                            type: ActivityTypes.Message,
                            attachments: [{ contentType: 'application/pdf', contentUrl: `${fileHost.url}/missing.pdf`, name: 'x.pdf' }],
                        })
                        .catch((e) => errors.push(e));
                }
            };
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'files');
            const uploads = sandbox.conversation(id).attachments;
            expect(uploads.map((u) => [u.filename, u.contentType, u.bytes.toString()])).to.deep.equal([
                ['dot.png', 'image/png', 'PNGDATA'],
                ['receipt.pdf', 'application/pdf', '%PDF-1.4 fake'],
            ]);
            const [message] = sandbox.botMessages(id);
            expect(message.text).to.equal('Here you go');
            expect(message.attachments).to.deep.equal(uploads.map((u) => ({ id: u.id })));
            expect(fileHostRequests[0]['x-api-key']).to.equal(undefined);
            await sandbox.customerSays(id, 'broken file');
            await fileHost.close();
            expect(errors[0]).to.be.instanceOf(ActivityMappingError);
            expect(errors[0].message).to.match(/could not be fetched: HTTP 404/);
        });

        /** Runs a conversation in which the customer says something, and returns the reference the bot saved from it. */
        async function rememberedReference(): Promise<{ id: string; reference: TestReference }> {
            let reference: TestReference | undefined;
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message) reference = host.referenceOf(context);
            };
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'remember me');
            return { id, reference: reference! };
        }

        if (host.name === 'botbuilder') {
            it('sends proactive messages with continueConversation and continueConversationAsync', async () => {
                await setup();
                const { id, reference } = await rememberedReference();
                await host.continueConversation(adapter, reference, async (context) => {
                    expect(context.activity).to.deep.include({ type: 'event', name: 'continueConversation' });
                    await context.sendActivity('Your order shipped.');
                });
                await host.continueConversationAsync(adapter, 'app-id', reference, async (context) => {
                    await context.sendActivity('Still there?');
                });
                expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['Your order shipped.', 'Still there?']);
            });
        }

        if (host.name === 'agents') {
            it('sends proactive messages with continueConversation(appId | identity, reference, logic) from an Agents-shaped reference', async () => {
                await setup();
                const { id, reference } = await rememberedReference();
                expect(reference.agent, 'the Agents SDK names the bot `agent`').to.deep.include({ role: 'bot' });
                await host.continueConversationAs(adapter, 'app-id', reference, async (context) => {
                    expect(context.activity).to.deep.include({ type: 'event', name: 'continueConversation' });
                    expect(context.activity.recipient).to.deep.include({ role: 'bot' });
                    await context.sendActivity('Your order shipped.');
                });
                await host.continueConversationAs(adapter, { aud: 'app-id', appid: 'app-id' }, reference, async (context) => {
                    await context.sendActivity('Still there?');
                });
                expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['Your order shipped.', 'Still there?']);
            });
        }

        it('refuses webhooks from tenants / customers it does not serve with 403', async () => {
            await setup({ allowedTenantIds: ['my-tenant'] });
            const result = await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' });
            expect(result.status).to.equal(403);
            expect(JSON.parse(result.body).error).to.equal('x-8x8-tenant-id "sandbox-tenant" is not this bot\'s tenant.');
            expect(received).to.have.length(0);
        });

        it('fetches the signing key once for many webhooks', async () => {
            await setup();
            const id = await sandbox.startConversation();
            for (let i = 0; i < 5; i++) await sandbox.customerSays(id, `m${i}`);
            expect(sandbox.recorder.find((r) => r.path.includes('/jwk/'))).to.have.length(1);
        });

        it('logs an unknown eventType and answers 200 without a turn', async () => {
            await setup();
            const result = await sandbox.deliver({ eventType: 'AGENT_JOINED', messageType: 'SYSTEM' });
            expect(result.status).to.equal(200);
            expect(received).to.have.length(0);
            expect(logger.lines).to.include('info 8x8: ignored a webhook of unknown type "AGENT_JOINED". ');
        });

        it('accepts unsigned webhooks only with verifySignatures: false, and warns about it at start-up', async () => {
            await setup({ verifySignatures: false });
            expect(logger.lines[0]).to.match(/^warn EightByEightAdapter: webhook signature verification is OFF/);
            const id = await sandbox.startConversation();
            expect((await sandbox.customerSays(id, 'no signature', { signature: 'none' })).status).to.equal(200);
            expect(received.some((a) => a.text === 'no signature')).to.equal(true);
        });
    });

    describe(`EightByEightAdapter with frameworks and response shapes (${host.name})`, function () {
        this.timeout(15000);
        let sandbox: EightByEightSandbox;
        let adapter: TestEightByEightAdapter;

        beforeEach(async () => {
            sandbox = new EightByEightSandbox({ apiKey: API_KEY, echoBotMessages: false });
            const baseUrl = await sandbox.start();
            adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger: capturingLogger() });
        });
        afterEach(async () => {
            await adapter.close();
            await sandbox.stop();
        });

        const echo = async (context: TestContext) => {
            if (context.activity.type === ActivityTypes.Message) await context.sendActivity(`Echo: ${context.activity.text}`);
        };

        it('Express with express.json() in front and no raw bytes → 500 that says how to fix it (never skips verification)', async () => {
            const app = express();
            app.use(express.json());
            app.post('/hook', (req, res) => adapter.process(req, res, echo));
            const server = await listen(app);
            sandbox.webhookUrl = `${server.url}/hook`;
            const result = await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' });
            await server.close();
            expect(result.status).to.equal(500);
            expect(JSON.parse(result.body).error).to.match(/parsed before the adapter could read its raw bytes.*req\.rawBody/);
        });

        it('Express with express.json({ verify }) keeping req.rawBody → verified and answered', async () => {
            const app = express();
            app.use(
                express.json({
                    verify: (req, _res, buf) => {
                        (req as unknown as { rawBody: Buffer }).rawBody = buf;
                    },
                })
            );
            app.post('/hook', (req, res) => adapter.process(req, res, echo));
            const server = await listen(app);
            sandbox.webhookUrl = `${server.url}/hook`;
            const id = await sandbox.startConversation();
            const result = await sandbox.customerSays(id, 'via express');
            await server.close();
            expect(result.status).to.equal(200);
            expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['Echo: via express']);
        });

        it('works with a botbuilder/Restify-style response (status + send + end, no setHeader) and a plain readable request', async () => {
            const conversationId = 'restify-1';
            (sandbox as any).createConversation(conversationId, 'ch', { userId: 'u1' });
            const body = JSON.stringify({
                eventType: 'MESSAGE',
                conversationId,
                timestamp: Date.now(),
                data: { sender: { id: 'u1', type: 'user' }, text: 'restify' },
            });
            const fields = { customerId: sandbox.customerId, eventId: 'e-restify', retry: 0, tenantId: sandbox.tenantId, transmissionTime: Date.now() };
            const req = Object.assign(Readable.from([Buffer.from(body)]), {
                method: 'POST',
                headers: {
                    'x-8x8-signature': sandbox.signingKey.signDelivery(body, fields),
                    'x-8x8-event-id': fields.eventId,
                    'x-8x8-tenant-id': fields.tenantId,
                    'x-8x8-customer-id': fields.customerId,
                    'x-8x8-retry': '0',
                    'x-8x8-transmission-time': String(fields.transmissionTime),
                },
            });
            const written: { status?: number; sent?: unknown; ended: number } = { ended: 0 };
            const res = {
                status: (code: number) => {
                    written.status = code;
                },
                send: (b: unknown) => {
                    written.sent = b;
                },
                end: () => {
                    written.ended++;
                },
            };
            await adapter.process(req, res, echo);
            expect(written).to.deep.equal({ status: 200, ended: 1 });
            expect(sandbox.botMessages(conversationId).map((m) => m.text)).to.deep.equal(['Echo: restify']);

            const bad = {
                status: (code: number) => {
                    written.status = code;
                },
                send: (b: unknown) => {
                    written.sent = b;
                },
                end: () => {
                    written.ended++;
                },
            };
            await adapter.process(Object.assign(Readable.from([Buffer.from('{}')]), { method: 'POST', headers: {} }), bad, echo);
            expect(written.status).to.equal(401);
            expect(JSON.parse(written.sent as string)).to.deep.equal({ error: 'Missing x-8x8-signature header.' });
        });

        it('waits for delay activities and drops trace activities, one ResourceResponse each', async () => {
            const context = host.newTurnContext(adapter, { type: 'message', conversation: { id: 'c', isGroup: false } });
            const started = Date.now();
            const responses = await adapter.sendActivities(context, [
                { type: 'delay', value: 120 },
                { type: ActivityTypes.Trace, name: 'debug' },
            ]);
            expect(Date.now() - started).to.be.at.least(110);
            expect(responses).to.deep.equal([{ id: '' }, { id: '' }]);
            expect(sandbox.recorder.requests).to.have.length(0);
        });

        it('rejects updateActivity and deleteActivity: 8x8 cannot edit or delete messages', async () => {
            const context = host.newTurnContext(adapter, { type: 'message', conversation: { id: 'c', isGroup: false } });
            let updateError: unknown;
            let deleteError: unknown;
            await adapter.updateActivity(context, {}).catch((e) => {
                updateError = e;
            });
            await adapter.deleteActivity(context, {}).catch((e) => {
                deleteError = e;
            });
            expect(updateError).to.be.instanceOf(UnsupportedOperationError);
            expect((updateError as Error).message).to.equal('EightByEightAdapter.updateActivity(): 8x8 cannot edit a message once sent.');
            expect(deleteError).to.be.instanceOf(UnsupportedOperationError);
        });
    });

    describe(`EightByEightAdapter options (${host.name})`, () => {
        const make = (options: unknown) => () => new host.EightByEightAdapter(options as EightByEightAdapterOptions);
        it('validates up front, naming the option', () => {
            expect(make(undefined)).to.throw(ConfigurationError, 'EightByEightAdapter: options are required');
            expect(make({})).to.throw(ConfigurationError, 'EightByEightAdapter: option "apiKey" is required');
            expect(make({ apiKey: 'k', baseUrl: 'ftp://x' })).to.throw(ConfigurationError, 'option "baseUrl" must be an http(s) URL');
            expect(make({ apiKey: 'k', handBack: { webhookId: 'w', maxTotalMinutes: 5 } })).to.throw(
                ConfigurationError,
                'option "handBack.maxTotalMinutes" must be an integer from 20 to 600'
            );
            expect(make({ apiKey: 'k', handBack: {} })).to.throw(ConfigurationError, '"handBack.webhookId" is required');
            expect(make({ apiKey: 'k', inbox: { maxAttempts: 0 } })).to.throw(ConfigurationError, 'option "inbox.maxAttempts" must be a positive integer');
            expect(make({ apiKey: 'k', store: {} })).to.throw(ConfigurationError, 'option "store" must be an inbox store');
            // Options of earlier versions are refused with what replaces them, never dropped silently.
            expect(make({ apiKey: 'k', ackDeadlineMs: 2500 })).to.throw(ConfigurationError, 'option "ackDeadlineMs" was removed: webhooks are answered');
            expect(make({ apiKey: 'k', storage: {} })).to.throw(ConfigurationError, 'option "storage" was removed: conversation records live in the "store"');
            expect(make({ apiKey: 'k', deduplicationStore: {} })).to.throw(ConfigurationError, 'option "deduplicationStore" was removed');
            expect(make({ apiKey: 'k', retry: { maxAttempts: 0 } })).to.throw(ConfigurationError, 'option "retry.maxAttempts"');
            expect(make({ apiKey: 'k', jwkUrlTemplates: ['https://x/key'] })).to.throw(ConfigurationError, '"jwkUrlTemplates"');
            expect(make({ apiKey: 'k', logger: {} })).to.throw(ConfigurationError, 'option "logger"');
        });
        it('never puts the API key in an error', () => {
            try {
                new host.EightByEightAdapter({ apiKey: 'secret-value-123', baseUrl: 'nope' });
            } catch (err) {
                expect((err as Error).message).not.to.include('secret-value-123');
            }
        });
    });
}
