/**
 * The 8x8 signing keys under attack: forged key ids (floods, hostile shapes), a failing or hanging key server, and a
 * real new key arriving during a flood. First the key store alone with a fake clock, then the adapter over loopback
 * HTTP against the 8x8 stand-in, counting the key requests it recorded.
 */
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { EightByEightSandbox, SigningKey } from 'botbuilder-contact-center-sandbox';
import { ConfigurationError, WebhookRequestError } from '../../src/core/errors';
import { EightByEightConnector } from '../../src/eightbyeight/connector';
import type { EightByEightAdapterOptions } from '../../src/eightbyeight/options';
import { SigningKeys, type SigningKeyPolicy } from '../../src/eightbyeight/signingKeys';
import { capturingLogger, listen } from '../helpers';
import { hosts, type TestEightByEightAdapter } from '../hosts';

const API_KEY = 'signing-keys-test-key-5e0a91';

/** A detached JWS header naming `kid`, with a random "signature": what a forger can send. */
function forgedSignature(kid: string): string {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', b64: false, crit: ['b64'], kid })).toString('base64url');
    return `${header}..${randomBytes(256).toString('base64url')}`;
}

async function rejection(promise: Promise<unknown>): Promise<WebhookRequestError> {
    try {
        await promise;
    } catch (err) {
        expect(err).to.be.instanceOf(WebhookRequestError);
        return err as WebhookRequestError;
    }
    throw new Error('expected a rejection');
}

