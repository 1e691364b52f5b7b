'use strict';
/**
 * Benchmark child process: what one webhook costs the inbox store, measured directly on the store (no HTTP, no bot):
 * the calls the pipeline makes for an 8x8 message answered with one reply —
 *   append (de-duplication + limits) → lease → sends (of an earlier attempt) → read the conversation record →
 *   recordSend (the reply) → complete (with the record) → next (nothing more: the lease is released)
 * — plus the duplicate copy's append, dropped. Run one at a time (latency, round trips included) and 16 at a time
 * (throughput). CPU is this process's (the adapter's side of the store) and, for Redis, redis-server's.
 *
 * `node storeCost.js <memory|sqlite|redis> [redisUrl] [redisPid] [cycles]`; prints one JSON line.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { processCpuMicros } = require('./redisServer');
const { openStore } = require('./stores');

const [kind, redisUrl, redisPidArg, cyclesArg] = process.argv.slice(2);
const cycles = Number(cyclesArg || 3000);
/** redis-server's pid (its CPU is counted too); only for the Redis store. */
const redisPid = kind === 'redis' && redisPidArg ? Number(redisPidArg) : undefined;
const LIMITS = { deduplicationTtlMs: 24 * 60 * 60 * 1000, maxPerConversation: 100, maxTotal: 10_000 };
const INBOX = '8x8';

function payload(conversationId, n) {
    // The parsed 8x8 event the connector appends (what its MESSAGE webhook carries).
    return {
        conversationId,
        deduplicationKey: `8x8:evt-${conversationId}-${n}`,
        event: {
            eventType: 'MESSAGE',
            conversationId,
            timestamp: Date.now(),
            data: { isEcho: false, sender: { id: `user-${conversationId}`, type: 'user' }, text: `m:${conversationId}:${n}` },
        },
    };
}

async function cycle(store, owner, conversationId, n) {
    const event = payload(conversationId, n);
    const appended = await store.append(INBOX, [{ conversationId, deduplicationKey: event.deduplicationKey, payload: event }], LIMITS);
    if (!appended.accepted || appended.accepted.length !== 1) throw new Error(`append: ${JSON.stringify(appended)}`);
    const duplicate = await store.append(INBOX, [{ conversationId, deduplicationKey: event.deduplicationKey, payload: event }], LIMITS);
    if (duplicate.duplicates !== 1) throw new Error(`duplicate append: ${JSON.stringify(duplicate)}`);
    const [head] = await store.lease(INBOX, owner, 1, 30_000);
    if (!head) throw new Error('lease: nothing due');
    await store.sends(INBOX, head.id);
    const key = `8x8/conversations/${head.conversationId}`;
    const record = (await store.storage.read([key]))[key];
    if (!(await store.recordSend(INBOX, owner, head, 0, { response: { id: `r${n}` }, records: {} }))) throw new Error('recordSend: lease lost');
    const next = { owner: 'bot', userId: `user-${head.conversationId}`, greeted: true, n: ((record && record.n) || 0) + 1 };
    if (!(await store.complete(INBOX, owner, head, { [key]: next }))) throw new Error('complete: lease lost');
    const more = await store.next(INBOX, owner, head.conversationId, 30_000);
    if (more) throw new Error('next: an event left over');
}

async function measure(store, label, workers, count) {
    const cpu0 = process.cpuUsage();
    const server0 = redisPid ? processCpuMicros(redisPid) : 0;
    const started = process.hrtime.bigint();
    await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
            // Each worker its own conversations (as leases give each instance its own), each cycle a new conversation.
            for (let n = w; n < count; n += workers) await cycle(store, `owner-${w}`, `${label}-w${w}-c${n}`, n);
        })
    );
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return {
        microsPerCycle: micros / count,
        cyclesPerSecond: (count / micros) * 1e6,
        clientCpuMicros: (cpu.user + cpu.system) / count,
        serverCpuMicros: redisPid ? (processCpuMicros(redisPid) - server0) / count : undefined,
    };
}

async function main() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcc-bench-store-'));
    const store = openStore(kind, { redisUrl, sqlitePath: path.join(dir, 'state.sqlite') });
    try {
        await measure(store, 'warm', 1, 300);
        const sequential = await measure(store, 'seq', 1, cycles);
        const concurrent = await measure(store, 'par', 16, cycles);
        process.stdout.write(`${JSON.stringify({ kind, cycles, sequential, concurrent })}\n`);
    } finally {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
});
