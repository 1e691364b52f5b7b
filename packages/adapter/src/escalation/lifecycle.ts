import { randomUUID } from 'node:crypto';
import type { PlainActivity } from '../core/activity';
import { describeError, type Logger } from '../core/logger';
import {
    LivePersonEscalationEvents,
    eventNotice,
    failedNotice,
    idleMessage,
    openFailure,
    statusNotice,
    timeoutMessage,
    type EscalationFailure,
} from './botEvents';
import { consumerIdOf, deliverToBot, plainActivity, referenceOf, type CustomerChannel, type CustomerChannels } from './customerChannel';
import type { EscalationConnector } from './escalationConnector';
import { escalationRequest } from './handoffRequest';
import type { ResolvedEscalationOptions } from './options';
import { EscalationRecords, isActive, type BotNotice, type EscalationRecord } from './records';

/** How long an escalation may stay `opening` before the sweep fails it (the instance opening it died). */
const OPENING_STALE_MS = 2 * 60_000;
/** A delivery of a bot event under way is left alone this long; after that another instance delivers it. */
const CLAIM_MS = 30_000;
/** When the sweep looks again at a conversation whose bot events could not be delivered. */
const NOTICE_RETRY_MS = 30_000;

/** What the bridge's parts share. */
export interface EscalationDeps {
    records: EscalationRecords;
    connector: EscalationConnector;
    channels: CustomerChannels;
    options: ResolvedEscalationOptions;
    logger: Logger;
}

/**
 * The escalation's state machine, for every instance alike: each transition a compare-and-swap on the customer
 * conversation's record that also queues the bot's event (so it happens once, whoever sees it first), and
 * {@link flush} delivering queued events to the bot in order (at least once: a failed delivery is retried by the
 * LivePerson event that made it, or by the sweep).
 *
 * `opening` → `waiting` (LivePerson conversation open) → `accepted` (an agent joined) → `ended` (`completed` when the
 * agent closed; `failed` when opening failed, no agent came in time, the customer cancelled or left, or LivePerson
 * closed the conversation before an agent accepted it).
 */
export class EscalationLifecycle {
    constructor(private readonly deps: EscalationDeps) {}

    /**
     * A bot's `handoff.initiate` in a customer conversation: a new escalation (`opening`, or `ended` at once when the
     * handoff names no skill), or nothing when one is going on there (it is reused). Resolves with the conversation's
     * key when there is something to do after the turn ({@link open}).
     */
    async request(channel: CustomerChannel, incoming: unknown, handoff: PlainActivity): Promise<string | undefined> {
        const activity = plainActivity(incoming);
        const channelId = activity.channelId ?? '';
        const conversationId = activity.conversation?.id;
        if (!conversationId) throw new TypeError('LivePersonEscalation: the turn has no conversation.id to escalate.');
        const key = EscalationRecords.customerKey(channel.name, channelId, conversationId);
        const { skillId, campaignInfo } = this.deps.options;
        const routed = escalationRequest(handoff, { skillId, campaignInfo });
        const fresh: EscalationRecord = {
            escalationId: randomUUID(),
            state: 'opening',
            adapter: channel.name,
            reference: referenceOf(incoming),
            consumerId: consumerIdOf(channelId, activity.from?.id ?? conversationId),
            createdAt: Date.now(),
            notices: [],
            ...('request' in routed
                ? { request: routed.request }
                : { state: 'ended', outcome: 'failed', reason: routed.problem, notices: [failedNotice('misconfigured', routed.problem)] }),
        };
        // Events of an ended escalation not delivered yet stay first in line.
        const { changed } = await this.deps.records.update(key, (current) =>
            isActive(current) ? undefined : { ...fresh, notices: [...(current?.notices ?? []), ...fresh.notices] }
        );
        if (!changed) {
            this.deps.logger.info(`LivePersonEscalation: ${key} is escalated already; the handoff reuses that escalation.`);
            return undefined;
        }
        await this.reschedule(key);
        return key;
    }

    /**
     * After the turn that asked for it: opens the LivePerson conversation of an `opening` escalation (first message:
     * summary and transcript), tells the customer they are waiting (`say`), then brings the bot its events.
     */
    async open(customerKey: string, say: (text: string) => Promise<unknown>): Promise<void> {
        const record = await this.deps.records.read(customerKey);
        if (record?.state === 'opening' && record.request && !record.conversationId) await this.openConversation(customerKey, record, say);
        await this.flush(customerKey);
    }

    /** An agent joined: `accepted` (once), or the escalation's agent after a transfer. */
    async accept(customerKey: string, escalationId: string, agentId: string): Promise<void> {
        const accepted = statusNotice('accepted', 'A LivePerson agent accepted the conversation.', { agentId });
        await this.transition(customerKey, escalationId, (current) => {
            if (current.state === 'waiting' || current.state === 'opening') {
                return { ...current, state: 'accepted', agentId, deadline: this.idleDeadline(), notices: [...current.notices, accepted] };
            }
            return current.state === 'accepted' && current.agentId !== agentId ? { ...current, agentId } : undefined;
        });
    }

