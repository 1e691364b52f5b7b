import { ConfigurationError } from '../core/errors';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { AppendOptions, AppendResult, DeadLetter, InboxEvent, InboxStats, InboxStore, NewInboxEvent, SendRecord } from '../core/inboxStore';
import { integerFrom, requiredString, validateOptions } from '../core/optionSchemas';
import type { StoreItems } from '../core/storage';
import { openDatabase, prepareStatements, type Statements } from './sqliteSchema';
import { SqliteStorage } from './sqliteStorage';
import { buildTransactions, rowId } from './sqliteTransactions';
import { checkAppend, checkEvent, checkIds, requireNumber, requireObject, requireString } from './storeArguments';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often expired de-duplication keys, storage items and dead letters are deleted (reads skip them meanwhile). */
const PURGE_INTERVAL_MS = 60_000;
/** Rows deleted per table and statement, so a purge never holds the write lock for long; a full batch runs again. */
const PURGE_BATCH = 5_000;

/** Options of {@link SqliteInboxStore}. */
export interface SqliteInboxStoreOptions {
    /** The database file (its folder is created). Several processes of one host may open the same file. */
    path: string;
    /** Items of {@link SqliteInboxStore.storage} expire this long after their last write, in ms. Default 30 days. */
    storageTtlMs?: number | undefined;
    /** How long dead letters are kept, in ms. Default 7 days. */
    deadLetterTtlMs?: number | undefined;
    /**
     * SQLite's `synchronous` setting. `NORMAL` (default) keeps every committed change through a process crash or
     * `kill -9`; `FULL` also through a power loss or OS crash, at the cost of an fsync per commit.
     * See https://www.sqlite.org/pragma.html#pragma_synchronous.
     */
    synchronous?: 'NORMAL' | 'FULL' | undefined;
    /**
     * How long a call waits for another process's write to finish before it rejects with `SQLITE_BUSY`, in ms.
     * Default 5,000. better-sqlite3 is synchronous, so the wait blocks this process's event loop.
     */
    busyTimeoutMs?: number | undefined;
}

const optionsSchema = z
    .object({
        path: requiredString('must be a non-empty string (the database file)'),
        storageTtlMs: integerFrom(1).optional(),
        deadLetterTtlMs: integerFrom(1).optional(),
        synchronous: z.enum(['NORMAL', 'FULL'], { errorMap: () => ({ message: "must be 'NORMAL' or 'FULL'" }) }).optional(),
        busyTimeoutMs: integerFrom(0).optional(),
    })
    .passthrough();

/**
 * The {@link InboxStore} in one SQLite file (better-sqlite3, WAL): for one instance, or several processes on one host,
 * that must survive restarts. Every step that changes more than one row (an append with its de-duplication and limits,
 * a completion with its Storage writes) is one `BEGIN IMMEDIATE` transaction, so a `kill -9` leaves either all of it
 * or none. A lease is held while its time has not run out: a holder whose lease expired has lost it, even if nobody
 * took it since. Expired keys, items and dead letters are never read, and are deleted in the background.
 *
 * better-sqlite3 is loaded when the first store is created, so the library does not load a native module for
 * applications that do not use this store.
 *
 * @example
 * ```ts
 * const store = new SqliteInboxStore({ path: './data/inbox.sqlite' });
 * const adapter = new EightByEightAdapter({ apiKey, store });
 * process.once('SIGTERM', () => void store.close());
 * ```
 */
export class SqliteInboxStore implements InboxStore {
    /** The bot Storage, in the same file (see {@link SqliteStorage}). */
    readonly storage: SqliteStorage;
    private readonly db: BetterSqlite3.Database;
    private readonly statements: Statements;
    private readonly purgeTimer: NodeJS.Timeout;
    private closed = false;
    private readonly tx: ReturnType<typeof buildTransactions>;

    constructor(options: SqliteInboxStoreOptions) {
        validateOptions('SqliteInboxStore', optionsSchema, options, '{ path }');
        const lifetimes = { storageTtlMs: options.storageTtlMs ?? 30 * DAY_MS, deadLetterTtlMs: options.deadLetterTtlMs ?? 7 * DAY_MS };
        if (options.path !== ':memory:') mkdirSync(dirname(resolve(options.path)), { recursive: true });
        this.db = openDatabase(loadBetterSqlite3(), {
            path: options.path,
            synchronous: options.synchronous ?? 'NORMAL',
            busyTimeoutMs: options.busyTimeoutMs ?? 5000,
        });
        try {
            this.statements = prepareStatements(this.db);
            this.tx = buildTransactions(this.db, this.statements, lifetimes);
            this.storage = new SqliteStorage(this.db, this.statements, lifetimes.storageTtlMs, (method) => this.open(method));
        } catch (error) {
            this.db.close();
            throw error;
        }
        this.purge();
        this.purgeTimer = setInterval(() => this.purge(), PURGE_INTERVAL_MS).unref();
    }

    async append(inbox: string, events: NewInboxEvent[], options: AppendOptions): Promise<AppendResult> {
        const method = this.open('append');
        requireString(inbox, 'inbox', method);
        return this.tx.append(inbox, checkAppend(events, options, method), options, Date.now());
    }

    async lease(inbox: string, owner: string, max: number, leaseMs: number): Promise<InboxEvent[]> {
        const method = this.open('lease');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        requireNumber(max, 'max', method, 'integer', 1);
        requireNumber(leaseMs, 'leaseMs', method, 'positive');
        return this.tx.lease(inbox, owner, max, leaseMs, Date.now());
    }

