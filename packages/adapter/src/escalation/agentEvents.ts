import { ActivityTypes, type PlainActivity } from '../core/activity';
import { describeError } from '../core/logger';
import type { LivePersonMessagingChange } from '../liveperson/events';
import { toCustomerMessage } from './agentMessages';
import { sendToCustomer } from './customerChannel';
import { QUEUE_INFO_EVENT } from './escalationConnector';
import type { EscalationDeps, EscalationLifecycle } from './lifecycle';
import type { EscalationRecord } from './records';

/**
 * The LivePerson side's "bot": each agent event, as the LivePerson connector mapped it from a webhook, in order per
 * LivePerson conversation (from the durable inbox, on whichever instance holds that conversation's lease). Relays
 * messages and typing to the customer's conversation, turns agent assignment, transfer, queue facts and close into
 * the escalation's transitions, then brings the bot its events. A failure (the customer's channel is down) fails the
 * inbox event, which is retried with backoff: an agent message is not lost.
 */
export class AgentEvents {
    constructor(
        private readonly deps: EscalationDeps,
        private readonly lifecycle: EscalationLifecycle
    ) {}

    /** Handles one mapped activity of a LivePerson conversation the bridge opened (others are ignored). */
    async handle(activity: PlainActivity): Promise<void> {
        const { records, logger } = this.deps;
        const conversationId = activity.conversation?.id;
        if (!conversationId) return;
        const link = await records.linkOf(conversationId);
        if (!link) {
            logger.debug(`liveperson-escalation: ignored a change of LivePerson conversation ${conversationId}, which the bridge did not open.`);
            return;
        }
        const key = link.customerKey;
        const record = await records.read(key);
        // Linked, but the instance opening it has not recorded it yet: this event runs again shortly (an agent can join at once).
        if (record?.escalationId === link.escalationId && record.state === 'opening') {
            throw new Error(`LivePersonEscalation: ${key} is still being opened; its LivePerson event runs again.`);
        }
        // A later escalation of the same customer conversation replaced this one: its events are over.
        if (!record || record.escalationId !== link.escalationId || record.conversationId !== conversationId) return;
        if (record.state !== 'ended' && !(await this.lifecycle.expireIfDue(key, record))) await this.apply(key, record, activity);
        await this.lifecycle.flush(key);
    }

    private async apply(key: string, record: EscalationRecord, activity: PlainActivity): Promise<void> {
        const { channels, connector, options, logger } = this.deps;
        const { escalationId } = record;
        switch (activity.type) {
            case ActivityTypes.Message: {
                const customerId = (record.reference.user as { id?: string } | undefined)?.id;
                const message = toCustomerMessage(activity, options.cardRendering, customerId);
                if (message) await sendToCustomer(channels.get(record.adapter), record.reference, [message]);
                if (options.sendReadReceipts)
                    await connector.acknowledgeDelivered(record.consumerId, activity.channelData as Partial<LivePersonMessagingChange> | undefined);
                return;
            }
            case ActivityTypes.Typing:
                // A courtesy: not worth retrying the event for.
                await sendToCustomer(channels.get(record.adapter), record.reference, [{ type: ActivityTypes.Typing }]).catch((err) =>
                    logger.debug(`liveperson-escalation: the agent's typing did not reach ${key}: ${describeError(err)}`)
                );
                return;
            case ActivityTypes.ConversationUpdate:
                // An agent leaving a conversation that stays open is a transfer; at a close (or the survey after it) it is not.
                if (!closes(activity)) for (const agent of activity.membersRemoved ?? []) await this.lifecycle.transferred(key, escalationId, agent.id);
                for (const agent of activity.membersAdded ?? []) await this.lifecycle.accept(key, escalationId, agent.id);
                return;
            case ActivityTypes.EndOfConversation: {
                if (record.state === 'accepted') await this.lifecycle.end(key, escalationId, 'completed', 'The agent closed the conversation.', false);
                else await this.lifecycle.end(key, escalationId, 'closedUnanswered', 'LivePerson closed the conversation before an agent accepted it.', false);
                return;
            }
            case ActivityTypes.Event:
                if (activity.name === QUEUE_INFO_EVENT) await this.lifecycle.queued(key, escalationId, activity.value);
                return;
        }
    }
}

/** True for a conversation change that closes the conversation, or its main dialog (a post-conversation survey follows). */
function closes(activity: PlainActivity): boolean {
    type Details = { state?: string; stage?: string; dialogs?: Array<{ dialogType?: string; state?: string }> };
    const details = (activity.channelData as { result?: { conversationDetails?: Details } } | undefined)?.result?.conversationDetails;
    if (details?.state === 'CLOSE' || details?.stage === 'CLOSE') return true;
    return (details?.dialogs ?? []).some((dialog) => dialog.dialogType === 'MAIN' && dialog.state === 'CLOSE');
}
