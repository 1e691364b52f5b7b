/**
 * Graceful shutdown (`adapter.close(timeoutMs)`): webhooks answered 503 from the start of it, running events given
 * the bound, then their vendor calls aborted and the events handed back to the store (pending again, nothing of them
 * recorded as sent), so the next start or another instance runs them.
 */
import { expect } from 'chai';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../src/core/activity';
import { MemoryInboxStore } from '../src/core/memoryInboxStore';
import { capturingLogger, listen, waitUntil } from './helpers';
import { hosts, type TestContext } from './hosts';

for (const host of hosts) {
    describe(`graceful shutdown, 8x8 (${host.name})`, function () {
        this.timeout(15000);

        it('close(bound) answers webhooks 503, aborts a vendor call still hanging at the bound and hands its event back', async () => {
            const sandbox = new EightByEightSandbox();
            const baseUrl = await sandbox.start();
            const store = new MemoryInboxStore();
            const adapter = new host.EightByEightAdapter({ apiKey: sandbox.apiKey, baseUrl, logger: capturingLogger(), store });
            let sending = 0;
            const server = await listen((req, res) => {
                void adapter.processOnly(req, res, async (context: TestContext) => {
                    if (context.activity.type !== ActivityTypes.Message) return;
                    sending++;
                    await context.sendActivity(`Echo: ${context.activity.text}`);
                });
            });
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
            try {
                const id = sandbox.addConversation('hanging').id;
                sandbox.injectFault({ path: /\/messages$/, status: 200, delayMs: 5000 });
                expect((await sandbox.customerSays(id, 'hi')).status).to.equal(200);
                await waitUntil(() => sending === 1);
                await new Promise((resolve) => setTimeout(resolve, 100)); // the POST is on its way, its answer held 5 s

                const started = Date.now();
                const closing = adapter.close(300);
                const refused = await sandbox.customerSays(id, 'during the shutdown');
                expect(refused.status).to.equal(503);
                expect(JSON.parse(refused.body).error).to.equal('The bot is shutting down; deliver this webhook again later.');
                await closing;
                expect(Date.now() - started).to.be.below(1500);

                // Handed back: pending again, no send recorded (so the next start sends the reply).
                expect(await store.stats('8x8')).to.deep.include({ pending: 1 });
                const [event] = await store.lease('8x8', 'next-start', 1, 1000);
                expect(await store.sends('8x8', event.id)).to.deep.equal([]);
            } finally {
                await server.close();
                await sandbox.stop();
            }
        });
    });
}
