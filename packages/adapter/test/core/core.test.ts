import { expect } from 'chai';
import { StandInServer } from 'botbuilder-contact-center-sandbox';
import { BoundedMemoryStorage } from '../../src/core/boundedMemoryStorage';
import { ConversationQueue } from '../../src/core/conversationQueue';
import { VendorApiError } from '../../src/core/errors';
import { VendorHttpClient } from '../../src/core/httpClient';
import { describeEightByEightError } from '../../src/eightbyeight/errors';
import { describeLivePersonError } from '../../src/liveperson/errors';
import { silentLogger } from '../../src/core/logger';
import { backoffDelay, parseRetryAfter, resolveRetryOptions } from '../../src/core/retryPolicy';
import { findAdaptiveCardProblems } from '../../src/core/adaptiveCards';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('core: ConversationQueue', () => {
    it('runs one conversation in order, even when earlier tasks are slower', async () => {
        const queue = new ConversationQueue();
        const seen: number[] = [];
        await Promise.all(
            [30, 5, 20, 0, 10].map((delay, i) =>
                queue.run('c', async () => {
                    await sleep(delay);
                    seen.push(i);
                })
            )
        );
        expect(seen).to.deep.equal([0, 1, 2, 3, 4]);
        expect(queue.activeKeys).to.equal(0);
    });

    it('runs different conversations side by side', async () => {
        const queue = new ConversationQueue();
        let running = 0;
        let peak = 0;
        await Promise.all(
            Array.from({ length: 3 }, (_, i) =>
                queue.run(`c${i}`, async () => {
                    running++;
                    peak = Math.max(peak, running);
                    await sleep(20);
                    running--;
                })
            )
        );
        expect(peak).to.equal(3);
        expect(queue.activeKeys).to.equal(0);
    });

    it('a failing task rejects its own promise and does not stop the conversation', async () => {
        const queue = new ConversationQueue();
        const failed = queue.run('c', async () => {
            throw new Error('boom');
        });
        const next = queue.run('c', async () => 'after');
        let message = '';
        await failed.catch((e: Error) => {
            message = e.message;
        });
        expect(message).to.equal('boom');
        expect(await next).to.equal('after');
    });
});

describe('core: BoundedMemoryStorage', () => {
    it('reads what was written, as copies, with eTags like MemoryStorage', async () => {
        const storage = new BoundedMemoryStorage();
        const item = { owner: 'bot', list: [1] };
        await storage.write({ k: item });
        item.list.push(2);
        const read = (await storage.read(['k', 'missing'])) as Record<string, any>;
        expect(Object.keys(read)).to.deep.equal(['k']);
        expect(read.k.list).to.deep.equal([1]);
        expect(read.k.eTag).to.be.a('string');
        await storage.write({ k: { ...read.k, owner: 'agent' } });
        let conflict = '';
        await storage.write({ k: { ...read.k, owner: 'queue' } }).catch((e: Error) => {
            conflict = e.message;
        });
        expect(conflict).to.match(/eTag conflict/);
        await storage.write({ k: { owner: 'queue', eTag: '*' } });
        await storage.delete(['k']);
        expect(await storage.read(['k'])).to.deep.equal({});
    });

    it('forgets the least recently used and expired items', async () => {
        const storage = new BoundedMemoryStorage({ maxItems: 2, ttlMs: 30 });
        await storage.write({ a: { n: 1 }, b: { n: 2 }, c: { n: 3 } });
        expect(storage.size).to.equal(2);
        expect(Object.keys(await storage.read(['a', 'b', 'c']))).to.deep.equal(['b', 'c']);
        await sleep(50);
        expect(await storage.read(['b', 'c'])).to.deep.equal({});
    });
});

describe('core: retry policy', () => {
    const options = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000 });
    it('backs off exponentially with equal jitter, capped', () => {
        expect(backoffDelay(1, options, () => 0)).to.equal(50);
        expect(backoffDelay(1, options, () => 1)).to.equal(100);
        expect(backoffDelay(3, options, () => 0.5)).to.equal(300);
        expect(backoffDelay(10, options, () => 1)).to.equal(1000);
    });
    it('reads Retry-After as seconds or an HTTP date', () => {
        expect(parseRetryAfter('2')).to.equal(2000);
        expect(parseRetryAfter('0.5')).to.equal(500);
        const now = Date.parse('2026-01-01T00:00:00Z');
        expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).to.equal(3000);
        expect(parseRetryAfter('soon')).to.equal(undefined);
        expect(parseRetryAfter(undefined)).to.equal(undefined);
    });
    it("reads each vendor's error bodies leniently (the reader lives with its vendor)", () => {
        expect(describeEightByEightError({ message: 'Bad', errors: [{ code: 'invalid_queue', message: 'x' }] })).to.deep.equal({
            code: 'invalid_queue',
            message: 'Bad',
        });
        expect(describeEightByEightError({ message: 'Bad', errors: { code: 'invalid_json_object' } })).to.deep.equal({
            code: 'invalid_json_object',
            message: 'Bad',
        });
        expect(describeEightByEightError({ errors: ['Header X-8x8-Tenant does not match'] })).to.deep.equal({
            code: undefined,
            message: 'Header X-8x8-Tenant does not match',
        });
        expect(
            describeEightByEightError({ fault: { faultstring: 'Invalid access token', detail: { errorcode: 'oauth.v2.InvalidAccessToken' } } })
        ).to.deep.equal({ code: 'oauth.v2.InvalidAccessToken', message: 'Invalid access token' });
        expect(
            describeLivePersonError({ kind: 'resp', reqId: '1', code: 401, body: { title: 'Unauthorized', details: 'Expired', errorCode: 40102 } })
        ).to.deep.equal({ code: '40102', message: 'Unauthorized: Expired' });
        expect(describeLivePersonError({ kind: 'resp', reqId: '2', code: 400, body: 'bad dialog' })).to.deep.equal({ code: '400', message: 'bad dialog' });
        expect(describeLivePersonError({ error: 'invalid_client', error_description: 'Bad credentials' })).to.deep.equal({
            code: 'invalid_client',
            message: 'Bad credentials',
        });
    });
});

