/**
 * What an operator sees: the `metrics` option (webhooks by status and duration, events by outcome, duplicates),
 * `openTelemetryMetrics` on an OpenTelemetry-shaped meter, and `connector.stats()` (inbox depth, dead letters).
 */
import { expect } from 'chai';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../src/core/activity';
import { pinoLogger, type Logger } from '../src/core/logger';
import { openTelemetryMetrics, type ContactCenterMetrics, type MetricAttributes } from '../src/core/metrics';
import { capturingLogger, listen } from './helpers';
import { hosts, type TestContext } from './hosts';

const host = hosts[0];

/** A metrics sink that sums counters and keeps measurements, by name and attributes. */
function recordingMetrics(): ContactCenterMetrics & { counts: Record<string, number>; durations: Record<string, number[]> } {
    const key = (name: string, attributes: MetricAttributes) =>
        `${name}{${Object.entries(attributes)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}}`;
    const counts: Record<string, number> = {};
    const durations: Record<string, number[]> = {};
    return {
        counts,
        durations,
        count: (name, value, attributes) => void (counts[key(name, attributes)] = (counts[key(name, attributes)] ?? 0) + value),
        record: (name, value, attributes) => void (durations[key(name, attributes)] ??= []).push(value),
    };
}

describe(`observability: metrics and inbox stats, 8x8 (${host.name})`, function () {
    this.timeout(15000);
    let sandbox: EightByEightSandbox;
    let adapter: InstanceType<typeof host.EightByEightAdapter> & { connector: { stats(): Promise<Record<string, number>> } };
    let closeServer: () => Promise<void>;
    let metrics: ReturnType<typeof recordingMetrics>;

    beforeEach(async () => {
        sandbox = new EightByEightSandbox();
        const baseUrl = await sandbox.start();
        metrics = recordingMetrics();
        adapter = new host.EightByEightAdapter({
            apiKey: sandbox.apiKey,
            baseUrl,
            logger: capturingLogger(),
            metrics,
            inbox: { maxAttempts: 2 },
        }) as typeof adapter;
        let failNext = false;
        const server = await listen((req, res) => {
            void adapter.process(req, res, async (context: TestContext) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                if (context.activity.text === 'fail always') throw new Error('database down');
                if (context.activity.text === 'fail once' && (failNext = !failNext)) throw new Error('database blip');
                await context.sendActivity(`Echo: ${context.activity.text}`);
            });
        });
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
    });

    afterEach(async () => {
        await closeServer?.();
        await adapter?.close();
        await sandbox?.stop();
    });

    it('counts webhooks by status, events by outcome and duplicates, with durations', async () => {
        const id = await sandbox.startConversation();
        const hello = await sandbox.customerSays(id, 'hello');
        await sandbox.customerSays(id, 'hello', { eventId: hello.eventId, retry: 1 });
        await sandbox.customerSays(id, 'fail once');
        await sandbox.customerSays(id, 'fail always');
        const forged = await fetch(sandbox.webhookUrl!, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
        expect(forged.status).to.equal(401);

        expect(metrics.counts).to.deep.include({
            // The conversation's start, hello twice, the two failing texts, and 8x8's echoes of the bot's two replies.
            'contact_center.webhooks{vendor=8x8,status=200}': 7,
            'contact_center.webhooks{vendor=8x8,status=401}': 1,
            'contact_center.events.duplicate{vendor=8x8}': 1,
            // The start, hello and "fail once" (its second run); the echoes are dropped before the inbox.
            'contact_center.events{vendor=8x8,outcome=completed}': 3,
            'contact_center.events{vendor=8x8,outcome=retried}': 2, // fail once, fail always (1st run)
            'contact_center.events{vendor=8x8,outcome=dead_lettered}': 1, // fail always (2nd run)
            // Vendor calls by operation and status: the two echoes, and the one signing-key fetch.
            'contact_center.vendor_calls{vendor=8x8,operation=sendMessage,status=202}': 2,
            'contact_center.vendor_calls{vendor=8x8,operation=getJwkPublicKey,status=200}': 1,
        });
        expect(metrics.durations['contact_center.webhook.duration{vendor=8x8,status=200}']).to.have.length(7);
        expect(metrics.durations['contact_center.event.duration{vendor=8x8,outcome=completed}']).to.have.length(3);
        expect(await adapter.connector.stats()).to.deep.equal({ pending: 0, conversations: 0, deadLettered: 1, running: 0 });
    });

    it('a metrics sink that throws does not break a webhook, and is reported once', async () => {
        await adapter.close();
        const logger = capturingLogger();
        adapter = new host.EightByEightAdapter({
            apiKey: sandbox.apiKey,
            baseUrl: sandbox.url,
            logger,
            metrics: {
                count: () => {
                    throw new Error('sink down');
                },
                record: () => undefined,
            },
        }) as typeof adapter;
        const id = await sandbox.startConversation();
        expect((await sandbox.customerSays(id, 'one')).status).to.equal(200);
        expect((await sandbox.customerSays(id, 'two')).status).to.equal(200);
        expect(logger.lines.filter((line) => line.includes('metrics: the sink threw'))).to.have.length(1);
    });
});

