/**
 * What one event costs the store: append + lease + complete (with one Storage item), against a local redis-server.
 * Not a test (mocha runs `*.test.ts` only): `npx ts-node --transpile-only test/cycleCost.ts [cycles]`.
 */
import { Redis } from 'ioredis';
import { LIMITS, storeOn } from './helpers';
import { RedisServer } from './redisServer';

async function main(cycles: number): Promise<void> {
    const server = await RedisServer.start();
    const store = storeOn(server);
    const admin = new Redis(server.url);
    try {
        const cycle = async (n: number, owner: string) => {
            await store.append('8x8', [{ conversationId: `c${n}`, deduplicationKey: `k${n}`, payload: { text: 'hi', n } }], LIMITS);
            const [event] = await store.lease('8x8', owner, 1, 30_000);
            if (!(await store.complete('8x8', owner, event, { [`8x8/conversations/c${n}`]: { owner: 'bot', n } }))) throw new Error('lost');
        };
        for (let n = 0; n < 200; n++) await cycle(n, 'warm-up');

        await admin.config('RESETSTAT');
        let started = performance.now();
        for (let n = 0; n < cycles; n++) await cycle(1000 + n, 'A');
        const sequential = performance.now() - started;
        const stats = await admin.info('commandstats');
        const evalsha = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(stats)!;

        started = performance.now();
        const parallel = 8;
        await Promise.all(
            Array.from({ length: parallel }, async (_, worker) => {
                for (let n = worker; n < cycles; n += parallel) await cycle(1_000_000 + n, `W${worker}`);
            })
        );
        const concurrent = performance.now() - started;

        const perCycle = (ms: number) => ((ms * 1000) / cycles).toFixed(0);
        console.log(`${cycles} cycles, one at a time: ${sequential.toFixed(0)} ms (${perCycle(sequential)} µs per cycle, round trips included)`);
        console.log(`server time in scripts: ${(Number(evalsha[2]) / Number(evalsha[1])).toFixed(1)} µs per script, 3 scripts per cycle`);
        console.log(`${cycles} cycles, ${parallel} at a time: ${concurrent.toFixed(0)} ms (${((cycles / concurrent) * 1000).toFixed(0)} cycles/s)`);
        console.log(`memory after: ${/used_memory_human:(\S+)/.exec(await admin.info('memory'))![1]}`);
    } finally {
        admin.disconnect();
        await store.close();
        await server.dispose();
    }
}

void main(Number(process.argv[2] ?? 2000));
