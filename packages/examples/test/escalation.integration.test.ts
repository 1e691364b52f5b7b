/**
 * The echo example's escalation to LivePerson agents, from outside over loopback HTTP, configured by environment
 * variables (`readConfig`): a customer on an Emulator-style Bot Framework channel posts activities to
 * `POST /api/messages`; the bot's replies (and the agent's messages) reach the customer through a loopback Bot
 * Connector stand-in (the activities' `serviceUrl`); the LivePerson stand-in is the agent, its webhooks arriving on the
 * example's `POST /api/liveperson/webhook`, shared with the example's LivePersonAdapter. Each LivePerson delivery waits
 * until the example relayed what it accepted (`waitForTurnsAfterDeliveries`). Once per host (botbuilder, Agents SDK).
 */
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox, type LivePersonSandboxConversation } from 'botbuilder-contact-center-sandbox';
import { readConfig } from '../src/config';
import { startWithSandbox } from '../src/embeddedSandbox';
import { HOST_NAMES, type HostName } from '../src/host';
import { startExample, type RunningExample } from '../src/server';
import { capturingLogger, waitForTurnsAfterDeliveries, waitUntil } from './helpers';
import { BotConnectorStandIn } from 'botbuilder-contact-center-sandbox';

const SECRET = 'escalation-example-secret-71c3';
const API_TOKEN = 'escalation-example-token-5d2e8a';
const SKILL = 'escalation-skill-7';
const WAITING = 'Please wait while I connect you to an agent. Type "cancel" to stop waiting.';

/** A customer on an Emulator-style channel: posts activities to the example's `/api/messages`, replies go to `serviceUrl`. */
class Customer {
    private counter = 0;

    constructor(
        private readonly exampleUrl: string,
        private readonly serviceUrl: string,
        readonly conversationId: string,
        readonly userId = 'customer-1'
    ) {}

