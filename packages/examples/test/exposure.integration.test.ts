/**
 * What the example server exposes, configured from environment variables (`readConfig`) as `npm start` does, over
 * real HTTP on loopback against the stand-ins: who may open LivePerson conversations (`EXAMPLE_API_TOKEN`), where the
 * server listens (`HOST`), the sandbox page's API against cross-site requests, and the 8x8 tenant / customer
 * allow-lists (`EIGHTBYEIGHT_ALLOWED_TENANT_IDS`, `EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS`).
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { readConfig } from '../src/config';
import { startWithSandbox, type RunningSandboxExample } from '../src/embeddedSandbox';
import { HOST_NAMES } from '../src/host';
import { startExample, type RunningExample } from '../src/server';
import { capturingLogger, freePort } from './helpers';

const TOKEN = 'example-api-token-3c9f0e8b51d2a7';
const SECRET = 'exposure-lp-secret-66a1f3';
const API_KEY = 'exposure-8x8-key-0b7e55';

/** The LivePerson variables of production configuration, pointing at the stand-in (state in memory: no file left behind). */
const livePersonEnv = (lp: LivePersonSandbox, csdsUrl: string): NodeJS.ProcessEnv => ({
    PORT: '0',
    CONTACT_CENTER_STORE: 'memory',
    LIVEPERSON_ACCOUNT_ID: lp.accountId,
    LIVEPERSON_CLIENT_ID: lp.clientId,
    LIVEPERSON_CLIENT_SECRET: SECRET,
    LIVEPERSON_CSDS_URL: csdsUrl,
});

/** A request with exactly these headers (fetch would add or refuse some, e.g. Host). */
function rawRequest(
    url: string,
    options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
    return new Promise((resolve, reject) => {
        const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let body: unknown = text;
                try {
                    body = JSON.parse(text);
                } catch {
                    // not JSON (a page)
                }
                resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
            });
        });
        req.on('error', reject);
        req.end(options.body);
    });
}

for (const host of HOST_NAMES) {
    describe(`example exposure: POST /api/liveperson/conversations in production configuration, ${host} host`, function () {
        this.timeout(20000);
        let lp: LivePersonSandbox;
        let csdsUrl: string;
        let example: RunningExample | undefined;
        let logger: ReturnType<typeof capturingLogger>;

        beforeEach(async () => {
            lp = new LivePersonSandbox({ clientSecret: SECRET });
            csdsUrl = await lp.start();
            logger = capturingLogger();
        });
        afterEach(async () => {
            await example?.close();
            example = undefined;
            await lp.stop();
            for (const line of logger.lines) {
                expect(line).not.to.include(TOKEN);
                expect(line).not.to.include(SECRET);
            }
        });

        async function start(env: NodeJS.ProcessEnv): Promise<RunningExample> {
            example = await startExample(readConfig({ ...livePersonEnv(lp, csdsUrl), HOST: '127.0.0.1', ...env }), logger, { host });
            return example;
        }

        const open = (headers: Record<string, string> = {}, consumerId = 'customer-7') =>
            fetch(`${example!.url}/api/liveperson/conversations`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', ...headers },
                body: JSON.stringify({ consumerId, text: 'Hello' }),
            });

        it('with EXAMPLE_API_TOKEN: 401 without the bearer token or with another one, 201 with it; only that request opens a conversation', async () => {
            await start({ EXAMPLE_API_TOKEN: TOKEN });
            expect(example!.conversationsRoute).to.equal('token');

            const none = await open();
            expect(none.status).to.equal(401);
            expect(none.headers.get('www-authenticate')).to.equal('Bearer realm="example"');
            expect(await none.json()).to.deep.equal({ error: 'Send the API token: "Authorization: Bearer <EXAMPLE_API_TOKEN>".' });

            const wrongTokens = [`${TOKEN.slice(0, -1)}X`, TOKEN.slice(0, -1), `${TOKEN}0`, TOKEN.toUpperCase(), 'x'];
            for (const wrong of wrongTokens) {
                const response = await open({ authorization: `Bearer ${wrong}` });
                expect(response.status, wrong).to.equal(401);
                expect(response.headers.get('www-authenticate'), wrong).to.equal('Bearer realm="example", error="invalid_token"');
                const body = await response.json();
                expect(body, wrong).to.deep.equal({ error: 'The bearer token is not EXAMPLE_API_TOKEN.' });
                expect(JSON.stringify(body)).not.to.include(wrong);
            }
            for (const authorization of [TOKEN, `Basic ${TOKEN}`, `Bearer`, `Bearer ${TOKEN} extra`]) {
                expect((await open({ authorization })).status, authorization).to.equal(401);
            }
            expect(lp.conversations.size, 'conversations opened by refused requests').to.equal(0);

            const allowed = await open({ authorization: `Bearer ${TOKEN}` });
            expect(allowed.status).to.equal(201);
            const { conversationId } = (await allowed.json()) as { conversationId: string };
            expect([...lp.conversations.keys()]).to.deep.equal([conversationId]);
            expect(lp.consumerTexts(conversationId)).to.deep.equal(['Hello']);
            // The scheme is case-insensitive (RFC 7235).
            expect((await open({ authorization: `bearer ${TOKEN}` }, 'customer-8')).status).to.equal(201);
            expect(lp.conversations.size).to.equal(2);
        });

        it('checks the token before reading the body: a wrong token with a bad body is 401, not 400', async () => {
            await start({ EXAMPLE_API_TOKEN: TOKEN });
            const response = await fetch(`${example!.url}/api/liveperson/conversations`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-wrong-token' },
                body: '{not json',
            });
            expect(response.status).to.equal(401);
        });

        it('without EXAMPLE_API_TOKEN the route is off: 404 saying how to enable it, and nothing reaches LivePerson', async () => {
            await start({});
            expect(example!.conversationsRoute).to.equal('off');
            for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Array<Record<string, string>>) {
                const response = await open(headers);
                expect(response.status).to.equal(404);
                expect(((await response.json()) as { error: string }).error).to.equal(
                    'POST /api/liveperson/conversations is off: it opens real LivePerson conversations, so it needs a token. Set ' +
                        'EXAMPLE_API_TOKEN (16+ characters, e.g. `openssl rand -hex 32`) and send it as "Authorization: Bearer <token>".'
                );
            }
            expect(lp.conversations.size).to.equal(0);
            expect(lp.recorder.find((r) => r.path.includes('/conversation'))).to.deep.equal([]);
        });
    });
}

