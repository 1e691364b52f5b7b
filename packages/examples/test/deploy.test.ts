/**
 * How the example is deployed (docs/deploy.md): `CONTACT_CENTER_STORE` and the timing variables, the liveness and
 * readiness routes (which say nothing about the configuration), graceful shutdown (503 while draining, a bound on the
 * drain), and that the store kinds are loaded only when chosen.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { MemoryInboxStore } from 'botbuilder-contact-center';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { DEFAULT_STORE, describeStoreSetting, readConfig, readStoreSetting } from '../src/config';
import { startExample, type RunningExample } from '../src/server';
import { capturingLogger, waitUntil } from './helpers';

describe('deploy: CONTACT_CENTER_STORE and the timing variables', () => {
    it('defaults to a SQLite file under the working directory; reads memory, sqlite:<path>, redis:// and rediss://', () => {
        expect(DEFAULT_STORE).to.equal('sqlite:./data/contact-center.sqlite');
        expect(readConfig({}).store).to.deep.equal({ kind: 'sqlite', path: './data/contact-center.sqlite' });
        expect(readStoreSetting(' memory ')).to.deep.equal({ kind: 'memory' });
        expect(readStoreSetting('sqlite:/var/lib/bot/state.sqlite')).to.deep.equal({ kind: 'sqlite', path: '/var/lib/bot/state.sqlite' });
        expect(readStoreSetting('redis://redis:6379/2')).to.deep.equal({ kind: 'redis', url: 'redis://redis:6379/2' });
        expect(readStoreSetting('rediss://cache.internal:6380')).to.deep.equal({ kind: 'redis', url: 'rediss://cache.internal:6380' });
        expect(describeStoreSetting({ kind: 'sqlite', path: 'data/x.sqlite' }, '/srv/bot')).to.equal('SQLite file /srv/bot/data/x.sqlite');
    });

    it('refuses other values, never repeating them (a Redis URL can hold a password)', () => {
        for (const value of ['mysql://db', 'sqlite:', 'redis://:s3cret-pw@host:6379/cache', 'redis://:s3cret-pw@']) {
            expect(() => readStoreSetting(value), value).to.throw(/CONTACT_CENTER_STORE/);
            try {
                readStoreSetting(value);
            } catch (err) {
                expect((err as Error).message).not.to.include('s3cret');
            }
        }
        // Nor does the start-up line show it.
        expect(describeStoreSetting({ kind: 'redis', url: 'redis://:s3cret-pw@redis.internal:6379/1' })).to.equal('Redis at redis.internal:6379/1');
    });

    it('reads CONTACT_CENTER_LEASE_MS, _REQUEST_TIMEOUT_MS, _SHUTDOWN_TIMEOUT_MS, _RETRY_DELAY_MS and _MAX_ATTEMPTS as whole numbers', () => {
        const config = readConfig({
            CONTACT_CENTER_LEASE_MS: '2000',
            CONTACT_CENTER_REQUEST_TIMEOUT_MS: '1500',
            CONTACT_CENTER_SHUTDOWN_TIMEOUT_MS: '0',
            CONTACT_CENTER_RETRY_DELAY_MS: '250',
            CONTACT_CENTER_MAX_ATTEMPTS: '9',
        });
        expect(config).to.deep.include({ leaseMs: 2000, requestTimeoutMs: 1500, shutdownTimeoutMs: 0, retryDelayMs: 250, maxAttempts: 9 });
        expect(readConfig({})).to.deep.include({
            leaseMs: undefined,
            requestTimeoutMs: undefined,
            shutdownTimeoutMs: undefined,
            retryDelayMs: undefined,
            maxAttempts: undefined,
        });
        expect(() => readConfig({ CONTACT_CENTER_MAX_ATTEMPTS: '0' })).to.throw('CONTACT_CENTER_MAX_ATTEMPTS must be a whole number, at least 1 (got "0").');
        expect(() => readConfig({ CONTACT_CENTER_LEASE_MS: '2s' })).to.throw(
            'CONTACT_CENTER_LEASE_MS must be a whole number of milliseconds, at least 100 (got "2s").'
        );
        expect(() => readConfig({ CONTACT_CENTER_REQUEST_TIMEOUT_MS: '5' })).to.throw(/at least 100/);
    });

    it('loads neither SQLite nor the Redis client for CONTACT_CENTER_STORE=memory, and warns that a restart loses state', () => {
        const script = `
            const { openStore } = require(${JSON.stringify(join(__dirname, '..', 'lib', 'store.js'))});
            const lines = [];
            const logger = { debug() {}, info() {}, warn: (l) => lines.push(l), error: (l) => lines.push(l) };
            openStore({ kind: 'memory' }, logger).then(async (store) => {
                const loaded = Object.keys(require.cache).filter((path) => /better-sqlite3|ioredis/.test(path));
                await store.close();
                console.log(JSON.stringify({ loaded, lines }));
            });`;
        const { loaded, lines } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { loaded: string[]; lines: string[] };
        expect(loaded).to.deep.equal([]);
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(/^CONTACT_CENTER_STORE=memory: .* lost on a restart/);
    });
});

describe('deploy: /healthz, /readyz and graceful shutdown', function () {
    this.timeout(20000);
    let sandbox: EightByEightSandbox;
    let store: MemoryInboxStore;
    let example: RunningExample;

    beforeEach(async () => {
        sandbox = new EightByEightSandbox({ apiKey: 'deploy-key' });
        const baseUrl = await sandbox.start();
        store = new MemoryInboxStore();
        example = await startExample({ port: 0, eightByEight: { apiKey: 'deploy-key', baseUrl } }, capturingLogger(), { state: { store } });
        sandbox.webhookUrl = `${example.url}/api/8x8/webhook`;
    });
    afterEach(async () => {
        await example.close(0);
        await sandbox.stop();
        await store.close();
    });

    const get = async (path: string) => {
        const response = await fetch(`${example.url}${path}`);
        return { status: response.status, body: (await response.json()) as unknown };
    };

    it('/healthz says only that the process is alive; /readyz whether the store answers; neither names a vendor or route', async () => {
        expect(await get('/healthz')).to.deep.equal({ status: 200, body: { status: 'ok' } });
        expect(await get('/readyz')).to.deep.equal({ status: 200, body: { ready: true } });
        await store.close();
        expect(await get('/readyz')).to.deep.equal({ status: 503, body: { ready: false } });
        expect(await get('/healthz')).to.deep.equal({ status: 200, body: { status: 'ok' } });
    });

    it('on close: webhooks and readiness answer 503 at once, the running event finishes within the bound, then the server stops', async () => {
        const id = await sandbox.startConversation();
        await example.whenIdle();
        // The reply takes 800 ms at the vendor: the event is running when the shutdown starts.
        sandbox.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 800 });
        expect((await sandbox.customerSays(id, 'slow one')).status).to.equal(200);
        await waitUntil(() => sandbox.recorder.requests.some((r) => r.path.endsWith('/typing')), 5000, 'the turn started');
        const closing = example.close(5000);
        await new Promise((resolve) => setImmediate(resolve));
        expect((await sandbox.customerSays(id, 'during the shutdown', { retries: 0 })).status).to.equal(503);
        expect(await get('/readyz')).to.deep.equal({ status: 503, body: { ready: false } });
        expect((await get('/healthz')).status).to.equal(200);
        await closing;
        expect(sandbox.botMessages(id).map((m) => m.text)).to.include('Echo: slow one');
        expect(await store.stats('8x8')).to.include({ pending: 0 });
        const refused = await fetch(`${example.url}/healthz`).then(
            () => 'answered',
            (err: Error & { cause?: { code?: string } }) => err.cause?.code
        );
        // Refused, or (a keep-alive socket of an earlier request being reused) closed: either way nothing answers.
        expect(refused).to.be.oneOf(['ECONNREFUSED', 'UND_ERR_SOCKET', 'ECONNRESET']);
    });

    it('an event still running at the bound is handed back to the store (for the next start), not lost', async () => {
        const id = await sandbox.startConversation();
        await example.whenIdle();
        sandbox.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 1500 });
        await sandbox.customerSays(id, 'too slow');
        await waitUntil(() => sandbox.recorder.requests.some((r) => r.path.endsWith('/typing')), 5000, 'the turn started');
        await example.close(200);
        // Still in the inbox, its lease released: the next start (or another instance) runs it again at once.
        expect(await store.stats('8x8')).to.include({ pending: 1 });
        const next = await store.lease('8x8', 'next-start', 10, 1000);
        expect(next.map((event) => event.conversationId)).to.deep.equal([id]);
    });

    // close(bound) aborts the vendor calls still under way at the bound and refuses the handed-back event's further
    // sends, so the reply goes out once: from the next start.
    it('close(timeoutMs) returns within the bound, and a handed-back event sends nothing after it', async () => {
        const id = await sandbox.startConversation();
        await example.whenIdle();
        sandbox.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 3000 });
        await sandbox.customerSays(id, 'too slow');
        await waitUntil(() => sandbox.recorder.requests.some((r) => r.path.endsWith('/typing')), 5000, 'the turn started');
        const started = Date.now();
        await example.close(200);
        expect(Date.now() - started).to.be.below(1500);
        const next = await startExample({ port: 0, eightByEight: { apiKey: 'deploy-key', baseUrl: sandbox.url } }, capturingLogger(), { state: { store } });
        await next.whenIdle();
        await next.close(0);
        expect(sandbox.botMessages(id).filter((m) => m.text === 'Echo: too slow')).to.have.length(1);
    });
});