describe('8x8 signing keys (key store, fake clock)', () => {
    const real = new SigningKey('real-key');
    let clock: number;
    let fetches: string[];
    let answer: (url: string) => Promise<Record<string, unknown> | undefined>;

    const store = (policy: SigningKeyPolicy = {}) =>
        new SigningKeys({
            jwkUrls: (kid) => [`https://keys/new/${kid}`, `https://keys/legacy/${kid}`],
            fetchJwk: (url) => {
                fetches.push(url);
                return answer(url);
            },
            policy,
            now: () => clock,
        });

    beforeEach(() => {
        clock = 1_000_000;
        fetches = [];
        answer = async (url) => (url === 'https://keys/new/real-key' ? real.publicJwk : undefined);
    });

    it('concurrent requests for one new key id share one lookup', async () => {
        const keys = store();
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        answer = async (url) => {
            await gate;
            return url === 'https://keys/new/real-key' ? real.publicJwk : undefined;
        };
        const pending = Array.from({ length: 50 }, () => keys.get('real-key'));
        const unknown = Array.from({ length: 50 }, () => keys.get('nobody'));
        release();
        const found = await Promise.all(pending);
        expect(new Set(found).size).to.equal(1);
        expect(found[0]?.type).to.equal('public');
        expect(await Promise.all(unknown)).to.deep.equal(Array(50).fill(undefined));
        expect(fetches.sort()).to.deep.equal(['https://keys/legacy/nobody', 'https://keys/new/nobody', 'https://keys/new/real-key']);
    });

    it('limits lookups of new key ids with a token bucket (503 at once beyond it), refilled with time', async () => {
        const keys = store({ lookupsPerSecond: 2, lookupBurst: 3 });
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => keys.get(`forged-${i}`)));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(3);
        for (const o of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
            expect(o.reason).to.be.instanceOf(WebhookRequestError);
            expect(o.reason.status).to.equal(503);
            expect(o.reason.message).to.match(/^Too many new 8x8 signing key ids at once; key id "forged-\d" was not looked up\. Retry later\.$/);
        }
        expect(fetches).to.have.length(6); // 3 lookups × 2 URLs
        clock += 250; // half a token
        expect((await rejection(keys.get('forged-a'))).status).to.equal(503);
        clock += 250;
        expect(await keys.get('forged-b')).to.equal(undefined);
        expect(fetches).to.have.length(8);
        // Known answers cost no token: the three unknown ids are remembered, the bucket is empty, nothing is fetched.
        for (let i = 0; i < 3; i++) expect(await keys.get(`forged-${i}`)).to.equal(undefined);
        expect(fetches).to.have.length(8);
    });

    it('remembers unknown key ids for unknownKeyTtlMs, then asks again', async () => {
        const keys = store({ unknownKeyTtlMs: 60_000 });
        expect(await keys.get('nobody')).to.equal(undefined);
        clock += 59_999;
        expect(await keys.get('nobody')).to.equal(undefined);
        expect(fetches).to.have.length(2);
        clock += 1;
        expect(await keys.get('nobody')).to.equal(undefined);
        expect(fetches).to.have.length(4);
    });

    it('remembers a failed lookup for failureTtlMs (503 without asking), then asks again', async () => {
        const keys = store({ failureTtlMs: 5_000 });
        answer = async () => {
            throw new Error('connect ECONNREFUSED');
        };
        const first = await rejection(keys.get('real-key'));
        expect(first.status).to.equal(503);
        expect(first.message).to.equal('The 8x8 signing key "real-key" could not be fetched; retry later.');
        clock += 4_999;
        expect((await rejection(keys.get('real-key'))).message).to.equal(first.message);
        expect(fetches).to.deep.equal(['https://keys/new/real-key']);
        clock += 1;
        answer = async (url) => (url === 'https://keys/new/real-key' ? real.publicJwk : undefined);
        expect((await keys.get('real-key'))?.type).to.equal('public');
        expect(fetches).to.have.length(2);
    });

    it('a key that verified is never evicted by unknown key ids, and stays while it is used', async () => {
        const keys = store({ lookupsPerSecond: 1_000_000, lookupBurst: 1_000_000 });
        const key = (await keys.get('real-key'))!;
        keys.verified('real-key', key);
        // Unknown ids fill the refusal cache past its size; real keys fetched but never verified fill theirs.
        for (let i = 0; i < 12_000; i++) await keys.get(`forged-${i}`);
        answer = async () => real.publicJwk;
        for (let i = 0; i < 100; i++) await keys.get(`published-${i}`);
        const before = fetches.length;
        expect(await keys.get('real-key')).to.equal(key);
        expect(fetches.length).to.equal(before);
    });

    it('looks a key in use up again after refreshAfterMs, in the background, and drops it when 8x8 no longer knows it', async () => {
        const keys = store({ refreshAfterMs: 1_000, failureTtlMs: 100 });
        const key = (await keys.get('real-key'))!;
        keys.verified('real-key', key);
        clock += 1_000;
        answer = async () => {
            throw new Error('key server down');
        };
        expect(await keys.get('real-key')).to.equal(key); // answered from memory while the refresh runs
        await new Promise((resolve) => setImmediate(resolve));
        expect(fetches).to.deep.equal(['https://keys/new/real-key', 'https://keys/new/real-key']);
        expect(await keys.get('real-key')).to.equal(key); // a failed refresh keeps the key, and waits failureTtlMs
        expect(fetches).to.have.length(2);
        clock += 100;
        answer = async () => undefined; // withdrawn
        expect(await keys.get('real-key')).to.equal(key);
        await new Promise((resolve) => setImmediate(resolve));
        expect(fetches).to.have.length(4);
        expect(await keys.get('real-key')).to.equal(undefined);
        expect(fetches).to.have.length(4);
    });

    it('checks the signingKeys options up front, naming the option', () => {
        const make = (signingKeys: unknown) => () =>
            new EightByEightConnector({ apiKey: 'k', signingKeys, store: new MemoryInboxStore() } as EightByEightAdapterOptions);
        expect(make({ lookupsPerSecond: 0 })).to.throw(ConfigurationError, 'option "signingKeys.lookupsPerSecond" must be a positive number');
        expect(make({ lookupBurst: 1.5 })).to.throw(ConfigurationError, 'option "signingKeys.lookupBurst" must be a positive integer');
        expect(make({ fetchTimeoutMs: -1 })).to.throw(ConfigurationError, 'option "signingKeys.fetchTimeoutMs"');
        expect(make('fast')).to.throw(ConfigurationError, 'option "signingKeys" must be { fetchTimeoutMs?');
        return Promise.all([make({ lookupsPerSecond: 0.5, failureTtlMs: 1 })().close(), make(undefined)().close()]);
    });

    it('gives a lookup one deadline for all its URLs, and asks no further URL after it', async () => {
        clock = Date.now();
        const keys = new SigningKeys({
            jwkUrls: (kid) => [`https://keys/new/${kid}`, `https://keys/legacy/${kid}`],
            fetchJwk: (url) => {
                fetches.push(url);
                return new Promise((resolve) => setTimeout(() => resolve(undefined), 150));
            },
            policy: { fetchTimeoutMs: 50 },
        });
        const started = Date.now();
        const err = await rejection(keys.get('slow'));
        expect(Date.now() - started).to.be.lessThan(140);
        expect(err.status).to.equal(503);
        expect(err.message).to.equal('The 8x8 key server did not answer within 50 ms for signing key "slow"; retry later.');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(fetches).to.deep.equal(['https://keys/new/slow']);
    });
});

