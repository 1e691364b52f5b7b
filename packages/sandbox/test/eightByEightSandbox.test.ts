import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, verify } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { expect } from 'chai';
import { EightByEightSandbox } from '../src';

describe('EightByEightSandbox (8x8 Chat Gateway stand-in)', function () {
    this.timeout(10000);
    let sandbox: EightByEightSandbox;
    let base: string;

    beforeEach(async () => {
        sandbox = new EightByEightSandbox({ apiKey: 'k-1', echoBotMessages: false });
        base = await sandbox.start();
    });
    afterEach(() => sandbox.stop());

    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = { 'x-api-key': 'k-1' }) =>
        fetch(`${base}${path}`, {
            method,
            headers: { 'content-type': 'application/json', ...headers },
            body: body === undefined ? undefined : JSON.stringify(body),
        });

    it('checks x-api-key and answers problem+json like 8x8', async () => {
        const response = await call('POST', '/chat-gateway/v1/conversations/x/messages', { authorType: 'bot', text: 'hi' }, {});
        expect(response.status).to.equal(401);
        expect(response.headers.get('content-type')).to.equal('application/problem+json');
        const body = (await response.json()) as any;
        expect(body.message).to.equal('Access Denied');
        expect(body.errors[0].code).to.equal('access_denied');
    });

    it('creates conversations, accepts bot messages (202) and validates them (400 naming the field)', async () => {
        const created = await call('POST', '/chat-gateway/v1/conversations', { channelId: 'ch', user: { name: 'A' }, assignment: { type: 'queue', id: '5' } });
        expect(created.status).to.equal(202);
        const { conversationId } = (await created.json()) as any;
        expect((await call('POST', `/chat-gateway/v1/conversations/${conversationId}/messages`, { authorType: 'bot', text: 'hi' })).status).to.equal(202);
        const invalid = await call('POST', `/chat-gateway/v1/conversations/${conversationId}/messages`, { authorType: 'agent', text: 'hi' });
        expect(invalid.status).to.equal(400);
        expect(((await invalid.json()) as any).message).to.match(/authorType=agent/);
        expect((await call('POST', '/chat-gateway/v1/conversations/nope/messages', { authorType: 'bot', text: 'x' })).status).to.equal(404);
        expect(sandbox.botMessages(conversationId).map((m) => m.text)).to.deep.equal(['hi']);
    });

    it('serves its public JWK without an API key, and 404 for other kids', async () => {
        const jwk = await (await fetch(`${base}/chat-gateway/v1/jwk/sandbox-key-1/public`)).json();
        expect(jwk).to.include({ kty: 'RSA', kid: 'sandbox-key-1', e: 'AQAB' });
        expect((await fetch(`${base}/chat-gateway/v1/jwk/other/public`)).status).to.equal(404);
    });

    it('injects faults: status with Retry-After, a number of times', async () => {
        sandbox.injectFault({ path: '/chat-gateway/v1/conversations', status: 429, retryAfterSeconds: 2, times: 2 });
        const first = await call('GET', '/chat-gateway/v1/conversations/x');
        expect(first.status).to.equal(429);
        expect(first.headers.get('retry-after')).to.equal('2');
        expect((await call('GET', '/chat-gateway/v1/conversations/x')).status).to.equal(429);
        expect((await call('GET', '/chat-gateway/v1/conversations/x')).status).to.equal(404);
    });

    it('delivers webhooks signed as 8x8 documents, and redelivers on non-2xx with x-8x8-retry incremented', async () => {
        const seen: Array<{ headers: IncomingMessage['headers']; body: Buffer }> = [];
        const hook = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c) => chunks.push(c));
            req.on('end', () => {
                seen.push({ headers: req.headers, body: Buffer.concat(chunks) });
                res.statusCode = seen.length === 1 ? 503 : 200;
                res.end();
            });
        });
        await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', () => resolve()));
        sandbox.webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`;
        const result = await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c', timestamp: 1 }, { retries: 2 });
        hook.close();
        expect(result).to.include({ status: 200, attempts: 2 });
        expect(seen.map((s) => s.headers['x-8x8-retry'])).to.deep.equal(['0', '1']);
        expect(seen[0].headers['x-8x8-event-id']).to.equal(seen[1].headers['x-8x8-event-id']);
        for (const { headers, body } of seen) {
            const [protectedHeader, empty, signature] = String(headers['x-8x8-signature']).split('.');
            expect(empty).to.equal('');
            expect(JSON.parse(Buffer.from(protectedHeader, 'base64url').toString())).to.deep.equal({
                b64: false,
                crit: ['b64'],
                kid: 'sandbox-key-1',
                alg: 'RS256',
            });
            const payload = `{"checksum":${crc32(body)},"cid":"${headers['x-8x8-customer-id']}","eid":"${headers['x-8x8-event-id']}","retry":${headers['x-8x8-retry']},"tid":"${headers['x-8x8-tenant-id']}","tt":${headers['x-8x8-transmission-time']}}`;
            const key = createPublicKey({ key: sandbox.signingKey.publicJwk as any, format: 'jwk' });
            expect(verify('sha256', Buffer.from(`${protectedHeader}.${payload}`), key, Buffer.from(signature, 'base64url'))).to.equal(true);
        }
    });
});