describe('example exposure: EXAMPLE_API_TOKEN and HOST values', () => {
    const production = { LIVEPERSON_ACCOUNT_ID: 'a', LIVEPERSON_CLIENT_ID: 'b', LIVEPERSON_CLIENT_SECRET: 'c' };

    it('refuses a short or malformed EXAMPLE_API_TOKEN without repeating it', () => {
        for (const token of ['short-token', 'has spaces in the middle of it', 'quote"token-1234567890', 'é-accented-token-123456']) {
            let message = '';
            try {
                readConfig({ ...production, EXAMPLE_API_TOKEN: token });
            } catch (err) {
                message = (err as Error).message;
            }
            expect(message, token).to.match(/^EXAMPLE_API_TOKEN must be at least 16 characters/);
            expect(message).not.to.include(token);
        }
        expect(readConfig({ ...production, EXAMPLE_API_TOKEN: 'dGhpcyBpcyBhIHRva2Vu+/==' }).apiToken).to.equal('dGhpcyBpcyBhIHRva2Vu+/==');
    });

    it('defaults HOST to 127.0.0.1 with no vendor variables and to 0.0.0.0 in production configuration', () => {
        expect(readConfig({}).listenAddress).to.equal('127.0.0.1');
        expect(readConfig({ ...production }).listenAddress).to.equal('0.0.0.0');
        expect(readConfig({ EIGHTBYEIGHT_API_KEY: 'k' }).listenAddress).to.equal('0.0.0.0');
        expect(readConfig({ ...production, HOST: ' 127.0.0.1 ' }).listenAddress).to.equal('127.0.0.1');
        expect(readConfig({ HOST: '::1' }).listenAddress).to.equal('::1');
        expect(readConfig({ HOST: 'localhost' }).listenAddress).to.equal('localhost');
    });

    it('refuses a HOST that is not an address, and a non-loopback HOST for the embedded sandbox', () => {
        expect(() => readConfig({ ...production, HOST: 'not a host' })).to.throw('HOST must be an IP address or a host name');
        for (const host of ['0.0.0.0', '::', '192.0.2.10', 'example.com']) {
            expect(() => readConfig({ HOST: host }), host).to.throw(`HOST=${host} is not a loopback address. With no vendor variables the example runs`);
        }
    });
});

