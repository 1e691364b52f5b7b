/**
 * A vendor that stalls: each vendor call has one deadline for connection, headers and body (`requestTimeoutMs`), its
 * retries fit in `retry.budgetMs`, and while calls trickle other conversations are still answered. Over loopback
 * against the stand-ins, whose trickle fault answers the headers at once and then one byte at a time — each byte well
 * within undici's per-chunk body timeout, the whole answer never.
 */
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import { VendorApiError } from '../../src/core/errors';
import type { EightByEightAdapterOptions } from '../../src/eightbyeight/options';
import type { LivePersonAdapterOptions } from '../../src/liveperson/options';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestAdapter, type TestContext, type TestLivePersonAdapter } from '../hosts';

const API_KEY = 'deadline-test-key-5b2e';
const SECRET = 'deadline-test-secret-77d0';
const host = hosts[0];

/** What the bot saw of its own send: the error and how long the send took. */
interface SendOutcome {
    error: unknown;
    elapsedMs: number;
}

/** When set, the bot sends a typing indicator first (safe to repeat, so retried on any failure) and stops there if it fails. */
let typingFirst = false;

/** A bot that answers every message with `Echo: <text>` and records how its send went. */
function echoRecording(outcomes: SendOutcome[]) {
    return async (context: TestContext) => {
        if (context.activity.type !== ActivityTypes.Message) return;
        const started = Date.now();
        try {
            if (typingFirst) await context.sendActivity({ type: ActivityTypes.Typing });
            await context.sendActivity(`Echo: ${context.activity.text}`);
            outcomes.push({ error: undefined, elapsedMs: Date.now() - started });
        } catch (error) {
            outcomes.push({ error, elapsedMs: Date.now() - started });
        }
    };
}

