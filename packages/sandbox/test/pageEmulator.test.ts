import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox, SandboxPage, type CallEntry, type TrafficEntry, type WebhookEntry } from '../src';
import { checkLivePersonSignature, startFakeBot, type FakeBot } from './fakeBot';

const GATEWAY = '/chat-gateway/v1';

/** A request with exactly these headers (fetch sets Origin and Host itself, or refuses to). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(url, { method, headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
        });
        req.on('error', reject);
        req.end(body);
    });
}

/** The page's emulator API: replay and tamper, fault injection, reset; refused cross-site like every page action. */
describe('SandboxPage emulator API (replay, faults, reset)', () => {
    let eight: EightByEightSandbox;
    let lp: LivePersonSandbox;
    let bot: FakeBot;
    let page: SandboxPage;
    let url: string;

    beforeEach(async () => {
        eight = new EightByEightSandbox({ echoBotMessages: false });
        lp = new LivePersonSandbox({ echoConsumerEvents: false });
        await Promise.all([eight.start(), lp.start()]);
        bot = await startFakeBot();
        eight.webhookUrl = bot.url;
        lp.webhookUrl = bot.url;
        page = new SandboxPage({ eightByEight: eight, livePerson: lp, hint: 'Try `card`.' });
        url = await page.start();
    });
    afterEach(async () => {
        await page.stop();
        await Promise.all([eight.stop(), lp.stop()]);
        await bot.close();
    });

    const post = async (path: string, body: unknown) => {
        const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { status: response.status, body: (await response.json()) as any };
    };
    const inspector = async (): Promise<{ epoch: number; rev: number; entries: TrafficEntry[] }> => (await fetch(`${url}api/inspector`)).json() as any;
    const webhook = async (id: number) => (await inspector()).entries.find((e) => e.id === id) as WebhookEntry;
    const botCall = (id: string, sub: string, body: unknown) =>
        fetch(`${eight.url}${GATEWAY}/conversations/${id}/${sub}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': eight.apiKey },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(1000),
        }).then(
            (r) => r.status,
            () => 0
        );

    it('replays an 8x8 webhook as 8x8 would: the same bytes and event id, the next x-8x8-retry, a valid signature; a duplicate to the bot', async () => {
        const id = await eight.startConversation();
        await eight.customerSays(id, 'hello');
        const original = (await inspector()).entries.find((e) => e.kind === 'webhook' && e.eventType === 'MESSAGE') as WebhookEntry;
        const replay = await post(`api/inspector/webhooks/${original.id}/replay`, {});
        expect(replay).to.deep.include({ status: 200 });
        expect(replay.body.status).to.equal(200);
        const again = bot.received.at(-1)!;
        expect(again.body).to.equal(bot.received[1].body);
        expect(again.headers['x-8x8-event-id']).to.equal(original.eventId);
        expect(again.headers['x-8x8-retry']).to.equal('1');
        const entry = await webhook(replay.body.entryId);
        expect(entry).to.include({ replayOf: original.id, duplicateOf: original.id, dedup: 'checking', status: 200 });
        expect(entry.signature.valid).to.equal(true);
        expect(entry.tampered).to.equal(false);
        await post(`api/inspector/webhooks/${original.id}/replay`, {});
        expect(bot.received.at(-1)!.headers['x-8x8-retry']).to.equal('2');
    });

    it('sends a tampered 8x8 webhook (an edited body under the original signature, or a broken signature) and shows what the bot answered', async () => {
        const id = await eight.startConversation();
        await eight.customerSays(id, 'hello');
        const original = (await inspector()).entries.find((e) => e.kind === 'webhook' && e.eventType === 'MESSAGE') as WebhookEntry;
        bot.answer = () => ({ status: 401, body: { error: 'x-8x8-signature does not match the request.' } });
        const edited = await post(`api/inspector/webhooks/${original.id}/replay`, { body: original.bodyText.replace('hello', 'HACKED') });
        expect(edited.body.status).to.equal(401);
        expect(bot.received.at(-1)!.body).to.include('HACKED');
        const tampered = await webhook(edited.body.entryId);
        expect(tampered).to.include({ replayOf: original.id, tampered: true, status: 401 });
        expect(tampered.duplicateOf, 'a refused copy is no duplicate').to.equal(undefined);
        expect(tampered.response).to.deep.equal({ error: 'x-8x8-signature does not match the request.' });
        expect(tampered.signature.text).to.equal('Does not match: the body was changed after signing (its CRC32 differs from the signed one).');
        const broken = await post(`api/inspector/webhooks/${original.id}/replay`, { breakSignature: true });
        expect(bot.received.at(-1)!.body).to.equal(bot.received[1].body);
        expect((await webhook(broken.body.entryId)).signature.text).to.match(/^Does not match: not a signature of this body/);
        expect((await post('api/inspector/webhooks/999/replay', {})).status).to.equal(404);
        expect((await post(`api/inspector/webhooks/${original.id}/replay`, { body: 3 })).status).to.equal(400);
    });

    it('replays a LivePerson notification signed again, or with a broken signature the bot refuses (401)', async () => {
        bot.answer = checkLivePersonSignature(lp.clientSecret);
        await lp.deliver(lp.messagingNotification([{ sequence: 4, conversationId: 'c-1', dialogId: 'c-1', event: { type: 'ContentEvent', message: 'hi' } }]));
        const [original] = (await inspector()).entries as WebhookEntry[];
        const same = await post(`api/inspector/webhooks/${original.id}/replay`, {});
        expect((await webhook(same.body.entryId)).duplicateOf).to.equal(original.id);
        const broken = await post(`api/inspector/webhooks/${original.id}/replay`, { breakSignature: true });
        expect(broken.body.status).to.equal(401);
        expect(await webhook(broken.body.entryId)).to.deep.include({
            tampered: true,
            response: { error: 'x-liveperson-signature does not match the request body.' },
        });
    });

    it('injects 503, 429 with Retry-After, or a hang into the next N vendor calls (message sends or any), and lists them while pending', async () => {
        const id = await eight.startConversation();
        expect(await post('api/faults', { vendor: '8x8', kind: '503', count: 2, calls: 'messages' })).to.deep.equal({
            status: 201,
            body: { pending: [{ remaining: 2, description: '503 Service Unavailable (message sends)' }] },
        });
        expect(((await (await fetch(`${url}api/state`)).json()) as any).faults).to.deep.equal({
            '8x8': [{ remaining: 2, description: '503 Service Unavailable (message sends)' }],
            liveperson: [],
        });
        const statuses = [await botCall(id, 'typing', { authorType: 'bot' })];
        for (let i = 0; i < 3; i++) statuses.push(await botCall(id, 'messages', { authorType: 'bot', text: `try ${i}` }));
        expect(statuses).to.deep.equal([204, 503, 503, 202]);

        await post('api/faults', { vendor: '8x8', kind: '429', count: 1, calls: 'all' });
        expect(await botCall(id, 'typing', { authorType: 'bot' })).to.equal(429);
        await post('api/faults', { vendor: '8x8', kind: 'hang' });
        expect(await botCall(id, 'typing', { authorType: 'bot' }), 'no answer within the client timeout').to.equal(0);
        const calls = (await inspector()).entries.filter((e): e is CallEntry => e.kind === 'call');
        expect(calls.map((e) => [e.operation, e.status, e.injected])).to.deep.equal([
            ['typing', 204, undefined],
            ['send message', 503, '503'],
            ['send message', 503, '503'],
            ['send message', 202, undefined],
            ['typing', 429, '429, Retry-After 1 s'],
            ['typing', 0, 'hang'],
        ]);
        expect(calls[4].response!.headers['retry-after']).to.equal('1');

        await post('api/faults', { vendor: 'liveperson', kind: '503', count: 3 });
        expect((await post('api/faults/clear', {})).status).to.equal(200);
        expect(((await (await fetch(`${url}api/state`)).json()) as any).faults).to.deep.equal({ '8x8': [], liveperson: [] });
    });

    it('starts 8x8 conversations for a chosen customer name and locale, and refuses names and locales that are none', async () => {
        const started = await post('api/8x8/conversations', { name: 'Zoë Tremblay', locale: 'fr-CA' });
        expect(started.status).to.equal(201);
        expect(eight.conversation(started.body.id).user).to.deep.include({ name: 'Zoë Tremblay', language: 'fr-CA' });
        expect(JSON.parse(bot.received[0].body).data.user).to.deep.include({ name: 'Zoë Tremblay', language: 'fr-CA' });
        for (const body of [{ name: 'bell\u0007' }, { name: 'x'.repeat(61) }, { locale: 'en;drop' }, { locale: 'e' }]) {
            expect((await post('api/8x8/conversations', body)).status, JSON.stringify(body)).to.equal(400);
        }
        expect(eight.conversations.size).to.equal(1);
    });

    it('refuses faults it cannot inject', async () => {
        for (const body of [
            { vendor: 'genesys', kind: '503' },
            { vendor: '8x8', kind: '418' },
            { vendor: '8x8', kind: '__proto__' },
            { vendor: '8x8', kind: '503', count: 0 },
            { vendor: '8x8', kind: '503', count: 21 },
            { vendor: '8x8', kind: '503', count: 1.5 },
            { vendor: '8x8', kind: '503', calls: 'some' },
        ]) {
            expect((await post('api/faults', body)).status, JSON.stringify(body)).to.equal(400);
        }
        expect(eight.recorder.pendingFaults()).to.deep.equal([]);
    });

    it('resets: no conversations, no pending fault, an empty inspector under a new epoch', async () => {
        await eight.startConversation();
        await post('api/faults', { vendor: '8x8', kind: '503' });
        const before = await inspector();
        expect(before.entries).to.have.length.above(0);
        expect(await post('api/reset', {})).to.deep.equal({ status: 200, body: {} });
        const after = await inspector();
        expect(after.entries).to.deep.equal([]);
        expect(after.epoch).to.be.above(before.epoch);
        expect(eight.conversations.size).to.equal(0);
        expect(eight.recorder.pendingFaults()).to.deep.equal([]);
        const state = await (await fetch(`${url}api/state`)).json();
        expect(state).to.deep.include({ hint: 'Try `card`.', eightByEight: { conversations: [] } });
    });

    it('refuses the new actions cross-site (415 for form types, 403 for another origin or site), and they have no effect', async () => {
        const id = await eight.startConversation();
        const paths = ['api/faults', 'api/faults/clear', 'api/reset', 'api/inspector/webhooks/1/replay'];
        const body = '{"vendor":"8x8","kind":"503","count":5}';
        for (const path of paths) {
            expect((await raw(`${url}${path}`, 'POST', { 'content-type': 'text/plain' }, body)).status, path).to.equal(415);
            expect((await raw(`${url}${path}`, 'POST', { 'content-type': 'application/json', origin: 'http://evil.example' }, body)).status, path).to.equal(
                403
            );
            expect((await raw(`${url}${path}`, 'POST', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body)).status, path).to.equal(
                403
            );
        }
        expect(eight.recorder.pendingFaults(), 'faults injected by refused requests').to.deep.equal([]);
        expect([...eight.conversations.keys()], 'conversations after refused resets').to.deep.equal([id]);
        expect(bot.received, 'webhooks replayed by refused requests').to.have.length(1);
        const port = new URL(url).port;
        const rebound = await raw(`${url}api/inspector`, 'GET', { host: `evil.example:${port}` });
        expect(rebound.status).to.equal(403);
    });

    it("serves the page's modules, styles and icon, and nothing else from its folder", async () => {
        for (const [path, type] of [
            ['app.js', 'text/javascript'],
            ['inspector.js', 'text/javascript'],
            ['inspector.css', 'text/css'],
            ['favicon.svg', 'image/svg+xml'],
        ]) {
            const response = await fetch(`${url}${path}`);
            expect(response.status, path).to.equal(200);
            expect(response.headers.get('content-type')!.startsWith(type), path).to.equal(true);
        }
        for (const path of ['nope.js', 'README.md', '..%2Fpackage.json', 'vendor/app.js', 'App.js'])
            expect((await fetch(`${url}${path}`)).status, path).to.equal(404);
        const html = await (await fetch(url)).text();
        expect(html).to.include('<link rel="icon" href="favicon.svg"');
    });
});
