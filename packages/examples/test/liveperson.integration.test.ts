/**
 * The echo example server against the LivePerson stand-in, over real HTTP on loopback: the example opens a
 * conversation through `POST /api/liveperson/conversations`, the stand-in acts as the LivePerson agent and delivers
 * signed notifications, the example's LivePersonAdapter verifies them, stores their events in the inbox (in memory
 * here), answers, runs the echo bot and calls the stand-in's SEND API, which records every call. Each delivery waits
 * until the example ran what it accepted (`waitForTurnsAfterDeliveries`). Once per host (botbuilder, Agents SDK).
 */
import { expect } from 'chai';
import { BoundedMemoryStorage, MemoryInboxStore } from 'botbuilder-contact-center';
import { LivePersonSandbox, type RecordedRequest } from 'botbuilder-contact-center-sandbox';
import { HOST_NAMES } from '../src/host';
import { startExample, type RunningExample } from '../src/server';
import { capturingLogger, waitForTurnsAfterDeliveries } from './helpers';

const SECRET = 'example-lp-secret-4be2d9';
/** EXAMPLE_API_TOKEN: in production configuration, the conversations route needs it. */
const API_TOKEN = 'example-api-token-91d0c4e7a2';

for (const host of HOST_NAMES) {
    describe(`echo example × LivePerson stand-in, ${host} host (integration, loopback HTTP)`, function () {
        this.timeout(20000);
        let sandbox: LivePersonSandbox;
        let example: RunningExample;
        let logger: ReturnType<typeof capturingLogger>;
        let stopWaiting: () => void;

        beforeEach(async () => {
            sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            const url = await sandbox.start();
            logger = capturingLogger();
            example = await startExample(
                { port: 0, apiToken: API_TOKEN, livePerson: { accountId: sandbox.accountId, clientId: sandbox.clientId, clientSecret: SECRET, csdsUrl: url } },
                logger,
                { host }
            );
            sandbox.webhookUrl = `${example.url}/api/liveperson/webhook`;
            stopWaiting = waitForTurnsAfterDeliveries(sandbox, example);
        });

        afterEach(async () => {
            stopWaiting();
            await example.close();
            await sandbox.stop();
            for (const line of logger.lines) {
                expect(line).not.to.include(SECRET);
                expect(line).not.to.include(API_TOKEN);
                expect(line).not.to.match(/eyJ[\w-]+\.eyJ/);
            }
        });

        const post = (body: unknown, raw?: string) =>
            fetch(`${example.url}/api/liveperson/conversations`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
                body: raw ?? JSON.stringify(body),
            });

        async function openWithAgent(consumerId = 'customer-1'): Promise<string> {
            const response = await post({ consumerId });
            expect(response.status).to.equal(201);
            const { conversationId } = (await response.json()) as { conversationId: string };
            await sandbox.agentJoins(conversationId);
            return conversationId;
        }

        const sends = (after: number) => sandbox.recorder.find((r) => r.path.endsWith('/conversation/send') && r.status === 200, after);
        const describeSend = (r: RecordedRequest) => {
            const body = r.body as any;
            if (body.type === 'cm.UpdateConversationField') return `CLOSE`;
            const event = body.body.event;
            if (event.type === 'ChatStateEvent') return event.chatState;
            if (event.type === 'AcceptStatusEvent') return `${event.status} ${event.sequenceList}`;
            return `${event.type}: ${event.message}`;
        };

        it('POST /api/liveperson/conversations opens a conversation (201 {conversationId}) and says the text as the consumer', async () => {
            const response = await post({ consumerId: 'customer-42', text: 'Hi, my order never arrived.' });
            expect(response.status).to.equal(201);
            const { conversationId } = (await response.json()) as { conversationId: string };
            const conversation = sandbox.conversation(conversationId);
            expect(conversation.externalConsumerId).to.equal('customer-42');
            expect(sandbox.consumerTexts(conversationId)).to.deep.equal(['Hi, my order never arrived.']);
        });

        it('POST /api/liveperson/conversations takes the customer name for LivePerson (SetUserProfile firstName, lastName)', async () => {
            const response = await post({ consumerId: 'customer-ada', firstName: 'Ada', lastName: 'Lovelace' });
            expect(response.status).to.equal(201);
            const { conversationId } = (await response.json()) as { conversationId: string };
            expect(sandbox.conversation(conversationId).userProfile).to.deep.include({ firstName: 'Ada', lastName: 'Lovelace' });
            const tooLong = await post({ consumerId: 'c', firstName: 'x'.repeat(101) });
            expect(await tooLong.json()).to.deep.equal({ error: '"firstName" is longer than 100 characters.' });
        });

        it('refuses bad requests to the conversations endpoint with 400 and a message', async () => {
            const missing = await post({ text: 'hi' });
            expect(missing.status).to.equal(400);
            expect(await missing.json()).to.deep.equal({ error: '"consumerId" is required (a non-empty string).' });
            const badSkill = await post({ consumerId: 'c', skillId: 42 });
            expect(await badSkill.json()).to.deep.equal({ error: '"skillId" must be a non-empty string when given.' });
            const notJson = await post(undefined, '{"consumerId": ');
            expect(notJson.status).to.equal(400);
            expect(((await notJson.json()) as { error: string }).error).to.match(/^Bad request/);
            for (const [name, body] of [
                ['consumerId', '{"consumerId": "c-\\ud800"}'],
                ['skillId', '{"consumerId": "c", "skillId": "\\udc00-skill"}'],
            ]) {
                const loneSurrogate = await post(undefined, body);
                expect(loneSurrogate.status, name).to.equal(400);
                expect(await loneSurrogate.json()).to.deep.equal({ error: `"${name}" must be well-formed Unicode (it has a lone surrogate).` });
            }
            expect(sandbox.conversations.size).to.equal(0);
        });

        /** What the turn sends, and the receipts (ACCEPT, READ) sent meanwhile: each in its own order. */
        const split = (sent: string[]) => ({ turn: sent.filter((s) => !/^(ACCEPT|READ) /.test(s)), receipts: sent.filter((s) => /^(ACCEPT|READ) /.test(s)) });

        it('greets the agent who joins; answers an agent message with COMPOSING, the echo, ACTIVE, and meanwhile ACCEPT and READ', async () => {
            const id = await openWithAgent();
            expect(sandbox.consumerTexts(id)).to.deep.equal(['Hello! I echo what you say. Try "card", "options", "agent" or "bye".']);
            const mark = sandbox.recorder.mark();
            const { status, sequence } = await sandbox.agentSays(id, 'Hello, this is Sam.');
            expect(status).to.equal(200);
            expect(split(sends(mark).map(describeSend))).to.deep.equal({
                turn: ['COMPOSING', 'ContentEvent: Echo: Hello, this is Sam.', 'ACTIVE'],
                receipts: [`ACCEPT ${sequence}`, `READ ${sequence}`],
            });
            expect(sandbox.conversation(id).consumerChatState).to.equal('ACTIVE');
        });

        it('"card": the name card has inputs, which structured content lacks, so the agent gets its text rendering', async () => {
            const id = await openWithAgent();
            const mark = sandbox.recorder.mark();
            await sandbox.agentSays(id, 'card');
            const event = await sandbox.waitForConsumerMessage(id, { after: mark });
            expect(event).to.deep.equal({ type: 'ContentEvent', contentType: 'text/plain', message: 'What is your name?\n[Your name]\n[Send]' });
        });

        it('"options": the choices as a bulleted list (what a consumer may send); the typed answer is echoed', async () => {
            const id = await openWithAgent();
            const mark = sandbox.recorder.mark();
            await sandbox.agentSays(id, 'options');
            const event = await sandbox.waitForConsumerMessage(id, { after: mark });
            expect(event).to.deep.equal({ type: 'ContentEvent', contentType: 'text/plain', message: 'Pick a color\n\n• Red\n• Green\n• Blue' });
            await sandbox.agentSays(id, 'Green');
            expect(sandbox.consumerTexts(id).slice(-1)).to.deep.equal(['Echo: Green']);
        });

        it('"bye": Goodbye! then the conversation is closed', async () => {
            const id = await openWithAgent();
            const mark = sandbox.recorder.mark();
            const { sequence } = await sandbox.agentSays(id, 'bye');
            const sent = sends(mark).map(describeSend);
            expect(split(sent)).to.deep.equal({
                turn: ['COMPOSING', 'ContentEvent: Goodbye!', 'ACTIVE', 'CLOSE'],
                receipts: [`ACCEPT ${sequence}`, `READ ${sequence}`],
            });
            expect(sent.indexOf(`READ ${sequence}`), 'the receipts before the close').to.be.below(sent.indexOf('CLOSE'));
            expect(sandbox.conversation(id).state).to.equal('CLOSE');
        });

        it('"agent" without a handoff skill configured: the bot apologises and the webhook is not failed (no redelivery loop)', async () => {
            const id = await openWithAgent();
            const { status } = await sandbox.agentSays(id, 'agent');
            expect(status).to.equal(200);
            expect(sandbox.consumerTexts(id).slice(-1)).to.deep.equal(['Sorry, I cannot do that here.']);
            expect(logger.lines.some((l) => l.includes('handoff.initiate needs a skill'))).to.equal(true);
        });

        it('AppJWT expiry mid-conversation: 401, a new AppJWT, the echo delivered once', async () => {
            const id = await openWithAgent();
            sandbox.expireAppJwts();
            const mark = sandbox.recorder.mark();
            await sandbox.agentSays(id, 'are you still there?');
            // COMPOSING and ACCEPT leave together: one or both meet the expired AppJWT, and one new AppJWT serves both.
            expect(sandbox.recorder.find((r) => r.status === 401, mark).length).to.be.within(1, 2);
            expect(sandbox.recorder.find((r) => r.path.endsWith('/app/token'), mark)).to.have.length(1);
            expect(sandbox.consumerTexts(id).filter((t) => t === 'Echo: are you still there?')).to.have.length(1);
        });

        it('duplicates run once; batched changes out of order run in sequence order; non-ASCII round-trips', async () => {
            const id = await openWithAgent();
            const changes = ['uno', 'dos', 'tres ¿qué? 👋'].map((text) => sandbox.agentMessageChange(id, text));
            const notification = sandbox.messagingNotification([changes[2], changes[0], changes[1]]);
            expect((await sandbox.deliver(notification)).status).to.equal(200);
            expect((await sandbox.deliver(notification)).status).to.equal(200);
            expect(sandbox.consumerTexts(id).slice(1)).to.deep.equal(['Echo: uno', 'Echo: dos', 'Echo: tres ¿qué? 👋']);
        });

        it('refuses a forged signature (401) and a wrong account id (403) without a turn; an agent close ends the conversation', async () => {
            const id = await openWithAgent();
            const before = sandbox.consumerEvents(id).length;
            const notification = () => sandbox.messagingNotification([sandbox.agentMessageChange(id, 'sneaky')]);
            expect((await sandbox.deliver(notification(), { signature: 'forged' })).status).to.equal(401);
            expect((await sandbox.deliver(notification(), { headers: { 'x-liveperson-account-id': '11111111' } })).status).to.equal(403);
            expect(sandbox.consumerEvents(id)).to.have.length(before);
            expect((await sandbox.agentCloses(id)).status).to.equal(200);
            expect(sandbox.conversation(id).state).to.equal('CLOSE');
            expect(logger.lines.filter((l) => l.startsWith('error'))).to.deep.equal([]);
        });

        it('keeps its per-conversation state in the store it is given: the record and the ConsumerJWS in its Storage (bounded as the bench bounds it)', async () => {
            stopWaiting();
            await example.close();
            const storage = new BoundedMemoryStorage({ maxItems: 2 });
            const store = new MemoryInboxStore({ storage, maxDeduplicationKeys: 2 });
            example = await startExample(
                {
                    port: 0,
                    apiToken: API_TOKEN,
                    livePerson: { accountId: sandbox.accountId, clientId: sandbox.clientId, clientSecret: SECRET, csdsUrl: sandbox.url },
                },
                logger,
                { host, state: { store } }
            );
            expect(example.store).to.equal(store);
            sandbox.webhookUrl = `${example.url}/api/liveperson/webhook`;
            stopWaiting = waitForTurnsAfterDeliveries(sandbox, example);
            const first = await openWithAgent('customer-1');
            await sandbox.agentSays(first, 'one');
            // The conversation's record and its consumer's ConsumerJWS.
            expect(storage.size).to.equal(2);
            const second = await openWithAgent('customer-2');
            await sandbox.agentSays(second, 'two');
            // Bounded: the second conversation's state replaced the first's.
            expect(storage.size).to.equal(2);
            expect(sandbox.consumerTexts(second).slice(-1)).to.deep.equal(['Echo: two']);
            expect(await store.stats('liveperson')).to.include({ pending: 0 });
            // The caller's store: closing the example leaves it open.
            stopWaiting();
            await example.close();
            expect(await store.ping()).to.equal(true);
            await store.close();
        });
    });
}
