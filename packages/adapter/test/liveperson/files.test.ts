/**
 * LivePerson files both ways, over real HTTP on loopback against the stand-in (CSDS `swift`, temporary URLs, the file
 * storage, `hosted/file` messages), on both hosts: the bot's images reach the agent as hosted files with the very bytes
 * the bot sent; what LivePerson cannot host is refused before any call; an agent's JPEG reaches the bot as an
 * attachment it can download, so an ordinary `AttachmentPrompt` accepts it.
 */
import { expect } from 'chai';
import * as botbuilderDialogs from 'botbuilder-dialogs';
import * as agentsDialogs from '@microsoft/agents-hosting-dialogs';
import { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes, type Attachment } from '../../src/core/activity';
import { ActivityMappingError, VendorApiError } from '../../src/core/errors';
import { HOSTED_FILE_CONTENT_TYPE } from '../../src/liveperson/inboundMapper';
import type { LivePersonAdapterOptions } from '../../src/liveperson/options';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestContext, type TestDialog, type TestDialogTurnResult, type TestHost, type TestLivePersonAdapter } from '../hosts';

const SECRET = 'lp-files-secret-2b7e90';

/** A real 1×1 PNG, and a small JPEG (SOI, APP0, payload, EOI). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600', 'hex'), Buffer.alloc(40_000, 7), Buffer.from('ffd9', 'hex')]);
const dataUrl = (bytes: Buffer, type = 'image/png') => `data:${type};base64,${bytes.toString('base64')}`;

/** The AttachmentPrompt of the host's dialogs library (host.dialogs has none). */
const attachmentPrompt = (host: TestHost, id: string, validator: (prompt: { recognized: { succeeded: boolean; value?: Attachment[] } }) => Promise<boolean>) =>
    (host.name === 'botbuilder'
        ? new botbuilderDialogs.AttachmentPrompt(id, validator as unknown as ConstructorParameters<typeof botbuilderDialogs.AttachmentPrompt>[1])
        : new agentsDialogs.AttachmentPrompt(
              id,
              validator as unknown as ConstructorParameters<typeof agentsDialogs.AttachmentPrompt>[1]
          )) as unknown as TestDialog;

type Prompting = { prompt(dialogId: string, options: { prompt: string; retryPrompt?: string }): Promise<TestDialogTurnResult> };