describe('example exposure: where the server listens (HOST)', function () {
    this.timeout(20000);
    let lp: LivePersonSandbox;
    let csdsUrl: string;
    let running: RunningExample | undefined;

    beforeEach(async () => {
        lp = new LivePersonSandbox({ clientSecret: SECRET });
        csdsUrl = await lp.start();
    });
    afterEach(async () => {
        await running?.close();
        running = undefined;
        await lp.stop();
    });

    it('production configuration without HOST listens on 0.0.0.0; its URL for this machine is loopback', async () => {
        running = await startExample(readConfig(livePersonEnv(lp, csdsUrl)), capturingLogger());
        expect(running.address).to.deep.include({ address: '0.0.0.0', family: 'IPv4' });
        expect(running.url).to.equal(`http://127.0.0.1:${running.address.port}`);
        expect((await fetch(`${running.url}/healthz`)).status).to.equal(200);
    });

    it("limits the whole request and its headers well under Node's defaults (300 s, 60 s)", async () => {
        running = await startExample(readConfig({ ...livePersonEnv(lp, csdsUrl), HOST: '127.0.0.1' }), capturingLogger());
        const { requestTimeout, headersTimeout, keepAliveTimeout } = running.server;
        expect({ requestTimeout, headersTimeout, keepAliveTimeout }).to.deep.equal({ requestTimeout: 15_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 });
    });

    it('listens on the HOST given (127.0.0.1, ::1), and only there', async () => {
        running = await startExample(readConfig({ ...livePersonEnv(lp, csdsUrl), HOST: '127.0.0.1' }), capturingLogger());
        expect(running.address).to.deep.include({ address: '127.0.0.1', family: 'IPv4' });
        await running.close();
        running = await startExample(readConfig({ ...livePersonEnv(lp, csdsUrl), HOST: '::1' }), capturingLogger());
        expect(running.address).to.deep.include({ address: '::1', family: 'IPv6' });
        expect(running.url).to.equal(`http://[::1]:${running.address.port}`);
        expect((await fetch(`${running.url}/healthz`)).status).to.equal(200);
        // Not on IPv4 loopback: nothing listens there on that port.
        const error = await fetch(`http://127.0.0.1:${running.address.port}/healthz`).then(
            () => undefined,
            (err: Error & { cause?: { code?: string } }) => err.cause?.code
        );
        expect(error).to.equal('ECONNREFUSED');
    });

    it('started from code with no listenAddress, listens on 127.0.0.1', async () => {
        running = await startExample({ port: 0 }, capturingLogger());
        expect(running.address.address).to.equal('127.0.0.1');
    });
});

