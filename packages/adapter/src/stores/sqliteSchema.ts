/**
 * The SQLite layout of {@link SqliteInboxStore}: the tables, opening a file (pragmas, schema) and every statement the
 * store runs, prepared once per connection. Kept apart from the store so the SQL can be read in one place.
 */
import type BetterSqlite3 from 'better-sqlite3';

/** The layout version in `PRAGMA user_version`; a file written by a newer layout is refused rather than misread. */
const SCHEMA_VERSION = 1;

/*
 * `conversations` keeps, per conversation with events or a lease, its count of pending events, its head (oldest
 * event) with the head's due time, and the lease. `lease()` walks the index `conversations_by_head` oldest head first
 * and stops after `max` leasable ones: every column it tests is in the index, so it reads no other row, and it skips
 * only conversations that are leased or waiting for a retry (a few hundred, not the backlog). `inboxes` counts pending
 * events per inbox, so the `maxTotal` check does not count rows on every append. Small rows are `WITHOUT ROWID`; rows
 * that may hold large JSON (storage items, send records, payloads) keep a rowid, as SQLite advises.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inbox TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    dedup_key TEXT,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    received_at INTEGER NOT NULL,
    due_at INTEGER NOT NULL,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS events_by_conversation ON events (inbox, conversation_id, id);
CREATE TABLE IF NOT EXISTS conversations (
    inbox TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    pending INTEGER NOT NULL,
    head_id INTEGER,
    head_due INTEGER,
    owner TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (inbox, conversation_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_by_head ON conversations (inbox, head_id, head_due, lease_until) WHERE head_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS inboxes (inbox TEXT PRIMARY KEY, pending INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dedup (
    inbox TEXT NOT NULL,
    key TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (inbox, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedup_expiry ON dedup (expires_at);
CREATE TABLE IF NOT EXISTS sends (
    inbox TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (inbox, event_id, idx)
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    inbox TEXT NOT NULL,
    event TEXT NOT NULL,
    error TEXT NOT NULL,
    at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_by_inbox ON dead_letters (inbox, at);
CREATE INDEX IF NOT EXISTS dead_letters_expiry ON dead_letters (expires_at);
CREATE TABLE IF NOT EXISTS storage (key TEXT PRIMARY KEY, value TEXT NOT NULL, etag TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS storage_expiry ON storage (expires_at);
`;

/** How a file is opened. */
export interface OpenOptions {
    path: string;
    synchronous: 'NORMAL' | 'FULL';
    busyTimeoutMs: number;
}

/**
 * Opens (or creates) the file: WAL, so readers never block the writer and several processes share the file; a busy
 * timeout, so a process waits for another's write instead of failing at once; then the tables, in one IMMEDIATE
 * transaction so two processes creating the same new file do not race.
 */