describe('core: VendorHttpClient over loopback', () => {
    const SECRET = 'super-secret-key-123';
    let server: StandInServer;
    let answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> }>;
    let seen: Array<{ at: number; headers: Record<string, unknown> }>;
    let url: string;

    beforeEach(async () => {
        answers = [];
        seen = [];
        server = new StandInServer((request) => {
            seen.push({ at: Date.now(), headers: request.headers });
            return answers.shift() ?? { status: 200, body: { ok: true } };
        });
        url = `${await server.start()}/thing`;
    });
    afterEach(() => server.stop());

    const client = (extra: Partial<ConstructorParameters<typeof VendorHttpClient>[0]> = {}) =>
        new VendorHttpClient({ vendor: 'test', logger: silentLogger, retry: { baseDelayMs: 10, maxDelayMs: 20 }, secrets: () => [SECRET], ...extra });

    it('retries 503 and 429 (honouring Retry-After), then succeeds', async () => {
        answers.push({ status: 503 }, { status: 429, headers: { 'retry-after': '1' } });
        const response = await client().send({ operation: 'doThing', method: 'POST', url, body: { a: 1 } });
        expect(response.status).to.equal(200);
        expect(response.body).to.deep.equal({ ok: true });
        expect(seen).to.have.length(3);
        expect(seen[2].at - seen[1].at).to.be.at.least(950);
    });

    it('does not retry other 4xx, and names operation, status and vendor code, never the secret', async () => {
        answers.push({ status: 400, body: { message: `key ${SECRET} is not allowed`, errors: [{ code: 'invalid_parameter' }] } });
        let error: VendorApiError | undefined;
        await client()
            .send({ operation: 'doThing', method: 'POST', url, headers: { 'x-api-key': SECRET } })
            .catch((e) => {
                error = e;
            });
        expect(error).to.be.instanceOf(VendorApiError);
        expect(error!.message).to.equal('test doThing failed with HTTP 400 (invalid_parameter): key *** is not allowed');
        expect(error!.status).to.equal(400);
        expect(error!.vendorCode).to.equal('invalid_parameter');
        expect(seen).to.have.length(1);
        expect(seen[0].headers['x-api-key']).to.equal(SECRET);
    });

    it('gives up after maxAttempts and says how many were made', async () => {
        answers.push({ status: 500 }, { status: 502 }, { status: 504 });
        let error: VendorApiError | undefined;
        await client({ retry: { maxAttempts: 3, baseDelayMs: 5 } })
            .send({ operation: 'doThing', method: 'GET', url })
            .catch((e) => {
                error = e;
            });
        expect(error!.message).to.equal('test doThing failed with HTTP 504 after 3 attempts');
        expect(error!.attempts).to.equal(3);
    });

    it('fails at once when Retry-After is longer than allowed', async () => {
        answers.push({ status: 429, headers: { 'retry-after': '3600' } });
        let error: VendorApiError | undefined;
        await client()
            .send({ operation: 'doThing', method: 'GET', url })
            .catch((e) => {
                error = e;
            });
        expect(error!.message).to.match(/HTTP 429: Retry-After of 3600000 ms is longer than the 30000 ms allowed/);
        expect(seen).to.have.length(1);
    });

    it('retries network errors and reports them without a status', async () => {
        await server.stop();
        let error: VendorApiError | undefined;
        await client({ retry: { maxAttempts: 2, baseDelayMs: 5 } })
            .send({ operation: 'doThing', method: 'GET', url })
            .catch((e) => {
                error = e;
            });
        expect(error).to.be.instanceOf(VendorApiError);
        expect(error!.status).to.equal(undefined);
        expect(error!.message).to.match(/^test doThing failed: ECONNREFUSED/);
        expect(error!.message).to.match(/after 2 attempts$/);
    });

    it('refreshes credentials once on 401 and repeats the call with fresh headers', async () => {
        answers.push({ status: 401 });
        let token = 'old';
        const response = await client().send({
            operation: 'doThing',
            method: 'GET',
            url,
            headers: () => ({ authorization: token }),
            onUnauthorized: async () => {
                token = 'new';
            },
        });
        expect(response.status).to.equal(200);
        expect(seen.map((s) => s.headers.authorization)).to.deep.equal(['old', 'new']);
    });
});

describe('core: Adaptive Card validation (adaptivecards package)', () => {
    it('accepts a valid card and reports the problems of invalid ones', () => {
        expect(findAdaptiveCardProblems({ type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: 'hi' }] })).to.deep.equal([]);
        expect(findAdaptiveCardProblems(null)).to.deep.equal(['the card content must be a JSON object']);
        expect(findAdaptiveCardProblems({ type: 'AdaptiveCard', body: 'x' })).to.deep.equal(['"body" must be an array']);
        expect(findAdaptiveCardProblems({ type: 'AdaptiveCard', version: '1.3', body: [{ type: 'Bogus' }] })[0]).to.match(/Unknown element type "Bogus"/);
        expect(findAdaptiveCardProblems({ type: 'AdaptiveCard', version: '9.0', body: [] })[0]).to.match(/version \(9.0\) is not supported/);
    });
});
