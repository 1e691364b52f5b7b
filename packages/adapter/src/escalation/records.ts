/**
 * The bridge's state, all of it in the store's Storage (no process memory), every change a compare-and-swap on the
 * item's eTag, so several instances can serve one escalation and each transition (accepted, completed, failed…)
 * happens once:
 *
 * | key | what |
 * |---|---|
 * | `liveperson-escalation/customers/{adapter}/{channelId}/{conversationId}` | {@link EscalationRecord}: one per customer conversation |
 * | `liveperson-escalation/conversations/{LivePerson conversation id}` | {@link ConversationLink}: which customer conversation it serves |
 * | `liveperson-escalation/due` | when the sweep should look at which customer conversation again (deadlines, undelivered events) |
 *
 * The LivePerson conversation's own record (dialog, agents, last change applied, offered replies) and the
 * consumer's token are the LivePerson connector's (`liveperson/conversations/…`, `liveperson/consumers/…`).
 */
import type { StorageLike } from '../core/storage';
import type { EscalationRequest } from './handoffRequest';

const PREFIX = 'liveperson-escalation';
/** Compare-and-swap attempts before giving up on a contended item. */
const MAX_SWAPS = 20;

/** Where an escalation is: `opening` until LivePerson gave a conversation, `waiting` for an agent, `accepted`, `ended`. */
export type EscalationState = 'opening' | 'waiting' | 'accepted' | 'ended';

/** An event for the bot (`handoff.status`, queued, transferred) not yet delivered, in the order they happened. */
export interface BotNotice {
    id: string;
    name: string;
    value: unknown;
    /** A delivery is under way until then (ms since the epoch); another flusher waits. */
    claimedUntil?: number | undefined;
}

/** One customer conversation's escalation (the latest one: a new escalation replaces an ended one). */
export interface EscalationRecord {
    /** Unique per escalation: tells events of an earlier escalation of this conversation apart. */
    escalationId: string;
    state: EscalationState;
    /** How it ended, once `ended`. */
    outcome?: 'completed' | 'failed' | undefined;
    reason?: string | undefined;
    /** Name of the customer adapter (`bridge.middleware(adapter, { name })`). */
    adapter: string;
    /** The customer's ConversationReference, in the shape of the adapter's SDK, for proactive turns. */
    reference: Record<string, unknown>;
    /** LivePerson external consumer id (a hash of the customer's channel and user id). */
    consumerId: string;
    /** The LivePerson conversation, once open. */
    conversationId?: string | undefined;
    /** What to open, while `opening`. */
    request?: EscalationRequest | undefined;
    createdAt: number;
    /**
     * When the escalation ends in `failed` (ms since the epoch): while `waiting`, no agent in time; once `accepted`, the
     * customer idle (moved on by each customer message).
     */
    deadline?: number | undefined;
    agentId?: string | undefined;
    /** The queue information last reported to the bot (JSON), so a repeated one is not reported again. */
    queue?: string | undefined;
    /** A COMPOSING chat state of the customer is standing at LivePerson. */
    composing?: boolean | undefined;
    notices: BotNotice[];
}

/** A LivePerson conversation opened by the bridge. */
export interface ConversationLink {
    customerKey: string;
    escalationId: string;
}

/** Escalations that have not ended. */
export function isActive(record: EscalationRecord | undefined): record is EscalationRecord & { state: Exclude<EscalationState, 'ended'> } {
    return record !== undefined && record.state !== 'ended';
}

/** Reads and changes the bridge's items with compare-and-swap. */
export class EscalationRecords {
    constructor(private readonly storage: StorageLike) {}

    /** The key of a customer conversation: adapter name, channel id and conversation id. */
    static customerKey(adapter: string, channelId: string, conversationId: string): string {
        return [adapter, channelId, conversationId].map(encodeURIComponent).join('/');
    }

    async read(customerKey: string): Promise<EscalationRecord | undefined> {
        return (await this.swap<EscalationRecord>(recordKey(customerKey), () => undefined)).value;
    }

    /**
     * Changes a customer conversation's record: `change` gets the current one and returns the next, or undefined to
     * leave it as it is. On a conflict (another instance changed it meanwhile) `change` runs again on the new one.
     */
    update(customerKey: string, change: (current: EscalationRecord | undefined) => EscalationRecord | undefined) {
        return this.swap(recordKey(customerKey), change);
    }

    async link(conversationId: string, link: ConversationLink): Promise<void> {
        await this.storage.write({ [linkKey(conversationId)]: { ...link, eTag: '*' } });
    }

    async linkOf(conversationId: string): Promise<ConversationLink | undefined> {
        return (await this.swap<ConversationLink>(linkKey(conversationId), () => undefined)).value;
    }

    /** Sets when the sweep should look at this customer conversation again (undefined: never). */
    async schedule(customerKey: string, dueAt: number | undefined): Promise<void> {
        await this.swap<{ due: Record<string, number> }>(DUE_KEY, (current) => {
            const due = { ...current?.due };
            if (dueAt === undefined ? !Object.hasOwn(due, customerKey) : due[customerKey] === dueAt) return undefined;
            if (dueAt === undefined) delete due[customerKey];
            else due[customerKey] = dueAt;
            return { due };
        });
    }

    /** The customer conversations whose time has come (`schedule`), soonest first. */
    async due(now: number): Promise<string[]> {
        const { value } = await this.swap<{ due: Record<string, number> }>(DUE_KEY, () => undefined);
        return Object.entries(value?.due ?? {})
            .filter(([, at]) => at <= now)
            .sort(([, a], [, b]) => a - b)
            .map(([key]) => key);
    }

    private async swap<T extends object>(key: string, change: (current: T | undefined) => T | undefined): Promise<{ value: T | undefined; changed: boolean }> {
        for (let attempt = 1; ; attempt++) {
            const stored = (await this.storage.read([key]))[key] as (T & { eTag?: string }) | undefined;
            const { eTag, ...rest } = stored ?? ({} as T & { eTag?: string });
            const current = stored ? (rest as T) : undefined;
            const next = change(current);
            if (next === undefined) return { value: current, changed: false };
            try {
                await this.storage.write({ [key]: { ...next, eTag: eTag ?? '*' } });
                return { value: next, changed: true };
            } catch (err) {
                if (!isETagConflict(err) || attempt >= MAX_SWAPS) throw err;
            }
        }
    }
}

const DUE_KEY = `${PREFIX}/due`;
const recordKey = (customerKey: string) => `${PREFIX}/customers/${customerKey}`;
const linkKey = (conversationId: string) => `${PREFIX}/conversations/${encodeURIComponent(conversationId)}`;

/** The Storage refused a write because the item changed since it was read (every Storage says "eTag" and "conflict"). */
function isETagConflict(err: unknown): boolean {
    const message = err instanceof Error ? err.message : String(err);
    return /etag/i.test(message) && /conflict/i.test(message);
}
