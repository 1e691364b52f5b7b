import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { LivePersonSandbox } from '../src';

/** The stand-in on its own, driven with plain fetch calls: it must follow LivePerson's documented protocol. */
describe('LivePersonSandbox (LivePerson Connector API stand-in)', function () {
    this.timeout(10000);
    let lp: LivePersonSandbox;
    let base: string;
    const account = '12345678';

    beforeEach(async () => {
        lp = new LivePersonSandbox({ clientSecret: 's3cret', echoConsumerEvents: false, webhookRetryDelayMs: 50 });
        base = await lp.start();
    });
    afterEach(() => lp.stop());

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${base}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: typeof body === 'string' ? body : JSON.stringify(body),
        });

    async function tokens(consumer = 'ext-1'): Promise<{ appJwt: string; jws: string }> {
        const sentinel = await post(
            `/sentinel/api/account/${account}/app/token?v=1.0&grant_type=client_credentials`,
            `client_id=${lp.clientId}&client_secret=s3cret`,
            {
                'content-type': 'application/x-www-form-urlencoded',
            }
        );
        expect(sentinel.status).to.equal(200);
        const { access_token: appJwt, token_type } = (await sentinel.json()) as any;
        expect(token_type).to.equal('Bearer');
        const claims = JSON.parse(Buffer.from(appJwt.split('.')[1], 'base64url').toString());
        expect(claims).to.include({ aud: account, azp: lp.clientId, scope: 'msg.consumer', iss: 'Sentinel' });
        expect(claims.exp - claims.iat).to.equal(3600);
        const idp = await post(`/api/account/${account}/consumer?v=1.0`, { ext_consumer_id: consumer }, { authorization: appJwt });
        expect(idp.status).to.equal(201);
        return { appJwt, jws: ((await idp.json()) as any).token };
    }

    it('CSDS answers the base host of each service', async () => {
        const response = await fetch(`${base}/api/account/${account}/service/asyncMessagingEnt/baseURI.json?version=1.0`);
        expect(await response.json()).to.deep.equal({ service: 'asyncMessagingEnt', account, baseURI: new URL(base).host });
    });

    it('Sentinel refuses wrong credentials and a JSON body; the IdP and SEND refuse missing or expired tokens with UMS error codes', async () => {
        const wrong = await post(
            `/sentinel/api/account/${account}/app/token?v=1.0&grant_type=client_credentials`,
            `client_id=${lp.clientId}&client_secret=nope`,
            { 'content-type': 'application/x-www-form-urlencoded' }
        );
        expect(wrong.status).to.equal(401);
        const json = await post(`/sentinel/api/account/${account}/app/token?v=1.0&grant_type=client_credentials`, {
            client_id: lp.clientId,
            client_secret: 's3cret',
        });
        expect(json.status).to.equal(400);
        const { appJwt, jws } = await tokens();
        const send = `/api/account/${account}/messaging/consumer/conversation/send?v=3`;
        const missing = await post(send, { kind: 'req', id: '1', type: 'ms.PublishEvent', body: {} });
        expect(((await missing.json()) as any).body.errorCode).to.equal(40105);
        const noJws = await post(send, { kind: 'req', id: '1', type: 'ms.PublishEvent', body: {} }, { authorization: appJwt });
        expect(((await noJws.json()) as any).body.errorCode).to.equal(40104);
        lp.expireAppJwts();
        const expired = await post(send, { kind: 'req', id: '1', type: 'ms.PublishEvent', body: {} }, { authorization: appJwt, 'x-lp-on-behalf': jws });
        expect(expired.status).to.equal(401);
        expect(await expired.json()).to.deep.equal({
            kind: 'resp',
            code: 401,
            body: { title: 'Invalid AppJWT', details: 'AppJWT has expired or is invalid', errorCode: 40102 },
            type: '.ReqBody$ErrorResp',
        });
    });

    it('CONVERSATION creates one open conversation per consumer; SEND assigns sequences and checks the events', async () => {
        const { appJwt, jws } = await tokens();
        const headers = { authorization: appJwt, 'x-lp-on-behalf': jws };
        const batch = [
            { kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: {} },
            { kind: 'req', id: '2', type: 'cm.ConsumerRequestConversation', body: { brandId: account, skillId: '9' } },
        ];
        const created = await post(`/api/account/${account}/messaging/consumer/conversation?v=3`, batch, headers);
        const results = (await created.json()) as any[];
        expect(results[0]).to.deep.equal({ code: 'OK', body: { msg: 'OK User Profile set successfully' }, reqId: '1' });
        const conversationId = results[1].body.conversationId;
        expect((await post(`/api/account/${account}/messaging/consumer/conversation?v=3`, batch, headers)).status).to.equal(400);
        const send = (body: unknown) =>
            post(`/api/account/${account}/messaging/consumer/conversation/send?v=3`, { kind: 'req', id: '7', type: 'ms.PublishEvent', body }, headers);
        const text = await send({ dialogId: conversationId, event: { type: 'ContentEvent', contentType: 'text/plain', message: 'hi' } });
        expect(await text.json()).to.deep.equal({ reqId: '7', code: 'OK', body: { sequence: 0 } });
        expect((await send({ dialogId: conversationId, event: { type: 'ChatStateEvent', chatState: 'TYPING' } })).status).to.equal(400);
        const other = await tokens('ext-2');
        const stranger = await post(
            `/api/account/${account}/messaging/consumer/conversation/send?v=3`,
            {
                kind: 'req',
                id: '8',
                type: 'ms.PublishEvent',
                body: { dialogId: conversationId, event: { type: 'ContentEvent', contentType: 'text/plain', message: 'x' } },
            },
            { authorization: other.appJwt, 'x-lp-on-behalf': other.jws }
        );
        expect(stranger.status).to.equal(401);
        expect(lp.consumerTexts(conversationId)).to.deep.equal(['hi']);
    });

    it('delivers notifications signed with the client secret and x-liveperson headers, retrying anything but 200/201', async () => {
        const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
        let answers = [500, 201];
        const server = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c) => chunks.push(c));
            req.on('end', () => {
                seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
                res.writeHead(answers.shift() ?? 200).end();
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        try {
            lp.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
            const result = await lp.deliver({ kind: 'notification', type: 'ms.MessagingEventNotification', body: { changes: [] } }, { retries: 2 });
            expect(result).to.deep.include({ status: 201, attempts: 2 });
            const [first] = seen;
            expect(first.headers['x-liveperson-account-id']).to.equal(account);
            expect(first.headers['x-liveperson-client-id']).to.equal(lp.clientId);
            expect(first.headers['x-liveperson-signature']).to.equal(`sha1=${createHmac('sha1', 's3cret').update(first.body).digest('base64')}`);
            answers = [];
            await lp.deliver({ kind: 'notification', type: 'x', body: { changes: [] } }, { algorithm: 'sha256', encoding: 'hex' });
            expect(seen[2].headers['x-liveperson-signature']).to.equal(`sha256=${createHmac('sha256', 's3cret').update(seen[2].body).digest('hex')}`);
        } finally {
            server.closeAllConnections();
            await new Promise((resolve) => server.close(resolve));
        }
    });
});
