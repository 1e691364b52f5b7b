import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { LivePersonSandbox } from '../src';

/** A 1×1 PNG, and bytes that are no image. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('agent-photo'), Buffer.from([0xff, 0xd9])]);

/**
 * The stand-in's file sharing, driven with plain fetch calls as LivePerson's file-sharing docs describe it:
 * `ms.GenerateURLForUploadFile` (SEND) → `PUT https://{swift}{relativePath}?temp_url_sig=…&temp_url_expires=…` (201;
 * 401 "Temp URL invalid"; 1 minute) → `hosted/file` ContentEvent; `ms.GenerateURLForDownloadFile` → `GET`.
 */
describe('LivePersonSandbox file sharing (swift, temporary URLs, hosted/file)', function () {
    this.timeout(10000);
    let lp: LivePersonSandbox;
    let base: string;
    let hook: Server;
    let notifications: any[];
    const account = '12345678';

    beforeEach(async () => {
        lp = new LivePersonSandbox({ clientSecret: 's3cret', echoConsumerEvents: false, maxFileBytes: 1000 });
        base = await lp.start();
        notifications = [];
        hook = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c) => chunks.push(c));
            req.on('end', () => {
                notifications.push(JSON.parse(Buffer.concat(chunks).toString()));
                res.writeHead(200).end();
            });
        });
        await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
        lp.webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    });
    afterEach(async () => {
        await lp.stop();
        hook.closeAllConnections();
        await new Promise((resolve) => hook.close(resolve));
    });

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${base}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: typeof body === 'string' ? body : JSON.stringify(body),
        });

    /** A consumer with tokens and an open conversation; `send` posts one SEND request on their behalf. */
    async function consumer(externalId = 'ext-1') {
        const sentinel = await post(
            `/sentinel/api/account/${account}/app/token?v=1.0&grant_type=client_credentials`,
            `client_id=${lp.clientId}&client_secret=s3cret`,
            {
                'content-type': 'application/x-www-form-urlencoded',
            }
        );
        const appJwt = ((await sentinel.json()) as any).access_token;
        const idp = await post(`/api/account/${account}/consumer?v=1.0`, { ext_consumer_id: externalId }, { authorization: appJwt });
        const headers = { authorization: appJwt, 'x-lp-on-behalf': ((await idp.json()) as any).token };
        const batch = [
            { kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: {} },
            { kind: 'req', id: '2', type: 'cm.ConsumerRequestConversation', body: { brandId: account } },
        ];
        const created = (await (await post(`/api/account/${account}/messaging/consumer/conversation?v=3`, batch, headers)).json()) as any[];
        const conversationId: string = created[1].body.conversationId;
        const send = async (type: string, body: unknown) => {
            const response = await post(`/api/account/${account}/messaging/consumer/conversation/send?v=3`, { kind: 'req', id: '9', type, body }, headers);
            return { status: response.status, body: (await response.json()) as any };
        };
        return { conversationId, send };
    }

    const swiftUrl = (relativePath: string, q: { temp_url_sig: string; temp_url_expires: string }) =>
        `${lp.swiftUrl}${relativePath}?temp_url_sig=${q.temp_url_sig}&temp_url_expires=${q.temp_url_expires}`;
    const put = (url: string, bytes: Buffer) => fetch(url, { method: 'PUT', body: bytes });

    it('CSDS answers swift with the file storage host, a host of its own', async () => {
        const response = await fetch(`${base}/api/account/${account}/service/swift/baseURI.json?version=1.0`);
        const answer = (await response.json()) as any;
        expect(answer).to.deep.equal({ service: 'swift', account, baseURI: new URL(lp.swiftUrl).host });
        expect(answer.baseURI).not.to.equal(new URL(base).host);
    });

    it('upload: GenerateURLForUploadFile → PUT the binary (201) → hosted/file ContentEvent; the uploaded bytes are readable', async () => {
        const { conversationId, send } = await consumer();
        const generated = await send('ms.GenerateURLForUploadFile', { fileSize: String(PNG.length), fileType: 'PNG' });
        expect(generated.status).to.equal(200);
        expect(generated.body).to.deep.include({ kind: 'resp', reqId: '9', code: 200, type: 'ms.GenerateURLResponse' });
        const { relativePath, queryParams } = generated.body.body;
        expect(relativePath).to.match(new RegExp(`^/v1/AUTH_async-images/${account}/[0-9a-f-]{36}\\.PNG$`));
        expect(queryParams.temp_url_sig).to.match(/^[0-9a-f]{40}$/);
        expect(Number(queryParams.temp_url_expires) - Date.now() / 1000).to.be.within(55, 61);
        const stored = await put(swiftUrl(relativePath, queryParams), PNG);
        expect(stored.status).to.equal(201);
        const published = await send('ms.PublishEvent', {
            dialogId: conversationId,
            event: {
                type: 'ContentEvent',
                contentType: 'hosted/file',
                message: { caption: 'Receipt', relativePath, fileType: 'PNG', preview: 'data:image/png;base64,AAAA' },
            },
        });
        expect(published).to.deep.equal({ status: 200, body: { reqId: '9', code: 'OK', body: { sequence: 0 } } });
        expect(lp.uploadedFile(relativePath)!.equals(PNG)).to.equal(true);
        const [file] = lp.consumerFiles(conversationId);
        expect(file).to.deep.include({ relativePath, fileType: 'PNG', caption: 'Receipt', preview: 'data:image/png;base64,AAAA', sequence: 0 });
        expect(file.bytes.equals(PNG)).to.equal(true);
        expect(lp.consumerTexts(conversationId)).to.deep.equal([]);
        // The recording has the path, never the signature.
        const recorded = lp.recorder.find((r) => r.method === 'PUT');
        expect(recorded.map((r) => `${r.path} ${r.status}`)).to.deep.equal([`${relativePath} 201`]);
        expect(JSON.stringify(lp.recorder.requests)).not.to.include(queryParams.temp_url_sig);
    });

    it('a wrong signature, a signature for another method or file, and a missing one: 401 Temp URL invalid, nothing stored', async () => {
        const { send } = await consumer();
        const a = (await send('ms.GenerateURLForUploadFile', { fileSize: '10', fileType: 'PNG' })).body.body;
        const b = (await send('ms.GenerateURLForUploadFile', { fileSize: '10', fileType: 'JPG' })).body.body;
        const forged = { ...a.queryParams, temp_url_sig: a.queryParams.temp_url_sig.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) };
        for (const url of [
            swiftUrl(a.relativePath, forged),
            swiftUrl(a.relativePath, b.queryParams),
            `${lp.swiftUrl}${a.relativePath}`,
            swiftUrl(a.relativePath, { ...a.queryParams, temp_url_expires: String(Number(a.queryParams.temp_url_expires) + 60) }),
        ]) {
            const response = await put(url, PNG);
            expect(response.status, url.replace(/temp_url_sig=[^&]+/, 'sig')).to.equal(401);
            expect(await response.text()).to.equal('401 Unauthorized: Temp URL invalid\n');
        }
        // The upload signature does not download.
        expect((await put(swiftUrl(a.relativePath, a.queryParams), PNG)).status).to.equal(201);
        expect((await fetch(swiftUrl(a.relativePath, a.queryParams))).status).to.equal(401);
        expect(lp.uploadedFile(b.relativePath)).to.equal(undefined);
    });

    it('an expired temporary URL (its minute passed): 401; a new one works', async () => {
        const { send } = await consumer();
        const first = (await send('ms.GenerateURLForUploadFile', { fileSize: '10', fileType: 'PNG' })).body.body;
        lp.expireTempUrls();
        expect((await put(swiftUrl(first.relativePath, first.queryParams), PNG)).status).to.equal(401);
        expect(lp.uploadedFile(first.relativePath)).to.equal(undefined);
        const second = (await send('ms.GenerateURLForUploadFile', { fileSize: '10', fileType: 'PNG' })).body.body;
        expect((await put(swiftUrl(second.relativePath, second.queryParams), PNG)).status).to.equal(201);
    });

    it('refuses unsupported types, sizes over the limit, and hosted/file messages for files not uploaded or with a big preview', async () => {
        const { conversationId, send } = await consumer();
        const pdf = await send('ms.GenerateURLForUploadFile', { fileSize: '10', fileType: 'PDF' });
        expect(pdf.status).to.equal(400);
        expect(pdf.body.body).to.match(/Unsupported fileType PDF: the supported file types are JPG, JPEG, PNG, GIF/);
        const big = await send('ms.GenerateURLForUploadFile', { fileSize: '1001', fileType: 'PNG' });
        expect(big.status).to.equal(400);
        expect(big.body.body).to.match(/over the 1000-byte limit/);
        expect((await send('ms.GenerateURLForUploadFile', { fileSize: '1000', fileType: 'GIF' })).status).to.equal(200);
        // More bytes than the limit in the PUT itself.
        const place = (await send('ms.GenerateURLForUploadFile', { fileSize: '10', fileType: 'PNG' })).body.body;
        expect((await put(swiftUrl(place.relativePath, place.queryParams), Buffer.alloc(1001))).status).to.equal(413);
        const publish = (message: unknown) =>
            send('ms.PublishEvent', { dialogId: conversationId, event: { type: 'ContentEvent', contentType: 'hosted/file', message } });
        const notUploaded = await publish({ relativePath: place.relativePath, fileType: 'PNG' });
        expect(notUploaded.status).to.equal(400);
        expect(notUploaded.body.body).to.match(/was not uploaded by this consumer/);
        expect((await put(swiftUrl(place.relativePath, place.queryParams), PNG)).status).to.equal(201);
        const bigPreview = await publish({ relativePath: place.relativePath, fileType: 'PNG', preview: `data:image/png;base64,${'A'.repeat(30_000)}` });
        expect(bigPreview.body.body).to.match(/preview must be a data:image URL under 30 KB/);
        expect((await publish({ relativePath: place.relativePath, fileType: 'PNG' })).status).to.equal(200);
        // Another consumer cannot publish that file.
        const other = await consumer('ext-2');
        const stolen = await other.send('ms.PublishEvent', {
            dialogId: other.conversationId,
            event: { type: 'ContentEvent', contentType: 'hosted/file', message: { relativePath: place.relativePath, fileType: 'PNG' } },
        });
        expect(stolen.status).to.equal(400);
    });

    it('download: the agent shares a JPEG (hosted/file notification); GenerateURLForDownloadFile → GET gives its bytes, to that conversation only', async () => {
        const { conversationId, send } = await consumer();
        const shared = await lp.agentSendsFile(conversationId, { bytes: JPEG, fileType: 'JPG', caption: 'Your label' });
        expect(shared.status).to.equal(200);
        const change = notifications.at(-1).body.changes[0];
        expect(change).to.deep.include({ sequence: shared.sequence, originatorMetadata: { id: 'agent-1', role: 'ASSIGNED_AGENT' } });
        expect(change.event).to.deep.equal({
            type: 'ContentEvent',
            contentType: 'hosted/file',
            message: { caption: 'Your label', relativePath: shared.relativePath, fileType: 'JPG' },
        });
        const generated = await send('ms.GenerateURLForDownloadFile', { relativePath: shared.relativePath });
        expect(generated.body).to.deep.include({ kind: 'resp', code: 200, type: 'ms.BaseGenerateURLResponse' });
        expect(generated.body.body.relativePath).to.equal(shared.relativePath);
        const download = await fetch(swiftUrl(shared.relativePath, generated.body.body.queryParams));
        expect(download.status).to.equal(200);
        expect(download.headers.get('content-type')).to.equal('image/jpeg');
        expect(Buffer.from(await download.arrayBuffer()).equals(JPEG)).to.equal(true);
        // The download signature does not upload; another consumer gets no URL; an unknown path neither.
        expect((await put(swiftUrl(shared.relativePath, generated.body.body.queryParams), PNG)).status).to.equal(401);
        expect((await (await consumer('ext-2')).send('ms.GenerateURLForDownloadFile', { relativePath: shared.relativePath })).status).to.equal(400);
        expect((await send('ms.GenerateURLForDownloadFile', { relativePath: '/v1/AUTH_async-images/x.PNG' })).status).to.equal(400);
        lp.expireTempUrls();
        expect((await fetch(swiftUrl(shared.relativePath, generated.body.body.queryParams))).status).to.equal(401);
    });
});