describe(`vendor calls: overall deadline and retry budget, 8x8 (${host.name})`, function () {
    this.timeout(20000);
    let sandbox: EightByEightSandbox;
    let adapter: TestAdapter;
    let logger: ReturnType<typeof capturingLogger>;
    let outcomes: SendOutcome[];
    let closeServer: () => Promise<void>;

    async function setup(options: Partial<EightByEightAdapterOptions>) {
        sandbox = new EightByEightSandbox({ apiKey: API_KEY });
        const baseUrl = await sandbox.start();
        logger = capturingLogger();
        adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, inbox: { maxAttempts: 1 }, ...options });
        outcomes = [];
        const bot = echoRecording(outcomes);
        const server = await listen((req, res) => void adapter.processOnly(req, res, bot));
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
    }

    afterEach(async () => {
        typingFirst = false;
        await closeServer?.();
        await adapter?.close();
        await sandbox?.stop();
        for (const line of logger?.lines ?? []) expect(line).not.to.include(API_KEY);
    });

    const messagePosts = (conversationId: string) =>
        sandbox.recorder.find((r) => r.method === 'POST' && r.path === `/chat-gateway/v1/conversations/${conversationId}/messages`);

    it('a trickled answer fails the call at requestTimeoutMs, not when the last byte would come', async () => {
        await setup({ requestTimeoutMs: 300, retry: { maxAttempts: 1 } });
        // 1,000 bytes, one per 20 ms: 20 s in all, each byte far within undici's 300 ms per-chunk body timeout.
        sandbox.injectFault({ path: /\/messages$/, trickleMs: 20, trickleBytes: 1000 });
        const id = sandbox.addConversation('trickled').id;
        expect((await sandbox.customerSays(id, 'hi')).status).to.equal(200);
        await waitUntil(() => outcomes.length === 1, 5000);
        const [{ error, elapsedMs }] = outcomes;
        expect(error).to.be.instanceOf(VendorApiError);
        expect((error as VendorApiError).status).to.equal(undefined);
        expect((error as VendorApiError).message).to.equal('8x8 sendMessage failed: DEADLINE_EXCEEDED no complete answer within 300 ms');
        expect(elapsedMs).to.be.within(280, 300 + 700);
        expect(messagePosts(id)).to.have.length(1);
    });

    it('a trickled message post is not repeated by the client, however many attempts retry.maxAttempts allows (the vendor may have taken it)', async () => {
        await setup({ requestTimeoutMs: 300, retry: { maxAttempts: 10, baseDelayMs: 10, maxDelayMs: 20 } });
        sandbox.injectFault({ path: /\/messages$/, trickleMs: 20, trickleBytes: 1000, times: 100 });
        const id = sandbox.addConversation('ambiguous').id;
        await sandbox.customerSays(id, 'hi');
        await waitUntil(() => outcomes.length === 1, 5000);
        expect((outcomes[0].error as VendorApiError).attempts).to.equal(1);
        expect(messagePosts(id)).to.have.length(1);
    });

    it('a message post the vendor refused before acting (503) is retried by the client', async () => {
        await setup({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 } });
        sandbox.injectFault({ path: /\/messages$/, status: 503, times: 2 });
        const id = sandbox.addConversation('refused-first').id;
        await sandbox.customerSays(id, 'hi');
        await waitUntil(() => outcomes.length === 1, 5000);
        expect(outcomes[0].error).to.equal(undefined);
        expect(messagePosts(id)).to.have.length(3);
        expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(['Echo: hi']);
    });

    it('retries fit in retry.budgetMs: no attempt runs past it, however many maxAttempts allows', async () => {
        const budgetMs = 1000;
        await setup({ requestTimeoutMs: 300, retry: { maxAttempts: 10, baseDelayMs: 10, maxDelayMs: 20, budgetMs } });
        // 503s that take 250 ms each: the vendor did not act, so even a message post is retried, until the budget ends.
        sandbox.injectFault({ path: /\/messages$/, status: 503, delayMs: 250, times: 100 });
        const id = sandbox.addConversation('budgeted').id;
        await sandbox.customerSays(id, 'hi');
        await waitUntil(() => outcomes.length === 1, 8000);
        const [{ error, elapsedMs }] = outcomes;
        expect(error).to.be.instanceOf(VendorApiError);
        // 250 ms attempts + short backoffs: the budget ends the fourth or fifth attempt.
        expect(elapsedMs).to.be.within(budgetMs - 300, budgetMs + 700);
        expect(messagePosts(id).length).to.be.within(3, 5);
        // Either no time was left for another attempt, or the last attempt was cut at what was left of the budget.
        expect((error as VendorApiError).message).to.match(
            new RegExp(
                `^8x8 sendMessage failed.*(no time left for another attempt within the call's ${budgetMs} ms budget|DEADLINE_EXCEEDED no complete answer within \\d+ ms)`
            )
        );
    });

    it('a Retry-After that would end past the budget fails the call at once instead of waiting', async () => {
        await setup({ retry: { maxAttempts: 4, budgetMs: 1000 } });
        sandbox.injectFault({ path: /\/messages$/, status: 503, retryAfterSeconds: 5, times: 10 });
        const id = sandbox.addConversation('retry-after').id;
        await sandbox.customerSays(id, 'hi');
        await waitUntil(() => outcomes.length === 1, 8000);
        const [{ error, elapsedMs }] = outcomes;
        expect((error as VendorApiError).status).to.equal(503);
        expect((error as VendorApiError).attempts).to.equal(1);
        expect(elapsedMs).to.be.lessThan(500);
        expect(messagePosts(id)).to.have.length(1);
    });

    it('while 32 calls trickle, 10 other conversations are answered (maxConcurrentTurns 8)', async () => {
        await setup({ maxConcurrentTurns: 8, requestTimeoutMs: 250, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20, budgetMs: 600 } });
        sandbox.injectFault({ path: /\/conversations\/slow-\d+\/messages$/, trickleMs: 50, trickleBytes: 1000, times: 1000 });
        const slow = Array.from({ length: 32 }, (_, i) => sandbox.addConversation(`slow-${i}`).id);
        const fast = Array.from({ length: 10 }, (_, i) => sandbox.addConversation(`fast-${i}`).id);
        const started = Date.now();
        const slowDeliveries = await Promise.all(slow.map((id) => sandbox.customerSays(id, 'stall')));
        expect(slowDeliveries.map((d) => d.status)).to.deep.equal(slow.map(() => 200)); // at the ack deadline
        const fastDeliveries = await Promise.all(fast.map((id) => sandbox.customerSays(id, 'hello')));
        expect(fastDeliveries.map((d) => d.status)).to.deep.equal(fast.map(() => 200));
        // Each trickled turn holds its slot for the 600 ms budget at most: 32 / 8 = 4 rounds, then the fast ones.
        // Without a deadline a trickled answer lasts 50 s and no fast conversation is ever answered in time.
        await waitUntil(() => fast.every((id) => sandbox.botMessages(id).length === 1), 6000);
        const answeredAfterMs = Date.now() - started;
        expect(answeredAfterMs).to.be.lessThan(6000);
        expect(fast.map((id) => sandbox.botMessages(id)[0].text)).to.deep.equal(fast.map(() => 'Echo: hello'));
        // The last round of trickled calls may still be running when the fast conversations are answered.
        await waitUntil(() => outcomes.filter((o) => o.error !== undefined).length === 32, 3000);
        const slowFailures = outcomes.filter((o) => o.error !== undefined);
        for (const { error, elapsedMs } of slowFailures) {
            expect(error).to.be.instanceOf(VendorApiError);
            expect(elapsedMs).to.be.lessThan(600 + 400);
        }
    });
});

