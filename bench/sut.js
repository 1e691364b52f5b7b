'use strict';
/**
 * Benchmark child process: the system under test, one of three contenders answering the same webhooks:
 *
 * - `adapter`:  this library — the example server (Express + EightByEightAdapter / LivePersonAdapter) with the echo bot;
 *               `adapter-agents` is the same server on the Microsoft 365 Agents SDK host (`BOT_HOST=agents`: the
 *               adapters of `botbuilder-contact-center/agents` running the echo bot as an `AgentApplication`);
 * - `baseline`: plain node:http doing the same essential work by hand: verify the signature, parse, keep each
 *               conversation in order, make the same outbound calls (typing / chat states, the reply, receipts,
 *               the receipts concurrently with the reply as the adapter sends them) with an undici keep-alive pool;
 * - `cloud`:    botbuilder's CloudAdapter (Express, unauthenticated Emulator-style activities) with the same echo bot,
 *               replying to a loopback Bot Connector.
 *
 * Started with `node [--expose-gc] sut.js <contender> <vendor> <standInJson> [storeJson]`; says `{ready, url}` over IPC.
 * `storeJson` (adapter only): `{ store, redisUrl, sqlitePath, bounds }` — the inbox store the example's adapters share
 * (bench/stores.js: `memory` by default, `sqlite`, `redis`), and for `memory` the de-duplication keys and Storage items
 * it keeps (`bounds`) instead of its defaults.
 */
const http = require('node:http');
const { createHmac, createPublicKey, timingSafeEqual, verify } = require('node:crypto');
const { crc32 } = require('node:zlib');
const fs = require('node:fs');
const { Pool } = require('undici');

const [contender, vendor, standInJson, storeJson] = process.argv.slice(2);
const standIn = JSON.parse(standInJson);
const storeOptions = storeJson === undefined ? {} : JSON.parse(storeJson);
/** The example's API token for the bench's own conversation opening (not a secret: loopback only). */
const BENCH_API_TOKEN = 'bench-api-token-0123456789abcdef';
const silent = { debug() {}, info() {}, warn() {}, error: (m) => process.stderr.write(`${m}\n`) };

