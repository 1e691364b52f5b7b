import { ActivityTypes, type PlainActivity, type ResourceResponse } from '../core/activity';
import { ActivityMappingError } from '../core/errors';
import { currentEvent } from '../core/eventContext';
import { isHandoffInitiation } from '../core/handoff';
import { describeError } from '../core/logger';
import { LivePersonEscalationEvents } from './botEvents';
import { isContinuation, plainActivity, type CustomerChannel, type EscalationMiddleware, type EscalationTurnContext } from './customerChannel';
import type { EscalationDeps, EscalationLifecycle } from './lifecycle';
import { EscalationRecords, isActive, type EscalationRecord } from './records';

/**
 * The bridge's middleware on the adapter that serves the customer. On every turn:
 *
 * - the bot's outgoing `handoff.initiate` is taken out of what goes to the customer's channel and starts an
 *   escalation, opened once the turn is over (so the bot's state is saved before any status turn runs);
 * - while the conversation is escalated, the customer's messages and typing go to the LivePerson agent instead of
 *   the bot (the cancel word ends the escalation; the channel ending the conversation too; with
 *   `forwardCustomerMessagesToBot` the bot gets each relayed message as an event), and the escalation's deadline (no
 *   agent; the customer idle) is checked;
 * - everything else (and every turn of a conversation that is not escalated) runs the bot as usual.
 */
export class CustomerMiddleware implements EscalationMiddleware {
    constructor(
        private readonly deps: EscalationDeps,
        private readonly lifecycle: EscalationLifecycle,
        private readonly channel: CustomerChannel
    ) {}

    async onTurn(context: EscalationTurnContext, next: () => Promise<void>): Promise<void> {
        const escalations: string[] = [];
        context.onSendActivities((_context, activities, sendNext) => this.takeHandoffs(context, activities, sendNext, escalations));
        const activity = plainActivity(context.activity);
        try {
            // The bridge's own work never joins an inbox event the customer's adapter may be running (its sends and
            // records are the bridge's); the bot's turn stays in it.
            const relayed = isContinuation(activity) ? 'bot' : await currentEvent.exit(() => this.relayToAgent(activity));
            if (relayed === 'message' && this.deps.options.forwardCustomerMessagesToBot) {
                asCustomerMessageEvent(context.activity);
                await next();
            } else if (relayed === 'bot') await next();
        } finally {
            for (const key of escalations) await currentEvent.exit(() => this.lifecycle.open(key, (text) => context.sendActivity(text)));
        }
    }

    /**
     * The turn's outgoing activities without its `handoff.initiate` events, each of which requests an escalation;
     * one ResourceResponse per activity asked for, in order (empty ids for the handoffs).
     */
    private async takeHandoffs(
        context: EscalationTurnContext,
        activities: any[],
        sendNext: () => Promise<any[]>,
        escalations: string[]
    ): Promise<ResourceResponse[]> {
        const handoffAt = new Set(activities.flatMap((activity, index) => (isHandoffInitiation(plainActivity(activity)) ? [index] : [])));
        if (handoffAt.size === 0) return sendNext();
        const handoffs = activities.filter((_activity, index) => handoffAt.has(index)).map(plainActivity);
        const total = activities.length;
        // The SDKs send the list they gave the handlers: what stays in it goes to the customer's channel.
        for (let index = total - 1; index >= 0; index--) if (handoffAt.has(index)) activities.splice(index, 1);
        for (const handoff of handoffs) {
            const key = await this.lifecycle.request(this.channel, context.activity, handoff);
            if (key && !escalations.includes(key)) escalations.push(key);
        }
        const sent: ResourceResponse[] = activities.length > 0 ? await sendNext() : [];
        let next = 0;
        return Array.from({ length: total }, (_unused, index) => (handoffAt.has(index) ? { id: '' } : (sent[next++] ?? { id: '' })));
    }

