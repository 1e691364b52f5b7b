import type { PlainActivity } from './activity';

/**
 * What the vendor core remembers about one running turn, whichever host runs it. The host keeps it in the
 * TurnContext's `turnState` so sends of that turn find it (e.g. LivePerson: a COMPOSING chat state is standing and
 * must be followed by ACTIVE when the turn ends).
 */
export class TurnScope {
    /** Per-turn facts a vendor sets and reads (by name). */
    readonly facts = new Set<string>();

    /** @param activity The activity the turn runs on (inbound or proactive). */
    constructor(readonly activity: PlainActivity) {}
}

/**
 * The host's side of a turn: runs the bot (middleware, then the bot's logic) on one activity, in a TurnContext of
 * the host's SDK. Rejects when the bot failed and the host's error handler did not absorb it.
 */
export type TurnRunner = (activity: PlainActivity, turn: TurnScope) => Promise<void>;

/** One vendor event accepted from a webhook: what the pipeline needs to de-duplicate and order it. */
export interface VendorEvent {
    /** The conversation whose order this event keeps (and whose record maps it). */
    conversationId: string;
    /** The vendor's id for this delivery, for de-duplication; undefined when the vendor gave none. */
    deduplicationKey?: string;
}

/** What mapping one event gives: the activities to run as turns, in order, and the conversation record after it. */
export interface EventMapping<TRecord> {
    activities: PlainActivity[];
    record: TRecord;
}