describe('example exposure: the embedded sandbox (no vendor variables)', function () {
    this.timeout(30000);
    let running: RunningSandboxExample | undefined;
    let logger: ReturnType<typeof capturingLogger>;

    beforeEach(() => {
        logger = capturingLogger();
    });
    afterEach(async () => {
        await running?.close();
        running = undefined;
    });

    async function start(env: NodeJS.ProcessEnv = {}): Promise<RunningSandboxExample> {
        const config = readConfig({ PORT: '0', ...env });
        running = await startWithSandbox(config.port, logger, undefined, 'botbuilder', { listenAddress: config.listenAddress, apiToken: config.apiToken });
        return running;
    }

    it('listens on 127.0.0.1, takes only its stand-in tenant, and leaves the conversations route open there', async () => {
        await start();
        expect(running!.address).to.deep.include({ address: '127.0.0.1', family: 'IPv4' });
        expect(running!.conversationsRoute).to.equal('open');
        const response = await fetch(`${running!.url}/api/liveperson/conversations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ consumerId: 'sandbox-customer-1' }),
        });
        expect(response.status).to.equal(201);
        // The stand-in's own tenant is allowed: no allow-list warning, and its webhooks run.
        expect(logger.lines.filter((line) => line.includes('EIGHTBYEIGHT_ALLOWED_TENANT_IDS'))).to.deep.equal([]);
        const id = await running!.eightByEightSandbox.startConversation();
        await running!.whenIdle();
        expect(running!.eightByEightSandbox.botMessages(id)).to.have.length(1);
    });

    it('refuses to listen anywhere but loopback, and stops its stand-ins', async () => {
        const listening = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
        const before = listening();
        let error: Error | undefined;
        await startWithSandbox(0, logger, undefined, 'botbuilder', { listenAddress: '0.0.0.0' }).then(
            (r) => (running = r),
            (err: Error) => (error = err)
        );
        expect(error?.message).to.equal('The embedded sandbox listens on loopback only (its page and stand-ins have no authentication), not on 0.0.0.0.');
        // The 8x8 stand-in, the LivePerson stand-in and its file storage were started, then stopped.
        await new Promise((resolve) => setImmediate(resolve));
        expect(listening(), 'servers still listening').to.equal(before);
    });

    it('with EXAMPLE_API_TOKEN, the conversations route needs it, and the page sends it for its form', async () => {
        await start({ EXAMPLE_API_TOKEN: TOKEN });
        expect(running!.conversationsRoute).to.equal('token');
        const direct = await fetch(`${running!.url}/api/liveperson/conversations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ consumerId: 'no-token' }),
        });
        expect(direct.status).to.equal(401);
        const viaPage = await fetch(`${running!.pageUrl}api/liveperson/conversations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ consumerId: 'from-the-page' }),
        });
        expect(viaPage.status).to.equal(201);
        expect([...running!.livePersonSandbox.conversations.values()].map((c) => c.externalConsumerId)).to.deep.equal(['from-the-page']);
    });

    it("refuses the page API's cross-site requests (CSRF): a text/plain form post, a foreign Origin or Sec-Fetch-Site; its own JSON POST works", async () => {
        await start();
        const page = new URL(running!.pageUrl);
        const action = `${running!.pageUrl}api/8x8/conversations`;
        const conversations = () => running!.eightByEightSandbox.conversations.size;

        // What an attacker's page can send without a preflight: an HTML form (text/plain, urlencoded, multipart).
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
            const response = await rawRequest(action, {
                method: 'POST',
                headers: { 'content-type': type, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
                body: '{"name":"Mallory"}',
            });
            expect(response.status, type).to.equal(415);
            expect(response.body, type).to.deep.equal({ error: 'The sandbox page API takes Content-Type: application/json only.' });
        }
        const json = { 'content-type': 'application/json' };
        for (const [headers, error] of [
            [{ ...json, origin: 'http://evil.example' }, 'Refused a request from another origin: the sandbox page API answers the page itself only.'],
            [{ ...json, origin: 'null' }, 'Refused a request from another origin: the sandbox page API answers the page itself only.'],
            [
                { ...json, origin: `http://localhost:${Number(page.port) + 1}` },
                'Refused a request from another origin: the sandbox page API answers the page itself only.',
            ],
            [{ ...json, 'sec-fetch-site': 'cross-site' }, 'Refused a cross-site request: the sandbox page API answers the page itself only.'],
            [{ ...json, 'sec-fetch-site': 'same-site' }, 'Refused a same-site request: the sandbox page API answers the page itself only.'],
        ] as const) {
            const response = await rawRequest(action, { method: 'POST', headers, body: '{"name":"Mallory"}' });
            expect(response.status, JSON.stringify(headers)).to.equal(403);
            expect(response.body).to.deep.equal({ error });
        }
        // DNS rebinding: a foreign name resolving to 127.0.0.1 is same-origin for the browser, but not a loopback Host.
        const rebound = await rawRequest(`${running!.pageUrl}api/state`, { headers: { host: `evil.example:${page.port}` } });
        expect(rebound.status).to.equal(403);
        expect(conversations(), 'conversations started by refused requests').to.equal(0);

        // What the page itself sends (its fetch from its own origin).
        const own = await rawRequest(action, {
            method: 'POST',
            headers: { ...json, origin: page.origin, 'sec-fetch-site': 'same-origin' },
            body: '{"name":"Page User"}',
        });
        expect(own.status).to.equal(201);
        expect(conversations()).to.equal(1);
    });

    it('serves the page only to connections made to a loopback address', async function () {
        const external = Object.values(networkInterfaces())
            .flat()
            .find((i) => i && !i.internal && i.family === 'IPv4');
        if (!external) this.skip();
        // The page mounted on a server listening on every interface (as a user might mount it on their own server).
        const { SandboxPage } = await import('botbuilder-contact-center-sandbox');
        const { createServer } = await import('node:http');
        const eight = new EightByEightSandbox();
        await eight.start();
        const page = new SandboxPage({ eightByEight: eight });
        const server = createServer((req, res) => page.handle(req, res));
        await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', () => resolve()));
        const port = (server.address() as { port: number }).port;
        try {
            const fromOutside = await rawRequest(`http://${external!.address}:${port}/api/state`, { headers: { host: `127.0.0.1:${port}` } });
            expect(fromOutside.status).to.equal(403);
            expect(fromOutside.body).to.deep.equal({
                error: 'The sandbox page is served on loopback only: open it on the machine that runs it (127.0.0.1 or localhost).',
            });
            expect((await rawRequest(`http://127.0.0.1:${port}/`)).status).to.equal(200);
        } finally {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            await eight.stop();
        }
    });
});