    /**
     * Whether the bot runs on the activity: `bot` when it is not the escalation's; `escalation` when it was (the
     * cancel word or event, typing); `message` for a customer message relayed to the agent.
     */
    private async relayToAgent(activity: PlainActivity): Promise<'bot' | 'escalation' | 'message'> {
        const type = activity.type;
        const conversationId = activity.conversation?.id;
        const relayed = type === ActivityTypes.Message || type === ActivityTypes.Typing || type === ActivityTypes.EndOfConversation;
        if (!conversationId || !(relayed || this.isCancel(activity))) return 'bot';
        const key = EscalationRecords.customerKey(this.channel.name, activity.channelId ?? '', conversationId);
        const record = await this.deps.records.read(key);
        // While the conversation is being opened the customer still talks to the bot.
        if (!isActive(record) || !record.conversationId) return 'bot';
        if (await this.lifecycle.expireIfDue(key, record)) {
            await this.lifecycle.flush(key);
            return 'bot';
        }
        if (type === ActivityTypes.EndOfConversation || this.isCancel(activity)) {
            const [reason, message] =
                type === ActivityTypes.EndOfConversation
                    ? (['customerLeft', 'The customer left the conversation.'] as const)
                    : (['cancelled', 'The customer cancelled the escalation.'] as const);
            await this.lifecycle.end(key, record.escalationId, reason, message, true);
            await this.lifecycle.flush(key);
            return type === ActivityTypes.EndOfConversation ? 'bot' : 'escalation';
        }
        if (type === ActivityTypes.Typing) {
            await this.typing(key, record);
            return 'escalation';
        }
        await this.message(key, record, activity);
        await this.lifecycle.customerSpoke(key, record.escalationId);
        return 'message';
    }

    /** A cancel word typed by the customer, or a cancel event from the channel's own UI. */
    private isCancel(activity: PlainActivity): boolean {
        if (activity.type === ActivityTypes.Event) return typeof activity.name === 'string' && this.deps.options.cancelEvents.includes(activity.name);
        return (
            activity.type === ActivityTypes.Message &&
            typeof activity.text === 'string' &&
            this.deps.options.cancelWords.includes(activity.text.trim().toLowerCase())
        );
    }

    /** COMPOSING for the agent (a courtesy: a failure is logged); the record remembers to end it after the next message. */
    private async typing(key: string, record: EscalationRecord): Promise<void> {
        try {
            await this.deps.connector.publish(record.conversationId!, record.consumerId, { type: ActivityTypes.Typing });
            if (!record.composing) {
                await this.deps.records.update(key, (current) =>
                    current?.escalationId === record.escalationId && !current.composing ? { ...current, composing: true } : undefined
                );
            }
        } catch (err) {
            this.deps.logger.warn(`LivePersonEscalation: the customer's typing did not reach the agent of ${key}: ${describeError(err)}`);
        }
    }

    /** The customer's text and files to the agent (then ACTIVE when a COMPOSING was standing). */
    private async message(key: string, record: EscalationRecord, activity: PlainActivity): Promise<void> {
        const { connector, records, logger } = this.deps;
        const outgoing: PlainActivity = {
            type: ActivityTypes.Message,
            ...(typeof activity.text === 'string' ? { text: activity.text } : {}),
            ...(activity.attachments?.length ? { attachments: activity.attachments } : {}),
        };
        try {
            await connector.publish(record.conversationId!, record.consumerId, outgoing, record.composing === true);
        } catch (err) {
            // Nothing the agent could be shown (e.g. a card's submit without text): a retry would not change that.
            if (!(err instanceof ActivityMappingError)) throw err;
            logger.warn(`LivePersonEscalation: a message of ${key} did not reach the agent: ${err.message}`);
        }
        if (record.composing) {
            await records.update(key, (current) =>
                current?.escalationId === record.escalationId && current.composing ? { ...current, composing: undefined } : undefined
            );
        }
    }
}

/**
 * Turns the turn's message into the bot's `liveperson.escalation.customerMessage` event (value: a copy of the
 * message), in place: the SDKs run the bot on the context's activity, so its message handlers do not run.
 */
function asCustomerMessageEvent(activity: Record<string, unknown>): void {
    const message = JSON.parse(JSON.stringify(plainActivity(activity))) as PlainActivity;
    activity.type = ActivityTypes.Event;
    activity.name = LivePersonEscalationEvents.CustomerMessage;
    activity.value = message;
    activity.text = undefined;
    activity.attachments = undefined;
}