    async next(inbox: string, owner: string, conversationId: string, leaseMs: number): Promise<InboxEvent | undefined> {
        const method = this.open('next');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        requireString(conversationId, 'conversationId', method);
        requireNumber(leaseMs, 'leaseMs', method, 'positive');
        return this.tx.next(inbox, owner, conversationId, leaseMs, Date.now());
    }

    async renew(inbox: string, owner: string, conversationIds: string[], leaseMs: number): Promise<string[]> {
        const method = this.open('renew');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        checkIds(conversationIds, 'conversationIds', method);
        requireNumber(leaseMs, 'leaseMs', method, 'positive');
        return this.tx.renew(inbox, owner, conversationIds, leaseMs, Date.now());
    }

    async complete(inbox: string, owner: string, event: InboxEvent, writes: StoreItems): Promise<boolean> {
        const method = this.open('complete');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        checkEvent(event, method);
        requireObject(writes, 'writes', method);
        return this.tx.complete(inbox, owner, event, writes, Date.now());
    }

    async retry(inbox: string, owner: string, event: InboxEvent, dueAt: number, error: string): Promise<boolean> {
        const method = this.open('retry');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        checkEvent(event, method);
        requireNumber(dueAt, 'dueAt', method, 'finite');
        if (typeof error !== 'string') throw new TypeError(`${method}: error must be a string.`);
        return this.tx.retry(inbox, owner, event, dueAt, error, Date.now());
    }

    async deadLetter(inbox: string, owner: string, event: InboxEvent, error: string): Promise<boolean> {
        const method = this.open('deadLetter');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        checkEvent(event, method);
        if (typeof error !== 'string') throw new TypeError(`${method}: error must be a string.`);
        return this.tx.deadLetter(inbox, owner, event, error, Date.now());
    }

    async sends(inbox: string, eventId: string): Promise<SendRecord[]> {
        const method = this.open('sends');
        requireString(inbox, 'inbox', method);
        requireString(eventId, 'eventId', method);
        return (this.statements.sends.all(inbox, rowId(eventId)) as string[]).map((record) => JSON.parse(record));
    }

    async recordSend(inbox: string, owner: string, event: InboxEvent, index: number, record: SendRecord): Promise<boolean> {
        const method = this.open('recordSend');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        checkEvent(event, method);
        requireNumber(index, 'index', method, 'integer', 0);
        requireObject(record, 'record', method);
        return this.tx.recordSend(inbox, owner, event, index, JSON.stringify(record), Date.now());
    }

    async release(inbox: string, owner: string, conversationIds?: string[]): Promise<void> {
        const method = this.open('release');
        requireString(inbox, 'inbox', method);
        requireString(owner, 'owner', method);
        if (conversationIds !== undefined) checkIds(conversationIds, 'conversationIds', method);
        this.tx.release(inbox, owner, conversationIds);
    }

    async stats(inbox: string): Promise<InboxStats> {
        const method = this.open('stats');
        requireString(inbox, 'inbox', method);
        return this.tx.stats(inbox, Date.now());
    }

    async deadLetters(inbox: string, limit: number): Promise<DeadLetter[]> {
        const method = this.open('deadLetters');
        requireString(inbox, 'inbox', method);
        requireNumber(limit, 'limit', method, 'integer', 0);
        const rows = this.statements.deadLetters.all(inbox, Date.now(), limit) as { event: string; error: string; at: number }[];
        return rows.map(({ event, error, at }) => ({ event: JSON.parse(event), error, at }));
    }

    /** True while the file answers a query; false once closed or when SQLite fails. */
    async ping(): Promise<boolean> {
        if (this.closed) return false;
        try {
            return this.statements.ping.get() === 1;
        } catch {
            return false;
        }
    }

    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        clearInterval(this.purgeTimer);
        this.db.close();
    }

    /** The method's name for messages (`SqliteInboxStore.append()`); throws once the store is closed. */
    private open(name: string): string {
        const method = `SqliteInboxStore.${name}()`;
        if (this.closed) throw new Error(`${method}: the store is closed.`);
        return method;
    }

    /** Deletes what expired; a failure (another process holding the lock too long) is left to the next run. */
    private purge(): void {
        if (this.closed) return;
        const { purgeDedup, purgeStorage, purgeDeadLetters, purgeIdle } = this.statements;
        try {
            const now = Date.now();
            let full = false;
            for (const statement of [purgeDedup, purgeStorage, purgeDeadLetters]) {
                if (statement.run(now, PURGE_BATCH).changes >= PURGE_BATCH) full = true;
            }
            purgeIdle.run(now);
            if (full) setImmediate(() => this.purge()).unref();
        } catch {
            // Nothing to do: expired rows are invisible to reads, and the timer tries again.
        }
    }
}

/**
 * better-sqlite3, required here rather than imported: importing the library must not load a native module nobody asked
 * for. It is an optional dependency (an install that cannot build it still succeeds), so say what to do when it is missing.
 */
function loadBetterSqlite3(): typeof BetterSqlite3 {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require('better-sqlite3') as typeof BetterSqlite3;
    } catch (error) {
        throw new ConfigurationError(
            `SqliteInboxStore: the better-sqlite3 package could not be loaded (${(error as Error).message.split('\n')[0]}). ` +
                'Install it (npm install better-sqlite3, with its install script allowed so it builds its native module), ' +
                'or pass another store to the adapter: store: new RedisInboxStore({ url }) or, accepting that a restart loses state, new MemoryInboxStore().'
        );
    }
}