function rss() {
    if (global.gc) global.gc();
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number((status.match(new RegExp(`${name}:\\s+(\\d+)`)) || [])[1] || 0) * 1024;
    const m = process.memoryUsage();
    return { rss: kb('VmRSS'), peak: kb('VmHWM'), heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
}

let livePersonTokens = { appJwt: '', jws: {} };
/** The measured run's profiles (`--profile` in run.js): an inspector session opened on demand, closed after saving. */
let profiler;
async function profile(method, params) {
    if (!profiler) {
        const { Session } = require('node:inspector/promises');
        profiler = new Session();
        profiler.connect();
    }
    return profiler.post(method, params);
}
async function saveProfile(method, file) {
    const { profile: result } = await profile(method);
    fs.writeFileSync(file, JSON.stringify(result));
    profiler.disconnect();
    profiler = undefined;
    return { file };
}
const profiling = {
    async profileStart() {
        await profile('Profiler.enable');
        await profile('Profiler.setSamplingInterval', { interval: 200 });
        await profile('Profiler.start');
        return {};
    },
    profileStop: (message) => saveProfile('Profiler.stop', message.file),
    async heapSampleStart() {
        await profile('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
        return {};
    },
    heapSampleStop: (message) => saveProfile('HeapProfiler.stopSampling', message.file),
};

process.on('message', async (message) => {
    if (profiling[message.cmd]) process.send({ id: message.id, result: await profiling[message.cmd](message) });
    if (message.cmd === 'memory') process.send({ id: message.id, result: rss() });
    if (message.cmd === 'cpu') {
        // The whole process (every thread), user + system, in µs.
        const { user, system } = process.cpuUsage();
        process.send({ id: message.id, result: { micros: user + system } });
    }
    if (message.cmd === 'tokens') {
        livePersonTokens = message.tokens;
        process.send({ id: message.id, result: {} });
    }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

function listen(server) {
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => process.send({ ready: true, url: `http://127.0.0.1:${server.address().port}` }));
}

// ---- (a) this library ------------------------------------------------------------------------------------------

/** `host`: `botbuilder` (contender `adapter`) or `agents` (contender `adapter-agents`); only that SDK is loaded. */
async function startAdapter(host) {
    const { startExample } = require('botbuilder-contact-center-examples/lib/server');
    const config =
        vendor === '8x8'
            ? { port: 0, eightByEight: { apiKey: standIn.apiKey, baseUrl: standIn.url } }
            : {
                  port: 0,
                  // The example's conversations route needs a bearer token in production configuration (run.js sends it).
                  apiToken: BENCH_API_TOKEN,
                  livePerson: { accountId: standIn.accountId, clientId: standIn.clientId, clientSecret: standIn.clientSecret, csdsUrl: standIn.url },
              };
    // One store for both adapters, as the example shares one (the example's own default is a SQLite file under the
    // working directory, which would keep events and keys from one bench run to the next).
    const { openStore, withoutQueueCaps } = require('./stores');
    const store = withoutQueueCaps(openStore(storeOptions.store || 'memory', storeOptions));
    const running = await startExample(config, silent, { host, state: { store } });
    process.send({ ready: true, url: running.url.replace('localhost', '127.0.0.1') });
}

// ---- (b) the hand-written baseline -------------------------------------------------------------------------------

/** Runs tasks one after the other per conversation (the order a vendor expects), concurrently across conversations. */
function orderedBy() {
    const tails = new Map();
    return (key, task) => {
        const run = (tails.get(key) || Promise.resolve()).then(task);
        const tail = run.catch(() => undefined);
        tails.set(key, tail);
        tail.then(() => tails.get(key) === tail && tails.delete(key));
        return run;
    };
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
    });
}

function answer(res, status) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(status === 200 ? '{}' : '{"error":"refused"}');
}

async function startBaseline8x8() {
    const pool = new Pool(standIn.url, { connections: 64 });
    const jwkResponse = await pool.request({ method: 'GET', path: `/chat-gateway/v1/jwk/${standIn.kid}/public` });
    const publicKey = createPublicKey({ key: await jwkResponse.body.json(), format: 'jwk' });
    const inOrder = orderedBy();
    const post = async (path, body) => {
        const { statusCode, body: stream } = await pool.request({
            method: 'POST',
            path,
            headers: { 'content-type': 'application/json', 'x-api-key': standIn.apiKey },
            body: JSON.stringify(body),
        });
        await stream.dump();
        if (statusCode >= 300) throw new Error(`HTTP ${statusCode}`);
    };
    listen(
        http.createServer(async (req, res) => {
            try {
                const raw = await readBody(req);
                const h = req.headers;
                const [protectedHeader, , signature] = String(h['x-8x8-signature'] || '').split('.');
                const payload = JSON.stringify({
                    checksum: crc32(raw),
                    cid: h['x-8x8-customer-id'],
                    eid: h['x-8x8-event-id'],
                    retry: Number(h['x-8x8-retry']),
                    tid: h['x-8x8-tenant-id'],
                    tt: Number(h['x-8x8-transmission-time']),
                });
                if (!signature || !verify('sha256', Buffer.from(`${protectedHeader}.${payload}`), publicKey, Buffer.from(signature, 'base64url')))
                    return answer(res, 401);
                const event = JSON.parse(raw.toString('utf8'));
                if (event.eventType === 'MESSAGE' && !event.data.isEcho) {
                    const path = `/chat-gateway/v1/conversations/${encodeURIComponent(event.conversationId)}`;
                    await inOrder(event.conversationId, async () => {
                        await post(`${path}/typing`, { authorType: 'bot' });
                        await post(`${path}/messages`, { authorType: 'bot', text: `Echo: ${event.data.text}` });
                    });
                }
                answer(res, 200);
            } catch (err) {
                answer(res, 500);
            }
        })
    );
}

