/**
 * Bot Framework cards on LivePerson, over real HTTP on loopback: a consumer may not send cards, so each card the bot
 * sends (built with its SDK's own CardFactory) reaches the agent as readable text, and the stand-in — which refuses
 * consumer structured content — refuses nothing.
 */
import { expect } from 'chai';
import { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import { cardText } from '../../src/core/cardText';
import { everyCard } from '../everyCard';
import { capturingLogger, listen } from '../helpers';
import { hosts } from '../hosts';

for (const host of hosts) {
    describe(`LivePerson: every CardFactory card reaches the agent as text (${host.name})`, function () {
        this.timeout(15000);

        it('sends each card as a ContentEvent with its text; no consumer RichContentEvent, nothing refused', async () => {
            const sandbox = new LivePersonSandbox();
            const csdsUrl = await sandbox.start();
            const logger = capturingLogger();
            const adapter = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: sandbox.clientSecret,
                csdsUrl,
                logger,
            });
            const server = await listen((req, res) => void adapter.process(req, res, async () => undefined));
            sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
            try {
                const reference = await adapter.openConversation({ consumerId: 'cards-consumer' });
                const id = reference.conversation!.id;
                const cards = everyCard(host);
                const adaptive = {
                    contentType: 'application/vnd.microsoft.card.adaptive',
                    content: {
                        type: 'AdaptiveCard',
                        version: '1.3',
                        body: [{ type: 'TextBlock', text: 'Your order shipped' }],
                        fallbackText: 'Your order shipped (card)',
                    },
                };
                await host.continueConversation(adapter, reference, async (context) => {
                    for (const card of [adaptive, ...cards]) await context.sendActivity({ type: ActivityTypes.Message, attachments: [card] });
                });
                const expected = ['Your order shipped (card)', ...cards.map((card) => cardText(card))];
                expect(expected.every((text) => typeof text === 'string' && text.length > 0)).to.equal(true);
                expect(sandbox.consumerTexts(id)).to.deep.equal(expected);
                const hero = sandbox.consumerTexts(id)[1];
                expect(hero).to.include('Hero').and.to.include('Hero text').and.to.include('https://docs.example');
                const sends = sandbox.recorder.find((r) => r.path.endsWith('/conversation/send'));
                expect(
                    sends.map((r) => (r.body as { body?: { event?: { type?: string } } }).body?.event?.type).filter((t) => t === 'RichContentEvent')
                ).to.deep.equal([]);
                expect(sandbox.recorder.find((r) => r.status >= 400).map((r) => `${r.method} ${r.path} ${r.status}`)).to.deep.equal([]);
            } finally {
                await server.close();
                await adapter.close();
                await sandbox.stop();
            }
        });
    });
}
