import type { ConversationRecords } from '../core/conversationRecords';
import { describeError, type Logger } from '../core/logger';
import type { TurnScope } from '../core/turn';
import type { LivePersonClient } from './client';
import { acceptStatusRequest, activeChatStateRequest } from './outboundMapper';
import { type LivePersonConversationRecord } from './inboundMapper';

/** Turn fact: a COMPOSING chat state was sent in this turn and no ACTIVE followed yet. */
const COMPOSING = 'liveperson.composing';

/**
 * The connector's delivery receipts and chat state towards the agent: ACCEPT/READ for agent messages, and ACTIVE
 * after the bot's COMPOSING. All best effort (a failure is logged; the turn stands), as LivePerson documents them
 * as courtesy events.
 */
export class LivePersonReceipts {
    /** Receipts still being sent, by LivePerson conversation id (see {@link start}). */
    private readonly sending = new Map<string, Promise<void>>();

    constructor(
        private readonly client: LivePersonClient,
        private readonly records: ConversationRecords<LivePersonConversationRecord>,
        private readonly logger: Logger
    ) {}

    /**
     * Starts ACCEPT then READ for an agent message as the bot's turn for it starts. They go out while the turn runs,
     * as they need nothing from it: each reply then costs the agent three round trips (COMPOSING, the message,
     * ACTIVE) instead of five. A close or handoff in the turn waits for them ({@link settled}).
     */
    start(conversationId: string, dialogId: string, sequence: number): Promise<void> {
        const sending = this.acknowledge(conversationId, dialogId, sequence);
        this.sending.set(conversationId, sending);
        void sending.then(() => this.sending.get(conversationId) === sending && this.sending.delete(conversationId));
        return sending;
    }

    /** Resolves when the conversation's receipts in flight (if any) were sent or failed. */
    async settled(conversationId: string): Promise<void> {
        await this.sending.get(conversationId);
    }

    /** Notes that the turn left a COMPOSING standing. */
    composing(turn: TurnScope): void {
        turn.facts.add(COMPOSING);
    }

    /** Sends ACTIVE when the turn left a COMPOSING standing (the agent would see "typing" forever). Never rejects. */
    async endComposing(turn: TurnScope, current: () => Promise<{ conversationId: string; record: LivePersonConversationRecord }>): Promise<void> {
        if (!turn.facts.delete(COMPOSING)) return;
        try {
            const { conversationId, record } = await current();
            if (record.consumerId) await this.client.send(record.consumerId, activeChatStateRequest(conversationId, record.dialogId ?? conversationId));
        } catch (err) {
            this.logger.warn(`liveperson: could not send the ACTIVE chat state to ${turn.activity.conversation?.id}: ${describeError(err)}`);
        }
    }

    /** ACCEPT then READ for an agent message. Never rejects. */
    private async acknowledge(conversationId: string, dialogId: string, sequence: number): Promise<void> {
        try {
            const record = await this.records.read(conversationId);
            // Not ours, or closed (e.g. by another instance): nothing to acknowledge to.
            if (!record.consumerId || record.closed) return;
            await this.client.send(record.consumerId, acceptStatusRequest(conversationId, dialogId, 'ACCEPT', [sequence]));
            await this.client.send(record.consumerId, acceptStatusRequest(conversationId, dialogId, 'READ', [sequence]));
        } catch (err) {
            this.logger.warn(`liveperson: could not acknowledge message ${sequence} of ${conversationId}: ${describeError(err)}`);
        }
    }
}
