import { resolve } from 'node:path';
import type { InboxStore, Logger } from 'botbuilder-contact-center/protocol';
import type { StoreSetting } from './config';

/**
 * Opens the one store both adapters share (`CONTACT_CENTER_STORE`, see `config.ts`). Each kind is loaded only when
 * chosen: `memory` loads neither SQLite's native module nor the Redis client, `sqlite:` not the Redis client.
 */
export async function openStore(setting: StoreSetting, logger: Logger): Promise<InboxStore> {
    switch (setting.kind) {
        case 'memory': {
            logger.warn(
                'CONTACT_CENTER_STORE=memory: webhooks accepted but not yet run, de-duplication, conversation records (who owns a ' +
                    'conversation, LivePerson tokens) and dialog state are lost on a restart. Use sqlite:<path> (one instance) or redis:// (several).'
            );
            const { MemoryInboxStore } = await import('botbuilder-contact-center/protocol');
            return new MemoryInboxStore();
        }
        case 'sqlite': {
            const { SqliteInboxStore } = await import('botbuilder-contact-center/protocol');
            return new SqliteInboxStore({ path: resolve(setting.path) });
        }
        case 'redis': {
            const { RedisInboxStore } = await import('botbuilder-contact-center-redis');
            return new RedisInboxStore({ url: setting.url });
        }
    }
}

/**
 * `store.ping()`, bounded: false when it rejects or takes longer than `timeoutMs` (a Redis that does not answer must
 * not hold a readiness probe).
 */
export async function pingStore(store: InboxStore, timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolvePing) => {
        timer = setTimeout(() => resolvePing(false), timeoutMs);
    });
    try {
        return await Promise.race([store.ping().catch(() => false), timeout]);
    } finally {
        clearTimeout(timer);
    }
}
