import type {
    AppendOptions,
    AppendResult,
    DeadLetter,
    InboxEvent,
    InboxStats,
    InboxStore,
    NewInboxEvent,
    SendRecord,
    StorageLike,
    StoreItems,
} from 'botbuilder-contact-center/protocol';
import { RedisConnection } from './connection';
import { checkCount, checkEvent, checkMs, checkObject, checkString, checkStringArray } from './guards';
import { KeyLayout } from './keys';
import { resolveRedisOptions, type RedisInboxStoreOptions, type ResolvedRedisOptions } from './options';
import { RedisStorage, storedValue } from './redisStorage';
import { eventBody, toDeadLetters, toEvent, toEvents, toSendRecords } from './replies';
import { defineScripts, runScript, type InboxScript } from './scripts';

/**
 * The {@link InboxStore} on Redis, for several instances of a bot behind one webhook URL: they share the inbox,
 * the de-duplication keys, the conversation leases and the bot `Storage`. Every step that touches more than one key
 * is one Lua script, so it is atomic on the server; leases and due times use the server's clock.
 *
 * Durability is Redis's: run it with `appendonly yes` (and replicas) for appended events to survive a Redis restart.
 *
 * @example
 * ```ts
 * import { EightByEightAdapter } from 'botbuilder-contact-center';
 * import { RedisInboxStore } from 'botbuilder-contact-center-redis';
 *
 * const store = new RedisInboxStore({ url: process.env.REDIS_URL });
 * const adapter = new EightByEightAdapter({ apiKey: process.env.EIGHTBYEIGHT_API_KEY!, store });
 * ```
 */
export class RedisInboxStore implements InboxStore {
    /** The bot Storage in the same Redis (conversation records, tokens, dialog state). */
    readonly storage: StorageLike;
    private readonly options: ResolvedRedisOptions;
    private readonly connection: RedisConnection;
    private readonly keys: KeyLayout;

    constructor(options: RedisInboxStoreOptions = {}) {
        this.options = resolveRedisOptions(options);
        this.connection = new RedisConnection(this.options.client, this.options.ownsClient, this.options.commandTimeoutMs);
        this.keys = new KeyLayout(this.options.keyPrefix);
        defineScripts(this.options.client);
        this.storage = new RedisStorage(this.connection, this.keys, this.options.storageTtlMs);
    }

    async append(inbox: string, events: NewInboxEvent[], options: AppendOptions): Promise<AppendResult> {
        checkString('append', 'inbox', inbox);
        if (!Array.isArray(events)) throw new TypeError('RedisInboxStore.append(): events must be an array.');
        checkObject('append', 'options', options);
        checkMs('append', 'options.deduplicationTtlMs', options.deduplicationTtlMs);
        checkCount('append', 'options.maxPerConversation', options.maxPerConversation, 0);
        checkCount('append', 'options.maxTotal', options.maxTotal, 0);
        const args: Array<string | number> = [Math.ceil(options.deduplicationTtlMs), options.maxPerConversation, options.maxTotal, events.length];
        const bodies: string[] = [];
        for (const event of events) {
            checkObject('append', 'each event', event);
            checkString('append', 'event.conversationId', event.conversationId);
            const key = event.deduplicationKey;
            if (key !== undefined && typeof key !== 'string') throw new TypeError('RedisInboxStore.append(): event.deduplicationKey must be a string.');
            bodies.push(eventBody(key, event.payload));
            args.push(event.conversationId, key === undefined ? '0' : '1', key ?? '', bodies[bodies.length - 1]);
        }
        if (events.length === 0) return { accepted: [], duplicates: 0 };
        const reply = (await this.script('append', inbox, args)) as Array<string | number>;
        if (reply[0] !== 'ok') {
            const [limit, conversationId, waiting, adding, max] = reply as [string, string, number, number, number];
            return limit === 'total'
                ? { refused: { limit: 'total', waiting, adding, max } }
                : { refused: { limit: 'perConversation', conversationId, waiting, adding, max } };
        }
        // The reply lists each accepted event as its index in `events` and its new id; the payload given back is the
        // stored JSON, parsed (never the caller's object).
        const receivedAt = Number(reply[1]);
        const accepted: InboxEvent[] = [];
        for (let i = 3; i + 1 < reply.length; i += 2) {
            const index = Number(reply[i]);
            accepted.push(toEvent(events[index].conversationId, String(reply[i + 1]), bodies[index], `${receivedAt} 0`, undefined));
        }
        return { accepted, duplicates: Number(reply[2]) };
    }

    async lease(inbox: string, owner: string, max: number, leaseMs: number): Promise<InboxEvent[]> {
        checkString('lease', 'inbox', inbox);
        checkString('lease', 'owner', owner);
        checkCount('lease', 'max', max, 0);
        checkMs('lease', 'leaseMs', leaseMs);
        if (max === 0) return [];
        return toEvents(await this.script('lease', inbox, [owner, max, Math.ceil(leaseMs)]));
    }

    async next(inbox: string, owner: string, conversationId: string, leaseMs: number): Promise<InboxEvent | undefined> {
        checkString('next', 'inbox', inbox);
        checkString('next', 'owner', owner);
        checkString('next', 'conversationId', conversationId);
        checkMs('next', 'leaseMs', leaseMs);
        return toEvents(await this.script('next', inbox, [owner, conversationId, Math.ceil(leaseMs)]))[0];
    }