describe(`vendor calls: overall deadline, LivePerson (${host.name})`, function () {
    this.timeout(20000);
    let sandbox: LivePersonSandbox;
    let adapter: TestLivePersonAdapter;
    let logger: ReturnType<typeof capturingLogger>;
    let outcomes: SendOutcome[];
    let closeServer: () => Promise<void>;

    async function setup(options: Partial<LivePersonAdapterOptions>) {
        sandbox = new LivePersonSandbox({ clientSecret: SECRET });
        const csdsUrl = await sandbox.start();
        logger = capturingLogger();
        adapter = new host.LivePersonAdapter({
            accountId: sandbox.accountId,
            clientId: sandbox.clientId,
            clientSecret: SECRET,
            csdsUrl,
            logger,
            inbox: { maxAttempts: 1 },
            sendReadReceipts: false,
            ...options,
        });
        outcomes = [];
        const bot = echoRecording(outcomes);
        const server = await listen((req, res) => void adapter.processOnly(req, res, bot));
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
    }

    afterEach(async () => {
        typingFirst = false;
        await closeServer?.();
        await adapter?.close();
        await sandbox?.stop();
        for (const line of logger?.lines ?? []) expect(line).not.to.include(SECRET);
    });

    it('a trickled chat-state SEND (safe to repeat): each attempt is cut at requestTimeoutMs and the retries end at retry.budgetMs', async () => {
        typingFirst = true;
        await setup({ requestTimeoutMs: 300, retry: { maxAttempts: 10, baseDelayMs: 10, maxDelayMs: 20, budgetMs: 800 } });
        const reference = await adapter.openConversation({ consumerId: 'consumer-trickle' });
        const id = reference.conversation!.id;
        await waitUntil(() => sandbox.deliveries.length > 0);
        const sendPath = /\/conversation\/send$/;
        const before = sandbox.recorder.mark();
        sandbox.injectFault({ path: sendPath, trickleMs: 20, trickleBytes: 1000, times: 100 });
        expect((await sandbox.agentSays(id, 'are you there?')).status).to.equal(200);
        await waitUntil(() => outcomes.length === 1, 8000);
        const [{ error, elapsedMs }] = outcomes;
        expect(error).to.be.instanceOf(VendorApiError);
        // The last attempt ends where the budget does, so its deadline is what was left of it.
        expect((error as VendorApiError).message).to.match(
            /^liveperson publishChatState failed: no time left for another attempt within the call's 800 ms budget \(retry\.budgetMs\); DEADLINE_EXCEEDED no complete answer within \d+ ms after [23] attempts$/
        );
        expect(elapsedMs).to.be.within(800 - 100, 800 + 700);
        expect(sandbox.recorder.find((r) => sendPath.test(r.path), before).length).to.be.within(2, 3);
    });
});
