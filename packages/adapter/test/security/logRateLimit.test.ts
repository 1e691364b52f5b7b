/**
 * Log amplification: a flood of webhooks must not become a flood of log lines. Per window, at most `maxRepeats`
 * lines of one kind (the same text but for ids, numbers and quoted parts), the first ones, then one summary line.
 */
import { expect } from 'chai';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { RateLimitedLogger, lineKind } from '../../src/core/rateLimitedLogger';
import { ConfigurationError } from '../../src/core/errors';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestAdapter } from '../hosts';

const API_KEY = 'log-test-key-41aa';
const host = hosts[0];

describe('log rate limiting: RateLimitedLogger', () => {
    it('1,000 warnings of one kind write the first 10, then one line saying how many were left out', async () => {
        const inner = capturingLogger();
        const logger = new RateLimitedLogger(inner, { maxRepeats: 10, windowMs: 200 });
        for (let i = 0; i < 1000; i++) logger.warn(`liveperson: ignored a change of conversation conv-${i} (sequence ${i})`, { i });
        expect(inner.lines).to.have.length(10);
        expect(inner.lines[0]).to.equal('warn liveperson: ignored a change of conversation conv-0 (sequence 0) {"i":0}');
        expect(inner.lines[9]).to.equal('warn liveperson: ignored a change of conversation conv-9 (sequence 9) {"i":9}');
        await waitUntil(() => inner.lines.length === 11, 2000);
        expect(inner.lines[10]).to.equal(
            'warn liveperson: ignored a change of conversation conv-999 (sequence 999) (lines like this repeated 990 more times within 0.2 s, not logged) '
        );
        await new Promise((resolve) => setTimeout(resolve, 250));
        expect(inner.lines).to.have.length(11); // ≤ N + 1
        // A new window writes again.
        logger.warn('liveperson: ignored a change of conversation conv-1000 (sequence 1000)');
        expect(inner.lines).to.have.length(12);
    });

    it('never hides the first line of another kind or level, even in the middle of a flood', () => {
        const inner = capturingLogger();
        const logger = new RateLimitedLogger(inner, { maxRepeats: 2, windowMs: 60_000 });
        for (let i = 0; i < 100; i++) {
            logger.warn(`8x8 webhook refused with 401: signature of event e${i} does not verify`);
            if (i === 50) logger.warn('8x8 webhook refused with 400: Invalid 8x8 webhook: data.text: Expected string.');
            if (i === 60) logger.error(`8x8 webhook refused with 401: signature of event e${i} does not verify`);
        }
        expect(inner.lines.map((l) => l.trim())).to.deep.equal([
            'warn 8x8 webhook refused with 401: signature of event e0 does not verify',
            'warn 8x8 webhook refused with 401: signature of event e1 does not verify',
            'warn 8x8 webhook refused with 400: Invalid 8x8 webhook: data.text: Expected string.',
            'error 8x8 webhook refused with 401: signature of event e60 does not verify',
        ]);
        logger.flush();
        expect(inner.lines[4].trim()).to.equal(
            'warn 8x8 webhook refused with 401: signature of event e99 does not verify (lines like this repeated 98 more times within 60 s, not logged)'
        );
        expect(inner.lines).to.have.length(5);
    });

    it('tells lines apart by their text without ids, numbers and quoted parts', () => {
        expect(lineKind('8x8: event 7f3a of conversation c-12 dropped')).to.equal(lineKind('8x8: event 9b21 of conversation c-40 dropped'));
        expect(lineKind('8x8: ignored a webhook of unknown type "NEW_THING".')).to.equal(lineKind('8x8: ignored a webhook of unknown type "OTHER".'));
        expect(lineKind('8x8: event 7f3a dropped')).not.to.equal(lineKind('8x8: event 7f3a kept'));
    });

    it('a flood of lines of ever new kinds is bounded too: beyond 1,000 kinds per window they share one count', () => {
        const inner = capturingLogger();
        const logger = new RateLimitedLogger(inner, { maxRepeats: 1, windowMs: 60_000 });
        const words = (i: number) => i.toString(26).replace(/\d/g, (d) => String.fromCharCode(0x61 + Number(d) + 16)); // letters only
        for (let i = 0; i < 5000; i++) logger.info(`field ${words(i)} is unknown`);
        expect(inner.lines.length).to.be.within(1000, 1001);
        logger.flush();
        expect(inner.lines[inner.lines.length - 1]).to.match(/\(lines of other kinds repeated \d+ more times within 60 s, not logged\) $/);
    });
});

describe(`log rate limiting over loopback: a flood of webhooks (${host.name})`, function () {
    this.timeout(20000);
    let sandbox: EightByEightSandbox;
    let adapter: TestAdapter;
    let closeServer: () => Promise<void>;

    afterEach(async () => {
        await closeServer?.();
        await adapter?.close();
        await sandbox?.stop();
    });

    it('150 webhooks of unknown types log 10 lines, one summary, and the first line of another kind', async () => {
        sandbox = new EightByEightSandbox({ apiKey: API_KEY });
        const baseUrl = await sandbox.start();
        const logger = capturingLogger();
        adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, logRateLimit: { maxRepeats: 10, windowMs: 2500 } });
        const server = await listen((req, res) => void adapter.process(req, res, async () => undefined));
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;

        const started = Date.now();
        for (let i = 0; i < 150; i++) {
            expect((await sandbox.deliver({ eventType: `NEW_TYPE_${i}`, conversationId: `c${i}`, timestamp: Date.now() })).status).to.equal(200);
        }
        expect((await sandbox.deliver({ eventType: 'MESSAGE', conversationId: 'c1', timestamp: Date.now(), data: { text: 5 } })).status).to.equal(400);
        expect(Date.now() - started).to.be.lessThan(2500); // all in one window
        const unknown = (l: string) => l.startsWith('info 8x8: ignored a webhook of unknown type');
        expect(logger.lines.filter(unknown)).to.have.length(10);
        expect(logger.lines.filter((l) => l.startsWith('warn 8x8 webhook refused with 400'))).to.have.length(1);
        await waitUntil(() => logger.lines.filter(unknown).length === 11, 4000);
        expect(logger.lines.filter(unknown)[10]).to.equal(
            'info 8x8: ignored a webhook of unknown type "NEW_TYPE_149". (lines like this repeated 140 more times within 2.5 s, not logged) '
        );
    });

    it('logRateLimit: false writes every line; a wrong logRateLimit is a ConfigurationError naming it', async () => {
        sandbox = new EightByEightSandbox({ apiKey: API_KEY });
        const baseUrl = await sandbox.start();
        const logger = capturingLogger();
        adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, logRateLimit: false });
        const server = await listen((req, res) => void adapter.process(req, res, async () => undefined));
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
        for (let i = 0; i < 30; i++) await sandbox.deliver({ eventType: `NEW_TYPE_${i}`, conversationId: `c${i}`, timestamp: Date.now() });
        expect(logger.lines.filter((l) => l.startsWith('info 8x8: ignored a webhook of unknown type'))).to.have.length(30);

        const wrong = (logRateLimit: unknown) => () => new host.EightByEightAdapter({ apiKey: API_KEY, logRateLimit } as never);
        expect(wrong('often')).to.throw(ConfigurationError, 'EightByEightAdapter: option "logRateLimit" must be false or { maxRepeats?, windowMs? }.');
        expect(wrong({ maxRepeats: 0 })).to.throw(ConfigurationError, 'EightByEightAdapter: option "logRateLimit.maxRepeats" must be a positive integer.');
    });
});