    async renew(inbox: string, owner: string, conversationIds: string[], leaseMs: number): Promise<string[]> {
        checkString('renew', 'inbox', inbox);
        checkString('renew', 'owner', owner);
        checkStringArray('renew', 'conversationIds', conversationIds);
        checkMs('renew', 'leaseMs', leaseMs);
        if (conversationIds.length === 0) return [];
        return (await this.script('renew', inbox, [owner, Math.ceil(leaseMs), ...conversationIds])) as string[];
    }

    async complete(inbox: string, owner: string, event: InboxEvent, writes: StoreItems): Promise<boolean> {
        this.checkHeld('complete', inbox, owner, event);
        checkObject('complete', 'writes', writes);
        const items = Object.entries(writes).flatMap(([key, item]) => [key, storedValue('complete', key, item)]);
        const args = [owner, event.conversationId, event.id, this.keys.storagePrefix, this.options.storageTtlMs, ...items];
        return (await this.script('complete', inbox, args)) === 1;
    }

    async retry(inbox: string, owner: string, event: InboxEvent, dueAt: number, error: string): Promise<boolean> {
        this.checkHeld('retry', inbox, owner, event);
        if (typeof dueAt !== 'number' || !Number.isFinite(dueAt))
            throw new TypeError('RedisInboxStore.retry(): dueAt must be a finite number (ms since the epoch).');
        if (typeof error !== 'string') throw new TypeError('RedisInboxStore.retry(): error must be a string.');
        // Sent as a delay from now: the script adds it to the server's clock, which the due times are compared with.
        const delayMs = Math.max(0, Math.ceil(dueAt - Date.now()));
        return (await this.script('retry', inbox, [owner, event.conversationId, event.id, delayMs, error])) === 1;
    }

    async deadLetter(inbox: string, owner: string, event: InboxEvent, error: string): Promise<boolean> {
        this.checkHeld('deadLetter', inbox, owner, event);
        if (typeof error !== 'string') throw new TypeError('RedisInboxStore.deadLetter(): error must be a string.');
        const args = [owner, event.conversationId, event.id, error, this.options.deadLetterTtlMs];
        return (await this.script('deadLetter', inbox, args)) === 1;
    }

    async sends(inbox: string, eventId: string): Promise<SendRecord[]> {
        checkString('sends', 'inbox', inbox);
        checkString('sends', 'eventId', eventId);
        const hash = await this.connection.run('sends', (client) => client.hgetall(this.keys.sendRecords(inbox, eventId)));
        return toSendRecords(hash);
    }

    async recordSend(inbox: string, owner: string, event: InboxEvent, index: number, record: SendRecord): Promise<boolean> {
        this.checkHeld('recordSend', inbox, owner, event);
        checkCount('recordSend', 'index', index, 0);
        checkObject('recordSend', 'record', record);
        const args = [owner, event.conversationId, event.id, index, JSON.stringify(record), this.options.storageTtlMs];
        return (await this.script('recordSend', inbox, args)) === 1;
    }

    async release(inbox: string, owner: string, conversationIds?: string[]): Promise<void> {
        checkString('release', 'inbox', inbox);
        checkString('release', 'owner', owner);
        if (conversationIds !== undefined) checkStringArray('release', 'conversationIds', conversationIds);
        if (conversationIds?.length === 0) return;
        await this.script('release', inbox, [owner, conversationIds ? 'some' : 'all', ...(conversationIds ?? [])]);
    }

    async stats(inbox: string): Promise<InboxStats> {
        checkString('stats', 'inbox', inbox);
        const [pending, conversations, deadLettered] = (await this.script('stats', inbox, [this.options.deadLetterTtlMs])) as number[];
        return { pending, conversations, deadLettered };
    }

    async deadLetters(inbox: string, limit: number): Promise<DeadLetter[]> {
        checkString('deadLetters', 'inbox', inbox);
        checkCount('deadLetters', 'limit', limit, 0);
        if (limit === 0) return [];
        return toDeadLetters(await this.script('deadLetters', inbox, [this.options.deadLetterTtlMs, limit]));
    }

    /** True when Redis answers within `commandTimeoutMs` (default 1 s); false when it is unreachable, never a rejection. */
    ping(): Promise<boolean> {
        return this.connection.ping();
    }

    /** Quits the client if the store created it (a client you passed stays open). The store is unusable afterwards. */
    close(): Promise<void> {
        return this.connection.close();
    }

    private checkHeld(method: string, inbox: string, owner: string, event: InboxEvent): void {
        checkString(method, 'inbox', inbox);
        checkString(method, 'owner', owner);
        checkEvent(method, event);
    }

    /** Runs an inbox script with the inbox's keys and base (`ARGV[1]`). */
    private script(name: InboxScript, inbox: string, args: Array<string | number>): Promise<unknown> {
        return this.connection.run(name, (client) => runScript(client, name, this.keys.inboxKeys(inbox), [this.keys.inboxBase(inbox), ...args]));
    }
}