    /** Posts an activity; resolves with the status answered (after the turn). */
    async send(activity: Record<string, unknown>, headers: Record<string, string> = {}): Promise<number> {
        const body = {
            id: `${this.conversationId}-activity-${++this.counter}`,
            channelId: 'emulator',
            serviceUrl: this.serviceUrl,
            conversation: { id: this.conversationId },
            from: { id: this.userId, name: 'Customer', role: 'user' },
            recipient: { id: 'bot', name: 'Bot', role: 'bot' },
            timestamp: new Date().toISOString(),
            ...activity,
        };
        const response = await fetch(`${this.exampleUrl}/api/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(body),
        });
        await response.text();
        return response.status;
    }

    says(text: string): Promise<number> {
        return this.send({ type: 'message', text });
    }
}

for (const host of HOST_NAMES) {
    describe(`echo example × LivePerson escalation, ${host} host (integration, loopback HTTP)`, function () {
        this.timeout(20000);
        let sandbox: LivePersonSandbox;
        let connector: BotConnectorStandIn;
        let example: RunningExample | undefined;
        let logger: ReturnType<typeof capturingLogger>;
        let stopWaiting: (() => void) | undefined;
        const extraStops: Array<() => Promise<void>> = [];

        /** The stand-ins, and the example configured by these variables (the LivePerson ones with the stand-in's values). */
        async function start(env: NodeJS.ProcessEnv = {}): Promise<RunningExample> {
            sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            const csdsUrl = await sandbox.start();
            connector = new BotConnectorStandIn();
            await connector.start();
            logger = capturingLogger();
            const config = readConfig({
                LIVEPERSON_ACCOUNT_ID: sandbox.accountId,
                LIVEPERSON_CLIENT_ID: sandbox.clientId,
                LIVEPERSON_CLIENT_SECRET: SECRET,
                LIVEPERSON_CSDS_URL: csdsUrl,
                LIVEPERSON_ESCALATION_SKILL: SKILL,
                CONTACT_CENTER_STORE: 'memory',
                HOST: '127.0.0.1',
                PORT: '0',
                ...env,
            });
            example = await startExample(config, logger, { host });
            sandbox.webhookUrl = `${example.url}/api/liveperson/webhook`;
            stopWaiting = waitForTurnsAfterDeliveries(sandbox, example);
            return example;
        }

        afterEach(async () => {
            stopWaiting?.();
            await example?.close();
            for (const stop of extraStops.splice(0)) await stop();
            await connector?.stop();
            await sandbox?.stop();
            example = undefined;
            stopWaiting = undefined;
            for (const line of logger.lines) {
                expect(line).not.to.include(SECRET);
                expect(line).not.to.include(API_TOKEN);
                expect(line).not.to.match(/eyJ[\w-]+\.eyJ/);
            }
        });

        const customerOf = (conversationId: string) => new Customer(example!.url, connector.url, conversationId);
        /** The texts of the messages the customer's channel got, in order. */
        const customerSaw = (conversationId: string) => connector.texts(conversationId);
        /** The conversation the bridge opened, the only one on the stand-in. */
        const escalated = (): LivePersonSandboxConversation => {
            const conversations = [...sandbox.conversations.values()];
            expect(conversations, 'one LivePerson conversation').to.have.length(1);
            return conversations[0];
        };

        it('"agent" escalates with the recent messages as the summary; the agent joins, talks, closes; the customer is back with the bot', async () => {
            await start();
            const customer = customerOf('escalate-1');
            expect(await customer.says('My parcel never arrived')).to.equal(200);
            expect(await customer.says('It is order 1234')).to.equal(200);
            expect(customerSaw('escalate-1')).to.deep.equal(['Echo: My parcel never arrived', 'Echo: It is order 1234']);
            // The echo bot's state is in the example's store (not in process memory): what the summary is made of.
            const key = 'examples/echo/recent/emulator/escalate-1';
            expect((await example!.store.storage.read([key]))[key]?.texts).to.deep.equal(['My parcel never arrived', 'It is order 1234']);

            expect(await customer.says('agent')).to.equal(200);
            const conversation = escalated();
            expect(conversation.skillId).to.equal(SKILL);
            expect(conversation.state).to.equal('OPEN');
            expect(sandbox.consumerTexts(conversation.id)).to.deep.equal([
                'The customer asked for an agent. Their last messages:\n- My parcel never arrived\n- It is order 1234',
            ]);
            // The bridge took the bot's handoff.initiate out of what the channel gets, and told the customer to wait.
            expect(connector.activities('escalate-1').some((a) => a.name === 'handoff.initiate')).to.equal(false);
            expect(customerSaw('escalate-1').slice(2)).to.deep.equal([WAITING]);

            // The agent joins (handoff.status accepted: the bot says nothing) and talks; the customer gets it.
            await sandbox.agentJoins(conversation.id, 'agent-sam');
            await sandbox.agentSays(conversation.id, 'Hi, I am Sam. Let me look into order 1234.');
            expect(customerSaw('escalate-1').slice(3)).to.deep.equal(['Hi, I am Sam. Let me look into order 1234.']);

            // While escalated the customer talks to the agent, and the bot does not echo.
            expect(await customer.says('Thank you, Sam')).to.equal(200);
            expect(sandbox.consumerTexts(conversation.id).slice(1)).to.deep.equal(['Thank you, Sam']);
            expect(customerSaw('escalate-1').slice(4)).to.deep.equal([]);

            // The agent closes: handoff.status completed, and the bot is back.
            expect((await sandbox.agentCloses(conversation.id)).status).to.equal(200);
            expect(customerSaw('escalate-1').slice(4)).to.deep.equal(['You are back with the bot.']);
            expect(await customer.says('one more thing')).to.equal(200);
            expect(customerSaw('escalate-1').slice(5)).to.deep.equal(['Echo: one more thing']);
            expect(sandbox.consumerTexts(conversation.id)).to.have.length(2);
            expect(logger.lines.some((line) => line.includes('POST /api/messages takes unauthenticated activities'))).to.equal(true);
        });

        it('no agent within LIVEPERSON_ESCALATION_TIMEOUT_S: "Sorry, no agent could take the conversation." and the reason; the echo resumes', async () => {
            await start({ LIVEPERSON_ESCALATION_TIMEOUT_S: '1' });
            expect(example!.escalation?.noAgentTimeoutMs).to.equal(1000);
            const customer = customerOf('timeout-1');
            await customer.says('agent');
            const conversation = escalated();
            expect(customerSaw('timeout-1')).to.deep.equal([WAITING]);
            const sorry = 'Sorry, no agent could take the conversation. No agent accepted the conversation within 1 s.';
            await waitUntil(() => customerSaw('timeout-1').includes(sorry), 6000, 'the timeout reported to the customer');
            expect(customerSaw('timeout-1')).to.deep.equal([WAITING, sorry]);
            expect(sandbox.conversation(conversation.id).state).to.equal('CLOSE');
            // With no summary to give, the bot said so to the agent.
            expect(sandbox.consumerTexts(conversation.id)).to.deep.equal(['The customer asked for an agent.']);
            await customer.says('hello again');
            expect(customerSaw('timeout-1').slice(2)).to.deep.equal(['Echo: hello again']);
        });

        it('the customer cancels while waiting: the LivePerson conversation is closed and the bot says why; shutdown closes the bridge', async () => {
            await start();
            const customer = customerOf('cancel-1');
            await customer.says('agent');
            const conversation = escalated();
            await customer.says('cancel');
            expect(sandbox.conversation(conversation.id).state).to.equal('CLOSE');
            expect(customerSaw('cancel-1')).to.deep.equal([WAITING, 'Sorry, no agent could take the conversation. The customer cancelled the escalation.']);
            await customer.says('hi');
            expect(customerSaw('cancel-1').slice(2)).to.deep.equal(['Echo: hi']);

            // The example's graceful shutdown closes the bridge too: LivePerson webhooks get 503 (delivered again later).
            const bridge = example!.escalation!.bridge;
            await example!.close();
            const res = { statusCode: 0, headersSent: false, setHeader: () => undefined, end: () => undefined };
            await bridge.process({ method: 'POST', headers: {}, rawBody: Buffer.from('{}') }, res);
            expect(res.statusCode).to.equal(503);
        });

        it("one webhook route for both: the bot's own LivePerson conversation goes to the LivePersonAdapter, the escalated one to the bridge", async () => {
            await start({ EXAMPLE_API_TOKEN: API_TOKEN });
            const opened = await fetch(`${example!.url}/api/liveperson/conversations`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
                body: JSON.stringify({ consumerId: 'the-bot-itself' }),
            });
            expect(opened.status).to.equal(201);
            const own = ((await opened.json()) as { conversationId: string }).conversationId;
            const customer = customerOf('shared-1');
            await customer.says('agent');
            const conversation = [...sandbox.conversations.values()].find((c) => c.id !== own)!;
            expect(conversation.skillId).to.equal(SKILL);

            await sandbox.agentJoins(own, 'agent-own');
            await sandbox.agentJoins(conversation.id, 'agent-escalation');
            await sandbox.agentSays(own, 'for the bot');
            await sandbox.agentSays(conversation.id, 'for the customer');
            expect(sandbox.consumerTexts(own).slice(-1)).to.deep.equal(['Echo: for the bot']);
            expect(customerSaw('shared-1')).to.deep.equal([WAITING, 'for the customer']);
        });

        it('POST /api/messages: bad JSON 400 and a body over 256 KB 413 as JSON; with MicrosoftAppId an unauthenticated activity is 401', async () => {
            await start();
            const post = (body: string) => fetch(`${example!.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
            const notJson = await post('{"type": ');
            expect(notJson.status).to.equal(400);
            expect(((await notJson.json()) as { error: string }).error).to.match(/^Bad request/);
            const tooLarge = await post(JSON.stringify({ type: 'message', text: 'x'.repeat(300_000) }));
            expect(tooLarge.status).to.equal(413);
            expect(((await tooLarge.json()) as { error: string }).error).to.match(/^Bad request/);
            await example!.close();
            await connector.stop();
            await sandbox.stop();

            await start({ MicrosoftAppId: '0b5c2f0e-8f0a-4c1b-9a57-2d1e3c4b5a69', MicrosoftAppPassword: 'not-a-real-password-3f9' });
            const customer = customerOf('auth-1');
            expect(await customer.says('agent')).to.equal(401);
            expect(await customer.send({ type: 'message', text: 'hi' }, { authorization: 'Bearer not-a-token' })).to.equal(401);
            expect(connector.posted).to.deep.equal([]);
            expect(sandbox.conversations.size).to.equal(0);
            expect(logger.lines.some((line) => line.includes('POST /api/messages takes unauthenticated activities'))).to.equal(false);
        });

        it('a turn that fails on /api/messages is apologised for (no inbox runs it again): the customer is told, the request answered 200', async () => {
            await start();
            const customer = customerOf('failing-1');
            // The channel refuses the bot's first post (typing): the turn fails; 501 is not retried by the SDKs' clients.
            connector.failNext(1, 501);
            expect(await customer.says('hello')).to.equal(200);
            expect(connector.attempts.map((a) => a.status)).to.deep.equal([501, 200]);
            expect(customerSaw('failing-1')).to.deep.equal(['Sorry, something went wrong. Please try again.']);
            expect(logger.lines.some((line) => line.startsWith('error Bot Framework channel: turn failed'))).to.equal(true);
        });

        it('on 8x8, "agent" keeps handing off to the 8x8 queue (the bridge is only on /api/messages)', async () => {
            const eight = new EightByEightSandbox();
            const eightUrl = await eight.start();
            extraStops.push(() => eight.stop());
            await start({ EIGHTBYEIGHT_API_KEY: eight.apiKey, EIGHTBYEIGHT_BASE_URL: eightUrl, EIGHTBYEIGHT_QUEUE_ID: 'queue-42' });
            eight.webhookUrl = `${example!.url}/api/8x8/webhook`;
            const id = await eight.startConversation();
            const mark = eight.recorder.mark();
            await eight.customerSays(id, 'agent');
            const patch = await eight.waitForRequest((r) => r.method === 'PATCH' && r.path === `/chat-gateway/v1/conversations/${id}`, { after: mark });
            expect(patch.body).to.deep.equal({ assignment: { type: 'queue', id: 'queue-42' } });
            expect(sandbox.conversations.size).to.equal(0);
        });
    });
}

