import type { Cluster, Redis } from 'ioredis';

/**
 * The store's use of its client: every call waits for a ready connection for at most `timeoutMs`, then runs, and a
 * failure rejects with an Error naming the method, so callers (the webhook) answer 503 instead of hanging.
 */
export class RedisConnection {
    private closed = false;
    private readyWait: Promise<void> | undefined;

    constructor(
        readonly client: Redis | Cluster,
        private readonly ownsClient: boolean,
        private readonly timeoutMs: number
    ) {}

    /** Runs `command` once the connection is ready; rejects after `timeoutMs` without one. */
    async run<T>(method: string, command: (client: Redis | Cluster) => Promise<T>): Promise<T> {
        if (this.closed) throw new Error(`RedisInboxStore.${method}(): the store is closed.`);
        try {
            await this.ready();
            return await command(this.client);
        } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            throw new Error(`RedisInboxStore.${method}() failed: ${reason}`, { cause: error });
        }
    }

    /** True when Redis answers PING within `timeoutMs`; never rejects. */
    async ping(): Promise<boolean> {
        if (this.closed) return false;
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.timeoutMs)));
        const answered = this.ready()
            .then(() => this.client.ping())
            .then(
                (reply) => reply === 'PONG',
                () => false
            );
        try {
            return await Promise.race([answered, late]);
        } finally {
            clearTimeout(timer);
        }
    }

    /** Marks the store closed and, when the store created the client, quits it and waits for the socket to close. */
    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        if (!this.ownsClient) return;
        const { client } = this;
        const ended = new Promise<void>((resolve) => (client.status === 'end' ? resolve() : client.once('end', () => resolve())));
        // QUIT waits for Redis to answer; when Redis is unreachable it never does, so the socket is dropped after 1 s.
        const quitting = client.quit().then(
            () => 'quit' as const,
            () => 'failed' as const
        );
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 1000)));
        if ((await Promise.race([quitting, late])) !== 'quit') client.disconnect();
        clearTimeout(timer);
        // A client between reconnection attempts has no socket to close and may never say 'end': wait 1 s at most.
        await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    }

    /** Resolves when the client is ready; one shared wait however many calls wait (no listener per call). */
    private ready(): Promise<void> {
        const { client } = this;
        if (client.status === 'ready') return Promise.resolve();
        if (client.status === 'end') return Promise.reject(new Error('the connection is closed.'));
        if (client.status === 'wait') client.connect().catch(() => undefined);
        this.readyWait ??= new Promise<void>((resolve) => {
            client.once('ready', () => {
                this.readyWait = undefined;
                resolve();
            });
        });
        const wait = this.readyWait;
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Redis is unreachable (no connection within ${this.timeoutMs} ms).`)), this.timeoutMs);
        });
        return Promise.race([wait, late]).finally(() => clearTimeout(timer));
    }
}