for (const host of hosts) {
    describe(`8x8 signing keys over loopback HTTP (${host.name})`, function () {
        this.timeout(20000);
        let sandbox: EightByEightSandbox;
        let adapter: TestEightByEightAdapter;
        let logger: ReturnType<typeof capturingLogger>;
        let closeServer: () => Promise<void>;

        async function setup(options: Partial<EightByEightAdapterOptions> = {}, sandboxOptions = {}) {
            sandbox = new EightByEightSandbox({ apiKey: API_KEY, ...sandboxOptions });
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, retry: { baseDelayMs: 10, maxDelayMs: 50 }, ...options });
            const server = await listen((req, res) => void adapter.process(req, res, async () => undefined));
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
        }

        async function teardown() {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
            for (const line of logger?.lines ?? []) expect(line).not.to.include(API_KEY);
        }

        afterEach(teardown);

        /** Key requests the stand-in answered, as `<path>`. */
        const keyRequests = () => sandbox.recorder.find((r) => r.path.includes('/jwk/')).map((r) => r.path);
        const realKeyPath = () => `/chat-gateway/v1/jwk/${sandbox.signingKey.kid}/public`;
        const forged = (kid: string) =>
            sandbox.deliver(
                { eventType: 'TRANSFER', conversationId: 'c1' },
                { signature: 'none', headers: { 'x-8x8-signature': forgedSignature(kid) }, retries: 0 }
            );

        it('a flood of forged key ids: lookups bounded by the rate limit, none repeated, the real key kept and used without a fetch', async () => {
            const rate = { lookupsPerSecond: 20, lookupBurst: 10 };
            await setup({ signingKeys: rate });
            const id = await sandbox.startConversation();
            expect(keyRequests()).to.deep.equal([realKeyPath()]);

            const started = Date.now();
            const statuses: number[] = [];
            for (let batch = 0; batch < 10; batch++) {
                const results = await Promise.all(Array.from({ length: 50 }, (_, i) => forged(`forged-${batch * 50 + i}`)));
                statuses.push(...results.map((r) => r.status));
            }
            const seconds = (Date.now() - started) / 1000;

            const forgedRequests = keyRequests().filter((path) => path.includes('/forged-'));
            // Each (key id, URL) asked at most once: the two URL templates are one lookup of a key id.
            expect(new Set(forgedRequests).size).to.equal(forgedRequests.length);
            const lookedUp = new Set(forgedRequests.map((path) => /\/(forged-\d+)\//.exec(path)![1]));
            expect(lookedUp.size).to.be.at.most(Math.ceil(rate.lookupBurst + rate.lookupsPerSecond * seconds) + 1);
            expect(lookedUp.size).to.be.at.least(rate.lookupBurst);
            expect(forgedRequests).to.have.length(2 * lookedUp.size); // both URL templates answer 404
            // Looked up → 8x8 does not know it → 401; not looked up (over the limit) → 503 at once.
            expect(statuses.filter((s) => s === 401)).to.have.length(lookedUp.size);
            expect(statuses.filter((s) => s === 503)).to.have.length(500 - lookedUp.size);

            // The same forged ids again: the unknown ones are remembered (401, no fetch), the others still refused.
            const before = keyRequests().length;
            const again = await Promise.all([...lookedUp].slice(0, 20).map((kid) => forged(kid)));
            expect(again.map((r) => r.status)).to.deep.equal(Array(Math.min(20, lookedUp.size)).fill(401));
            expect(keyRequests().length).to.equal(before);

            // The real key is still known: a genuine webhook verifies without fetching it again.
            expect((await sandbox.customerSays(id, 'still here')).status).to.equal(200);
            expect(keyRequests().filter((path) => path === realKeyPath())).to.have.length(1);
        });

        it('concurrent webhooks for one new key id make one key request, also when the key server fails', async () => {
            await setup();
            sandbox.injectFault({ path: /\/jwk\//, status: 503, times: 100 });
            const failing = await Promise.all(Array.from({ length: 20 }, () => sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' })));
            expect(failing.map((r) => r.status)).to.deep.equal(Array(20).fill(503));
            expect(keyRequests()).to.deep.equal([realKeyPath()]);

            await teardown();
            await setup();
            const ok = await Promise.all(Array.from({ length: 20 }, () => sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' })));
            expect(ok.map((r) => r.status)).to.deep.equal(Array(20).fill(200));
            expect(keyRequests()).to.deep.equal([realKeyPath()]);
        });

        it('a key server answering 500: the failure is remembered (503, no new request) until failureTtlMs, then asked again', async () => {
            await setup({ signingKeys: { failureTtlMs: 300 } });
            sandbox.injectFault({ path: /\/jwk\//, status: 500, times: 100 });
            for (let i = 0; i < 5; i++) {
                const result = await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' });
                expect(result.status).to.equal(503);
                expect(JSON.parse(result.body).error).to.equal(`The 8x8 signing key "${sandbox.signingKey.kid}" could not be fetched; retry later.`);
            }
            expect(keyRequests()).to.deep.equal([realKeyPath()]);
            await new Promise((resolve) => setTimeout(resolve, 350));
            sandbox.recorder.clearFaults();
            expect((await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' })).status).to.equal(200);
            expect(keyRequests()).to.deep.equal([realKeyPath(), realKeyPath()]);
        });

        it('a hanging key server: the webhook is answered 503 within fetchTimeoutMs, and the next one at once', async () => {
            const fetchTimeoutMs = 400;
            await setup({ signingKeys: { fetchTimeoutMs } });
            sandbox.injectFault({ path: /\/jwk\//, delayMs: 3_000, times: 10 });
            let started = Date.now();
            const result = await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' });
            const elapsed = Date.now() - started;
            expect(result.status).to.equal(503);
            expect(JSON.parse(result.body).error).to.equal(
                `The 8x8 key server did not answer within ${fetchTimeoutMs} ms for signing key "${sandbox.signingKey.kid}"; retry later.`
            );
            expect(elapsed).to.be.at.least(fetchTimeoutMs - 50);
            expect(elapsed).to.be.lessThan(fetchTimeoutMs + 1_500);
            started = Date.now();
            expect((await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' })).status).to.equal(503);
            expect(Date.now() - started).to.be.lessThan(fetchTimeoutMs);
        });

        it('a real new key while the rate limit is spent: 503 at once, and 8x8 redelivery verifies it', async () => {
            await setup({ signingKeys: { lookupsPerSecond: 1, lookupBurst: 1 } }, { webhookRetries: 3, webhookRetryDelayMs: 1_000 });
            expect((await forged('forged-1')).status).to.equal(401); // spends the one token
            const result = await sandbox.deliver({ eventType: 'TRANSFER', conversationId: 'c1' });
            expect(result.status).to.equal(200);
            expect(result.attempts).to.equal(2);
            expect(sandbox.deliveries.slice(-2).map((d) => d.status)).to.deep.equal([503, 200]);
            expect(keyRequests().filter((path) => path === realKeyPath())).to.have.length(1);
        });

        it('key ids not of 8x8 shape (".", "..", "a/b", "%2e%2e", "a\\b", spaces, control characters, overlong) → 401, no key request', async () => {
            await setup();
            for (const kid of ['.', '..', 'a/b', '%2e%2e', '..%2f..', 'a\\b', 'a b', 'a\tb', 'a\u0000b', 'k\u00e9y', 'k'.repeat(65), '']) {
                const result = await forged(kid);
                expect(result.status, JSON.stringify(kid)).to.equal(401);
                expect(JSON.parse(result.body).error).to.equal('x-8x8-signature has no usable key id (kid): 1 to 64 letters, digits, "-" or "_" expected.');
            }
            expect(keyRequests()).to.deep.equal([]);
            // The longest accepted shape is looked up.
            expect((await forged('k'.repeat(64))).status).to.equal(401);
            expect(keyRequests()).to.have.length(2);
        });
    });
}