describe('escalation configuration (readConfig)', () => {
    const lp = { LIVEPERSON_ACCOUNT_ID: '123', LIVEPERSON_CLIENT_ID: 'client', LIVEPERSON_CLIENT_SECRET: 'secret-value-1' };

    it('reads LIVEPERSON_ESCALATION_SKILL and LIVEPERSON_ESCALATION_TIMEOUT_S (0: no limit), and refuses what does not fit', () => {
        expect(readConfig({ ...lp, LIVEPERSON_ESCALATION_SKILL: 's1', LIVEPERSON_ESCALATION_TIMEOUT_S: '90' }).escalation).to.deep.equal({
            skillId: 's1',
            noAgentTimeoutMs: 90_000,
        });
        expect(readConfig({ ...lp, LIVEPERSON_ESCALATION_SKILL: 's1', LIVEPERSON_ESCALATION_TIMEOUT_S: '0' }).escalation?.noAgentTimeoutMs).to.equal(false);
        expect(readConfig({ ...lp }).escalation).to.equal(undefined);
        expect(() => readConfig({ ...lp, LIVEPERSON_ESCALATION_TIMEOUT_S: '1.5' })).to.throw(
            'LIVEPERSON_ESCALATION_TIMEOUT_S must be a whole number of seconds'
        );
        expect(() => readConfig({ EIGHTBYEIGHT_API_KEY: 'k', LIVEPERSON_ESCALATION_SKILL: 's1' })).to.throw(
            'LIVEPERSON_ESCALATION_SKILL needs the LivePerson credentials'
        );
    });

    it('reads the Bot Framework credentials (MicrosoftAppId…) and refuses an incomplete set', () => {
        expect(readConfig({ MicrosoftAppId: 'app-1', MicrosoftAppPassword: 'pw-1' }).botFramework).to.deep.equal({
            appId: 'app-1',
            appPassword: 'pw-1',
            appType: undefined,
            tenantId: undefined,
        });
        expect(readConfig({}).botFramework).to.equal(undefined);
        expect(() => readConfig({ MicrosoftAppId: 'app-1' })).to.throw('MicrosoftAppId needs MicrosoftAppPassword');
        expect(() => readConfig({ MicrosoftAppId: 'app-1', MicrosoftAppPassword: 'pw-1', MicrosoftAppType: 'SingleTenant' })).to.throw(
            'MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId.'
        );
        expect(() => readConfig({ MicrosoftAppId: 'app-1', MicrosoftAppPassword: 'pw-1', MicrosoftAppType: 'Other' })).to.throw(/MicrosoftAppType must be/);
        expect(readConfig({ MicrosoftAppId: 'app-1', MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: 't' }).botFramework?.appPassword).to.equal(
            undefined
        );
    });
});

