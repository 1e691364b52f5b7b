import { Redis, type Cluster } from 'ioredis';

/** Options of {@link RedisInboxStore}. */
export interface RedisInboxStoreOptions {
    /**
     * An ioredis client (`Redis` or `Cluster`) you own: the store uses it and never closes it. Give it no `keyPrefix`
     * of its own (use this store's). Its own settings decide how long a command may wait, so prefer
     * `enableOfflineQueue: false` and `autoResendUnfulfilledCommands: false` as the store does for the client it creates.
     */
    client?: Redis | Cluster | undefined;
    /** Where to connect when no `client` is given, e.g. `redis://:password@redis.internal:6379/0`. Default `redis://127.0.0.1:6379`. */
    url?: string | undefined;
    /**
     * What every key starts with. Default `bcc:`. On a Redis Cluster it must contain a hash tag, e.g. `{bcc}:`: every
     * key then lives in one slot, which the scripts need (a completion writes the inbox and the Storage together).
     */
    keyPrefix?: string | undefined;
    /** How long a Storage item lives after its last write, in ms (send records too). Default 30 days. */
    storageTtlMs?: number | undefined;
    /** How long a dead letter is kept, in ms. Default 7 days. */
    deadLetterTtlMs?: number | undefined;
    /**
     * How long a call waits for Redis (a connection, then the reply) before it rejects, in ms, so a webhook is answered
     * 503 instead of hanging while Redis is unreachable. Default 1,000.
     */
    commandTimeoutMs?: number | undefined;
}

/** The options with defaults applied. */
export interface ResolvedRedisOptions {
    client: Redis | Cluster;
    ownsClient: boolean;
    keyPrefix: string;
    storageTtlMs: number;
    deadLetterTtlMs: number;
    commandTimeoutMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Checks the options (a TypeError naming the option) and creates the client when none is given. */
export function resolveRedisOptions(options: RedisInboxStoreOptions = {}): ResolvedRedisOptions {
    if (!options || typeof options !== 'object') throw new TypeError('RedisInboxStore: options must be an object.');
    const keyPrefix = options.keyPrefix ?? 'bcc:';
    if (typeof keyPrefix !== 'string' || keyPrefix === '') throw new TypeError('RedisInboxStore: keyPrefix must be a non-empty string.');
    const storageTtlMs = positiveInteger('storageTtlMs', options.storageTtlMs, 30 * DAY_MS);
    const deadLetterTtlMs = positiveInteger('deadLetterTtlMs', options.deadLetterTtlMs, 7 * DAY_MS);
    const commandTimeoutMs = positiveInteger('commandTimeoutMs', options.commandTimeoutMs, 1000);
    if (options.client !== undefined && options.url !== undefined) throw new TypeError('RedisInboxStore: give either client or url, not both.');
    if (options.url !== undefined && (typeof options.url !== 'string' || options.url === '')) {
        throw new TypeError('RedisInboxStore: url must be a non-empty string.');
    }
    const client = options.client;
    if (client !== undefined) {
        if (!client || typeof (client as Redis).defineCommand !== 'function')
            throw new TypeError('RedisInboxStore: client must be an ioredis Redis or Cluster.');
        if ((client as Redis).options?.keyPrefix) {
            throw new TypeError("RedisInboxStore: the client must have no keyPrefix (the scripts build keys); use the store's keyPrefix option.");
        }
        if ((client as Cluster).isCluster && !/\{[^}]+\}/.test(keyPrefix)) {
            throw new TypeError("RedisInboxStore: on a Redis Cluster, keyPrefix must contain a hash tag such as '{bcc}:' (one slot for all keys).");
        }
    }
    return {
        client: client ?? createClient(options.url ?? 'redis://127.0.0.1:6379', commandTimeoutMs),
        ownsClient: client === undefined,
        keyPrefix,
        storageTtlMs,
        deadLetterTtlMs,
        commandTimeoutMs,
    };
}

/**
 * A client that fails fast instead of queueing: commands while disconnected reject at once (the store waits for the
 * connection itself, up to `commandTimeoutMs`), and a command whose connection dropped is not sent again (an append
 * the caller saw fail must not be applied later behind its back). It reconnects on its own, at most 1 s apart.
 */
function createClient(url: string, commandTimeoutMs: number): Redis {
    const client = new Redis(url, {
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        maxRetriesPerRequest: 1,
        commandTimeout: commandTimeoutMs,
        connectTimeout: Math.max(2000, commandTimeoutMs),
        retryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    });
    // Failures reach the caller as rejected calls and ping() false; without a listener ioredis would print each one.
    client.on('error', () => undefined);
    return client;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new TypeError(`RedisInboxStore: ${name} must be a positive integer.`);
    return value;
}
