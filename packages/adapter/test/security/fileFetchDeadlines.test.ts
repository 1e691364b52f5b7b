/**
 * File fetches are bounded like vendor calls: the file a bot attaches by URL (both vendors) and the LivePerson upload to
 * the file storage each have one deadline for connection, headers and whole body (`requestTimeoutMs`), the upload's
 * retries fit in `retry.budgetMs`, and the size cap is enforced while the body streams in. Over loopback against file
 * servers that trickle a byte at a time (each byte well within any per-chunk timeout), hang after their headers or
 * before them, or send an endless body; errors name the host, never the path or the query of a pre-signed URL.
 */
import { expect } from 'chai';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import { ActivityMappingError, VendorApiError } from '../../src/core/errors';
import { readContentUrl } from '../../src/core/fileContent';
import type { EightByEightAdapterOptions } from '../../src/eightbyeight/options';
import type { LivePersonAdapterOptions } from '../../src/liveperson/options';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestAdapter, type TestContext, type TestLivePersonAdapter } from '../hosts';

const API_KEY = 'file-deadline-key-9c41';
const SECRET = 'file-deadline-secret-3e8a';
/** The query of a pre-signed URL: must appear in no error and no log line. */
const PRESIGNED = 'X-Amz-Credential=AKIAFILEDEADLINE&X-Amz-Signature=f1e2d3c4b5a6978812345678';
const host = hosts[0];

/** Body chunks of the endless file: this many bytes, one every {@link CHUNK_PAUSE_MS}. */
const CHUNK = 64 * 1024;
const CHUNK_PAUSE_MS = 5;

/**
 * A file server gone bad, and how many body bytes it wrote per path before the client went away. As a file storage
 * (LivePerson's `swiftUrl`), it takes every PUT and answers its 201 one byte every 20 ms.
 */
async function badFileServer() {
    const written: Record<string, number> = {};
    const puts: Array<{ path: string; query: string }> = [];
    const endless = (res: ServerResponse, path: string) => {
        written[path] = 0;
        const chunk = Buffer.alloc(CHUNK, 0x61);
        const next = () => {
            if (res.destroyed) return;
            res.write(chunk);
            written[path] += CHUNK;
            setTimeout(next, CHUNK_PAUSE_MS);
        };
        next();
    };
    const server = await listen((req: IncomingMessage, res: ServerResponse) => {
        const { pathname: path, search } = new URL(req.url ?? '/', 'http://x');
        if (req.method === 'PUT') {
            puts.push({ path, query: search });
            req.resume();
            req.on('end', () => trickle(res, 201, 20));
            return;
        }
        switch (path) {
            case '/trickle.png':
                // Headers at once, then one byte every 50 ms for ever: each byte far within undici's per-chunk body timeout.
                return trickle(res, 200, 50);
            case '/headers-then-nothing.png':
                res.writeHead(200, { 'content-type': 'image/png' });
                res.flushHeaders();
                return;
            case '/no-answer.png':
                return;
            case '/endless.png':
                res.writeHead(200, { 'content-type': 'image/png' });
                return endless(res, path);
            case '/declared-huge.png':
                res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(50 * 1024 * 1024) });
                return endless(res, path);
            default:
                res.writeHead(404).end();
        }
    });
    return { ...server, written, puts, host: new URL(server.url).host, fileUrl: (path: string) => `${server.url}${path}?${PRESIGNED}` };
}

/** Answers `status` at once, then one byte of body every `intervalMs` until the client goes. */
function trickle(res: ServerResponse, status: number, intervalMs: number): void {
    res.writeHead(status, { 'content-type': 'image/png' });
    res.flushHeaders();
    const timer = setInterval(() => res.write('x'), intervalMs);
    res.on('close', () => clearInterval(timer));
}

/** What the bot saw of its own send: the error and how long the send took. */
interface SendOutcome {
    error: unknown;
    elapsedMs: number;
}

