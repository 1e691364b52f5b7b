import { ActivityTypes, type PlainActivity } from '../core/activity';
import { currentEvent } from '../core/eventContext';
import { describeError } from '../core/logger';
import { TurnScope } from '../core/turn';
import { LivePersonConnector } from '../liveperson/connector';
import type { LivePersonConversationChange, LivePersonMessagingChange } from '../liveperson/events';
import type { LivePersonInboundEvent } from '../liveperson/inboundEvents';
import type { InboundMapping, LivePersonConversationRecord } from '../liveperson/inboundMapper';
import type { LivePersonAdapterOptions } from '../liveperson/options';
import { acceptStatusRequest, activeChatStateRequest } from '../liveperson/outboundMapper';
import type { EscalationRequest } from './handoffRequest';

/** The inbox of the bridge's LivePerson events: apart from a `LivePersonAdapter`'s (`liveperson`) in the same store. */
export const ESCALATION_INBOX = 'liveperson-escalation';

/** The event the bridge's mapping adds for a conversation change that says how long the wait is (value: the queue facts). */
export const QUEUE_INFO_EVENT = 'liveperson.escalation.queueInfo';

/**
 * The LivePerson side of the bridge: the LivePerson connector (signature check, parsing, de-duplication, the durable
 * inbox in order per LivePerson conversation, tokens, SEND, file sharing) acting for the escalated customers, with
 * an inbox of its own. The bridge's relay runs as its "bot": each agent event mapped by the connector is handed to it.
 * Differences from a LivePerson bot's connector: queue facts become an event, agent messages are acknowledged (ACCEPT,
 * READ) only once the customer's channel took them ({@link acknowledgeDelivered}), and the customer's messages are
 * published with {@link publish}.
 */
export class EscalationConnector extends LivePersonConnector {
    // The connector names its inbox after its vendor; the bridge's LivePerson events get an inbox of their own.
    override readonly vendor: string = ESCALATION_INBOX;

    /** @param consumerOf The consumer a LivePerson conversation was opened for (the bridge's records know it). */
    constructor(
        options: LivePersonAdapterOptions,
        private readonly consumerOf: (conversationId: string) => Promise<string | undefined>
    ) {
        super(options);
    }

    /** Opens a LivePerson conversation for the consumer (SetUserProfile with the SDEs, ConsumerRequestConversation); its id. */
    open(consumerId: string, request: EscalationRequest): Promise<string> {
        const { skillId, campaignInfo, userProfile } = request;
        return outsideEvents(async () => {
            const options = { consumerId, skillId, ...(campaignInfo ? { campaignInfo } : {}), userProfile };
            return (await this.openConversation(options, 'LivePersonEscalation')).conversation!.id;
        });
    }

    /**
     * Publishes a customer's activity in a LivePerson conversation as its consumer: a message (text; images as hosted
     * files; cards as text), `typing` (COMPOSING) or `endOfConversation` (CLOSE). `endComposing` sends ACTIVE after a
     * message, ending the "typing" the agent sees.
     */
    publish(conversationId: string, consumerId: string, activity: PlainActivity, endComposing = false): Promise<void> {
        return outsideEvents(() => this.publishNow(conversationId, consumerId, activity, endComposing));
    }

    private async publishNow(conversationId: string, consumerId: string, activity: PlainActivity, endComposing: boolean): Promise<void> {
        await this.restoreConsumer(conversationId, consumerId);
        const outgoing: PlainActivity = { ...activity, conversation: { id: conversationId } };
        await this.send([outgoing], new TurnScope(outgoing));
        if (!endComposing || activity.type !== ActivityTypes.Message) return;
        const record = await this.records.read(conversationId);
        // A post-conversation survey dialog takes no chat states.
        if (record.closed || (record.dialogId ?? conversationId) !== conversationId) return;
        await this.client.send(consumerId, activeChatStateRequest(conversationId, conversationId)).catch((err) => {
            this.logger.warn(`liveperson-escalation: could not send ACTIVE to ${conversationId}: ${describeError(err)}`);
        });
    }

    /** Closes a LivePerson conversation (nothing when it is closed already). Never rejects: logged. */
    async closeConversation(conversationId: string, consumerId: string): Promise<void> {
        try {
            await this.publish(conversationId, consumerId, { type: ActivityTypes.EndOfConversation });
        } catch (err) {
            this.logger.warn(`liveperson-escalation: could not close LivePerson conversation ${conversationId}: ${describeError(err)}`);
        }
    }