for (const host of hosts) {
    describe(`LivePerson files (${host.name})`, function () {
        this.timeout(15000);
        let sandbox: LivePersonSandbox;
        let adapter: TestLivePersonAdapter;
        let logger: ReturnType<typeof capturingLogger>;
        let logic: (context: TestContext) => Promise<void>;
        let received: TestContext['activity'][];
        let closeServers: Array<() => Promise<void>>;

        /** The stand-in, the adapter on a loopback server, an open conversation; `options` may use the running stand-in. */
        async function setup(
            options: Partial<LivePersonAdapterOptions> | ((lp: LivePersonSandbox) => Partial<LivePersonAdapterOptions>) = {}
        ): Promise<string> {
            sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            const csdsUrl = await sandbox.start();
            logger = capturingLogger();
            adapter = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: SECRET,
                csdsUrl,
                logger,
                retry: { baseDelayMs: 10, maxDelayMs: 50 },
                ...(typeof options === 'function' ? options(sandbox) : options),
            });
            received = [];
            logic = async () => undefined;
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context) => {
                    received.push(context.activity);
                    await logic(context);
                });
            });
            closeServers.push(server.close);
            sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
            const reference = await adapter.openConversation({ consumerId: 'file-sharer' });
            await waitUntil(() => sandbox.deliveries.length > 0);
            return reference.conversation!.id;
        }

        /** A web server of the bot's own, serving files (and recording who asked, with which headers). */
        async function fileServer(files: Record<string, { type: string; bytes: Buffer }>) {
            const requests: Array<{ path: string; headers: Record<string, unknown> }> = [];
            const server = await listen((req, res) => {
                requests.push({ path: req.url ?? '', headers: req.headers });
                const file = files[req.url ?? ''];
                if (!file) return void res.writeHead(404).end();
                res.writeHead(200, { 'content-type': file.type }).end(file.bytes);
            });
            closeServers.push(server.close);
            return { url: server.url, requests };
        }

        const send = (id: string, activity: Record<string, unknown>) =>
            host.continueConversation(adapter, adapter.reference(id), async (context) => {
                await context.sendActivity({ type: ActivityTypes.Message, ...activity });
            });

        beforeEach(() => {
            closeServers = [];
        });

        afterEach(async () => {
            for (const close of closeServers) await close();
            await adapter?.close();
            await sandbox?.stop();
            // No secret, token or temporary URL signature in any log line, whatever the test did.
            for (const line of logger?.lines ?? []) {
                expect(line).not.to.include(SECRET);
                expect(line).not.to.match(/eyJ[\w-]+\.eyJ/);
                expect(line).not.to.match(/temp_url_sig=(?!\*\*\*)/);
            }
        });

        it('the bot sends an inline data: PNG and an https JPEG → the agent gets hosted/file messages whose uploaded bytes are the originals', async () => {
            const id = await setup();
            const web = await fileServer({ '/label.jpg': { type: 'image/jpeg', bytes: JPEG } });
            let response: { id?: string } | undefined;
            await host.continueConversation(adapter, adapter.reference(id), async (context) => {
                response = await context.sendActivity({
                    type: ActivityTypes.Message,
                    text: 'Your receipt and label',
                    attachments: [
                        { contentType: 'image/png', contentUrl: dataUrl(PNG), name: 'receipt.png' },
                        { contentType: 'image/jpeg', contentUrl: `${web.url}/label.jpg`, name: 'label.jpg' },
                    ],
                });
            });
            const files = sandbox.consumerFiles(id);
            expect(files.map(({ bytes, ...file }) => ({ ...file, size: bytes.length }))).to.deep.equal([
                // The text is the first file's caption; the PNG is small enough to be its own preview.
                {
                    relativePath: files[0].relativePath,
                    fileType: 'PNG',
                    caption: 'Your receipt and label',
                    preview: dataUrl(PNG),
                    sequence: 0,
                    size: PNG.length,
                },
                // Over 30 KB as a data: URL: no preview (it is optional).
                { relativePath: files[1].relativePath, fileType: 'JPG', sequence: 1, size: JPEG.length },
            ]);
            expect(files[0].bytes.equals(PNG), 'the PNG bytes').to.equal(true);
            expect(files[1].bytes.equals(JPEG), 'the JPEG bytes').to.equal(true);
            expect(sandbox.consumerTexts(id), 'no separate text').to.deep.equal([]);
            expect(response?.id).to.equal(`${id}:0`);
            // The bot's file was fetched without credentials.
            expect(web.requests.map((r) => r.path)).to.deep.equal(['/label.jpg']);
            expect(web.requests[0].headers).not.to.have.property('authorization');
            expect(web.requests[0].headers).not.to.have.property('x-lp-on-behalf');
            // The documented flow, per file: upload URL (SEND), PUT to swift (201), publish (SEND); swift found through CSDS.
            const flow = sandbox.recorder.requests
                .filter((r) => r.path.includes('/service/swift/') || r.method === 'PUT' || r.path.endsWith('/conversation/send'))
                .map((r) => (r.method === 'PUT' ? `PUT ${r.status}` : r.method === 'GET' ? 'CSDS swift' : `${(r.body as any).type} ${r.status}`));
            expect(flow).to.deep.equal([
                'ms.GenerateURLForUploadFile 200',
                'CSDS swift',
                'PUT 201',
                'ms.PublishEvent 200',
                'ms.GenerateURLForUploadFile 200',
                'PUT 201',
                'ms.PublishEvent 200',
            ]);
            const generate = sandbox.recorder.requests.find((r) => (r.body as any)?.type === 'ms.GenerateURLForUploadFile')!;
            expect((generate.body as any).body).to.deep.equal({ fileSize: String(PNG.length), fileType: 'PNG' });
        });

        it('a text that goes with suggested actions is its own ContentEvent after the file; swiftUrl replaces the CSDS lookup', async () => {
            const conversationId = await setup((lp) => ({ swiftUrl: lp.swiftUrl }));
            await host.continueConversation(adapter, adapter.reference(conversationId), async (context) => {
                await context.sendActivity({
                    type: ActivityTypes.Message,
                    text: 'Is this your bike?',
                    attachments: [{ contentType: 'image/png', contentUrl: dataUrl(PNG) }],
                    suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Yes', value: 'Yes' }] },
                });
            });
            expect(sandbox.consumerEvents(conversationId).map((e) => e.event.contentType)).to.deep.equal(['hosted/file', 'text/plain']);
            expect(sandbox.consumerFiles(conversationId)[0]).not.to.have.property('caption');
            expect(sandbox.consumerTexts(conversationId)).to.deep.equal(['Is this your bike?\n\n• Yes']);
            expect(sandbox.recorder.requests.filter((r) => r.path.includes('/service/swift/'))).to.deep.equal([]);
        });

        it('the upload to the file storage is retried on a 503; a refused temporary URL fails the send with a VendorApiError naming no signature', async () => {
            const id = await setup();
            sandbox.injectFault({ method: 'PUT', status: 503, times: 1 });
            await send(id, { attachments: [{ contentType: 'image/png', contentUrl: dataUrl(PNG) }] });
            expect(sandbox.recorder.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).to.deep.equal([503, 201]);
            expect(sandbox.consumerFiles(id)).to.have.length(1);
            sandbox.injectFault({ method: 'PUT', status: 401, times: 1 });
            let error: unknown;
            await send(id, { text: 'Another one', attachments: [{ contentType: 'image/png', contentUrl: dataUrl(PNG) }] }).catch((err) => (error = err));
            expect(error).to.be.instanceOf(VendorApiError);
            expect(error).to.deep.include({ vendor: 'liveperson', operation: 'uploadFile', status: 401 });
            expect((error as Error).message).not.to.match(/temp_url_sig|[0-9a-f]{40}/);
            expect(sandbox.consumerFiles(id), 'nothing published for the refused upload').to.have.length(1);
        });

        it('an oversized file, a type LivePerson cannot host, a file that is not what it says → ActivityMappingError, and no call to LivePerson', async () => {
            const id = await setup({ maxAttachmentBytes: 1000 });
            const web = await fileServer({ '/fake.png': { type: 'image/png', bytes: Buffer.from('<html>not found</html>') } });
            const big = Buffer.concat([PNG, Buffer.alloc(2000)]);
            await waitUntil(() => sandbox.deliveries.length > 0);
            const before = sandbox.recorder.mark();
            const cases: Array<[Record<string, unknown>, RegExp]> = [
                [
                    { text: 'See the photo', attachments: [{ contentType: 'image/png', contentUrl: dataUrl(big), name: 'big.png' }] },
                    /attachment 0 \("big.png"\) cannot be shared: .*over the 1000-byte limit \(maxAttachmentBytes/,
                ],
                [{ attachments: [{ contentType: 'image/webp', contentUrl: dataUrl(PNG, 'image/webp') }] }, /"image\/webp" is not supported/],
                [
                    {
                        text: 'Here',
                        attachments: [
                            { contentType: 'image/png', contentUrl: dataUrl(PNG) },
                            { contentType: 'image/png', contentUrl: `${web.url}/fake.png` },
                        ],
                    },
                    /attachment 1 is declared as PNG but is not a JPG, JPEG, PNG, GIF image/,
                ],
                [{ attachments: [{ contentType: 'image/jpeg', contentUrl: `${web.url}/missing.jpg` }] }, /could not be fetched: HTTP 404/],
            ];
            for (const [activity, message] of cases) {
                let error: unknown;
                await send(id, activity).catch((err) => (error = err));
                expect(error, JSON.stringify(activity).slice(0, 80)).to.be.instanceOf(ActivityMappingError);
                expect((error as Error).message).to.match(message);
            }
            expect(sandbox.recorder.requests.filter((r) => r.index >= before).map((r) => `${r.method} ${r.path}`)).to.deep.equal([]);
            expect(sandbox.consumerEvents(id)).to.deep.equal([]);
        });

        it('the agent shares a JPEG → the bot gets an image/jpeg attachment whose contentUrl downloads the same bytes', async () => {
            const id = await setup();
            const downloads: Buffer[] = [];
            logic = async (context) => {
                for (const attachment of context.activity.attachments ?? []) {
                    const response = await fetch(attachment.contentUrl!);
                    downloads.push(Buffer.from(await response.arrayBuffer()));
                }
            };
            await sandbox.agentJoins(id);
            const shared = await sandbox.agentSendsFile(id, { bytes: JPEG, fileType: 'JPG', caption: 'Your label', preview: dataUrl(PNG) });
            expect(shared.status).to.equal(200);
            const message = received.find((a) => a.type === ActivityTypes.Message)!;
            expect(message.text).to.equal('Your label');
            const [attachment] = message.attachments!;
            expect(attachment).to.deep.include({ contentType: 'image/jpeg', name: shared.relativePath.split('/').pop(), thumbnailUrl: dataUrl(PNG) });
            expect(attachment.contentUrl!.startsWith(`${sandbox.swiftUrl}${shared.relativePath}?temp_url_sig=`)).to.equal(true);
            expect(downloads).to.have.length(1);
            expect(downloads[0].equals(JPEG)).to.equal(true);
            const generate = sandbox.recorder.requests.find((r) => (r.body as any)?.type === 'ms.GenerateURLForDownloadFile')!;
            expect((generate.body as any).body).to.deep.equal({ relativePath: shared.relativePath });
        });

        it('when no download URL can be generated, the message still arrives, with LivePerson’s file descriptor, and a warning', async () => {
            const id = await setup();
            await sandbox.agentJoins(id);
            sandbox.injectFault({ path: /\/conversation\/send$/, status: 400, times: 1 });
            const shared = await sandbox.agentSendsFile(id, { bytes: JPEG, fileType: 'JPG', caption: 'Your label' });
            expect(shared.status).to.equal(200);
            const message = received.find((a) => a.type === ActivityTypes.Message)!;
            expect(message.text).to.equal('Your label');
            expect(message.attachments![0]).to.deep.include({
                contentType: HOSTED_FILE_CONTENT_TYPE,
                content: { caption: 'Your label', relativePath: shared.relativePath, fileType: 'JPG' },
            });
            expect(
                logger.lines.some((l) =>
                    /^warn liveperson: the agent's file .* reaches the bot without a download URL: .*generateDownloadUrl failed with HTTP 400/.test(l)
                )
            ).to.equal(true);
        });

        it('a waterfall with an AttachmentPrompt ("send me a picture") accepts the agent’s JPEG and reads it', async () => {
            const id = await setup();
            const { DialogSet, WaterfallDialog, DialogTurnStatus } = host.dialogs;
            const state = new host.ConversationState(new host.MemoryStorage());
            const dialogs = new DialogSet(state.createProperty('dialogState'));
            // The usual validator of a bot that wants a picture: an image it can download.
            dialogs.add(
                attachmentPrompt(host, 'photo', async (prompt) =>
                    Boolean(prompt.recognized.succeeded && prompt.recognized.value?.some((a) => a.contentType.startsWith('image/') && a.contentUrl))
                )
            );
            dialogs.add(
                new WaterfallDialog('label', [
                    async (step) =>
                        (step as unknown as Prompting).prompt('photo', {
                            prompt: 'Please send a picture of the label',
                            retryPrompt: 'That is not a picture; please send one',
                        }),
                    async (step) => {
                        const [photo] = step.result as Attachment[];
                        const bytes = Buffer.from(await (await fetch(photo.contentUrl!)).arrayBuffer());
                        await step.context.sendActivity(`Got ${photo.contentType}, ${bytes.length} bytes`);
                        return step.endDialog();
                    },
                ])
            );
            logic = async (context) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                const dc = await dialogs.createContext(context);
                const result = await dc.continueDialog();
                if (result.status === DialogTurnStatus.empty) await dc.beginDialog('label');
                await state.saveChanges(context);
            };
            await sandbox.agentJoins(id);
            await sandbox.agentSays(id, 'Hi, what do you need?');
            await sandbox.agentSays(id, 'I cannot');
            await sandbox.agentSendsFile(id, { bytes: JPEG, fileType: 'JPG' });
            expect(sandbox.consumerTexts(id)).to.deep.equal([
                'Please send a picture of the label',
                'That is not a picture; please send one',
                `Got image/jpeg, ${JPEG.length} bytes`,
            ]);
        });
    });
}
