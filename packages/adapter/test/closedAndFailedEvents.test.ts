/**
 * Closed conversations get no more sends, and a turn that fails for good is answered 200 (logged once, counted,
 * reported) instead of 500, which the vendor would redeliver forever. Over loopback HTTP against the stand-ins, on both
 * hosts and both vendors.
 */
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../src/core/activity';
import { ConversationClosedError, VendorApiError } from '../src/core/errors';
import type { EventFailure } from '../src/core/eventFailures';
import type { InboxStore } from '../src/core/inboxStore';
import { MemoryInboxStore } from '../src/core/memoryInboxStore';
import { capturingLogger, listen, waitUntil } from './helpers';
import { hosts, type TestActivity, type TestContext, type TestReference } from './hosts';

type Logic = (context: TestContext) => Promise<void>;

/** What every adapter exposes about failed events (the framework-free connector behind it). */
interface WithFailureCounts {
    connector: { failedEvents: { permanent: number; retryable: number; deadLettered: number }; store: InboxStore };
}

for (const host of hosts) {
    describe(`closed conversations and permanent failures, 8x8 (${host.name})`, function () {
        this.timeout(15000);
        let sandbox: EightByEightSandbox;
        let adapter: InstanceType<typeof host.EightByEightAdapter>;
        let logger: ReturnType<typeof capturingLogger>;
        let received: TestActivity[];
        let failures: EventFailure[];
        let logic: Logic;
        let closeServer: () => Promise<void>;

        beforeEach(async () => {
            sandbox = new EightByEightSandbox();
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            failures = [];
            adapter = new host.EightByEightAdapter({
                apiKey: sandbox.apiKey,
                baseUrl,
                logger,
                retry: { baseDelayMs: 5, maxDelayMs: 20 },
                onEventFailure: (failure) => failures.push(failure),
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
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
        });

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
        });

        it('the customer leaving ends the conversation for the bot: endOfConversation, then sends fail with ConversationClosedError before any HTTP call', async () => {
            let reference: TestReference | undefined;
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.ConversationUpdate) reference = host.referenceOf(context);
            };
            const id = await sandbox.startConversation();
            await sandbox.customerLeaves(id);
            expect(received.map((a) => a.type)).to.deep.equal(['conversationUpdate', 'event', 'endOfConversation']);
            const mark = sandbox.recorder.mark();
            let error: unknown;
            await host.continueConversation(adapter, reference!, async (context) => {
                await context.sendActivity('Are you still there?').catch((err: unknown) => (error = err));
                await context.sendActivity({ type: ActivityTypes.EndOfConversation }); // ending an ended conversation: no-op
            });
            expect(error).to.be.instanceOf(ConversationClosedError);
            expect((error as Error).message).to.equal(
                `EightByEightAdapter: conversation ${id} is closed (the customer left or the bot ended it); nothing was sent.`
            );
            expect(sandbox.recorder.find(() => true, mark)).to.deep.equal([]);
        });

        it('after the bot ends the conversation, a proactive send fails at once', async () => {
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message) await context.sendActivity({ type: ActivityTypes.EndOfConversation });
            };
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'bye');
            expect(sandbox.recorder.find((r) => r.method === 'PATCH' && r.path.endsWith('/participants/user'))).to.have.length(1);
            const mark = sandbox.recorder.mark();
            const reference = { channelId: '8x8', conversation: { id }, bot: { id: '8x8-bot' }, user: { id: 'u' } } as TestReference;
            let error: unknown;
            await host.continueConversation(adapter, reference, async (context) => {
                await context.sendActivity({ type: ActivityTypes.Typing }).catch((err: unknown) => (error = err));
            });
            expect(error).to.be.instanceOf(ConversationClosedError);
            expect(sandbox.recorder.find(() => true, mark)).to.deep.equal([]);
        });

        it('a send the vendor refuses for good (400) is dead-lettered at once: logged once with the event id, counted and reported; its redelivery runs no turn', async () => {
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message) await context.sendActivity(`Echo: ${context.activity.text}`);
            };
            const id = await sandbox.startConversation();
            sandbox.injectFault({ path: /\/messages$/, status: 400, times: 1 });
            const first = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: id, data: { text: 'hi', sender: { type: 'user' } } });
            expect(first.status).to.equal(200);
            const again = await sandbox.deliver(
                { eventType: 'MESSAGE', conversationId: id, data: { text: 'hi', sender: { type: 'user' } } },
                { eventId: first.eventId }
            );
            expect(again.status).to.equal(200);
            expect(received.filter((a) => a.type === 'message')).to.have.length(1);
            expect(failures).to.have.length(1);
            expect(failures[0]).to.deep.include({ vendor: '8x8', conversationId: id, eventId: first.eventId, permanent: true });
            expect(failures[0].error).to.be.instanceOf(VendorApiError);
            expect((adapter as unknown as WithFailureCounts).connector.failedEvents).to.deep.equal({ permanent: 1, retryable: 0, deadLettered: 1 });
            const logged = logger.lines.filter((line) => line.includes(`event ${first.eventId} of conversation ${id} dead-lettered, as no retry can fix it`));
            expect(logged).to.have.length(1);
            const [dead] = await (adapter as unknown as WithFailureCounts).connector.store.deadLetters('8x8', 10);
            expect(dead.event).to.deep.include({ conversationId: id, deduplicationKey: first.eventId });
            expect(dead.error).to.include('400');
        });

        it('a failure a retry can fix (503 after the client retries) runs again from the inbox and is counted as retryable; nothing is lost', async () => {
            logic = async (context) => {
                if (context.activity.type === ActivityTypes.Message) await context.sendActivity(`Echo: ${context.activity.text}`);
            };
            const id = await sandbox.startConversation();
            sandbox.injectFault({ path: /\/messages$/, status: 503, times: 4 });
            const first = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: id, data: { text: 'hi', sender: { type: 'user' } } });
            expect(first.status).to.equal(200);
            expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['Echo: hi']);
            expect(failures.map((f) => [f.permanent, f.deadLettered, f.attempts])).to.deep.equal([[false, false, 1]]);
            expect((adapter as unknown as WithFailureCounts).connector.failedEvents).to.deep.equal({ permanent: 0, retryable: 1, deadLettered: 0 });
        });
    });

    describe(`closed conversations and consumer capabilities, LivePerson (${host.name})`, function () {
        this.timeout(15000);
        let sandbox: LivePersonSandbox;
        let closeServer: () => Promise<void>;
        let adapters: Array<{ close(): Promise<void> }>;

        async function setup(options: Record<string, unknown> = {}, logic: Logic = async () => undefined) {
            sandbox = new LivePersonSandbox();
            const csdsUrl = await sandbox.start();
            const received: TestActivity[] = [];
            const adapter = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: sandbox.clientSecret,
                csdsUrl,
                logger: capturingLogger(),
                retry: { baseDelayMs: 5, maxDelayMs: 20 },
                ...options,
            });
            adapters.push(adapter);
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context) => {
                    received.push(context.activity);
                    await logic(context);
                });
            });
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
            return { adapter, received, csdsUrl };
        }

        beforeEach(() => {
            adapters = [];
        });

        afterEach(async () => {
            await closeServer?.();
            for (const adapter of adapters) await adapter.close();
            await sandbox?.stop();
        });

        it('after the agent closes, a proactive send fails with ConversationClosedError before any HTTP call', async () => {
            const { adapter, received } = await setup();
            const reference = await adapter.openConversation({ consumerId: 'c-closed' });
            const id = reference.conversation!.id;
            await sandbox.agentJoins(id);
            await sandbox.agentCloses(id);
            await waitUntil(() => received.some((a) => a.type === 'endOfConversation'));
            const mark = sandbox.recorder.mark();
            let error: unknown;
            await host.continueConversation(adapter, reference, async (context) => {
                await context.sendActivity('Hello?').catch((err: unknown) => (error = err));
            });
            expect(error).to.be.instanceOf(ConversationClosedError);
            expect(sandbox.recorder.find((r) => r.path.endsWith('/conversation/send'), mark)).to.deep.equal([]);
        });

        it('the stand-in refuses what a consumer may not send: the default renders suggested actions as text, the quickReplies option is refused (400)', async () => {
            // Both adapters share one Storage, so the second knows which consumer the conversation belongs to.
            const storage = new host.MemoryStorage();
            const { adapter, csdsUrl } = await setup({ suggestedActionsRendering: 'quickReplies', store: new MemoryInboxStore({ storage }) });
            const reference = await adapter.openConversation({ consumerId: 'c-capabilities' });
            const choices = {
                type: ActivityTypes.Message,
                text: 'Pick a color',
                suggestedActions: { to: [], actions: ['Red', 'Green'].map((c) => ({ type: 'imBack', title: c, value: c })) },
            };
            let error: unknown;
            await host.continueConversation(adapter, reference, async (context) => {
                await context.sendActivity(choices).catch((err: unknown) => (error = err));
            });
            expect(error).to.be.instanceOf(VendorApiError);
            expect((error as VendorApiError).status).to.equal(400);
            expect((error as Error).message).to.include('A consumer may not publish quick replies');

            const plain = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: sandbox.clientSecret,
                csdsUrl,
                store: new MemoryInboxStore({ storage }),
                logger: capturingLogger(),
            });
            adapters.push(plain);
            await host.continueConversation(plain, plain.reference(reference.conversation!.id), async (context) => {
                await context.sendActivity(choices);
            });
            expect(sandbox.consumerTexts(reference.conversation!.id)).to.deep.equal(['Pick a color\n\n• Red\n• Green']);
        });
    });
}
