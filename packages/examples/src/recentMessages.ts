import type { StorageLike } from 'botbuilder-contact-center/protocol';

/** How many of a conversation's texts are kept, and how long each may be. */
export const RECENT_MESSAGES = 5;
const MAX_TEXT_LENGTH = 200;
/** Attempts of a compare-and-swap that keeps losing to another turn of the same conversation. */
const ATTEMPTS = 3;

/** The activity fields the bot's state is keyed and filled by (both SDKs' activities have them). */
export interface ConversationActivity {
    channelId?: string | undefined;
    conversation?: { id?: string | undefined } | undefined;
    text?: string | undefined;
}

interface RecentItem {
    texts: string[];
    eTag?: string;
}

/**
 * The echo bot's state: the customer's last few texts per conversation, kept in a Storage (the example's store, so
 * any instance sees them and a restart keeps them), for the summary an agent reads when the customer asks for one.
 * Framework-free: the botbuilder `EchoBot` and the Agents SDK `EchoAgent` keep the same state. Each change is a
 * compare-and-swap on the item's eTag, so two turns of one conversation at once both count.
 */
export class RecentMessages {
    constructor(private readonly storage: StorageLike) {}

    /** The conversation's kept texts, oldest first. */
    async of(activity: ConversationActivity): Promise<string[]> {
        const key = keyOf(activity);
        if (!key) return [];
        const item = (await this.storage.read([key]))[key] as RecentItem | undefined;
        return item?.texts ?? [];
    }

    /** Keeps the activity's text (trimmed, shortened) as the conversation's newest. */
    async add(activity: ConversationActivity): Promise<void> {
        const key = keyOf(activity);
        const text = activity.text?.trim();
        if (!key || !text) return;
        const kept = text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH - 1)}…` : text;
        for (let attempt = 1; ; attempt++) {
            const item = (await this.storage.read([key]))[key] as RecentItem | undefined;
            const texts = [...(item?.texts ?? []), kept].slice(-RECENT_MESSAGES);
            try {
                // The eTag read: a turn that wrote meanwhile makes this write fail, and it is done again on what that turn wrote.
                await this.storage.write({ [key]: { texts, eTag: item?.eTag ?? '*' } });
                return;
            } catch (err) {
                if (attempt >= ATTEMPTS) throw err;
            }
        }
    }

    /** Forgets the conversation (it ended). */
    async clear(activity: ConversationActivity): Promise<void> {
        const key = keyOf(activity);
        if (key) await this.storage.delete([key]);
    }
}

function keyOf(activity: ConversationActivity): string | undefined {
    const conversationId = activity.conversation?.id;
    return conversationId ? `examples/echo/recent/${activity.channelId ?? ''}/${conversationId}` : undefined;
}