/** Sends `activity`, recording how it went. */
async function sendRecording(context: TestContext, activity: Record<string, unknown>, outcomes: SendOutcome[]): Promise<void> {
    const started = Date.now();
    try {
        await context.sendActivity({ type: ActivityTypes.Message, ...activity });
        outcomes.push({ error: undefined, elapsedMs: Date.now() - started });
    } catch (error) {
        outcomes.push({ error, elapsedMs: Date.now() - started });
    }
}

/** Closes what a test started, in order; then no log line may show a secret, a pre-signed URL's query or `forbidden`. */
async function tearDown(
    closers: Array<(() => Promise<unknown>) | undefined>,
    logger: { lines: string[] } | undefined,
    forbidden: Array<string | RegExp>
): Promise<void> {
    for (const close of closers) await close?.();
    for (const line of logger?.lines ?? []) {
        for (const pattern of ['X-Amz-Signature', ...forbidden]) expect(line).not.to.match(typeof pattern === 'string' ? new RegExp(pattern) : pattern);
    }
}

describe('file fetches: one deadline over connection, headers and body; the size cap while streaming (readContentUrl)', function () {
    this.timeout(10000);
    let files: Awaited<ReturnType<typeof badFileServer>>;

    beforeEach(async () => {
        files = await badFileServer();
    });

    afterEach(async () => {
        await files.close();
    });

    /** How long readContentUrl took to fail, and with what. */
    async function failure(url: string, maxBytes: number, deadlineMs: number): Promise<{ error: Error; elapsedMs: number }> {
        const started = Date.now();
        const error = await readContentUrl(url, maxBytes, deadlineMs).then(
            () => expect.fail('the fetch succeeded'),
            (err: Error) => err
        );
        return { error, elapsedMs: Date.now() - started };
    }

    for (const [path, what] of [
        ['/trickle.png', 'trickles one byte every 50 ms'],
        ['/headers-then-nothing.png', 'hangs after its headers'],
        ['/no-answer.png', 'never answers'],
    ]) {
        it(`a file server that ${what} is cut off at the deadline, the error naming its host only`, async () => {
            const { error, elapsedMs } = await failure(files.fileUrl(path), 1_000_000, 500);
            console.log(`      ${path}: cut off after ${elapsedMs} ms (deadline 500 ms)`);
            expect(error).to.be.instanceOf(ActivityMappingError);
            expect(error.message).to.equal(`The attachment at ${files.host} could not be fetched: DEADLINE_EXCEEDED no complete answer within 500 ms`);
            // The deadlines of one 100 ms window share a timer: never early, at most a window late (asserted: +1 s).
            expect(elapsedMs).to.be.within(500 - 10, 500 + 1000);
        });
    }

    it('an endless body is refused once the bytes read pass the cap: the connection is closed, the rest never read', async () => {
        const cap = 1_000_000;
        const { error, elapsedMs } = await failure(files.fileUrl('/endless.png'), cap, 5000);
        expect(error).to.be.instanceOf(ActivityMappingError);
        expect(error.message).to.equal(`The attachment at ${files.host} is over the ${cap}-byte limit.`);
        await waitUntil(() => files.written['/endless.png'] !== undefined);
        // Let the server see the connection go.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const written = files.written['/endless.png'];
        console.log(`      /endless.png: refused after ${elapsedMs} ms; the server wrote ${written} bytes (cap ${cap}, chunks of ${CHUNK})`);
        // The client reads at most the cap plus the chunk that crossed it; one more chunk may have been on its way.
        expect(written).to.be.within(cap, cap + 2 * CHUNK);
        expect(elapsedMs).to.be.lessThan(2000);
    });

    it('a body whose content-length is over the cap is refused on its headers, before the body is read', async () => {
        const { error, elapsedMs } = await failure(files.fileUrl('/declared-huge.png'), 1_000_000, 5000);
        expect(error).to.be.instanceOf(ActivityMappingError);
        expect(error.message).to.equal(`The attachment at ${files.host} is over the 1000000-byte limit.`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        const written = files.written['/declared-huge.png'];
        console.log(`      /declared-huge.png (50 MB declared): refused after ${elapsedMs} ms; the server wrote ${written} bytes`);
        expect(written).to.be.at.most(2 * CHUNK);
    });

    it('a network error names the host and its code, not the path or the query', async () => {
        const port = new URL(files.url).port;
        await files.close();
        const { error } = await failure(files.fileUrl('/gone.png'), 1000, 500);
        expect(error).to.be.instanceOf(ActivityMappingError);
        expect(error.message).to.match(new RegExp(`^The attachment at 127\\.0\\.0\\.1:${port} could not be fetched: ECONNREFUSED`));
        expect(error.message).not.to.include('gone.png');
        expect(error.message).not.to.include('X-Amz');
    });
});

describe(`file fetches of the 8x8 adapter: within requestTimeoutMs (${host.name})`, function () {
    this.timeout(15000);
    let sandbox: EightByEightSandbox;
    let adapter: TestAdapter;
    let logger: ReturnType<typeof capturingLogger>;
    let outcomes: SendOutcome[];
    let files: Awaited<ReturnType<typeof badFileServer>>;
    let closeServer: () => Promise<void>;

    async function setup(options: Partial<EightByEightAdapterOptions>) {
        sandbox = new EightByEightSandbox({ apiKey: API_KEY });
        const baseUrl = await sandbox.start();
        logger = capturingLogger();
        files = await badFileServer();
        adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, ...options });
        outcomes = [];
        const server = await listen(
            (req, res) =>
                void adapter.process(req, res, async (context) => {
                    if (context.activity.type !== ActivityTypes.Message) return;
                    const path = String(context.activity.text);
                    await sendRecording(context, { attachments: [{ contentType: 'image/png', contentUrl: files.fileUrl(path), name: 'photo.png' }] }, outcomes);
                })
        );
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
    }

    afterEach(() => tearDown([closeServer, () => adapter?.close(), () => sandbox?.stop(), () => files?.close()], logger, [API_KEY]));

    it('a trickled file fails the send at requestTimeoutMs with an ActivityMappingError naming the host; nothing is uploaded', async () => {
        await setup({ requestTimeoutMs: 600 });
        const id = sandbox.addConversation('file-trickle').id;
        const mark = sandbox.recorder.mark();
        expect((await sandbox.customerSays(id, '/trickle.png')).status).to.be.within(200, 299);
        await waitUntil(() => outcomes.length === 1, 5000);
        const [{ error, elapsedMs }] = outcomes;
        console.log(`      8x8, trickled file: the send failed after ${elapsedMs} ms (requestTimeoutMs 600)`);
        expect(error).to.be.instanceOf(ActivityMappingError);
        expect((error as Error).message).to.equal(`The attachment at ${files.host} could not be fetched: DEADLINE_EXCEEDED no complete answer within 600 ms`);
        // Before: 10 s, whatever requestTimeoutMs said, and for ever for a trickle.
        expect(elapsedMs).to.be.within(600 - 10, 600 + 1000);
        expect(sandbox.recorder.find((r) => r.path.endsWith('/attachments') || r.path.endsWith('/messages'), mark)).to.deep.equal([]);
    });

    it('the fetch ends within retry.budgetMs when that is shorter than requestTimeoutMs', async () => {
        await setup({ requestTimeoutMs: 5000, retry: { budgetMs: 400 } });
        const id = sandbox.addConversation('file-budget').id;
        await sandbox.customerSays(id, '/headers-then-nothing.png');
        await waitUntil(() => outcomes.length === 1, 5000);
        const [{ error, elapsedMs }] = outcomes;
        expect((error as Error).message).to.equal(`The attachment at ${files.host} could not be fetched: DEADLINE_EXCEEDED no complete answer within 400 ms`);
        expect(elapsedMs).to.be.within(400 - 10, 400 + 1000);
    });
});