describe('example exposure: 8x8 tenant and customer allow-lists (EIGHTBYEIGHT_ALLOWED_TENANT_IDS, _CUSTOMER_IDS)', function () {
    this.timeout(20000);
    let ours: EightByEightSandbox;
    let baseUrl: string;
    let example: RunningExample | undefined;
    let logger: ReturnType<typeof capturingLogger>;
    const others: EightByEightSandbox[] = [];

    beforeEach(async () => {
        ours = new EightByEightSandbox({ apiKey: API_KEY, tenantId: 'tenant-ours', customerId: 'customer-ours' });
        baseUrl = await ours.start();
        logger = capturingLogger();
    });
    afterEach(async () => {
        await example?.close();
        example = undefined;
        await Promise.all([ours.stop(), ...others.splice(0).map((s) => s.stop())]);
        for (const line of logger.lines) expect(line).not.to.include(API_KEY);
    });

    async function start(env: NodeJS.ProcessEnv): Promise<void> {
        const config = readConfig({
            PORT: '0',
            HOST: '127.0.0.1',
            CONTACT_CENTER_STORE: 'memory',
            EIGHTBYEIGHT_API_KEY: API_KEY,
            EIGHTBYEIGHT_BASE_URL: baseUrl,
            ...env,
        });
        example = await startExample(config, logger);
        ours.webhookUrl = `${example.url}/api/8x8/webhook`;
    }

    /** A stand-in signing with our stand-in's key (8x8 signs every tenant's webhooks with the same keys) for another tenant. */
    function otherTenant(options: { tenantId?: string; customerId?: string }): EightByEightSandbox {
        const pem = ours.signingKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
        const other = new EightByEightSandbox({ apiKey: API_KEY, keyId: ours.signingKey.kid, privateKeyPem: pem, ...options });
        other.webhookUrl = ours.webhookUrl;
        others.push(other);
        return other;
    }

    /** An event the echo bot does not answer (so a 200 needs no Chat Gateway conversation). */
    const queued = (conversationId: string) => ({ eventType: 'QUEUED', conversationId, timestamp: Date.now(), data: { queueId: 'q' } });

    it('reads the lists (comma-separated, trimmed) and refuses a webhook signed for another tenant with 403, running no turn', async () => {
        await start({ EIGHTBYEIGHT_ALLOWED_TENANT_IDS: ' tenant-elsewhere , tenant-ours ,' });
        expect(
            readConfig({ EIGHTBYEIGHT_API_KEY: 'k', EIGHTBYEIGHT_ALLOWED_TENANT_IDS: ' a , b ,', EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS: ' , ' }).eightByEight
        ).to.deep.include({
            allowedTenantIds: ['a', 'b'],
            allowedCustomerIds: undefined,
        });
        const mark = ours.recorder.mark();
        const foreign = await otherTenant({ tenantId: 'tenant-theirs', customerId: 'customer-ours' }).deliver(queued('their-conversation'));
        expect(foreign.status).to.equal(403);
        expect(JSON.parse(foreign.body)).to.deep.equal({ error: 'x-8x8-tenant-id "tenant-theirs" is not this bot\'s tenant.' });
        expect(
            ours.recorder.find((r) => r.path.includes('/conversations/'), mark),
            'Chat Gateway calls'
        ).to.deep.equal([]);
        // Our own tenant's webhooks run: the bot greets.
        const id = await ours.startConversation();
        await example!.whenIdle();
        expect(ours.botMessages(id)).to.have.length(1);
        expect(logger.lines.filter((line) => line.includes('EIGHTBYEIGHT_ALLOWED_TENANT_IDS and EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS'))).to.deep.equal([]);
    });

    it('refuses a webhook for another customer with 403 when EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS is set', async () => {
        await start({ EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS: 'customer-ours' });
        const foreign = await otherTenant({ tenantId: 'tenant-ours', customerId: 'customer-theirs' }).deliver(queued('their-conversation'));
        expect(foreign.status).to.equal(403);
        expect(JSON.parse(foreign.body)).to.deep.equal({ error: 'x-8x8-customer-id "customer-theirs" is not this bot\'s customer.' });
        const id = await ours.startConversation();
        await example!.whenIdle();
        expect(ours.botMessages(id)).to.have.length(1);
    });

    it('warns at start-up when both are empty in production configuration, and then takes any tenant', async () => {
        await start({});
        expect(
            logger.lines.filter((line) => line.startsWith('warn 8x8: EIGHTBYEIGHT_ALLOWED_TENANT_IDS and EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS are both empty'))
        ).to.have.length(1);
        const foreign = await otherTenant({ tenantId: 'tenant-theirs' }).deliver(queued('their-conversation'));
        expect(foreign.status).to.equal(200);
    });
});