async function startBaselineLivePerson() {
    const pool = new Pool(standIn.url, { connections: 64 });
    const inOrder = orderedBy();
    let ids = 0;
    const sendPath = `/api/account/${standIn.accountId}/messaging/consumer/conversation/send?v=3`;
    const send = async (conversationId, event) => {
        const { statusCode, body } = await pool.request({
            method: 'POST',
            path: sendPath,
            headers: { 'content-type': 'application/json', authorization: livePersonTokens.appJwt, 'x-lp-on-behalf': livePersonTokens.jws[conversationId] },
            body: JSON.stringify({ kind: 'req', id: String(ids++), type: 'ms.PublishEvent', body: { dialogId: conversationId, conversationId, event } }),
        });
        await body.dump();
        if (statusCode >= 300) throw new Error(`HTTP ${statusCode}`);
    };
    const secret = standIn.clientSecret;
    listen(
        http.createServer(async (req, res) => {
            try {
                const raw = await readBody(req);
                const given = Buffer.from(String(req.headers['x-liveperson-signature'] || '').replace(/^sha1=/, ''), 'base64');
                const expected = createHmac('sha1', secret).update(raw).digest();
                if (given.length !== expected.length || !timingSafeEqual(given, expected)) return answer(res, 401);
                if (req.headers['x-liveperson-account-id'] !== standIn.accountId || req.headers['x-liveperson-client-id'] !== standIn.clientId)
                    return answer(res, 403);
                const notification = JSON.parse(raw.toString('utf8'));
                const turns = [];
                for (const change of notification.body.changes) {
                    const role = change.originatorMetadata && change.originatorMetadata.role;
                    if (notification.type !== 'ms.MessagingEventNotification' || role === 'CONSUMER' || change.event.type !== 'ContentEvent') continue;
                    const id = change.conversationId || change.dialogId;
                    turns.push(
                        // As the adapter does: the receipts go out while the reply is composed and sent.
                        inOrder(id, () =>
                            Promise.all([
                                (async () => {
                                    await send(id, { type: 'ChatStateEvent', chatState: 'COMPOSING' });
                                    await send(id, { type: 'ContentEvent', contentType: 'text/plain', message: `Echo: ${change.event.message}` });
                                    await send(id, { type: 'ChatStateEvent', chatState: 'ACTIVE' });
                                })(),
                                (async () => {
                                    await send(id, { type: 'AcceptStatusEvent', status: 'ACCEPT', sequenceList: [change.sequence] });
                                    await send(id, { type: 'AcceptStatusEvent', status: 'READ', sequenceList: [change.sequence] });
                                })(),
                            ])
                        )
                    );
                }
                await Promise.all(turns);
                answer(res, 200);
            } catch (err) {
                answer(res, 500);
            }
        })
    );
}

// ---- (c) botbuilder's CloudAdapter -------------------------------------------------------------------------------

function startCloudAdapter() {
    const express = require('express');
    const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = require('botbuilder');
    const { EchoBot } = require('botbuilder-contact-center-examples/lib/echoBot');
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    adapter.onTurnError = async (_context, error) => {
        process.stderr.write(`cloud turn failed: ${error.message}\n`);
        throw error;
    };
    const bot = new EchoBot();
    const app = express();
    app.post('/api/messages', express.json(), (req, res) => adapter.process(req, res, (context) => bot.run(context)));
    listen(http.createServer(app));
}

if (contender === 'adapter') startAdapter('botbuilder');
else if (contender === 'adapter-agents') startAdapter('agents');
else if (contender === 'baseline' && vendor === '8x8') startBaseline8x8();
else if (contender === 'baseline') startBaselineLivePerson();
else startCloudAdapter();
