/**
 * A waterfall written the ordinary way, with a NumberPrompt and an AttachmentPrompt, runs unchanged on 8x8 through the
 * stand-in, on both hosts: the typed number is recognised, and the customer's file reaches the AttachmentPrompt with a
 * contentUrl the bot downloads (the same bytes).
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import * as agentsDialogs from '@microsoft/agents-hosting-dialogs';
import * as botbuilderDialogs from 'botbuilder-dialogs';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../src/core/activity';
import { capturingLogger, listen } from './helpers';
import { hosts, type TestContext } from './hosts';

/** The two prompts, from the host's own dialogs library (structural: both libraries' classes fit). */
interface PromptClasses {
    NumberPrompt: new (dialogId: string) => unknown;
    AttachmentPrompt: new (dialogId: string) => unknown;
}

const PHOTO = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7) % 256));

for (const host of hosts) {
    describe(`an ordinary waterfall with NumberPrompt and AttachmentPrompt on 8x8 (${host.name})`, function () {
        this.timeout(15000);

        it("recognises the typed number and accepts the customer's file, whose contentUrl downloads the same bytes", async () => {
            const prompts = (host.name === 'botbuilder' ? botbuilderDialogs : agentsDialogs) as unknown as PromptClasses;
            const files = await listen((_req, res) => {
                res.setHeader('content-type', 'image/jpeg');
                res.end(PHOTO);
            });
            const sandbox = new EightByEightSandbox();
            const baseUrl = await sandbox.start();
            const adapter = new host.EightByEightAdapter({ apiKey: sandbox.apiKey, baseUrl, logger: capturingLogger() });
            const conversationState = new host.ConversationState(new host.MemoryStorage());
            const dialogs = new host.dialogs.DialogSet(conversationState.createProperty('dialogState'));
            dialogs.add(new prompts.NumberPrompt('number') as never);
            dialogs.add(new prompts.AttachmentPrompt('attachment') as never);
            let count = 0;
            dialogs.add(
                new host.dialogs.WaterfallDialog('main', [
                    async (step) => step.prompt('number', { prompt: 'How many items?', choices: [] }),
                    async (step) => {
                        count = step.result as number;
                        return step.prompt('attachment', { prompt: 'Please send a photo of the receipt.', choices: [] });
                    },
                    async (step) => {
                        const [file] = step.result as Array<{ contentUrl: string; name: string; contentType: string }>;
                        const bytes = Buffer.from(await (await fetch(file.contentUrl)).arrayBuffer());
                        const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
                        await step.context.sendActivity(`Got ${count} items and ${file.name} (${file.contentType}, ${bytes.length} bytes, ${digest})`);
                        return step.endDialog();
                    },
                ])
            );
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context: TestContext) => {
                    if (context.activity.type !== ActivityTypes.Message) return;
                    const dc = await dialogs.createContext(context);
                    const result = await dc.continueDialog();
                    if (result.status === host.dialogs.DialogTurnStatus.empty) await dc.beginDialog('main');
                    await conversationState.saveChanges(context);
                });
            });
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
            try {
                const id = await sandbox.startConversation();
                await sandbox.customerSays(id, 'I want a refund');
                await sandbox.customerSays(id, '3');
                const user = sandbox.conversations.get(id)!.user.userId;
                const sent = await sandbox.deliver({
                    eventType: 'MESSAGE',
                    conversationId: id,
                    timestamp: Date.now(),
                    data: {
                        isEcho: false,
                        sender: { id: user, type: 'user' },
                        attachments: [{ id: 'att-1', type: 'image', fileName: 'receipt.jpg', preSignedUrl: `${files.url}/receipt.jpg` }],
                    },
                });
                expect(sent.status).to.equal(200);
                const digest = createHash('sha256').update(PHOTO).digest('hex').slice(0, 12);
                expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal([
                    'How many items?',
                    'Please send a photo of the receipt.',
                    `Got 3 items and receipt.jpg (image/jpeg, 2048 bytes, ${digest})`,
                ]);
            } finally {
                await server.close();
                await adapter.close();
                await sandbox.stop();
                await files.close();
            }
        });
    });
}
