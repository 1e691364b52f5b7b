'use strict';
/**
 * `npm run bench`: the webhook path — a signed vendor webhook in, a bot turn, the reply out through the vendor API —
 * measured for three contenders side by side (see sut.js): (a) this library with the echo bot, (b) a hand-written
 * node:http baseline doing the same essential work, (c) botbuilder's CloudAdapter with the same bot; and (a) once more
 * on the Microsoft 365 Agents SDK host (contender `adapter-agents`: the Agents echo bot, an AgentApplication). Load comes from
 * autocannon; the vendor side is the project's own stand-ins (standIn.js), each in its own process.
 *
 * Shapes: 1 conversation (1 connection: a vendor keeps one conversation in order), 100 conversations and 10,000
 * distinct conversations (50 connections, each conversation on one connection so "in order" is well defined).
 * Checked by the run itself: every webhook answered 2xx, each answered with exactly one reply, in order per
 * conversation; a run that breaks any of these fails loudly (exit 1) instead of printing numbers.
 * Then (a) on 8x8 once per inbox store (in-memory, SQLite, Redis; Redis with 3 instances behind a round-robin proxy)
 * and each store's own cost per webhook (storeCost.js).
 * Writes docs/benchmarks.md. Options: --quick (smaller amounts, a smoke test), --profile (CPU profiles of (a) into
 * bench/profiles/), --stores (only the inbox-store rows, printed).
 */