    /** The agent left without closing (a transfer): the bot hears of it; the escalation goes on. */
    async transferred(customerKey: string, escalationId: string, agentId: string): Promise<void> {
        const notice = eventNotice(LivePersonEscalationEvents.Transferred, { agentId });
        await this.transition(customerKey, escalationId, (current) =>
            current.state === 'accepted' && current.agentId === agentId ? { ...current, agentId: undefined, notices: [...current.notices, notice] } : undefined
        );
    }

    /** LivePerson's queue facts while waiting, reported to the bot when they change. */
    async queued(customerKey: string, escalationId: string, facts: unknown): Promise<void> {
        const queue = JSON.stringify(facts);
        const notice = eventNotice(LivePersonEscalationEvents.Queued, facts);
        await this.transition(customerKey, escalationId, (current) =>
            (current.state === 'waiting' || current.state === 'opening') && current.queue !== queue
                ? { ...current, queue, notices: [...current.notices, notice] }
                : undefined
        );
    }

    /**
     * Ends an escalation that has not ended (once): `completed`, or `failed` for `outcome`'s reason; closes the
     * LivePerson conversation when asked; `only` can refuse the record found. True when this call ended it.
     */
    async end(
        customerKey: string,
        escalationId: string,
        outcome: 'completed' | EscalationFailure,
        message: string,
        closeLivePerson: boolean,
        only: (current: EscalationRecord) => boolean = () => true
    ): Promise<boolean> {
        const notice = outcome === 'completed' ? statusNotice('completed', message) : failedNotice(outcome, message);
        const ended = await this.transition(customerKey, escalationId, (current) =>
            only(current)
                ? {
                      ...current,
                      state: 'ended',
                      outcome: outcome === 'completed' ? 'completed' : 'failed',
                      reason: message,
                      request: undefined,
                      deadline: undefined,
                      composing: undefined,
                      notices: [...current.notices, notice],
                  }
                : undefined
        );
        if (!ended) return false;
        this.deps.logger.info(`LivePersonEscalation: the escalation of ${customerKey} ended: ${outcome}.`);
        if (closeLivePerson && ended.conversationId) await this.deps.connector.closeConversation(ended.conversationId, ended.consumerId);
        return true;
    }

    /**
     * Ends an escalation past its deadline (and closes the LivePerson conversation): a wait for an agent (`timeout`),
     * or an accepted one the customer left idle (`customerIdle`). The compare-and-swap ends it only when the deadline
     * is still the one seen (a customer message may have moved it). True when the escalation has ended.
     */
    async expireIfDue(customerKey: string, record: EscalationRecord): Promise<boolean> {
        const { state, deadline, escalationId } = record;
        if ((state !== 'waiting' && state !== 'accepted') || deadline === undefined || Date.now() < deadline) return state === 'ended';
        const { noAgentTimeoutMs, customerIdleTimeoutMs } = this.deps.options;
        const [reason, message] =
            state === 'waiting'
                ? (['timeout', timeoutMessage(noAgentTimeoutMs ?? 0)] as const)
                : (['customerIdle', idleMessage(customerIdleTimeoutMs ?? 0)] as const);
        const still = (current: EscalationRecord) => current.state === state && current.deadline === deadline;
        if (await this.end(customerKey, escalationId, reason, message, true, still)) return true;
        const current = await this.deps.records.read(customerKey);
        return current?.escalationId !== escalationId || current.state === 'ended';
    }

    /**
     * The customer sent a message: an accepted escalation's idle deadline moves on. The sweep's schedule follows
     * lazily (at the old deadline the sweep finds it not due and reschedules), so a message writes one item only.
     */
    async customerSpoke(customerKey: string, escalationId: string): Promise<void> {
        const deadline = this.idleDeadline();
        if (deadline === undefined) return;
        await this.deps.records.update(customerKey, (current) =>
            current?.escalationId === escalationId && current.state === 'accepted' ? { ...current, deadline } : undefined
        );
    }

    /**
     * Delivers the bot's queued events of a customer conversation, in order, each as a turn of the bot on that
     * conversation. An event another instance is delivering is left to it; a failed delivery rejects (and is retried).
     */
    async flush(customerKey: string): Promise<void> {
        const { records, channels } = this.deps;
        for (let delivered = 0; delivered < 100; delivered++) {
            const now = Date.now();
            const claim: { notice?: BotNotice | undefined } = {};
            const { value } = await records.update(customerKey, (current) => {
                claim.notice = undefined; // runs again after a conflict: only the attempt that is written claims
                const head = current?.notices[0];
                if (!current || !head || (head.claimedUntil ?? 0) > now) return undefined;
                claim.notice = head;
                return { ...current, notices: [{ ...head, claimedUntil: now + CLAIM_MS }, ...current.notices.slice(1)] };
            });
            const notice = claim.notice;
            if (!notice || !value) break;
            try {
                await deliverToBot(channels.get(value.adapter), value.reference, notice);
            } catch (err) {
                await this.changeNotice(customerKey, notice.id, (n) => [{ ...n, claimedUntil: undefined }]).catch(() => undefined);
                throw err;
            }
            await this.changeNotice(customerKey, notice.id, () => []);
        }
        await this.reschedule(customerKey);
    }

