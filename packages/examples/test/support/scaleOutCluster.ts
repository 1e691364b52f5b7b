/**
 * Several instances of the example sharing one Redis, behind a round-robin load balancer, all on loopback: a real
 * `redis-server` (append-only file on, so a restart keeps the data), the 8x8 and LivePerson stand-ins, N processes of
 * `node packages/examples/lib/main.js` configured by environment variables as an operator would, and the proxy the
 * vendors' webhooks go to.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { RedisServer } from '../../../store-redis/test/redisServer';
import { freePort } from '../helpers';
import { ExampleInstance } from './scaleOutInstances';

/** The proxy, plain JavaScript shared with `npm run bench` (bench/roundRobinProxy.js). */
export interface RoundRobinProxy {
    readonly url: string;
    readonly stats: { requests: number; perUpstream: number[]; badGateway: number; timeouts: number; duplicatesSpread: number };
    start(port?: number): Promise<string>;
    stop(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RoundRobinProxy: Proxy } = require('../../../../bench/roundRobinProxy.js') as {
    RoundRobinProxy: new (upstreams: string[], options?: { spreadDuplicates?: boolean; timeoutMs?: number }) => RoundRobinProxy;
};

export const API_KEY = 'scale-out-8x8-api-key-3c1d';
export const API_TOKEN = 'scale-out-api-token-0123456789abcdef';

/** Options of {@link ScaleOutCluster.start}. */
export interface ScaleOutOptions {
    instances: number;
    /**
     * The inbox lease (`CONTACT_CENTER_LEASE_MS`): how long a conversation an instance was running stays with it
     * after it died, before another instance takes it over.
     */
    leaseMs: number;
}

export class ScaleOutCluster {
    private constructor(
        readonly redis: RedisServer,
        readonly eightByEight: EightByEightSandbox,
        readonly livePerson: LivePersonSandbox,
        readonly proxy: RoundRobinProxy,
        readonly instances: ExampleInstance[],
        private readonly workDir: string
    ) {}

    static async start(options: ScaleOutOptions): Promise<ScaleOutCluster> {
        const redis = await RedisServer.start({ appendOnly: true });
        // 8x8 sends an isEcho MESSAGE for every bot message and announces QUEUED: off, so every webhook here is a
        // customer message the test counts (the echoes are covered by the 8x8 integration tests).
        const eightByEight = new EightByEightSandbox({ apiKey: API_KEY, echoBotMessages: false, announceQueued: false });
        // The stand-in's own deliveries (a conversation opened) are redelivered on a non-2xx, as LivePerson does.
        const livePerson = new LivePersonSandbox({ echoConsumerEvents: false, webhookRetries: 20, webhookRetryDelayMs: 100 });
        const [eightByEightUrl, livePersonUrl] = await Promise.all([eightByEight.start(), livePerson.start()]);
        const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
        const proxy = new Proxy(
            ports.map((port) => `http://127.0.0.1:${port}`),
            { spreadDuplicates: true, timeoutMs: 10_000 }
        );
        const proxyUrl = await proxy.start();
        eightByEight.webhookUrl = `${proxyUrl}/api/8x8/webhook`;
        livePerson.webhookUrl = `${proxyUrl}/api/liveperson/webhook`;
        // Only what an operator would set (nothing inherited from the test's environment, e.g. vendor variables).
        const env: NodeJS.ProcessEnv = {
            PATH: process.env.PATH,
            HOST: '127.0.0.1',
            CONTACT_CENTER_STORE: redis.url,
            CONTACT_CENTER_LEASE_MS: String(options.leaseMs),
            EIGHTBYEIGHT_API_KEY: API_KEY,
            EIGHTBYEIGHT_BASE_URL: eightByEightUrl,
            EIGHTBYEIGHT_ALLOWED_TENANT_IDS: eightByEight.tenantId,
            LIVEPERSON_ACCOUNT_ID: livePerson.accountId,
            LIVEPERSON_CLIENT_ID: livePerson.clientId,
            LIVEPERSON_CLIENT_SECRET: livePerson.clientSecret,
            LIVEPERSON_CSDS_URL: livePersonUrl,
            EXAMPLE_API_TOKEN: API_TOKEN,
        };
        // The working directory: where an instance would put a default SQLite file if the store variable were ignored.
        const workDir = mkdtempSync(join(tmpdir(), 'bcc-scale-out-'));
        const instances = ports.map((port, i) => new ExampleInstance(`instance ${i}`, port, { ...env, PORT: String(port) }, workDir));
        const cluster = new ScaleOutCluster(redis, eightByEight, livePerson, proxy, instances, workDir);
        try {
            await Promise.all(instances.map((instance) => instance.start()));
        } catch (err) {
            await cluster.close();
            throw err;
        }
        return cluster;
    }

    get url(): string {
        return this.proxy.url;
    }

    /** Opens LivePerson conversations through the load balancer (the example's route, on whichever instance). */
    async openLivePersonConversations(consumerIds: string[]): Promise<string[]> {
        const ids: string[] = [];
        for (let i = 0; i < consumerIds.length; i += 8) {
            const batch = consumerIds.slice(i, i + 8).map(async (consumerId) => {
                for (let attempt = 1; ; attempt++) {
                    const response = await fetch(`${this.url}/api/liveperson/conversations`, {
                        method: 'POST',
                        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
                        body: JSON.stringify({ consumerId }),
                    });
                    const text = await response.text();
                    if (response.status === 201) return (JSON.parse(text) as { conversationId: string }).conversationId;
                    if (attempt >= 5) throw new Error(`Opening a LivePerson conversation answered ${response.status}: ${text}`);
                }
            });
            ids.push(...(await Promise.all(batch)));
        }
        return ids;
    }

    /** Every instance's output, for a failure message. */
    output(): string {
        return this.instances.map((instance) => instance.output()).join('\n');
    }

    async close(): Promise<void> {
        await Promise.all(this.instances.map((instance) => instance.stop(5000)));
        await this.proxy.stop();
        await Promise.all([this.eightByEight.stop(), this.livePerson.stop()]);
        await this.redis.dispose();
        rmSync(this.workDir, { recursive: true, force: true });
    }
}