describe(`file fetches and uploads of the LivePerson adapter: deadline and budget (${host.name})`, function () {
    this.timeout(15000);
    let sandbox: LivePersonSandbox;
    let adapter: TestLivePersonAdapter;
    let logger: ReturnType<typeof capturingLogger>;
    let files: Awaited<ReturnType<typeof badFileServer>>;
    let closeServer: () => Promise<void>;

    /** The stand-in, the adapter on loopback, a conversation it opened; resolves with the conversation id. */
    async function setup(options: Partial<LivePersonAdapterOptions>, storageIsBad = false): Promise<string> {
        sandbox = new LivePersonSandbox({ clientSecret: SECRET });
        const csdsUrl = await sandbox.start();
        logger = capturingLogger();
        files = await badFileServer();
        adapter = new host.LivePersonAdapter({
            accountId: sandbox.accountId,
            clientId: sandbox.clientId,
            clientSecret: SECRET,
            csdsUrl,
            logger,
            sendReadReceipts: false,
            ...(storageIsBad ? { swiftUrl: files.url } : {}),
            ...options,
        });
        const server = await listen((req, res) => void adapter.process(req, res, async () => undefined));
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
        const reference = await adapter.openConversation({ consumerId: 'file-deadlines' });
        return reference.conversation!.id;
    }

    /** The bot sends `activity` into the conversation (proactively); resolves with how it went. */
    async function botSends(id: string, activity: Record<string, unknown>): Promise<SendOutcome> {
        const outcomes: SendOutcome[] = [];
        await host.continueConversation(adapter, adapter.reference(id), (context) => sendRecording(context, activity, outcomes));
        return outcomes[0];
    }

    afterEach(() => tearDown([closeServer, () => adapter?.close(), () => sandbox?.stop(), () => files?.close()], logger, [SECRET, /temp_url_sig=(?!\*\*\*)/]));

    it("the bot's image URL trickles: the send fails at requestTimeoutMs, before any call to LivePerson", async () => {
        const id = await setup({ requestTimeoutMs: 500 });
        const mark = sandbox.recorder.mark();
        const { error, elapsedMs } = await botSends(id, { attachments: [{ contentType: 'image/png', contentUrl: files.fileUrl('/trickle.png') }] });
        console.log(`      LivePerson, trickled image: the send failed after ${elapsedMs} ms (requestTimeoutMs 500)`);
        expect(error).to.be.instanceOf(ActivityMappingError);
        expect((error as Error).message).to.equal(
            `LivePerson: attachment 0 cannot be shared: The attachment at ${files.host} could not be fetched: DEADLINE_EXCEEDED no complete answer within 500 ms.`
        );
        expect(elapsedMs).to.be.within(500 - 10, 500 + 1000);
        expect(sandbox.recorder.find(() => true, mark)).to.deep.equal([]);
    });

    it('the upload to the file storage trickles: each attempt is cut at requestTimeoutMs, all of them end at retry.budgetMs', async () => {
        const budgetMs = 1000;
        // The file storage takes the bytes, then answers its 201 one byte every 20 ms, for ever.
        const id = await setup({ requestTimeoutMs: 300, retry: { maxAttempts: 10, baseDelayMs: 10, maxDelayMs: 20, budgetMs } }, true);
        const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
        const { error, elapsedMs } = await botSends(id, {
            attachments: [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${png.toString('base64')}` }],
        });
        const puts = files.puts;
        expect(puts[0].query).to.match(/temp_url_sig=\w+/);
        console.log(
            `      LivePerson, trickled upload: the send failed after ${elapsedMs} ms, ${puts.length} attempts (requestTimeoutMs 300, budgetMs ${budgetMs})`
        );
        expect(error).to.be.instanceOf(VendorApiError);
        expect(error).to.deep.include({ vendor: 'liveperson', operation: 'uploadFile', status: undefined });
        const swiftHost = files.host;
        expect((error as Error).message).to.match(
            new RegExp(
                `^liveperson uploadFile failed: no time left for another attempt within the call's ${budgetMs} ms budget \\(retry\\.budgetMs\\); ` +
                    `DEADLINE_EXCEEDED no complete answer within \\d+ ms after [34] attempts \\(file storage ${swiftHost.replace(/\./g, '\\.')}\\)$`
            )
        );
        expect(elapsedMs).to.be.within(budgetMs - 100, budgetMs + 1000);
        expect(puts.length).to.be.within(3, 4);
        expect(sandbox.consumerFiles(id), 'nothing published').to.deep.equal([]);
    });
});