export function openDatabase(Database: typeof BetterSqlite3, options: OpenOptions): BetterSqlite3.Database {
    const db = new Database(options.path, { timeout: options.busyTimeoutMs });
    try {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${options.synchronous}`);
        db.transaction(() => {
            const version = db.pragma('user_version', { simple: true }) as number;
            if (version > SCHEMA_VERSION) {
                throw new Error(`SqliteInboxStore: ${options.path} was written by a newer version (layout ${version}, this one reads ${SCHEMA_VERSION}).`);
            }
            db.exec(SCHEMA);
            db.pragma(`user_version = ${SCHEMA_VERSION}`);
        }).immediate();
        return db;
    } catch (error) {
        db.close();
        throw error;
    }
}

/** A statement whose rows are one value (`count(*)`, a flag), read without its column name. */
const value = (sql: string) => ({ sql, pluck: true });

/** Every statement of the store, by name. Parameters are positional, in the order of the `?`s. */
const SQL = {
    dedupLive: value('SELECT 1 FROM dedup WHERE inbox = ? AND key = ? AND expires_at > ?'),
    dedupClaim: 'INSERT INTO dedup (inbox, key, expires_at) VALUES (?, ?, ?) ON CONFLICT (inbox, key) DO UPDATE SET expires_at = excluded.expires_at',
    inboxPending: value('SELECT pending FROM inboxes WHERE inbox = ?'),
    inboxAdd: 'INSERT INTO inboxes (inbox, pending) VALUES (?, ?) ON CONFLICT (inbox) DO UPDATE SET pending = pending + excluded.pending',
    conversation: 'SELECT pending, head_id, head_due, owner, lease_until FROM conversations WHERE inbox = ? AND conversation_id = ?',
    insertEvent: 'INSERT INTO events (inbox, conversation_id, dedup_key, payload, received_at, due_at) VALUES (?, ?, ?, ?, ?, ?)',
    // An UPDATE reads the row as it was, so `head_id IS NULL` below is the head before this append.
    conversationAdd: `INSERT INTO conversations (inbox, conversation_id, pending, head_id, head_due) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (inbox, conversation_id) DO UPDATE SET pending = pending + excluded.pending,
            head_due = CASE WHEN head_id IS NULL THEN excluded.head_due ELSE head_due END,
            head_id = coalesce(head_id, excluded.head_id)`,
    // Free or expired lease (a free one has lease_until 0) and a due head; `now` is bound twice.
    leasable: `SELECT conversation_id, head_id, owner, lease_until FROM conversations INDEXED BY conversations_by_head
        WHERE inbox = ? AND head_id IS NOT NULL AND head_due <= ? AND lease_until <= ? ORDER BY head_id LIMIT ?`,
    setLease: 'UPDATE conversations SET owner = ?, lease_until = ? WHERE inbox = ? AND conversation_id = ?',
    renewLease: 'UPDATE conversations SET lease_until = ? WHERE inbox = ? AND conversation_id = ? AND owner = ? AND lease_until > ?',
    releaseLease: 'UPDATE conversations SET owner = NULL, lease_until = 0 WHERE inbox = ? AND conversation_id = ? AND owner = ?',
    releaseAll: 'UPDATE conversations SET owner = NULL, lease_until = 0 WHERE inbox = ? AND owner = ?',
    dropIdle: 'DELETE FROM conversations WHERE inbox = ? AND conversation_id = ? AND pending = 0 AND owner IS NULL',
    dropIdleOwned: 'DELETE FROM conversations WHERE inbox = ? AND owner = ? AND pending = 0',
    event: 'SELECT * FROM events WHERE id = ?',
    head: 'SELECT id, due_at FROM events WHERE inbox = ? AND conversation_id = ? ORDER BY id LIMIT 1',
    deleteEvent: 'DELETE FROM events WHERE id = ?',
    conversationRemove: 'UPDATE conversations SET pending = pending - 1, head_id = ?, head_due = ? WHERE inbox = ? AND conversation_id = ?',
    retryEvent: 'UPDATE events SET attempts = attempts + 1, last_error = ?, due_at = ? WHERE id = ?',
    // A lease that ended without its holder settling the head (it died): the head counts one attempt.
    countTakeover: 'UPDATE events SET attempts = attempts + 1, last_error = ? WHERE id = ?',
    setHeadDue: 'UPDATE conversations SET head_due = ? WHERE inbox = ? AND conversation_id = ?',
    insertDeadLetter: 'INSERT INTO dead_letters (inbox, event, error, at, expires_at) VALUES (?, ?, ?, ?, ?)',
    deadLetters: 'SELECT event, error, at FROM dead_letters WHERE inbox = ? AND expires_at > ? ORDER BY at DESC, id DESC LIMIT ?',
    deadLetterCount: value('SELECT count(*) FROM dead_letters WHERE inbox = ? AND expires_at > ?'),
    sendCount: value('SELECT count(*) FROM sends WHERE inbox = ? AND event_id = ?'),
    putSend: 'INSERT OR REPLACE INTO sends (inbox, event_id, idx, record) VALUES (?, ?, ?, ?)',
    sends: value('SELECT record FROM sends WHERE inbox = ? AND event_id = ? ORDER BY idx'),
    deleteSends: 'DELETE FROM sends WHERE inbox = ? AND event_id = ?',
    // A conversation has a head exactly when it has pending events.
    conversationCount: value('SELECT count(*) FROM conversations INDEXED BY conversations_by_head WHERE inbox = ? AND head_id IS NOT NULL'),
    storageRead: 'SELECT value, etag FROM storage WHERE key = ? AND expires_at > ?',
    storagePut: `INSERT INTO storage (key, value, etag, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, expires_at = excluded.expires_at`,
    storageDelete: 'DELETE FROM storage WHERE key = ?',
    ping: value('SELECT 1'),
    // Lazy purges, a batch at a time so one run never holds the write lock for long.
    purgeDedup: 'DELETE FROM dedup WHERE (inbox, key) IN (SELECT inbox, key FROM dedup WHERE expires_at <= ? LIMIT ?)',
    purgeStorage: 'DELETE FROM storage WHERE rowid IN (SELECT rowid FROM storage WHERE expires_at <= ? LIMIT ?)',
    purgeDeadLetters: 'DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters WHERE expires_at <= ? LIMIT ?)',
    // A holder that died between completing a conversation's last event and calling next() leaves an empty row.
    purgeIdle: 'DELETE FROM conversations WHERE pending = 0 AND lease_until <= ?',
};

/** One prepared statement; rows are typed where they are read. */
export type Statement = BetterSqlite3.Statement<unknown[], any>;

/** The prepared statements of one connection. */
export type Statements = { readonly [Name in keyof typeof SQL]: Statement };

/** Prepares every statement once, when the store opens. */
export function prepareStatements(db: BetterSqlite3.Database): Statements {
    const statements: Partial<Record<keyof typeof SQL, Statement>> = {};
    for (const [name, source] of Object.entries(SQL) as [keyof typeof SQL, string | { sql: string; pluck: boolean }][]) {
        statements[name] = typeof source === 'string' ? db.prepare(source) : db.prepare(source.sql).pluck();
    }
    return statements as Statements;
}

/** A row of `events`. */
export interface EventRow {
    id: number;
    inbox: string;
    conversation_id: string;
    dedup_key: string | null;
    payload: string;
    attempts: number;
    received_at: number;
    due_at: number;
    last_error: string | null;
}

/** A row of `conversations` (as `Statements.conversation` reads it). */
export interface ConversationRow {
    pending: number;
    head_id: number | null;
    head_due: number | null;
    owner: string | null;
    lease_until: number;
}