describe(`observability: structured log lines, 8x8 (${host.name})`, function () {
    this.timeout(15000);

    it('every line about an event carries its fields last; pinoLogger gives them to pino first', async () => {
        const sandbox = new EightByEightSandbox();
        const baseUrl = await sandbox.start();
        const lines: Array<{ level: string; message: string; fields: unknown }> = [];
        const pinoCalls: unknown[][] = [];
        const pino = pinoLogger({
            debug: (...args: unknown[]) => void pinoCalls.push(['debug', ...args]),
            info: (...args: unknown[]) => void pinoCalls.push(['info', ...args]),
            warn: (...args: unknown[]) => void pinoCalls.push(['warn', ...args]),
            error: (...args: unknown[]) => void pinoCalls.push(['error', ...args]),
        });
        const record =
            (level: keyof Logger) =>
            (message: string, ...meta: unknown[]) => {
                lines.push({ level, message, fields: meta[meta.length - 1] });
                pino[level](message, ...meta);
            };
        const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
        const adapter = new host.EightByEightAdapter({ apiKey: sandbox.apiKey, baseUrl, logger, logRateLimit: false, inbox: { maxAttempts: 2 } });
        const server = await listen((req, res) => {
            void adapter.process(req, res, async (context: TestContext) => {
                if (context.activity.type === ActivityTypes.Message) throw new Error('database down');
            });
        });
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
        try {
            const id = await sandbox.startConversation();
            const said = await sandbox.customerSays(id, 'hello');
            const failures = lines.filter((line) => line.message.includes('database down'));
            expect(failures.map((line) => [line.level, (line.fields as { outcome: string }).outcome])).to.deep.equal([
                ['warn', 'retried'],
                ['error', 'dead_lettered'],
            ]);
            expect(failures[1].fields).to.deep.include({ vendor: '8x8', eventId: said.eventId, conversationId: id, attempts: 2 });
            expect((failures[1].fields as { durationMs: number }).durationMs).to.be.a('number');
            const completed = lines.find((line) => line.level === 'debug' && line.message.endsWith('completed'));
            expect(completed?.fields).to.deep.include({ vendor: '8x8', conversationId: id, outcome: 'completed' });
            const pinoError = pinoCalls.find(([level]) => level === 'error')!;
            expect(pinoError[1]).to.deep.include({ outcome: 'dead_lettered', eventId: said.eventId });
            expect(pinoError[2]).to.be.a('string').and.include('dead-lettered after 2 attempts');
        } finally {
            await server.close();
            await adapter.close();
            await sandbox.stop();
        }
    });
});

describe('openTelemetryMetrics', () => {
    it('creates each instrument once on an OpenTelemetry-shaped meter and passes values and attributes', () => {
        const created: string[] = [];
        const calls: unknown[] = [];
        const meter = {
            createCounter: (name: string) => (
                created.push(`counter ${name}`),
                { add: (value: number, attributes?: MetricAttributes) => calls.push([name, value, attributes]) }
            ),
            createHistogram: (name: string, options?: { unit?: string }) => (
                created.push(`histogram ${name} ${options?.unit}`),
                { record: (value: number, attributes?: MetricAttributes) => calls.push([name, value, attributes]) }
            ),
        };
        const metrics = openTelemetryMetrics(meter);
        metrics.count('contact_center.webhooks', 1, { vendor: '8x8', status: 200 });
        metrics.count('contact_center.webhooks', 1, { vendor: '8x8', status: 401 });
        metrics.record('contact_center.webhook.duration', 3.5, { vendor: '8x8', status: 200 });
        expect(created).to.deep.equal(['counter contact_center.webhooks', 'histogram contact_center.webhook.duration ms']);
        expect(calls).to.deep.equal([
            ['contact_center.webhooks', 1, { vendor: '8x8', status: 200 }],
            ['contact_center.webhooks', 1, { vendor: '8x8', status: 401 }],
            ['contact_center.webhook.duration', 3.5, { vendor: '8x8', status: 200 }],
        ]);
    });
});
