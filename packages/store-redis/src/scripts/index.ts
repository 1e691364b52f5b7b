import type { Cluster, Redis } from 'ioredis';
import { APPEND } from './intake';
import { LEASE, NEXT, RELEASE, RENEW } from './leases';
import { COMPLETE, DEAD_LETTER, RECORD_SEND, RETRY } from './outcomes';
import { PRELUDE } from './prelude';
import { DEAD_LETTERS, STATS } from './reports';
import { STORAGE_WRITE } from './storage';

/** The inbox scripts, each run with the five keys of one inbox (see `keys.ts`). */
const INBOX_SCRIPTS = {
    append: APPEND,
    lease: LEASE,
    next: NEXT,
    renew: RENEW,
    release: RELEASE,
    complete: COMPLETE,
    retry: RETRY,
    deadLetter: DEAD_LETTER,
    recordSend: RECORD_SEND,
    stats: STATS,
    deadLetters: DEAD_LETTERS,
};

export type InboxScript = keyof typeof INBOX_SCRIPTS;

/** Keys every inbox script takes, in order: ready set, pending counter, id sequence, dead letters, eTag counter. */
export const INBOX_SCRIPT_KEYS = 5;

/** Command names on the client; prefixed so they cannot clash with the owner's own `defineCommand`s. */
const commandName = (script: string): string => `bccInbox_${script}`;

/**
 * Registers the scripts on a client with ioredis' `defineCommand`: it runs them with EVALSHA and falls back to EVAL
 * when the server does not know the script (after a restart or a failover), so nothing has to be loaded up front.
 */
export function defineScripts(client: Redis | Cluster): void {
    for (const [name, body] of Object.entries(INBOX_SCRIPTS)) {
        client.defineCommand(commandName(name), { numberOfKeys: INBOX_SCRIPT_KEYS, lua: PRELUDE + body });
    }
    client.defineCommand(commandName('storageWrite'), { numberOfKeys: 1, lua: STORAGE_WRITE });
}

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/** Runs a script registered by {@link defineScripts}. */
export function runScript(client: Redis | Cluster, script: InboxScript | 'storageWrite', keys: string[], args: Array<string | number>): Promise<unknown> {
    const command = (client as unknown as Record<string, ScriptCommand>)[commandName(script)];
    return command.call(client, ...keys, ...args);
}