    /** ACCEPT then READ for an agent message the customer's channel took (`change` is the activity's `channelData`). Never rejects. */
    async acknowledgeDelivered(consumerId: string, change: Partial<LivePersonMessagingChange> | undefined): Promise<void> {
        const conversationId = change?.conversationId ?? change?.dialogId;
        const sequence = change?.sequence;
        if (!conversationId || typeof sequence !== 'number') return;
        const dialogId = change?.dialogId ?? conversationId;
        try {
            for (const status of ['ACCEPT', 'READ'] as const) {
                await this.client.send(consumerId, acceptStatusRequest(conversationId, dialogId, status, [sequence]));
            }
        } catch (err) {
            this.logger.warn(`liveperson-escalation: could not acknowledge message ${sequence} of ${conversationId}: ${describeError(err)}`);
        }
    }

    /** The connector's mapping, plus the queue facts (TTR, off-hours delay) of a conversation still waiting for an agent. */
    protected override toActivities(inbound: LivePersonInboundEvent, record: Readonly<LivePersonConversationRecord>): InboundMapping {
        const mapping = super.toActivities(inbound, record);
        if (inbound.change.kind !== 'conversation') return mapping;
        const ts = inbound.change.change.result.conversationDetails?.metaDataLastUpdateTs;
        if (ts !== undefined && record.lastChangeTs !== undefined && ts <= record.lastChangeTs) return mapping; // stale
        const queue = queueFacts(inbound.change.change);
        if (!queue) return mapping;
        const conversation = { id: inbound.conversationId, isGroup: false, conversationType: 'personal' };
        return { ...mapping, activities: [...mapping.activities, { type: ActivityTypes.Event, name: QUEUE_INFO_EVENT, value: queue, conversation }] };
    }

    /** Receipts go out once the customer's channel took the message ({@link acknowledgeDelivered}), not while relaying. */
    protected override acknowledge(): undefined {
        return undefined;
    }

    /**
     * Files the agent shared get a download URL, for which the conversation's record needs its consumer: restored from
     * the bridge's records when a change processed while the conversation was being opened overwrote it.
     */
    protected override async resolveAttachments(inbound: LivePersonInboundEvent, mapping: InboundMapping): Promise<InboundMapping> {
        if (mapping.record.consumerId) return super.resolveAttachments(inbound, mapping);
        const consumerId = await this.consumerOf(inbound.conversationId);
        if (!consumerId) return mapping;
        const record = { ...mapping.record, consumerId, dialogId: mapping.record.dialogId ?? inbound.conversationId };
        await this.records.write(inbound.conversationId, record);
        return super.resolveAttachments(inbound, { ...mapping, record });
    }

    /** The conversation's record names its consumer (an event that ran while it was being opened may have written it without). */
    private async restoreConsumer(conversationId: string, consumerId: string): Promise<void> {
        const record = await this.records.read(conversationId);
        if (record.consumerId === consumerId) return;
        await this.records.write(conversationId, { ...record, consumerId, dialogId: record.dialogId ?? conversationId });
    }
}

/**
 * Runs a call to LivePerson outside any inbox event: the bridge's calls are made for a customer (from their channel's
 * turn, or from a relay), never as sends of the event that happens to run, so they are not skipped on its re-run
 * and their records are written at once.
 */
function outsideEvents<T>(task: () => Promise<T>): Promise<T> {
    return currentEvent.exit(task);
}

/** The queue facts of a conversation change while no agent is assigned: `ttr`, `manualETTR`, `delay`, `effectiveTTR`. */
function queueFacts(change: LivePersonConversationChange): Record<string, unknown> | undefined {
    if (change.type !== 'UPSERT') return undefined;
    const details = (change.result.conversationDetails ?? {}) as NonNullable<LivePersonConversationChange['result']['conversationDetails']> &
        Record<string, unknown>;
    if (details.state === 'CLOSE' || details.stage === 'CLOSE') return undefined;
    if ((details.participants ?? []).some((p) => p.role === 'ASSIGNED_AGENT')) return undefined;
    const effectiveTTR = (change.result as Record<string, unknown>).effectiveTTR;
    const facts: Record<string, unknown> = {
        ...(details.ttr ? { ttr: details.ttr } : {}),
        ...(details.manualETTR ? { manualETTR: details.manualETTR } : {}),
        ...(details.delay ? { delay: details.delay } : {}),
        ...(typeof effectiveTTR === 'number' && effectiveTTR > 0 ? { effectiveTTR } : {}),
    };
    return Object.keys(facts).length > 0 ? facts : undefined;
}
