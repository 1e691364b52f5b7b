/**
 * Pure: the events the bridge brings the bot on the customer's conversation — the standard `handoff.status`
 * (`accepted`, `completed`, `failed` with a reason) and the bridge's own queue and transfer events — and the reasons
 * an escalation fails.
 */
import { randomUUID } from 'node:crypto';
import { VendorApiError } from '../core/errors';
import { HandoffEventNames, type HandoffState } from '../core/handoff';
import type { BotNotice } from './records';

/**
 * Names of the escalation events besides `handoff.status`, which the bridge brings the bot on the customer's
 * conversation.
 *
 * @example
 * ```ts
 * bot.onEvent(async (context, next) => {
 *     if (context.activity.name === LivePersonEscalationEvents.Queued) {
 *         const { ttr, delay } = context.activity.value;
 *         await context.sendActivity(delay ? 'Our agents are back in the morning.' : 'An agent will be with you shortly.');
 *     }
 *     await next();
 * });
 * ```
 */
export const LivePersonEscalationEvents = {
    /**
     * The customer waits in LivePerson's queue (value: LivePerson's `ttr`, `effectiveTTR`, `manualETTR` and, off hours,
     * `delay` `{ type: NIGHT | WEEKEND | HOLIDAY, tillWhen }`), sent when they change.
     */
    Queued: 'liveperson.escalation.queued',
    /** The agent left without closing (a transfer to another skill or agent); the escalation goes on. Value: `{ agentId }`. */
    Transferred: 'liveperson.escalation.transferred',
    /**
     * A customer message relayed to the agent, with `forwardCustomerMessagesToBot`: the bot gets it in the customer's
     * turn instead of the message (its message handlers do not run). Value: the customer's message activity.
     */
    CustomerMessage: 'liveperson.escalation.customerMessage',
} as const;

/**
 * Why escalations fail: `value.reason` of `handoff.status` `failed` (`value.message` says it in words). `refused` and
 * `unreachable`: opening the LivePerson conversation; `timeout`: no agent within `noAgentTimeoutMs`; `customerIdle`: no
 * customer message within `customerIdleTimeoutMs` once accepted; `cancelled`: the cancel word; `customerLeft`: the customer's channel ended the conversation; `closedUnanswered`: LivePerson closed it
 * before an agent accepted; `notOpened`: the instance opening it stopped; `misconfigured`: no skill to escalate to.
 *
 * @example
 * ```ts
 * if (value.state === 'failed' && value.reason === EscalationFailures.timeout) await context.sendActivity('All agents are busy.');
 * ```
 */
export const EscalationFailures = {
    refused: 'refused',
    unreachable: 'unreachable',
    timeout: 'timeout',
    customerIdle: 'customerIdle',
    cancelled: 'cancelled',
    customerLeft: 'customerLeft',
    closedUnanswered: 'closedUnanswered',
    notOpened: 'notOpened',
    misconfigured: 'misconfigured',
} as const;

/** One of {@link EscalationFailures}. */
export type EscalationFailure = (typeof EscalationFailures)[keyof typeof EscalationFailures];

/** A `handoff.status` for the bot: `value` is `{ state, message }` as botbuilder's `createHandoffStatus`, plus details. */
export function statusNotice(state: HandoffState, message: string, details: Record<string, unknown> = {}): BotNotice {
    return { id: randomUUID(), name: HandoffEventNames.HandoffStatus, value: { state, message, ...details } };
}

/** A `handoff.status` `failed` with its reason. */
export function failedNotice(reason: EscalationFailure, message: string): BotNotice {
    return statusNotice('failed', message, { reason });
}

/** One of the bridge's own events ({@link LivePersonEscalationEvents}). */
export function eventNotice(name: string, value: unknown): BotNotice {
    return { id: randomUUID(), name, value };
}

/** Why opening the LivePerson conversation failed: refused (a 4xx from LivePerson) or LivePerson unreachable. */
export function openFailure(error: unknown): { reason: EscalationFailure; message: string } {
    const refused = error instanceof VendorApiError && error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429;
    return refused
        ? { reason: EscalationFailures.refused, message: `LivePerson refused to open the conversation (${error.message}).` }
        : { reason: EscalationFailures.unreachable, message: 'LivePerson could not be reached to open the conversation.' };
}

/** The failure message of a wait that ran out. */
export function timeoutMessage(timeoutMs: number): string {
    return `No agent accepted the conversation within ${span(timeoutMs)}.`;
}

/** The failure message of an accepted escalation the customer left idle too long. */
export function idleMessage(timeoutMs: number): string {
    return `The customer sent no message within ${span(timeoutMs)}.`;
}

/** A duration in words: minutes, seconds or ms. */
function span(timeoutMs: number): string {
    const minutes = timeoutMs / 60_000;
    const seconds = Math.round(timeoutMs / 1000);
    return minutes >= 1 && Number.isInteger(minutes) ? `${minutes} minute${minutes === 1 ? '' : 's'}` : seconds >= 1 ? `${seconds} s` : `${timeoutMs} ms`;
}
