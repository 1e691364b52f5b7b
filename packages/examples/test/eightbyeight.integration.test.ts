/**
 * The echo example server against the 8x8 stand-in, over real HTTP on loopback: the sandbox signs and delivers
 * webhooks exactly like 8x8, the example's EightByEightAdapter verifies them, stores their events in the inbox (an
 * in-memory store here), answers, runs the echo bot and calls the sandbox's Chat Gateway REST API, which records
 * every call. Each delivery waits until the example ran what it accepted (`waitForTurnsAfterDeliveries`). Once per
 * host (botbuilder, Agents SDK): the same contract.
 */
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { HOST_NAMES } from '../src/host';
import { startExample, type RunningExample } from '../src/server';
import { capturingLogger, waitForTurnsAfterDeliveries, waitUntil } from './helpers';

const API_KEY = 'test-8x8-api-key-5f2c9a71';

function rawPost(url: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end(body);
    });
}

for (const host of HOST_NAMES) {
    describe(`echo example × 8x8 stand-in, ${host} host (integration, loopback HTTP)`, function () {
        this.timeout(20000);
        let sandbox: EightByEightSandbox;
        let example: RunningExample;
        let logger: ReturnType<typeof capturingLogger>;
        let webhookUrl: string;
        let stopWaiting: () => void;

        beforeEach(async () => {
            sandbox = new EightByEightSandbox({ apiKey: API_KEY });
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            example = await startExample({ port: 0, eightByEight: { apiKey: API_KEY, baseUrl, queueId: 'queue-42' } }, logger, { host });
            webhookUrl = `${example.url}/api/8x8/webhook`;
            sandbox.webhookUrl = webhookUrl;
            stopWaiting = waitForTurnsAfterDeliveries(sandbox, example);
        });

        afterEach(async () => {
            stopWaiting();
            await example.close();
            await sandbox.stop();
            // No secret in any log line, whatever the test did.
            for (const line of logger.lines) expect(line).not.to.include(API_KEY);
        });

        const messagePaths = (conversationId: string) =>
            sandbox.recorder.find((r) => r.path.endsWith(`/conversations/${conversationId}/messages`) && r.method === 'POST');
        const botTexts = (conversationId: string) => sandbox.botMessages(conversationId).map((m) => m.text);

        it('greets, then answers a message with typing followed by the echo', async () => {
            const id = await sandbox.startConversation();
            expect(botTexts(id)).to.deep.equal(['Hello! I echo what you say. Try "card", "options", "agent" or "bye".']);
            const mark = sandbox.recorder.mark();
            const delivery = await sandbox.customerSays(id, 'hello there');
            expect(delivery.status).to.equal(200);
            const calls = sandbox.recorder.find((r) => r.path.includes(id), mark);
            expect(calls.map((r) => `${r.method} ${r.path.split(id)[1]}`)).to.deep.equal(['POST /typing', 'POST /messages']);
            expect(calls[0].body).to.deep.equal({ authorType: 'bot' });
            expect(calls[1].body).to.deep.equal({ authorType: 'bot', text: 'Echo: hello there' });
            for (const call of calls) expect(call.headers['x-api-key']).to.equal(API_KEY);
        });

        it('sends the Adaptive Card for "card", and answers its Action.Submit with the submitted value', async () => {
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'card');
            const [cardMessage] = sandbox.botMessages(id).slice(-1);
            expect(cardMessage.cards).to.have.length(1);
            expect(cardMessage.cards![0].contentType).to.equal('application/vnd.microsoft.card.adaptive');
            const card = cardMessage.cards![0].content as { body: Array<{ type: string; id?: string }>; actions: Array<{ type: string }> };
            expect(card.body.find((e) => e.type === 'Input.Text')!.id).to.equal('name');
            expect(card.actions[0].type).to.equal('Action.Submit');

            await sandbox.customerSubmitsCard(id, { name: 'Ada Lovelace' });
            expect(botTexts(id).slice(-1)).to.deep.equal(['You sent: {"name":"Ada Lovelace"}']);
        });

        it('offers quick replies for "options", and a click comes back as the chosen text', async () => {
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'options');
            const [offer] = sandbox.botMessages(id).slice(-1);
            expect(offer.text).to.equal('Pick a color');
            expect(offer.cards).to.deep.equal([
                {
                    contentType: 'application/8x8.quick.replies',
                    content: { options: ['Red', 'Green', 'Blue'].map((c) => ({ title: c, data: { postback: c } })) },
                },
            ]);
            await sandbox.customerClicksQuickReply(id, 'Green', 'Green');
            expect(botTexts(id).slice(-1)).to.deep.equal(['Echo: Green']);
        });

        it('hands off to the queue for "agent", stays silent while the agent owns the conversation, and is back after', async () => {
            const id = await sandbox.startConversation();
            const mark = sandbox.recorder.mark();
            await sandbox.customerSays(id, 'agent');
            const patch = await sandbox.waitForRequest((r) => r.method === 'PATCH' && r.path === `/chat-gateway/v1/conversations/${id}`, { after: mark });
            expect(patch.body).to.deep.equal({ assignment: { type: 'queue', id: 'queue-42' } });
            expect(patch.status).to.equal(202);
            expect(sandbox.conversation(id).assignment).to.deep.equal({ type: 'queue', id: 'queue-42' });
            // The stand-in announces QUEUED; the webhook accepts it without a reply.
            await waitUntil(() => sandbox.deliveries.some((d) => d.eventType === 'QUEUED' && d.status === 200));

            await sandbox.agentJoins(id, 'agent-7');
            const before = messagePaths(id).length;
            expect((await sandbox.customerSays(id, 'are you there?')).status).to.equal(200);
            expect((await sandbox.agentSays(id, 'Hi, I am Alex from support')).status).to.equal(200);
            expect(messagePaths(id).length, 'the bot must not talk over the agent').to.equal(before);

            await sandbox.agentLeaves(id);
            await sandbox.customerSays(id, 'thanks');
            expect(botTexts(id).slice(-1)).to.deep.equal(['Echo: thanks']);
        });

        it('says Goodbye! and removes the user for "bye"', async () => {
            const id = await sandbox.startConversation();
            const mark = sandbox.recorder.mark();
            await sandbox.customerSays(id, 'bye');
            const calls = sandbox.recorder.find((r) => r.path.includes(id), mark);
            expect(calls.map((r) => `${r.method} ${r.path.split(id)[1]}`)).to.deep.equal(['POST /typing', 'POST /messages', 'PATCH /participants/user']);
            expect(calls[1].body).to.deep.equal({ authorType: 'bot', text: 'Goodbye!' });
            expect(calls[2].body).to.deep.equal({ removed: true });
            expect(sandbox.conversation(id).userRemoved).to.equal(true);
        });

        it('runs one turn for a redelivered event (same x-8x8-event-id, any retry number), in sequence or concurrently', async () => {
            const id = await sandbox.startConversation();
            const first = await sandbox.customerSays(id, 'once');
            const again = await sandbox.customerSays(id, 'once', { eventId: first.eventId, retry: 1 });
            expect(again.status).to.equal(200);
            const concurrent = await Promise.all([
                sandbox.customerSays(id, 'twice?', { eventId: 'same-event-id' }),
                sandbox.customerSays(id, 'twice?', { eventId: 'same-event-id', retry: 1 }),
                sandbox.customerSays(id, 'twice?', { eventId: 'same-event-id', retry: 2 }),
            ]);
            expect(concurrent.map((d) => d.status)).to.deep.equal([200, 200, 200]);
            expect(botTexts(id).filter((t) => t === 'Echo: once')).to.have.length(1);
            expect(botTexts(id).filter((t) => t === 'Echo: twice?')).to.have.length(1);
        });

        it('refuses forged, tampered, unsigned and unknown-key webhooks with 401 and runs no turn', async () => {
            const id = await sandbox.startConversation();
            const before = messagePaths(id).length;
            const forged = await sandbox.customerSays(id, 'forged', { signature: 'forged' });
            const tampered = await sandbox.customerSays(id, 'tampered', { tamper: (body) => body.replace('tampered', 'TAMPERED') });
            const unsigned = await sandbox.customerSays(id, 'unsigned', { signature: 'none' });
            const unknownKey = await sandbox.customerSays(id, 'unknown key', { signature: 'unknownKey' });
            const replayedHeader = await sandbox.customerSays(id, 'retry header changed', { headers: { 'x-8x8-retry': '5' } });
            const stale = await sandbox.customerSays(id, 'stale', { transmissionTime: Date.now() - 60 * 60 * 1000 });
            expect([forged, tampered, unsigned, unknownKey, replayedHeader, stale].map((d) => d.status)).to.deep.equal([401, 401, 401, 401, 401, 401]);
            expect(JSON.parse(forged.body).error).to.equal('x-8x8-signature does not match the request.');
            expect(JSON.parse(unsigned.body).error).to.equal('Missing x-8x8-signature header.');
            expect(JSON.parse(unknownKey.body).error).to.match(/unknown key id "no-such-key"/);
            expect(JSON.parse(stale.body).error).to.match(/x-8x8-transmission-time is \d+ s away/);
            expect(messagePaths(id).length).to.equal(before);
            // The key was fetched by kid from the stand-in's public JWK endpoint, without the API key.
            const jwkFetch = sandbox.recorder.find((r) => r.path === '/chat-gateway/v1/jwk/sandbox-key-1/public')[0];
            expect(jwkFetch.headers['x-api-key']).to.equal(undefined);
        });

        it('answers bad input clearly: 400 bad JSON / missing field, 413 oversized, 405 non-POST, 200 unknown eventType', async () => {
            const id = await sandbox.startConversation();
            const before = messagePaths(id).length;
            const badJson = await sandbox.deliver({}, { rawBody: '{"eventType": "MESSAGE", ' });
            expect(badJson.status).to.equal(400);
            expect(JSON.parse(badJson.body).error).to.match(/^The webhook body is not valid JSON/);
            const missing = await sandbox.deliver({ eventType: 'MESSAGE', timestamp: 1, data: { text: 'no conversation' } });
            expect(missing.status).to.equal(400);
            expect(JSON.parse(missing.body).error).to.equal('Invalid 8x8 webhook: MESSAGE event: conversationId is required.');
            const unknown = await sandbox.deliver({ eventType: 'SOMETHING_NEW', conversationId: id });
            expect(unknown.status).to.equal(200);
            const huge = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: id, data: { text: 'x'.repeat(2 * 1024 * 1024) } });
            expect(huge.status).to.equal(413);
            expect(JSON.parse(huge.body).error).to.match(/over the 1048576-byte limit/);
            const get = await rawPost(webhookUrl, '', {}, 'GET');
            expect(get.status).to.equal(405);
            expect(JSON.parse(get.body).error).to.match(/Method GET is not allowed/);
            expect(messagePaths(id).length).to.equal(before);
            // Health and readiness say nothing about which vendors are configured.
            const health = await rawPost(`${example.url}/healthz`, '', {}, 'GET');
            expect(JSON.parse(health.body)).to.deep.equal({ status: 'ok' });
            const ready = await rawPost(`${example.url}/readyz`, '', {}, 'GET');
            expect([ready.status, JSON.parse(ready.body)]).to.deep.equal([200, { ready: true }]);
        });

        it('answers WEB_HOOK_VERIFY with 2xx, signed or not, without a turn', async () => {
            const signed = await sandbox.deliver({ notificationVersion: 'Chat Gateway v1.0', eventType: 'WEB_HOOK_VERIFY' });
            const unsigned = await sandbox.deliver({ notificationVersion: 'Chat Gateway v1.0', eventType: 'WEB_HOOK_VERIFY' }, { signature: 'none' });
            expect([signed.status, unsigned.status]).to.deep.equal([200, 200]);
            expect(sandbox.recorder.find((r) => r.path.endsWith('/messages'))).to.have.length(0);
        });

        it('ignores the echoes of its own messages (isEcho) and messages from agents', async () => {
            const id = await sandbox.startConversation();
            await sandbox.customerSays(id, 'ping');
            await waitUntil(() => sandbox.deliveries.filter((d) => d.eventType === 'MESSAGE').length >= 3); // ping + 2 echoes
            await waitUntil(() => sandbox.deliveries.every((d) => d.status !== 0));
            const echoes = sandbox.deliveries.filter((d) => d.eventType === 'MESSAGE' && d.status === 200);
            expect(echoes.length).to.be.at.least(3);
            expect(botTexts(id)).to.have.length(2); // the greeting and "Echo: ping", nothing for the echoes
            await sandbox.agentSays(id, 'agent speaking');
            expect(botTexts(id)).to.have.length(2);
        });

        it('keeps each conversation in order under 20 concurrent conversations', async () => {
            const ids = await Promise.all(Array.from({ length: 20 }, () => sandbox.startConversation()));
            await Promise.all(
                ids.map(async (id) => {
                    for (let i = 1; i <= 5; i++) {
                        const result = await sandbox.customerSays(id, `m${i}`);
                        expect(result.status).to.equal(200);
                    }
                })
            );
            for (const id of ids) {
                expect(botTexts(id).slice(1)).to.deep.equal(['Echo: m1', 'Echo: m2', 'Echo: m3', 'Echo: m4', 'Echo: m5']);
            }
        });

        it('retries a 503 from 8x8 and delivers the reply once', async () => {
            const id = await sandbox.startConversation();
            sandbox.injectFault({ method: 'POST', path: new RegExp(`/conversations/${id}/messages$`), status: 503 });
            const delivery = await sandbox.customerSays(id, 'flaky');
            expect(delivery.status).to.equal(200);
            const attempts = messagePaths(id).filter((r) => (r.body as { text?: string }).text === 'Echo: flaky');
            expect(attempts.map((r) => r.status)).to.deep.equal([503, 202]);
            expect(botTexts(id).filter((t) => t === 'Echo: flaky')).to.have.length(1);
        });

        it('when 8x8 keeps failing, the event stays in the inbox and runs again later (nothing lost, the reply sent once)', async () => {
            const id = await sandbox.startConversation();
            // A 500 may come from a vendor that acted: the send is not repeated within the call but fails the event,
            // which runs again after a backoff (1 s, then 2 s).
            sandbox.injectFault({ method: 'POST', path: new RegExp(`/conversations/${id}/messages$`), status: 500, times: 2 });
            // Answered 200 once stored: the retry is the library's, not 8x8's.
            const first = await sandbox.customerSays(id, 'important');
            expect(first.status).to.equal(200);
            expect(logger.lines.filter((l) => /8x8 sendMessage failed with HTTP 500 \(service_unavailable\)/.test(l))).to.have.length.at.least(2);
            const attempts = messagePaths(id).filter((r) => (r.body as { text?: string }).text === 'Echo: important');
            expect(attempts.map((r) => r.status)).to.deep.equal([500, 500, 202]);
            expect(botTexts(id).filter((t) => t === 'Echo: important')).to.have.length(1);
            // A redelivery by 8x8 of the same event is a duplicate now.
            const redelivery = await sandbox.customerSays(id, 'important', { eventId: first.eventId, retry: 1 });
            expect(redelivery.status).to.equal(200);
            expect(botTexts(id).filter((t) => t === 'Echo: important')).to.have.length(1);
        });

        it('carries non-ASCII text both ways (signature over the UTF-8 bytes)', async () => {
            const id = await sandbox.startConversation();
            const text = 'Grüße aus Köln — 你好 👋 مرحبا';
            expect((await sandbox.customerSays(id, text)).status).to.equal(200);
            expect(botTexts(id).slice(-1)).to.deep.equal([`Echo: ${text}`]);
        });
    });
}
