/**
 * How the pipeline sees a LivePerson notification's changes: in the order they must be handled, each with its
 * conversation, de-duplication key and first activity id.
 */
import { newActivityId } from '../core/activityHelpers';
import type { VendorEvent } from '../core/turn';
import type { LivePersonChange } from './events';
import { messagingConversationId } from './inboundMapper';

/** One change of a LivePerson notification accepted by the pipeline. */
export interface LivePersonInboundEvent extends VendorEvent {
    change: Exclude<LivePersonChange, { kind: 'unknown' }>;
    /** Id of the first activity the change maps to. */
    activityId: string;
}

/** The pipeline's view of one change: its conversation, de-duplication key and first activity id. */
export function inboundEvent(change: Exclude<LivePersonChange, { kind: 'unknown' }>): LivePersonInboundEvent {
    if (change.kind === 'conversation') {
        const { convId, conversationDetails } = change.change.result;
        const ts = conversationDetails?.metaDataLastUpdateTs;
        return {
            conversationId: convId,
            deduplicationKey: ts !== undefined ? `${convId}:conversation:${change.change.type}:${ts}` : undefined,
            activityId: `${convId}:${ts ?? Date.now()}`,
            change,
        };
    }
    const conversationId = messagingConversationId(change.change);
    const dialogId = change.change.dialogId ?? conversationId;
    const sequence = change.change.sequence;
    return {
        conversationId,
        deduplicationKey: sequence !== undefined ? `${conversationId}:${dialogId}:${sequence}:${change.change.event.type}` : undefined,
        activityId: sequence !== undefined ? `${dialogId}:${sequence}` : newActivityId(),
        change,
    };
}

/**
 * Changes in the order they must be handled: messaging changes that carry a `sequence` sorted by it (per
 * conversation; they keep the slots they came in), the others where they were.
 */
export function inSequenceOrder(changes: LivePersonChange[]): LivePersonChange[] {
    const sequenced = changes
        .map((change, index) => ({ change, index }))
        .filter(({ change }) => change.kind === 'messaging' && change.change.sequence !== undefined);
    const sorted = [...sequenced].sort((a, b) => {
        const x = a.change as Extract<LivePersonChange, { kind: 'messaging' }>;
        const y = b.change as Extract<LivePersonChange, { kind: 'messaging' }>;
        return x.change.sequence! - y.change.sequence! || a.index - b.index;
    });
    const result = [...changes];
    sequenced.forEach((slot, i) => (result[slot.index] = sorted[i].change));
    return result;
}
