import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox, SandboxPage } from '../src';

/** A request with exactly these headers (fetch sets Origin and Host itself, or refuses to). */
function rawPost(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(url, { method: 'POST', headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
        });
        req.on('error', reject);
        req.end(body);
    });
}

/** The page's own HTTP surface (the browser test drives it end to end from packages/examples). */
describe('SandboxPage (the browser page and its API)', () => {
    let eight: EightByEightSandbox;
    let lp: LivePersonSandbox;
    let page: SandboxPage;
    let url: string;

    beforeEach(async () => {
        eight = new EightByEightSandbox();
        lp = new LivePersonSandbox();
        await Promise.all([eight.start(), lp.start()]);
        page = new SandboxPage({ eightByEight: eight, livePerson: lp });
        url = await page.start();
    });
    afterEach(async () => {
        await page.stop();
        await Promise.all([eight.stop(), lp.stop()]);
    });

    const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    it('serves the page, its script, its styles and the adaptivecards bundle', async () => {
        for (const [path, type] of [
            ['', 'text/html'],
            ['app.js', 'text/javascript'],
            ['styles.css', 'text/css'],
            ['vendor/adaptivecards.js', 'text/javascript'],
        ]) {
            const response = await fetch(`${url}${path}`);
            expect(response.status, path).to.equal(200);
            expect(response.headers.get('content-type'), path).to.match(new RegExp(`^${type}`));
        }
        expect(await (await fetch(`${url}api/state`)).json()).to.deep.equal({
            hint: null,
            faults: { '8x8': [], liveperson: [] },
            eightByEight: { conversations: [] },
            livePerson: { conversations: [] },
        });
    });

    it('answers bad actions with a status and a message', async () => {
        expect((await post('api/8x8/conversations/nope/messages', '{"text":"hi"}')).status).to.equal(404);
        const notJson = await post('api/8x8/conversations', '{nope');
        expect(notJson.status).to.equal(400);
        expect(await notJson.json()).to.deep.equal({ error: 'Send a JSON object.' });
        const noBot = await post('api/liveperson/conversations', '{"consumerId":"c"}');
        expect(noBot.status).to.equal(501);
        expect((await fetch(`${url}api/state`, { method: 'DELETE' })).status).to.equal(405);
        expect((await post('api/unknown', '{}')).status).to.equal(404);
    });

    it('refuses cross-site actions (CSRF): form content types with 415, a foreign Origin or Sec-Fetch-Site with 403', async () => {
        const action = `${url}api/8x8/conversations`;
        const mallory = '{"name":"Mallory"}';
        for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b']) {
            const response = await rawPost(action, { 'content-type': type, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }, mallory);
            expect(response, type).to.deep.equal({ status: 415, body: { error: 'The sandbox page API takes Content-Type: application/json only.' } });
        }
        const noType = await fetch(action, { method: 'POST', body: new Uint8Array(Buffer.from(mallory)) });
        expect(noType.status).to.equal(415);
        const otherOrigin = 'Refused a request from another origin: the sandbox page API answers the page itself only.';
        for (const [headers, error] of [
            [{ origin: 'http://evil.example' }, otherOrigin],
            [{ origin: 'https://127.0.0.1' }, otherOrigin],
            [{ origin: 'null' }, otherOrigin],
            [{ 'sec-fetch-site': 'cross-site' }, 'Refused a cross-site request: the sandbox page API answers the page itself only.'],
            [{ 'sec-fetch-site': 'same-site', origin: new URL(url).origin }, 'Refused a same-site request: the sandbox page API answers the page itself only.'],
        ] as Array<[Record<string, string>, string]>) {
            const response = await rawPost(action, { 'content-type': 'application/json', ...headers }, mallory);
            expect(response, JSON.stringify(headers)).to.deep.equal({ status: 403, body: { error } });
        }
        expect(eight.conversations.size, 'conversations started by refused requests').to.equal(0);
    });

    it("runs the page's own actions: JSON from its origin (Origin and Sec-Fetch-Site as a browser sends them) or from no browser at all", async () => {
        // A bot that takes every webhook, so starting a conversation (which delivers one) succeeds.
        const bot = createServer((req, res) => {
            req.resume();
            res.writeHead(200).end();
        });
        await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', () => resolve()));
        eight.webhookUrl = `http://127.0.0.1:${(bot.address() as { port: number }).port}/`;
        try {
            const action = `${url}api/8x8/conversations`;
            const fromPage = await rawPost(
                action,
                { 'content-type': 'application/json', origin: new URL(url).origin, 'sec-fetch-site': 'same-origin' },
                '{"name":"A"}'
            );
            expect(fromPage.status).to.equal(201);
            const fromScript = await post('api/8x8/conversations', '{"name":"B"}');
            expect(fromScript.status).to.equal(201);
            expect([...eight.conversations.values()].map((c) => c.user.name)).to.deep.equal(['A', 'B']);
        } finally {
            bot.closeAllConnections();
            await new Promise<void>((resolve) => bot.close(() => resolve()));
        }
    });

    it('answers only a loopback Host (a DNS name rebound to 127.0.0.1 gets 403)', async () => {
        const port = new URL(url).port;
        for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
            const response = await new Promise<number>((resolve, reject) =>
                httpRequest(`${url}api/state`, { headers: { host } }, (res) => {
                    res.resume();
                    resolve(res.statusCode ?? 0);
                })
                    .on('error', reject)
                    .end()
            );
            expect(response, host).to.equal(200);
        }
        for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`]) {
            const response = await new Promise<{ status: number; body: string }>((resolve, reject) =>
                httpRequest(`${url}api/state`, { headers: { host } }, (res) => {
                    let body = '';
                    res.on('data', (chunk: Buffer) => (body += chunk.toString()));
                    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
                })
                    .on('error', reject)
                    .end()
            );
            expect(response.status, host).to.equal(403);
            expect(JSON.parse(response.body)).to.deep.equal({ error: 'The sandbox page answers only to localhost, 127.0.0.1 or [::1] in the Host header.' });
        }
    });

    it("sends the bot endpoint's bearer token with the forwarded open-a-conversation form, when it has one", async () => {
        const seen: IncomingHttpHeaders[] = [];
        const bot = createServer((req, res) => {
            seen.push(req.headers);
            req.resume();
            res.writeHead(201, { 'content-type': 'application/json' }).end('{"conversationId":"c-1"}');
        });
        await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', () => resolve()));
        const botUrl = `http://127.0.0.1:${(bot.address() as { port: number }).port}/conversations`;
        const withToken = new SandboxPage({ livePerson: lp, openLivePersonConversationUrl: botUrl, openLivePersonConversationToken: 'page-token-1234567890' });
        const withoutToken = new SandboxPage({ livePerson: lp, openLivePersonConversationUrl: botUrl });
        try {
            for (const forwarding of [withToken, withoutToken]) {
                const pageUrl = await forwarding.start();
                const response = await fetch(`${pageUrl}api/liveperson/conversations`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: '{"consumerId":"c"}',
                });
                expect(response.status).to.equal(201);
                expect(await response.json()).to.deep.equal({ conversationId: 'c-1' });
                await forwarding.stop();
            }
            expect(seen.map((headers) => headers.authorization)).to.deep.equal(['Bearer page-token-1234567890', undefined]);
        } finally {
            await Promise.all([withToken.stop(), withoutToken.stop()]);
            bot.closeAllConnections();
            await new Promise<void>((resolve) => bot.close(() => resolve()));
        }
    });

    it('streams a change event when a stand-in changes', async () => {
        const controller = new AbortController();
        const response = await fetch(`${url}api/events`, { signal: controller.signal });
        expect(response.headers.get('content-type')).to.equal('text/event-stream');
        const reader = response.body!.getReader();
        let text = '';
        const started = Date.now();
        await fetch(`${eight.url}/chat-gateway/v1/conversations`, { method: 'POST' }); // any request is a change
        while (!text.includes('data: {"version"') && Date.now() - started < 3000) text += new TextDecoder().decode((await reader.read()).value);
        controller.abort();
        expect(text).to.include('data: {"version"');
    });
});