    /**
     * The sweep: conversations whose deadline passed (no agent in time; the customer idle; an `opening` whose instance died) end as
     * failed, and bot events not delivered yet are delivered. Safe on several instances at once.
     */
    async sweep(): Promise<void> {
        const now = Date.now();
        for (const key of await this.deps.records.due(now)) {
            try {
                const record = await this.deps.records.read(key);
                if (record?.state === 'opening' && now >= record.createdAt + OPENING_STALE_MS) {
                    await this.end(key, record.escalationId, 'notOpened', 'The LivePerson conversation could not be opened.', false);
                } else if (record) await this.expireIfDue(key, record);
                await this.flush(key);
            } catch (err) {
                this.deps.logger.warn(`LivePersonEscalation.sweep(): ${key}: ${describeError(err)}`);
            }
        }
    }

    private async openConversation(customerKey: string, record: EscalationRecord, say: (text: string) => Promise<unknown>): Promise<void> {
        const { connector, records, options, logger } = this.deps;
        const { escalationId, consumerId, request } = record;
        let conversationId: string;
        try {
            conversationId = await connector.open(consumerId, request!);
        } catch (err) {
            logger.warn(`LivePersonEscalation: could not open a LivePerson conversation for ${customerKey}: ${describeError(err)}`);
            const failure = openFailure(err);
            await this.end(customerKey, escalationId, failure.reason, failure.message, false);
            return;
        }
        await records.link(conversationId, { customerKey, escalationId });
        const deadline = options.noAgentTimeoutMs !== undefined ? Date.now() + options.noAgentTimeoutMs : undefined;
        const waiting = await this.transition(customerKey, escalationId, (current) =>
            current.state === 'opening' ? { ...current, state: 'waiting', conversationId, request: undefined, deadline } : undefined
        );
        if (!waiting) {
            // Ended meanwhile (the customer cancelled, the sweep gave up): nobody waits for this conversation.
            await connector.closeConversation(conversationId, consumerId);
            return;
        }
        try {
            await connector.publish(conversationId, consumerId, { type: 'message', text: request!.firstMessage });
        } catch (err) {
            logger.warn(`LivePersonEscalation: the agent of ${conversationId} gets no summary: ${describeError(err)}`);
        }
        if (options.waitingMessage) {
            await say(options.waitingMessage).catch((err) => logger.warn(`LivePersonEscalation: could not tell ${customerKey} to wait: ${describeError(err)}`));
        }
    }

    /** When an accepted escalation ends unless the customer writes (`customerIdleTimeoutMs`), from now. */
    private idleDeadline(): number | undefined {
        const idle = this.deps.options.customerIdleTimeoutMs;
        return idle === undefined ? undefined : Date.now() + idle;
    }

    /** A compare-and-swap of an escalation (by id) that has not ended; resolves with the new record when it changed. */
    private async transition(
        customerKey: string,
        escalationId: string,
        change: (current: EscalationRecord) => EscalationRecord | undefined
    ): Promise<EscalationRecord | undefined> {
        const { value, changed } = await this.deps.records.update(customerKey, (current) =>
            isActive(current) && current.escalationId === escalationId ? change(current) : undefined
        );
        if (!changed || !value) return undefined;
        await this.reschedule(customerKey, value);
        return value;
    }

    private async changeNotice(customerKey: string, id: string, change: (notice: BotNotice) => BotNotice[]): Promise<void> {
        await this.deps.records.update(customerKey, (current) =>
            current?.notices.some((n) => n.id === id) ? { ...current, notices: current.notices.flatMap((n) => (n.id === id ? change(n) : [n])) } : undefined
        );
    }

    /** When the sweep should look at the conversation again: undelivered events, a stale `opening`, a deadline. */
    private async reschedule(customerKey: string, known?: EscalationRecord): Promise<void> {
        const record = known ?? (await this.deps.records.read(customerKey));
        let dueAt: number | undefined;
        if (record && record.notices.length > 0) dueAt = Date.now() + NOTICE_RETRY_MS;
        else if (record?.state === 'opening') dueAt = record.createdAt + OPENING_STALE_MS;
        else if (record?.state === 'waiting' || record?.state === 'accepted') dueAt = record.deadline;
        await this.deps.records.schedule(customerKey, dueAt);
    }
}
