/**
 * Human handoff in the Bot Framework's standard vocabulary, without either SDK: the bot sends `handoff.initiate`
 * (botbuilder's `EventFactory.createHandoffInitiation`) and hears back through `handoff.status` events. The Agents SDK
 * has no `EventFactory`, so its users call {@link createHandoffInitiation} from this library.
 */
import { ActivityTypes, type Attachment, type ConversationAccount, type PlainActivity } from './activity';

/** Event names of the handoff protocol. */
export const HandoffEventNames = {
    InitiateHandoff: 'handoff.initiate',
    HandoffStatus: 'handoff.status',
} as const;

/** States a `handoff.status` event reports. */
export const HandoffStatusStates = {
    /** A human agent took the conversation. */
    Accepted: 'accepted',
    /** The agent finished; the conversation is back with the bot. */
    Completed: 'completed',
    /** The handoff could not happen (the value's `message` says why). */
    Failed: 'failed',
} as const;

/** One of {@link HandoffStatusStates}. */
export type HandoffState = (typeof HandoffStatusStates)[keyof typeof HandoffStatusStates];

/**
 * A `handoff.initiate` event to send with `context.sendActivity`, as botbuilder's `EventFactory.createHandoffInitiation`
 * builds it: `value` is the handoff context (e.g. `{ queueId }` on 8x8, `{ skillId, summary }` on LivePerson) and the
 * optional transcript goes as an attachment named `Transcript`.
 *
 * @example
 * ```ts
 * import { createHandoffInitiation } from 'botbuilder-contact-center/agents';
 * await context.sendActivity(createHandoffInitiation(context, { queueId: '101' }));
 * ```
 */
export function createHandoffInitiation(
    context: { activity: { from?: { id: string; name?: string } | unknown; conversation?: unknown } },
    handoffContext: unknown,
    transcript?: { activities: unknown[] }
): PlainActivity {
    if (!context?.activity) throw new TypeError('createHandoffInitiation(): missing context (a TurnContext).');
    const activity: PlainActivity = {
        type: ActivityTypes.Event,
        name: HandoffEventNames.InitiateHandoff,
        value: handoffContext,
        from: context.activity.from as PlainActivity['from'],
        relatesTo: (context.activity as { getConversationReference?: () => unknown }).getConversationReference?.() ?? undefined,
    };
    if (activity.relatesTo === undefined) delete activity.relatesTo;
    if (transcript) {
        const attachment: Attachment = { content: transcript, contentType: 'application/json', name: 'Transcript' };
        activity.attachments = [attachment];
    }
    return activity;
}

/** A `handoff.status` event for the bot (as `EventFactory.createHandoffStatus` builds it). */
export function createHandoffStatus(conversation: ConversationAccount, state: HandoffState, message?: string): PlainActivity {
    return {
        type: ActivityTypes.Event,
        name: HandoffEventNames.HandoffStatus,
        conversation,
        value: { state, ...(message !== undefined ? { message } : {}) },
    };
}

/** A handoff request: event `handoff.initiate` or a `handoff` activity. */
export function isHandoffInitiation(activity: PlainActivity): boolean {
    return activity.type === ActivityTypes.Handoff || (activity.type === ActivityTypes.Event && activity.name === HandoffEventNames.InitiateHandoff);
}
