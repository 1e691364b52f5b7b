import type { ConversationAccount, PlainActivity } from './activity';
import { createHandoffStatus, type HandoffState } from './handoff';

/** A vendor conversation as the bot sees it: one customer, one bot. */
export function personalConversation(id: string): ConversationAccount {
    return { id, isGroup: false, conversationType: 'personal' };
}

/**
 * An activity's `timestamp` from a vendor's epoch-ms time: now when there is none or it is no date (out of Date's
 * range, e.g. 1e308: an Invalid Date, which the Agents SDK refuses and a bot's `toISOString()` throws on).
 */
export function activityTimestamp(epochMs: number | undefined): Date {
    const date = epochMs ? new Date(epochMs) : new Date();
    return Number.isNaN(date.getTime()) ? new Date() : date;
}

/**
 * The activities one vendor event maps to, built the same way for every vendor: each over the event's base fields
 * (channel, conversation, from, recipient, timestamp…), the first with the event's id and the next ones with
 * `{id}:1`, `{id}:2`… so a redelivered event gives the same ids.
 */
export class InboundActivityList {
    readonly activities: PlainActivity[] = [];

    /**
     * @param firstId The event's id (the vendor's delivery id, or one the adapter made).
     * @param base The fields every activity of this event has; called per activity, as they may change while mapping.
     */
    constructor(
        private readonly firstId: string,
        private readonly base: () => PlainActivity
    ) {}

    /** Adds an activity: the next id, the base fields, then the activity's own fields. */
    push(activity: PlainActivity): void {
        const n = this.activities.length;
        this.activities.push({ id: n === 0 ? this.firstId : `${this.firstId}:${n}`, ...this.base(), ...activity });
    }

    /** Adds a `handoff.status` event for the base conversation. */
    handoffStatus(state: HandoffState, message: string): void {
        const status = createHandoffStatus(this.base().conversation!, state, message);
        this.push({ type: status.type, name: status.name, value: status.value });
    }
}
