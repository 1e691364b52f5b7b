import { resolve } from 'node:path';
import type { InboxStore } from '../core/inboxStore';
import type { Logger } from '../core/logger';
import type { SqliteInboxStore } from './sqliteInboxStore';

/** Where the default store keeps its file, under the working directory. */
export const DEFAULT_STORE_PATH = '.contact-center/state.sqlite';

/**
 * The store an adapter uses when none is given: durable (a SQLite file), because an in-memory default would lose
 * every accepted event on a restart without anyone having chosen that. Loaded on first use, so an application that
 * passes its own store never loads SQLite's native module.
 */
export function openDefaultStore(logger: Logger): InboxStore {
    const path = resolve(DEFAULT_STORE_PATH);
    logger.info(`No "store" option: events and records are kept in the SQLite file ${path} (one instance).`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose (see above)
    const sqlite = require('./sqliteInboxStore') as { SqliteInboxStore: typeof SqliteInboxStore };
    return new sqlite.SqliteInboxStore({ path });
}