describe('example exposure: the start-up lines in production configuration (node lib/main.js)', function () {
    this.timeout(30000);
    let lp: LivePersonSandbox;
    let csdsUrl: string;

    beforeEach(async () => {
        lp = new LivePersonSandbox({ clientSecret: SECRET });
        csdsUrl = await lp.start();
    });
    afterEach(() => lp.stop());

    /** Runs the built example with exactly `env` (plus PATH) until it printed its routes; resolves with what it printed. */
    function startUp(env: NodeJS.ProcessEnv): Promise<string> {
        const child = spawn(process.execPath, [join(__dirname, '..', 'lib', 'main.js')], {
            env: { PATH: process.env.PATH, ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                child.kill('SIGKILL');
                reject(new Error(`no start-up lines within 20 s:\n${output}`));
            }, 20_000);
            const onData = (chunk: Buffer) => {
                output += chunk.toString();
                if (/\/api\/liveperson\/conversations.*\n/.test(output)) {
                    clearTimeout(timer);
                    child.once('exit', () => resolve(output));
                    child.kill('SIGTERM');
                }
            };
            child.stdout.on('data', onData);
            child.stderr.on('data', onData);
            child.once('exit', (code) => {
                clearTimeout(timer);
                if (!/\/api\/liveperson\/conversations/.test(output)) reject(new Error(`exited with ${code}:\n${output}`));
            });
        });
    }

    it('prints where it listens, that the conversations route is off without EXAMPLE_API_TOKEN, and the allow-list warning', async () => {
        const port = await freePort();
        const output = await startUp({
            ...livePersonEnv(lp, csdsUrl),
            PORT: String(port),
            EIGHTBYEIGHT_API_KEY: API_KEY,
            EIGHTBYEIGHT_BASE_URL: 'http://127.0.0.1:9',
        });
        expect(output).to.include(`  Bound to 0.0.0.0:${port} (every IPv4 interface; set HOST to change it).`);
        expect(output).to.include(
            '  POST /api/liveperson/conversations is off: set EXAMPLE_API_TOKEN to enable it (callers send "Authorization: Bearer <token>").'
        );
        expect(output).to.include('8x8: EIGHTBYEIGHT_ALLOWED_TENANT_IDS and EIGHTBYEIGHT_ALLOWED_CUSTOMER_IDS are both empty');
        expect(output).not.to.include(API_KEY);
        expect(output).not.to.include(SECRET);
    });

    it('with HOST and EXAMPLE_API_TOKEN: that address, and the route with its token (never printed)', async () => {
        const port = await freePort();
        const output = await startUp({ ...livePersonEnv(lp, csdsUrl), PORT: String(port), HOST: '127.0.0.1', EXAMPLE_API_TOKEN: TOKEN });
        expect(output).to.include(`Echo bot (botbuilder v4 host) listening on http://127.0.0.1:${port}\n`);
        expect(output).to.include(`  Bound to 127.0.0.1:${port} (loopback: this machine only; set HOST to change it).`);
        expect(output).to.include(
            `  POST http://127.0.0.1:${port}/api/liveperson/conversations  {"consumerId": "...", "text": "..."} opens a conversation (with "Authorization: Bearer <EXAMPLE_API_TOKEN>")`
        );
        expect(output).not.to.include(TOKEN);
        expect(output).not.to.include(SECRET);
    });
});