describe('the embedded sandbox (npm start): escalation on, against the LivePerson stand-in', function () {
    this.timeout(20000);

    for (const host of HOST_NAMES as readonly HostName[]) {
        it(`${host} host: "agent" on POST /api/messages opens a conversation on the stand-in's "escalation" skill`, async () => {
            const connector = new BotConnectorStandIn();
            await connector.start();
            const logger = capturingLogger();
            const running = await startWithSandbox(0, logger, undefined, host);
            try {
                expect(running.escalation?.skillId).to.equal('escalation');
                const customer = new Customer(running.url, connector.url, 'sandbox-1');
                expect(await customer.says('hello')).to.equal(200);
                expect(await customer.says('agent')).to.equal(200);
                const [conversation] = [...running.livePersonSandbox.conversations.values()];
                expect(conversation.skillId).to.equal('escalation');
                expect(running.livePersonSandbox.consumerTexts(conversation.id)).to.deep.equal([
                    'The customer asked for an agent. Their last messages:\n- hello',
                ]);
                expect(connector.texts('sandbox-1')).to.deep.equal(['Echo: hello', WAITING]);
                // No warning about unauthenticated activities: the sandbox listens on loopback only.
                expect(logger.lines.some((line) => line.includes('unauthenticated'))).to.equal(false);
            } finally {
                await running.close();
                await connector.stop();
            }
        });
    }
});