const { fork } = require('node:child_process');
const { generateKeyPairSync, createHmac, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const autocannon = require('autocannon');

const QUICK = process.argv.includes('--quick');
const PROFILE = process.argv.includes('--profile');
/** `--stores`: only the inbox-store rows (printed, docs/benchmarks.md left as it is). */
const ONLY_STORES = process.argv.includes('--stores');
const ROOT = path.join(__dirname, '..');
const SHAPES = QUICK
    ? [
          { name: '1 conversation', conversations: 1, perConversation: 300, connections: 1 },
          { name: '100 conversations', conversations: 100, perConversation: 10, connections: 50 },
          { name: '10,000 conversations', conversations: 1000, perConversation: 1, connections: 50 },
      ]
    : [
          { name: '1 conversation', conversations: 1, perConversation: 2000, connections: 1 },
          { name: '100 conversations', conversations: 100, perConversation: 40, connections: 50 },
          { name: '10,000 conversations', conversations: 10000, perConversation: 1, connections: 50 },
      ];
/**
 * Run unmeasured by every contender before its measured run, on conversations of its own: the measured runs compare
 * steady states, not how long each contender's code takes to be optimised by V8 (which dominated the short
 * 1-conversation run when it started cold).
 */
const WARM_UP = { name: 'warm-up', conversations: 20, perConversation: 15, connections: 10 };
/**
 * What (a) keeps per conversation of the 10,000-conversation shape (one message each), in its Storage and in its
 * de-duplication store alike. 8x8: the conversation record; the message's event id. LivePerson: the record and the
 * consumer's ConsumerJWS; the message's and the "conversation created" notification's keys.
 */
const STATE_ITEMS_PER_CONVERSATION = { '8x8': 1, liveperson: 2 };
const TENANT = 'sandbox-tenant';
const CUSTOMER = 'sandbox-customer';

// ---- child processes ---------------------------------------------------------------------------------------------

function start(script, args, execArgv = []) {
    const child = fork(path.join(__dirname, script), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pending = new Map();
    let ids = 0;
    let onReady;
    let isReady = false;
    const ready = new Promise((resolve, reject) => {
        onReady = (message) => {
            isReady = true;
            resolve(message);
        };
        child.once('exit', (code) => {
            if (!isReady) reject(new Error(`${script} ${args.slice(0, 2).join(' ')} exited with ${code} before it was ready`));
            for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited with ${code}`));
        });
    });
    ready.catch(() => undefined); // awaited by the callers that need it
    child.on('message', (message) => {
        if (message.ready) return onReady(message);
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.error) waiter.reject(new Error(message.error));
        else waiter.resolve(message.result);
    });
    return {
        child,
        ready,
        call(cmd, payload = {}) {
            const id = ids++;
            return new Promise((resolve, reject) => {
                pending.set(id, { resolve, reject });
                child.send({ id, cmd, ...payload });
            });
        },
        stop() {
            return new Promise((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once('exit', () => resolve());
                child.kill('SIGTERM');
            });
        },
    };
}

async function startStandIn(vendor, privateKeyPem) {
    const standIn = start('standIn.js', []);
    const info = await standIn.call('start', { vendor, privateKeyPem });
    return { ...standIn, info };
}

/**
 * Every contender runs with the same V8 heap limit, as a service in a container would: without one, V8 on this 24 GB
 * machine lets its heap grow to several times the live data under load (measured for (a): ~290 MB RSS for ~50 MB
 * live), which says more about V8's laziness than about what the process keeps.
 */
const HEAP_LIMIT_MB = 128;

/**
 * `store` (adapter only): the inbox store of the example's adapters (bench/stores.js): `{ store: 'memory' | 'sqlite' |
 * 'redis', redisUrl, sqlitePath, bounds }`; default an in-memory store with its default bounds.
 */
async function startSut(contender, vendor, standInInfo, extraExecArgv = [], store = undefined) {
    const execArgv = ['--expose-gc', `--max-old-space-size=${HEAP_LIMIT_MB}`, ...extraExecArgv];
    const args = [contender, vendor, JSON.stringify(standInInfo), ...(store === undefined ? [] : [JSON.stringify(store)])];
    const sut = start('sut.js', args, execArgv);
    const { url } = await sut.ready;
    return { ...sut, url };
}

// ---- requests ----------------------------------------------------------------------------------------------------

/** Conversation i goes on connection i % connections; each connection sends its conversations' messages in order. */
function perConnection(shape, conversationIds, build, offset = 0) {
    const lists = Array.from({ length: shape.connections }, () => []);
    for (let n = offset; n < offset + shape.perConversation; n++) {
        conversationIds.forEach((id, i) => lists[i % shape.connections].push({ conversationId: id, n }));
    }
    return lists.map((list) => list.map(build));
}

async function sign8x8(items, pem, kid) {
    const halves = [items.slice(0, Math.ceil(items.length / 2)), items.slice(Math.ceil(items.length / 2))];
    const signed = await Promise.all(
        halves.map(
            (part) =>
                new Promise((resolve, reject) => {
                    const worker = new Worker(path.join(__dirname, 'signWorker.js'), {
                        workerData: { pem, kid, items: part, tenantId: TENANT, customerId: CUSTOMER },
                    });
                    worker.once('message', resolve);
                    worker.once('error', reject);
                })
        )
    );
    return signed.flat();
}

/** 8x8 MESSAGE webhooks, signed like the stand-in signs (same key), per connection. */
async function eightByEightRequests(shape, conversationIds, key, offset = 0) {
    const lists = perConnection(shape, conversationIds, (item) => ({ ...item, eventId: randomUUID() }), offset);
    const flat = lists.flat();
    const signed = await sign8x8(flat, key.pem, key.kid);
    let k = 0;
    return lists.map((list) => list.map((item) => ({ path: '/api/8x8/webhook', conversationId: item.conversationId, ...signed[k++] })));
}

/** LivePerson ContentEvent notifications from an agent, signed with the client secret (sha1, Base64). */
function livePersonRequests(shape, conversationIds, info, offset = 0) {
    return perConnection(
        shape,
        conversationIds,
        ({ conversationId, n }) => {
            const body = JSON.stringify({
                kind: 'notification',
                body: {
                    changes: [
                        {
                            sequence: n,
                            originatorId: 'agent-1',
                            originatorMetadata: { id: 'agent-1', role: 'ASSIGNED_AGENT' },
                            serverTimestamp: Date.now(),
                            event: { type: 'ContentEvent', contentType: 'text/plain', message: `m:${conversationId}:${n}` },
                            conversationId,
                            dialogId: conversationId,
                            messageAudience: 'ALL',
                        },
                    ],
                },
                type: 'ms.MessagingEventNotification',
            });
            return {
                path: '/api/liveperson/webhook',
                conversationId,
                body,
                headers: {
                    'content-type': 'application/json',
                    'x-liveperson-account-id': info.accountId,
                    'x-liveperson-client-id': info.clientId,
                    'x-liveperson-signature': `sha1=${createHmac('sha1', info.clientSecret).update(body).digest('base64')}`,
                },
            };
        },
        offset
    );
}

/** Emulator-style activities for CloudAdapter (no auth), replying to the loopback connector. */
function cloudRequests(shape, conversationIds, connectorUrl) {
    return perConnection(shape, conversationIds, ({ conversationId, n }) => ({
        path: '/api/messages',
        conversationId,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
            type: 'message',
            id: `${conversationId}-${n}`,
            channelId: 'emulator',
            serviceUrl: connectorUrl,
            conversation: { id: conversationId },
            from: { id: `user-${conversationId}`, role: 'user' },
            recipient: { id: 'bot', role: 'bot' },
            text: `m:${conversationId}:${n}`,
            timestamp: new Date().toISOString(),
        }),
    }));
}

// ---- LivePerson setup ----------------------------------------------------------------------------------------------

async function inBatches(items, size, fn) {
    const out = [];
    for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
    return out;
}

/** (a): the adapter opens the conversations itself, through the example's endpoint. */
async function openThroughAdapter(sutUrl, consumers) {
    return inBatches(consumers, 16, async (consumerId) => {
        const response = await fetch(`${sutUrl}/api/liveperson/conversations`, {
            method: 'POST',
            // The token sut.js gives the example (its conversations route needs one with vendor variables set).
            headers: { 'content-type': 'application/json', authorization: 'Bearer bench-api-token-0123456789abcdef' },
            body: JSON.stringify({ consumerId }),
        });
        if (response.status !== 201) throw new Error(`opening a conversation answered ${response.status}: ${await response.text()}`);
        return (await response.json()).conversationId;
    });
}

/** (b): the baseline's setup, done here: AppJWT, a ConsumerJWS per consumer, CONVERSATION; tokens go to the baseline. */
async function openForBaseline(info, consumers) {
    const account = info.accountId;
    const token = await fetch(`${info.url}/sentinel/api/account/${account}/app/token?v=1.0&grant_type=client_credentials`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `client_id=${info.clientId}&client_secret=${info.clientSecret}`,
    });
    const appJwt = (await token.json()).access_token;
    const jws = {};
    const ids = await inBatches(consumers, 16, async (consumerId) => {
        const idp = await fetch(`${info.url}/api/account/${account}/consumer?v=1.0`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: appJwt },
            body: JSON.stringify({ ext_consumer_id: consumerId }),
        });
        const consumerJws = (await idp.json()).token;
        const created = await fetch(`${info.url}/api/account/${account}/messaging/consumer/conversation?v=3`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: appJwt, 'x-lp-on-behalf': consumerJws },
            body: JSON.stringify([
                { kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: {} },
                { kind: 'req', id: '2', type: 'cm.ConsumerRequestConversation', body: { brandId: account, channelType: 'MESSAGING' } },
            ]),
        });
        const conversationId = (await created.json())[1].body.conversationId;
        jws[conversationId] = consumerJws;
        return conversationId;
    });
    return { ids, tokens: { appJwt, jws } };
}

// ---- one measured run --------------------------------------------------------------------------------------------

function fire(url, lists) {
    let next = 0;
    const perConnectionCount = lists[0].length;
    const total = lists.reduce((sum, list) => sum + list.length, 0);
    // autocannon notices the end of an `amount` run on its 1-second tick; time the run from its own responses instead.
    let started;
    let finished;
    return new Promise((resolve, reject) => {
        autocannon(
            {
                url: `${url}${lists[0][0].path}`,
                method: 'POST',
                connections: lists.length,
                amount: total,
                maxConnectionRequests: perConnectionCount,
                timeout: 20,
                // One list per connection, sent in order: the next request's headers and body are set once the
                // previous one is answered (autocannon builds the next request right after its 'response' event).
                setupClient(client) {
                    const list = lists[next++];
                    let k = 0;
                    client.setHeadersAndBody(list[0].headers, list[0].body);
                    client.on('request', () => {
                        started ??= process.hrtime.bigint();
                    });
                    client.on('response', () => {
                        finished = process.hrtime.bigint();
                        k++;
                        if (k < list.length) client.setHeadersAndBody(list[k].headers, list[k].body);
                    });
                },
            },
            (err, result) => {
                if (err) return reject(err);
                const seconds = Number(finished - started) / 1e9;
                resolve({ result, seconds, total });
            }
        );
    });
}

/**
 * Open-loop load at a fixed rate (for latency at a given throughput): request i leaves at start + i / rate, whatever
 * the answers before it, over a keep-alive pool; autocannon's own rate limit sends each second's quota in a burst,
 * which measures queueing behind the burst rather than latency at that rate. Messages of one conversation stay in
 * order: at these rates they leave far more than a turn apart.
 */
async function paced(url, lists, rate) {
    const { Pool } = require('undici');
    const flat = [];
    for (let k = 0; k < lists[0].length; k++) for (const list of lists) flat.push(list[k]);
    const pool = new Pool(url, { connections: lists.length });
    const latencies = [];
    let non2xx = 0;
    let errors = 0;
    const start = process.hrtime.bigint();
    const inFlight = [];
    const lastOf = new Map();
    for (let i = 0; i < flat.length; i++) {
        const due = start + BigInt(Math.round((i * 1e9) / rate));
        // Sleep (never spin: the cores are shared with the contender) until the request is due; timers fire
        // to the millisecond, so requests leave in 1 ms batches at worst.
        while (process.hrtime.bigint() < due) await new Promise((resolve) => setTimeout(resolve, 1));
        const request = flat[i];
        // A conversation's next message leaves only once its previous one is answered (a vendor keeps a
        // conversation in order); at these rates that wait is rare. Latency counts from when the request left.
        const conversation = request.conversationId;
        let sentAt;
        const previous = lastOf.get(conversation) || Promise.resolve();
        const done = previous
            .then(() => {
                sentAt = process.hrtime.bigint();
                return pool.request({ method: 'POST', path: request.path, headers: request.headers, body: request.body });
            })
            .then(async ({ statusCode, body }) => {
                await body.dump();
                latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
                if (statusCode < 200 || statusCode >= 300) non2xx++;
            })
            .catch(() => errors++);
        lastOf.set(conversation, done);
        inFlight.push(done);
    }
    await Promise.all(inFlight);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    await pool.close();
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return {
        result: { non2xx, errors, timeouts: 0, requests: { total: latencies.length }, latency: { p50: at(0.5), p99: at(0.99) } },
        seconds,
        total: flat.length,
    };
}

async function waitForReplies(standIn, expected, timeoutMs = 30_000) {
    const until = Date.now() + timeoutMs;
    let stats = await standIn.call('stats');
    while (stats.replies < expected && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        stats = await standIn.call('stats');
    }
    return stats;
}

/**
 * Fires the requests and checks the outcome; throws (failing the bench) on any violation. `rps` is end to end: messages
 * over the time from the first webhook sent to the last reply received by the stand-in (the adapter answers a webhook
 * once it is in its inbox, before the bot runs); `ackRps` over the time until the last webhook was answered.
 */
async function measure(label, sutUrl, standIn, lists, conversationIds, overallRate) {
    await standIn.call('reset');
    const startedAt = Date.now();
    const { result, seconds, total } = overallRate ? await paced(sutUrl, lists, overallRate) : await fire(sutUrl, lists);
    const stats = await waitForReplies(standIn, total);
    const endToEnd = Math.max(seconds, (stats.lastReplyAt - startedAt) / 1000);
    const problems = [];
    if (result.non2xx > 0) problems.push(`${result.non2xx} webhooks answered non-2xx`);
    if (result.errors > 0 || result.timeouts > 0) problems.push(`${result.errors} connection errors, ${result.timeouts} timeouts`);
    if (result.requests.total !== total) problems.push(`${result.requests.total} of ${total} requests completed`);
    if (stats.replies !== total) problems.push(`${stats.replies} replies for ${total} messages`);
    if (stats.outOfOrder > 0) problems.push(`${stats.outOfOrder} replies out of order or duplicated`);
    if (stats.conversations !== conversationIds.length) problems.push(`replies in ${stats.conversations} of ${conversationIds.length} conversations`);
    if (stats.errors > 0 || stats.unexpected > 0)
        problems.push(`${stats.errors} vendor calls refused, ${stats.unexpected} unexpected replies (${stats.samples.join(' | ')})`);
    if (problems.length > 0) throw new Error(`CORRECTNESS FAILURE in ${label}: ${problems.join('; ')}. Calls seen: ${JSON.stringify(stats.calls)}`);
    const round = (ms) => Math.round(ms * 10) / 10;
    return {
        rps: total / endToEnd,
        ackRps: total / seconds,
        p50: round(result.latency.p50),
        p99: round(result.latency.p99),
        total,
        seconds: endToEnd,
        calls: stats.calls,
    };
}

// ---- the scenarios -----------------------------------------------------------------------------------------------

function conversationIdsFor(shape, prefix) {
    return Array.from({ length: shape.conversations }, (_, i) => `${prefix}-${i}`);
}

async function runVendorContender(vendor, contender, shape, key, presigned, bounds) {
    const label = `${vendor}-${contender}-${shape.conversations}${bounds === undefined ? '' : '-bounded'}`;
    const standIn = await startStandIn(vendor, key.pem);
    const sut = await startSut(contender, vendor, standIn.info, [], bounds === undefined ? undefined : { store: 'memory', bounds });
    const out = {};
    try {
        await standIn.call('webhook', { url: `${sut.url}/api/${vendor === '8x8' ? '8x8' : 'liveperson'}/webhook` });
        const pass = async (passNo, passShape = shape) => {
            let ids;
            let lists;
            if (vendor === '8x8') {
                ids = conversationIdsFor(passShape, `c${passNo}`);
                await standIn.call('addConversations', { ids });
                lists = passNo === 1 && presigned ? presigned : await eightByEightRequests(passShape, ids, key);
            } else {
                const consumers = conversationIdsFor(passShape, `consumer${passNo}`);
                if (contender.startsWith('adapter')) {
                    ids = await openThroughAdapter(sut.url, consumers);
                } else {
                    const opened = await openForBaseline(standIn.info, consumers);
                    ids = opened.ids;
                    await sut.call('tokens', { tokens: opened.tokens });
                }
                await new Promise((resolve) => setTimeout(resolve, 300)); // let the "conversation created" notifications land
                lists = livePersonRequests(passShape, ids, standIn.info);
            }
            return { ids, lists };
        };
        const warm = await pass(0, WARM_UP);
        await measure(`${label} (warm-up)`, sut.url, standIn, warm.lists, warm.ids);
        const first = await pass(1);
        const profiled = PROFILE && contender === 'adapter' && shape.conversations === 100 && bounds === undefined;
        if (profiled) await sut.call('profileStart');
        Object.assign(out, await measure(label, sut.url, standIn, first.lists, first.ids));
        if (profiled) out.cpuProfile = (await sut.call('profileStop', { file: path.join(__dirname, 'profiles', `${label}.cpuprofile`) })).file;
        out.memory1 = await sut.call('memory');
        if (contender === 'adapter' && shape.conversations >= 1000) {
            const second = await pass(2);
            await measure(`${label} (second pass)`, sut.url, standIn, second.lists, second.ids);
            out.memory2 = await sut.call('memory');
        }
        if (contender === 'adapter' && shape.conversations === 100 && bounds === undefined) {
            // Latency at half of the maximum throughput: a rate-limited run continuing the same conversations.
            const rate = Math.max(1, Math.floor(out.rps / 2));
            const offset = shape.perConversation;
            const lists =
                vendor === '8x8' ? await eightByEightRequests(shape, first.ids, key, offset) : livePersonRequests(shape, first.ids, standIn.info, offset);
            if (profiled) await sut.call('heapSampleStart');
            const halfRun = await measure(`${label} (half rate)`, sut.url, standIn, lists, first.ids, rate);
            if (profiled) out.heapProfile = (await sut.call('heapSampleStop', { file: path.join(__dirname, 'profiles', `${label}.heapprofile`) })).file;
            out.halfRate = { rate, p50: halfRun.p50, p99: halfRun.p99, rps: halfRun.rps };
        }
    } finally {
        await sut.stop();
        await standIn.stop();
    }
    return out;
}

async function runCloud(shape) {
    const standIn = await startStandIn('connector');
    const sut = await startSut('cloud', 'none', standIn.info);
    try {
        const warm = conversationIdsFor(WARM_UP, 'w');
        await measure(`cloud-${shape.conversations} (warm-up)`, sut.url, standIn, cloudRequests(WARM_UP, warm, standIn.info.url), warm);
        const ids = conversationIdsFor(shape, 'e');
        const result = await measure(`cloud-${shape.conversations}`, sut.url, standIn, cloudRequests(shape, ids, standIn.info.url), ids);
        result.memory1 = await sut.call('memory');
        return result;
    } finally {
        await sut.stop();
        await standIn.stop();
    }
}

// ---- the inbox stores ---------------------------------------------------------------------------------------------

/**
 * (a) on 8x8 with each inbox store, same shape, same run: in-memory, SQLite (a file), Redis (one instance), and Redis
 * shared by three instances behind a round-robin proxy (bench/roundRobinProxy.js, in this process).
 */
const STORE_ROWS = [
    { name: 'in-memory', store: 'memory', instances: 1 },
    { name: 'SQLite', store: 'sqlite', instances: 1 },
    { name: 'Redis', store: 'redis', instances: 1 },
    { name: 'Redis', store: 'redis', instances: 3 },
];
/** The store rows' shape: the 100-conversation one. */
const STORE_SHAPE = SHAPES[1];
/** The ack latency is also measured at one fixed offered rate, the same for every store (open loop, bench's `paced`). */
const ACK_RATE = 200;
const ACK_SHAPE = { ...STORE_SHAPE, perConversation: QUICK ? 5 : 15 };

/** Rounds of the store rows: every row once per round, interleaved, so that they share the machine's conditions; medians kept. */
const STORE_ROUNDS = QUICK ? 1 : 3;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** Starts one row's setup: its stand-in, store (a redis-server or a SQLite file), instances and, for several, the proxy. */
async function startStoreRow(row, key) {
    const { startRedisServer, processCpuMicros } = require('./redisServer');
    const { RoundRobinProxy } = require('./roundRobinProxy');
    const label = `8x8-store-${row.store}-${row.instances}`;
    const standIn = await startStandIn('8x8', key.pem);
    const redis = row.store === 'redis' ? await startRedisServer() : undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcc-bench-sqlite-'));
    const suts = [];
    let proxy;
    const stop = async () => {
        await Promise.all(suts.map((sut) => sut.stop()));
        if (proxy) await proxy.stop();
        await standIn.stop();
        if (redis) await redis.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        const store = { store: row.store, redisUrl: redis && redis.url, sqlitePath: path.join(dir, 'state.sqlite') };
        for (let i = 0; i < row.instances; i++) suts.push(await startSut('adapter', '8x8', standIn.info, [], store));
        let url = suts[0].url;
        if (row.instances > 1) {
            proxy = new RoundRobinProxy(suts.map((sut) => sut.url));
            url = await proxy.start();
        }
        await standIn.call('webhook', { url: `${url}/api/8x8/webhook` });
        // Every instance gets the warm-up a single one gets.
        const warmUp = { ...WARM_UP, conversations: WARM_UP.conversations * row.instances };
        const warm = conversationIdsFor(warmUp, 'w');
        await standIn.call('addConversations', { ids: warm });
        await measure(`${label} (warm-up)`, url, standIn, await eightByEightRequests(warmUp, warm, key), warm);
    } catch (err) {
        await stop();
        throw err;
    }
    const cpu = async () => ({
        sut: (await Promise.all(suts.map((sut) => sut.call('cpu')))).reduce((sum, c) => sum + c.micros, 0),
        redis: redis ? processCpuMicros(redis.pid) : 0,
    });
    return {
        /** One measured run on new conversations, with the CPU it cost. */
        async pass(round) {
            const ids = conversationIdsFor(STORE_SHAPE, `r${round}`);
            await standIn.call('addConversations', { ids });
            const lists = await eightByEightRequests(STORE_SHAPE, ids, key);
            const before = await cpu();
            const out = await measure(`${label} round ${round}`, proxy ? proxy.url : suts[0].url, standIn, lists, ids);
            const after = await cpu();
            out.cpuPerWebhook = (after.sut - before.sut) / out.total;
            out.redisCpuPerWebhook = redis ? (after.redis - before.redis) / out.total : undefined;
            return out;
        },
        /** The ack latency at ACK_RATE, open loop, on new conversations. */
        async paced() {
            const ids = conversationIdsFor(ACK_SHAPE, 'paced');
            await standIn.call('addConversations', { ids });
            const lists = await eightByEightRequests(ACK_SHAPE, ids, key);
            return measure(`${label} (${ACK_RATE} req/s)`, proxy ? proxy.url : suts[0].url, standIn, lists, ids, ACK_RATE);
        },
        async peak() {
            return Math.max(...(await Promise.all(suts.map((sut) => sut.call('memory')))).map((m) => m.peak));
        },
        stop,
    };
}

/**
 * Every store row, set up once, then measured in interleaved rounds (row 1, row 2… then again), the ack-latency run in
 * the middle round; each figure is the median of its rounds.
 */
async function runStoreRows(key) {
    const setups = [];
    try {
        for (const row of STORE_ROWS) setups.push(await startStoreRow(row, key));
        const passes = STORE_ROWS.map(() => []);
        const paced = [];
        for (let round = 1; round <= STORE_ROUNDS; round++) {
            for (let i = 0; i < STORE_ROWS.length; i++) passes[i].push(await setups[i].pass(round));
            if (round === Math.ceil(STORE_ROUNDS / 2)) for (let i = 0; i < STORE_ROWS.length; i++) paced[i] = await setups[i].paced();
        }
        const results = [];
        for (let i = 0; i < STORE_ROWS.length; i++) {
            const runs = passes[i];
            const pick = (name) => (runs[0][name] === undefined ? undefined : median(runs.map((r) => r[name])));
            results.push({
                ...STORE_ROWS[i],
                rounds: runs.length,
                rps: pick('rps'),
                rpsRange: [Math.min(...runs.map((r) => r.rps)), Math.max(...runs.map((r) => r.rps))],
                ackRps: pick('ackRps'),
                p50: pick('p50'),
                p99: pick('p99'),
                cpuPerWebhook: pick('cpuPerWebhook'),
                redisCpuPerWebhook: pick('redisCpuPerWebhook'),
                paced: { p50: paced[i].p50, p99: paced[i].p99 },
                peak: await setups[i].peak(),
            });
        }
        return results;
    } finally {
        for (const setup of setups) await setup.stop();
    }
}

/** bench/storeCost.js for each store, interleaved rounds (its own process; Redis on a redis-server of its own); medians. */
async function runStoreCosts() {
    const { execFile } = require('node:child_process');
    const { startRedisServer } = require('./redisServer');
    const kinds = ['memory', 'sqlite', 'redis'];
    const runs = kinds.map(() => []);
    for (let round = 0; round < STORE_ROUNDS; round++) {
        for (let k = 0; k < kinds.length; k++) {
            const redis = kinds[k] === 'redis' ? await startRedisServer() : undefined;
            try {
                const args = [
                    path.join(__dirname, 'storeCost.js'),
                    kinds[k],
                    redis ? redis.url : '',
                    redis ? String(redis.pid) : '',
                    String(QUICK ? 1000 : 5000),
                ];
                const stdout = await new Promise((resolve, reject) =>
                    execFile(process.execPath, args, (err, out, errOut) =>
                        err ? reject(new Error(`storeCost.js ${kinds[k]}: ${errOut || err.message}`)) : resolve(out)
                    )
                );
                runs[k].push(JSON.parse(stdout));
            } finally {
                if (redis) await redis.stop();
            }
        }
    }
    const mid = (list, part, name) => (list[0][part][name] === undefined ? undefined : median(list.map((r) => r[part][name])));
    return runs.map((list, k) => ({
        kind: kinds[k],
        sequential: {
            microsPerCycle: mid(list, 'sequential', 'microsPerCycle'),
            clientCpuMicros: mid(list, 'sequential', 'clientCpuMicros'),
            serverCpuMicros: mid(list, 'sequential', 'serverCpuMicros'),
        },
        concurrent: { cyclesPerSecond: mid(list, 'concurrent', 'cyclesPerSecond') },
    }));
}

function storeSection(storeResults, costs) {
    const memory = storeResults.find((r) => r.store === 'memory' && r.instances === 1);
    const rows = storeResults.map(
        (r) =>
            `| ${r.name} | ${r.instances} | ${fmt(r.rps)} (${fmt(r.rpsRange[0])}–${fmt(r.rpsRange[1])}) | ${fmt(ratio(r.rps, memory.rps), 2)} | ${fmt(r.ackRps)} | ${fmt(r.p50)} / ${fmt(r.p99)} | ${fmt(r.paced.p50, 1)} / ${fmt(r.paced.p99, 1)} | ${fmt(r.cpuPerWebhook)} µs | ${r.redisCpuPerWebhook === undefined ? '—' : `${fmt(r.redisCpuPerWebhook)} µs`} | ${mb(r.peak)} |`
    );
    const names = { memory: '`MemoryInboxStore`', sqlite: '`SqliteInboxStore` (a file, WAL)', redis: '`RedisInboxStore` (redis-server on loopback)' };
    const costRows = costs.map(
        (c) =>
            `| ${names[c.kind]} | ${fmt(c.sequential.microsPerCycle)} µs | ${fmt(c.sequential.clientCpuMicros)} µs | ${c.sequential.serverCpuMicros === undefined ? '—' : `${fmt(c.sequential.serverCpuMicros)} µs`} | ${fmt(c.concurrent.cyclesPerSecond)} |`
    );
    return `## Inbox stores

The adapter writes every webhook's events to its inbox store and answers once they are stored; the bot's turns run
from the store afterwards (issue 13). (a) on 8x8, botbuilder host, ${STORE_SHAPE.name} (${STORE_SHAPE.perConversation} messages each, ${STORE_SHAPE.connections} connections), one
row per store: \`MemoryInboxStore\`; \`SqliteInboxStore\` (a file in a temp folder); \`RedisInboxStore\` on a local
\`redis-server\` (append-only file, \`appendfsync everysec\`); and a Redis shared by **3 instances** behind a round-robin
proxy (\`bench/roundRobinProxy.js\`, in the load generator's process; each instance gets the single instance's warm-up).
Every setup is started and warmed up once, then measured in ${STORE_ROUNDS} interleaved round${STORE_ROUNDS > 1 ? 's' : ''} (each row once per round, new
conversations each time), so that the rows share the machine's conditions; figures are medians, msg/s with its range.
msg/s is end to end: messages over the time from the first webhook sent to the last reply received by the stand-in. The
ack latency is the webhook's answer time (the answer no longer waits for the bot): autocannon's at full load
(${STORE_SHAPE.connections} connections, closed loop), and at a fixed ${ACK_RATE} req/s offered to every row (open loop, ${ACK_SHAPE.conversations} new conversations × ${ACK_SHAPE.perConversation}
messages, in the middle round). CPU per webhook is the example processes' (all of them, all threads) over a measured
run; Redis's is redis-server's. The same correctness checks as above apply (every webhook 2xx, one reply each, in order).

| store | instances | msg/s | vs in-memory | ack req/s | ack p50 / p99 ms, full load | ack p50 / p99 ms at ${ACK_RATE} req/s | CPU per webhook | redis-server CPU per webhook | peak RSS (largest instance) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

**The store's own cost per webhook**, measured on the store alone (\`bench/storeCost.js\`: no HTTP, no bot): the calls
the pipeline makes for one 8x8 message answered with one reply — append, the duplicate copy's append (dropped), lease,
the event's earlier sends, the conversation record's read, the send record, complete (with the record), next. One
webhook at a time (latency, round trips included) and 16 at a time (throughput, one process); medians of
${STORE_ROUNDS} interleaved round${STORE_ROUNDS > 1 ? 's' : ''}.

| store | µs per webhook, one at a time | CPU in the adapter's process | redis-server CPU | webhooks/s, 16 at a time |
|---|---:|---:|---:|---:|
${costRows.join('\n')}
`;
}

// ---- report ------------------------------------------------------------------------------------------------------

const mb = (bytes) => (bytes === undefined ? '—' : `${Math.round(bytes / 1024 / 1024)} MB`);
const fmt = (n, digits = 0) => (n === undefined ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a, b) => (a && b ? a / b : undefined);
const verdict = (ok) => (ok ? 'met' : '**missed**');
/** RSS growth over (a)'s second pass; "no growth" allows 5% (or 5 MB) for allocator noise. */
const noGrowth = (run) => run.memory2.rss - run.memory1.rss <= Math.max(0.05 * run.memory1.rss, 5 * 1024 * 1024);
function growthText(run) {
    const growth = run.memory2.rss - run.memory1.rss;
    return `${growth >= 0 ? '+' : ''}${mb(growth)} (${mb(run.memory1.rss)} → ${mb(run.memory2.rss)}; heap ${mb(run.memory1.heapUsed)} → ${mb(run.memory2.heapUsed)})`;
}

function machine() {
    const cpus = os.cpus();
    return `${cpus.length} × ${cpus[0].model.trim()}, ${mb(os.totalmem())} RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function report(results, started, storeResults, costs) {
    const find = (vendor, shape, contender) => results.find((r) => r.vendor === vendor && r.shape === shape && r.contender === contender);
    const lines = [];
    const targets = [];
    lines.push(
        "| shape | vendor | (a)'s host | (a) adapter req/s | (b) baseline req/s | (c) CloudAdapter req/s | a/b | a/c | p50 / p99 ms (a) | (b) | (c) | peak RSS (a) | (b) | (c) |"
    );
    lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const shape of SHAPES) {
        const c = find('cloud', shape.name, 'cloud');
        for (const vendor of ['8x8', 'liveperson']) {
            const a = find(vendor, shape.name, 'adapter');
            const b = find(vendor, shape.name, 'baseline');
            const ab = ratio(a.rps, b.rps);
            const ac = ratio(a.rps, c.rps);
            // One row per host of (a); (b) and (c) repeat on the Agents SDK row so each row reads on its own.
            for (const [host, run] of [
                ['botbuilder', a],
                ['Agents SDK', find(vendor, shape.name, 'adapter-agents')],
            ]) {
                if (!run) continue;
                lines.push(
                    `| ${shape.name} | ${vendor} | ${host} | ${fmt(run.rps)} | ${fmt(b.rps)} | ${fmt(c.rps)} | ${fmt(ratio(run.rps, b.rps), 2)} | ${fmt(ratio(run.rps, c.rps), 2)} | ${fmt(run.p50)} / ${fmt(run.p99)} | ${fmt(b.p50)} / ${fmt(b.p99)} | ${fmt(c.p50)} / ${fmt(c.p99)} | ${mb(run.memory1.peak)} | ${mb(b.memory1.peak)} | ${mb(c.memory1.peak)} |`
                );
            }
            targets.push(`| a/b ≥ 0.8 — ${vendor}, ${shape.name} | ${fmt(ab, 2)} | ${verdict(ab >= 0.8)} |`);
            targets.push(`| a/c ≥ 1.5 — ${vendor}, ${shape.name} | ${fmt(ac, 2)} | ${verdict(ac >= 1.5)} |`);
        }
    }
    for (const vendor of ['8x8', 'liveperson']) {
        const half = find(vendor, SHAPES[1].name, 'adapter').halfRate;
        targets.push(
            `| p99 ≤ 20 ms at half of (a)'s maximum — ${vendor}, ${SHAPES[1].name}, ${fmt(half.rate)} req/s offered | ${fmt(half.p99)} ms (p50 ${fmt(half.p50)} ms) | ${verdict(half.p99 <= 20)} |`
        );
        const big = find(vendor, SHAPES[2].name, 'adapter');
        targets.push(
            `| RSS after ${SHAPES[2].name} ≤ 200 MB — ${vendor} | ${mb(big.memory1.rss)} (peak ${mb(big.memory1.peak)}) | ${verdict(big.memory1.rss <= 200 * 1024 * 1024)} |`
        );
        targets.push(
            `| no growth after a second pass over ${SHAPES[2].name.replace(' conversations', '')} new conversations — ${vendor} | ${growthText(big)} | ${verdict(noGrowth(big))} |`
        );
        const bounded = find(vendor, SHAPES[2].name, 'adapter-bounded');
        targets.push(
            `| … the same with (a)'s Storage and de-duplication store bounded to one pass (${fmt(bounded.bounds)} items each) — ${vendor} | ${growthText(bounded)} | ${verdict(noGrowth(bounded))} |`
        );
    }
    const calls = (vendor, contender = 'adapter') => JSON.stringify(find(vendor, SHAPES[1].name, contender).calls);
    const agentsVersusBotbuilder = SHAPES.flatMap((shape) =>
        ['8x8', 'liveperson'].map((vendor) => ratio(find(vendor, shape.name, 'adapter-agents').rps, find(vendor, shape.name, 'adapter').rps))
    );
    const notesFile = path.join(__dirname, 'notes.md');
    const notes = fs.existsSync(notesFile) ? fs.readFileSync(notesFile, 'utf8') : '';
    return `# Benchmarks

Generated by \`npm run bench\`${QUICK ? ' --quick (smoke-test amounts: not representative)' : ''} on ${new Date(started).toISOString().slice(0, 10)}, in ${Math.round((Date.now() - started) / 1000)} s.

**Machine:** ${machine()}. Every contender, the stand-in and autocannon share these cores, so compare ratios rather than absolute numbers.
Every contender runs with \`node --max-old-space-size=${HEAP_LIMIT_MB}\` (a container-style heap limit, the same for all).

**What is measured.** The webhook path this library exists for: a signed vendor webhook in, a bot turn, the reply out through
the vendor API. autocannon sends pre-signed webhooks to three contenders, each in its own process, the vendor side being the
project's own stand-in in another process (replies are counted there):

- **(a) adapter** — the echo example (Express + \`EightByEightAdapter\` / \`LivePersonAdapter\` + botbuilder \`ActivityHandler\`),
  on each of the library's two hosts: *botbuilder* (\`botbuilder-contact-center\`, the echo bot an \`ActivityHandler\`) and
  *Agents SDK* (\`BOT_HOST=agents\`: the same server with \`botbuilder-contact-center/agents\`' adapters on
  \`@microsoft/agents-hosting\`'s \`BaseAdapter\`, the echo bot an \`AgentApplication\` with the same replies). Each host's
  process loads only its own SDK. Both adapters share one \`MemoryInboxStore\` (the [Inbox stores](#inbox-stores) rows compare
  the stores). The targets below are (a)'s on botbuilder; the Agents SDK rows have throughput, latency
  and peak RSS, not the memory and half-rate runs.
- **(b) baseline** — plain \`node:http\` doing the same essential work by hand: verify the signature (8x8: RS256 JWS over the
  CRC32 of the body; LivePerson: HMAC-SHA1), parse, keep each conversation in order, make the same outbound calls with an
  undici keep-alive pool (8x8: typing + message; LivePerson: COMPOSING, the message, ACTIVE, and meanwhile ACCEPT, READ).
- **(c) CloudAdapter** — botbuilder's own \`CloudAdapter\` (Express + \`express.json()\`, unauthenticated Emulator-style
  activities) running the same echo bot, which replies (typing + message) to a loopback Bot Connector. Vendor-neutral: one
  column serves both vendors' rows. Note that (a) on LivePerson makes 5 vendor calls per turn (3 round trips in sequence,
  the receipts going out meanwhile) where (c) makes 2.

Shapes: *1 conversation* (${SHAPES[0].perConversation} messages on 1 connection — one conversation is kept in order, so a vendor
has one message in flight), *100 conversations* (${SHAPES[1].perConversation} messages each, ${SHAPES[1].connections} connections), *10,000 conversations*
(${SHAPES[2].conversations.toLocaleString('en-US')} distinct conversations, one message each, ${SHAPES[2].connections} connections). Each conversation's messages go on one
connection, in order. req/s = messages / wall time from the first webhook sent to the last reply received by the stand-in
((a) answers a webhook once its events are in the inbox, before the bot runs, so its replies can trail its answers);
latency is autocannon's, per webhook request: for (a) the time to store the webhook, for (b) and (c) the whole turn.
Before its measured runs every contender gets the same unmeasured warm-up (${WARM_UP.conversations * WARM_UP.perConversation} messages in
${WARM_UP.conversations} conversations of its own), so the runs compare steady states rather than JIT warm-up.

**Checked by the run itself** (a violation aborts the bench with exit 1 and no numbers): every webhook answered 2xx, every
message answered with exactly one reply, replies in order per conversation, no vendor call refused.

## Results

${lines.join('\n')}

Vendor calls per 100-conversation run of (a): 8x8 ${calls('8x8')}; LivePerson ${calls('liveperson')}. On the Agents SDK host:
8x8 ${calls('8x8', 'adapter-agents')}; LivePerson ${calls('liveperson', 'adapter-agents')}.
(a) on the Agents SDK host against (a) on botbuilder, req/s: ${fmt(Math.min(...agentsVersusBotbuilder), 2)}–${fmt(Math.max(...agentsVersusBotbuilder), 2)}× over the ${agentsVersusBotbuilder.length} rows.

## Targets

| target | measured | |
|---|---|---|
${targets.join('\n')}

"No growth" allows 5% (or 5 MB) for allocator noise. Memory is VmRSS after a forced GC; peak is VmHWM. The "bounded
to one pass" rows run (a) once more with its \`MemoryInboxStore\`'s de-duplication keys (\`maxDeduplicationKeys\`) and
Storage (a \`BoundedMemoryStorage\`, \`maxItems\`) sized to what one pass of ${SHAPES[2].conversations.toLocaleString('en-US')} conversations leaves in them (8x8: ${STATE_ITEMS_PER_CONVERSATION['8x8']} item per conversation, LivePerson: ${STATE_ITEMS_PER_CONVERSATION.liveperson}), so the second pass replaces the
first pass's entries instead of adding to them: what else the process keeps per conversation (queues, held records,
token caches, connection pools) shows there.

${storeSection(storeResults, costs)}
${notes}`;
}

async function main() {
    const started = Date.now();
    const key = { kid: 'sandbox-key-1', pem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) };
    if (PROFILE) fs.mkdirSync(path.join(__dirname, 'profiles'), { recursive: true });
    const results = [];
    const note = (r) =>
        console.log(
            `  ${r.vendor.padEnd(10)} ${r.contender.padEnd(15)} ${r.shape.padEnd(22)} ${fmt(r.rps).padStart(7)} req/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  peak ${mb(r.memory1.peak)}`
        );
    console.log(`bench on ${machine()}${QUICK ? ' (quick)' : ''}`);
    for (const shape of ONLY_STORES ? [] : SHAPES) {
        const presigned = await eightByEightRequests(shape, conversationIdsFor(shape, 'c1'), key);
        for (const vendor of ['8x8', 'liveperson']) {
            for (const contender of ['baseline', 'adapter', 'adapter-agents']) {
                const r = {
                    vendor,
                    contender,
                    shape: shape.name,
                    ...(await runVendorContender(vendor, contender, shape, key, vendor === '8x8' ? presigned : undefined)),
                };
                results.push(r);
                note(r);
            }
        }
        const c = { vendor: 'cloud', contender: 'cloud', shape: shape.name, ...(await runCloud(shape)) };
        results.push(c);
        note(c);
        if (shape === SHAPES[2]) {
            // (a) again with its state bounded to one pass, to show that what the second pass adds is that state alone.
            for (const vendor of ['8x8', 'liveperson']) {
                const bounds = shape.conversations * STATE_ITEMS_PER_CONVERSATION[vendor];
                const r = {
                    vendor,
                    contender: 'adapter-bounded',
                    shape: shape.name,
                    bounds,
                    ...(await runVendorContender(vendor, 'adapter', shape, key, vendor === '8x8' ? presigned : undefined, bounds)),
                };
                results.push(r);
                note(r);
            }
        }
    }
    if (PROFILE) {
        const { cpuByPackage, allocationsByPackage } = require('./profileSummary');
        for (const r of results.filter((x) => x.cpuProfile)) {
            const pct = (share) => `${(share * 100).toFixed(1)}%`;
            console.log(
                `\n${r.vendor} (a), ${r.shape}: CPU by package (busy time): ${cpuByPackage(r.cpuProfile)
                    .slice(0, 12)
                    .map(([n, v]) => `${n} ${pct(v)}`)
                    .join(', ')}`
            );
            const alloc = allocationsByPackage(r.heapProfile);
            console.log(
                `${r.vendor} (a), ${r.shape} half rate: ${Math.round(alloc.bytes / r.total / 1024)} KB allocated per webhook; by package: ${alloc.shares
                    .slice(0, 12)
                    .map(([n, v]) => `${n} ${pct(v)}`)
                    .join(', ')}`
            );
        }
    }
    const storeResults = (await runStoreRows(key)).map((row) => ({
        vendor: '8x8',
        contender: `store ${row.store}×${row.instances}`,
        shape: STORE_SHAPE.name,
        ...row,
    }));
    for (const r of storeResults) {
        console.log(
            `  ${r.vendor.padEnd(10)} ${r.contender.padEnd(15)} ${r.shape.padEnd(22)} ${fmt(r.rps).padStart(7)} msg/s (${fmt(r.rpsRange[0])}–${fmt(r.rpsRange[1])})  ack ${fmt(r.ackRps)} req/s  p50 ${fmt(r.p50)} ms  p99 ${fmt(r.p99)} ms  at ${ACK_RATE} req/s: p50 ${fmt(r.paced.p50, 1)} ms  p99 ${fmt(r.paced.p99, 1)} ms  CPU ${fmt(r.cpuPerWebhook)} µs/webhook${r.redisCpuPerWebhook === undefined ? '' : ` + redis ${fmt(r.redisCpuPerWebhook)} µs`}`
        );
    }
    const costs = await runStoreCosts();
    for (const c of costs) {
        console.log(
            `  store cost ${c.kind.padEnd(7)} ${fmt(c.sequential.microsPerCycle)} µs/webhook one at a time (CPU ${fmt(c.sequential.clientCpuMicros)} µs${c.sequential.serverCpuMicros === undefined ? '' : ` + redis ${fmt(c.sequential.serverCpuMicros)} µs`}), ${fmt(c.concurrent.cyclesPerSecond)} webhooks/s 16 at a time`
        );
    }
    if (ONLY_STORES) {
        console.log(storeSection(storeResults, costs));
        return;
    }
    const markdown = report(results, started, storeResults, costs);
    if (!QUICK) fs.writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), markdown);
    console.log(markdown.slice(markdown.indexOf('## Results'), markdown.indexOf('"No growth"')));
    console.log(markdown.slice(markdown.indexOf('## Inbox stores'), markdown.indexOf('## Where the time goes')));
    console.log(QUICK ? '(quick run: docs/benchmarks.md left as it was)' : 'written to docs/benchmarks.md');
}

if (require.main === module) {
    main().catch((err) => {
        console.error(`\nBENCH FAILED: ${err.message}`);
        process.exit(1);
    });
}

module.exports = { startStandIn, startSut, eightByEightRequests, livePersonRequests, cloudRequests, fire, measure, conversationIdsFor, SHAPES };
