import type { PlainActivity } from '../core/activity';
import type { ConversationRecords } from '../core/conversationRecords';
import type { Logger } from '../core/logger';
import type { LivePersonClient } from './client';
import { handoffPlan } from './handoffPlan';
import { type LivePersonConversationRecord } from './inboundMapper';

/** What a re-route needs from the connector. */
export interface LivePersonHandoffDeps {
    client: LivePersonClient;
    records: ConversationRecords<LivePersonConversationRecord>;
    logger: Logger;
    handoffSkillId: string | undefined;
    /** Runs a record update in the new conversation's order. */
    inConversationOrder<T>(conversationId: string, task: () => Promise<T>): Promise<T>;
}

/**
 * Carries out a `handoff.initiate` from a bot that is itself the LivePerson consumer (see {@link handoffPlan}): closes
 * this conversation, opens one on the handoff skill with the details and the transcript, and links the two so the bot
 * keeps its conversation id. Retry-safe: when an earlier attempt closed the conversation but failed to open the next
 * one, a redelivered turn goes straight to opening it.
 */
export async function reRouteToHandoffSkill(
    deps: LivePersonHandoffDeps,
    activity: PlainActivity,
    conversationId: string,
    record: LivePersonConversationRecord,
    botConversationId: string
): Promise<void> {
    const { client, records } = deps;
    const consumerId = record.consumerId!;
    const plan = handoffPlan(activity, conversationId, { skillId: deps.handoffSkillId });
    if (!record.closed) {
        await client.send(consumerId, plan.close);
        await records.update(conversationId, (current) => ({ ...current, closed: true, offered: undefined }));
    }
    const newId = await client.requestConversation(consumerId, plan.open);
    await deps.inConversationOrder(newId, () =>
        records.update(newId, (current) => ({ ...current, consumerId, dialogId: current.dialogId ?? newId, botConversationId, handoff: {} }))
    );
    await records.update(conversationId, (current) => ({ ...current, movedTo: newId }));
    for (const text of plan.messages) {
        await client.send(consumerId, {
            operation: 'publishContent',
            type: 'ms.PublishEvent',
            body: { dialogId: newId, conversationId: newId, event: { type: 'ContentEvent', contentType: 'text/plain', message: text } },
        });
    }
    deps.logger.info(`liveperson: handoff of ${botConversationId} to conversation ${newId}`);
}
