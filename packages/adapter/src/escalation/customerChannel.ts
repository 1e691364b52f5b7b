/**
 * The bridge's seam with the adapter that serves the customer — botbuilder's `CloudAdapter` (Web Chat, Direct Line,
 * Teams, the Emulator), this library's adapters, or an Agents SDK adapter — written structurally, so the bridge
 * imports neither SDK: the shapes below are what both SDKs' TurnContext and adapters have in common.
 */
import { createHash } from 'node:crypto';
import { ActivityTypes, type PlainActivity } from '../core/activity';
import { ConfigurationError } from '../core/errors';
import { currentEvent } from '../core/eventContext';

/** What the bridge uses of a TurnContext (botbuilder's or the Agents SDK's). */
export interface EscalationTurnContext {
    readonly activity: any;
    onSendActivities(handler: (context: any, activities: any[], next: () => Promise<any[]>) => Promise<any[]>): unknown;
    sendActivity(activityOrText: any): Promise<unknown>;
}

/** The middleware `bridge.middleware()` returns: botbuilder's and the Agents SDK's `Middleware` shape. */
export interface EscalationMiddleware {
    onTurn(context: EscalationTurnContext, next: () => Promise<void>): Promise<void>;
}

/**
 * An adapter the bridge can run proactive turns on: botbuilder (`continueConversationAsync(botAppId, reference,
 * logic)`, e.g. `CloudAdapter`) or the Agents SDK (`continueConversation(botAppId, reference, logic)`).
 */
export type CustomerAdapter =
    | { continueConversationAsync(botAppId: string, reference: any, logic: (context: any) => Promise<void>): Promise<void> }
    | { continueConversation(botAppId: string, reference: any, logic: (context: any) => Promise<void>): Promise<void> };

/** A customer adapter as the bridge knows it: its name in the records, how to continue on it, the bot's logic. */
export interface CustomerChannel {
    name: string;
    adapter: CustomerAdapter;
    botAppId: string;
    /** The bot's turn handler, for the turns that bring it `handoff.status` and the other escalation events. */
    logic: (context: any) => Promise<unknown>;
}

/** The customer adapters registered with `bridge.middleware()`, by name (configuration, not state). */
export class CustomerChannels {
    private readonly channels = new Map<string, CustomerChannel>();

    add(channel: CustomerChannel): void {
        const known = this.channels.get(channel.name);
        if (known && known.adapter !== channel.adapter) {
            throw new ConfigurationError(
                `LivePersonEscalation.middleware(): another adapter is already named "${channel.name}"; give each adapter its own { name }.`
            );
        }
        this.channels.set(channel.name, channel);
    }

    /** The channel named so; throws (a retryable error: it may be registered a moment later, at start-up) when unknown. */
    get(name: string): CustomerChannel {
        const channel = this.channels.get(name);
        if (!channel) throw new Error(`LivePersonEscalation: no adapter named "${name}" is registered here (bridge.middleware(adapter, { name })).`);
        return channel;
    }
}

/** An SDK activity as a plain one (the Agents SDK's `Activity` keeps `channelId` in a getter). */
export function plainActivity(activity: any): PlainActivity {
    return typeof activity?.toJsonString === 'function' ? (JSON.parse(activity.toJsonString()) as PlainActivity) : (activity as PlainActivity);
}

/** The reference of the conversation an activity came in, in its SDK's shape (Agents: `agent`; botbuilder: `bot`). */
export function referenceOf(activity: any): Record<string, unknown> {
    if (typeof activity?.getConversationReference === 'function') return JSON.parse(JSON.stringify(activity.getConversationReference()));
    const a = activity as PlainActivity;
    const reference = {
        activityId: a.id,
        user: a.from,
        bot: a.recipient,
        conversation: a.conversation,
        channelId: a.channelId,
        locale: a.locale,
        serviceUrl: a.serviceUrl,
    };
    return JSON.parse(JSON.stringify(reference));
}

/**
 * The LivePerson consumer a customer is (`ext_consumer_id`): a hash of the channel and the user's id there, so the same
 * customer is the same consumer every time, and no channel user id reaches LivePerson.
 */
export function consumerIdOf(channelId: string, userId: string): string {
    return `bf-${createHash('sha256').update(`${channelId}\n${userId}`).digest('hex').slice(0, 40)}`;
}

/** A proactive turn's activity (botbuilder and Agents: `ContinueConversation`; this library: `continueConversation`). */
export function isContinuation(activity: PlainActivity): boolean {
    return activity.type === ActivityTypes.Event && typeof activity.name === 'string' && activity.name.toLowerCase() === 'continueconversation';
}

/**
 * Runs `logic` in a proactive turn of the customer's conversation. Outside any inbox event of this library: the
 * customer adapter's records and sends belong to its own store, never to the LivePerson event running here.
 */
export function continueOn(
    channel: CustomerChannel,
    reference: Record<string, unknown>,
    logic: (context: EscalationTurnContext) => Promise<void>
): Promise<void> {
    return currentEvent.exit(async () => {
        const adapter = channel.adapter as Record<string, any>;
        if (typeof adapter.continueConversationAsync === 'function') await adapter.continueConversationAsync(channel.botAppId, reference, logic);
        // The Agents SDK's CloudAdapter refuses an empty app id; an identity without audience is its anonymous one.
        else await adapter.continueConversation(channel.botAppId === '' ? {} : channel.botAppId, reference, logic);
    });
}

/**
 * Sends activities to the customer in a proactive turn. A failed send rejects here even when the adapter's
 * `onTurnError` absorbs errors, so the agent message is retried rather than lost.
 */
export async function sendToCustomer(channel: CustomerChannel, reference: Record<string, unknown>, activities: PlainActivity[]): Promise<void> {
    let failure: { error: unknown } | undefined;
    await continueOn(channel, reference, async (context) => {
        try {
            for (const activity of activities) await context.sendActivity(activity);
        } catch (error) {
            failure = { error };
        }
    });
    if (failure) throw failure.error;
}

/** Runs the bot's logic on an event (`handoff.status`…) in a proactive turn of the customer's conversation. */
export async function deliverToBot(channel: CustomerChannel, reference: Record<string, unknown>, event: { name: string; value: unknown }): Promise<void> {
    await continueOn(channel, reference, async (context) => {
        // The SDKs build the proactive turn's activity themselves (a ContinueConversation event): it becomes this event.
        const activity = context.activity as Record<string, unknown>;
        activity.type = ActivityTypes.Event;
        activity.name = event.name;
        activity.value = event.value;
        await channel.logic(context);
    });
}
