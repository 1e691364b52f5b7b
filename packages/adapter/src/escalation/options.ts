import { z } from 'zod';
import { ConfigurationError } from '../core/errors';
import { integerFrom, requiredString, validateOptions } from '../core/optionSchemas';
import type { WebhookPipelineOptions } from '../core/webhookOptions';
import { resolveLivePersonOptions, type LivePersonAdapterOptions } from '../liveperson/options';

/** How structured content (cards) an agent sends reaches the customer. */
export type EscalationCardRendering = 'card' | 'text';

/**
 * Options of {@link LivePersonEscalation}: the LivePerson app installation and the webhook pipeline, as for
 * `LivePersonAdapter` (`fileRendering` and `maxAttachmentBytes` apply to the customer's images), the routing used when
 * the bot's handoff context names none, and how the escalation behaves towards the customer.
 *
 * @example
 * ```ts
 * const bridge = new LivePersonEscalation({
 *     accountId: process.env.LIVEPERSON_ACCOUNT_ID!,
 *     clientId: process.env.LIVEPERSON_CLIENT_ID!,
 *     clientSecret: process.env.LIVEPERSON_CLIENT_SECRET!,
 *     skillId: process.env.LIVEPERSON_ESCALATION_SKILL,
 *     noAgentTimeoutMs: 5 * 60_000,
 *     store,
 * });
 * ```
 */
export interface LivePersonEscalationOptions
    extends
        WebhookPipelineOptions,
        Pick<
            LivePersonAdapterOptions,
            | 'accountId'
            | 'clientId'
            | 'clientSecret'
            | 'csdsUrl'
            | 'sentinelUrl'
            | 'idpUrl'
            | 'messagingUrl'
            | 'swiftUrl'
            | 'verifySignatures'
            | 'clientFeatures'
            | 'fileRendering'
            | 'maxAttachmentBytes'
        > {
    /** Skill of the LivePerson conversation when the handoff context names neither a skill nor a campaign. */
    skillId?: string | undefined;
    /** Campaign routing when the handoff context names neither a skill nor a campaign. */
    campaignInfo?: { campaignId: string; engagementId: string };
    /**
     * How long the customer waits for an agent before the escalation fails (`handoff.status` `failed`) and the
     * LivePerson conversation is closed, in ms. Default 10 minutes; `false`: no limit.
     */
    noAgentTimeoutMs?: number | false | undefined;
    /**
     * How long an escalation an agent accepted may go without a message from the customer, in ms (counted from the
     * agent joining, then from the customer's last message): past it the LivePerson conversation is closed and the bot
     * hears `handoff.status` `failed` (reason `customerIdle`). Checked like `noAgentTimeoutMs`: on every event and by
     * the sweep. Default: no limit.
     */
    customerIdleTimeoutMs?: number | undefined;
    /**
     * Also bring the bot each customer message relayed to the agent, as an `event` activity named
     * `liveperson.escalation.customerMessage` (`LivePersonEscalationEvents.CustomerMessage`) whose `value` is the
     * message, in the customer's turn (e.g. to log it); the bot's message handlers do not run. Default false.
     */
    forwardCustomerMessagesToBot?: boolean | undefined;
    /**
     * What the customer types to stop waiting or leave the agent (compared trimmed, case-insensitively). Default
     * `['cancel']`; `[]`: none.
     */
    cancelWords?: string[] | undefined;
    /**
     * Names of `event` activities from the customer's channel that stop waiting or leave the agent, as a cancel word
     * does (e.g. a "Stop waiting" button of the channel's own UI that posts an event). Default `['handoff.cancel']`;
     * `[]`: none.
     */
    cancelEvents?: string[] | undefined;
    /**
     * Said to the customer once the LivePerson conversation is open. Default: `Please wait while I connect you to an
     * agent. Type "cancel" to stop waiting.` (with the first cancel word); `false`: nothing.
     */
    waitingMessage?: string | false | undefined;
    /**
     * Structured content (LivePerson cards) from the agent: `card` (default) as hero cards, their buttons as
     * `imBack`/`openUrl` actions; `text`: its texts only.
     */
    cardRendering?: EscalationCardRendering | undefined;
    /** Acknowledge each agent message (AcceptStatusEvent ACCEPT, then READ) once the customer's channel took it. Default true. */
    sendReadReceipts?: boolean | undefined;
    /**
     * How often this instance looks for escalations past their deadline and status events not yet delivered, in ms.
     * Default 30,000; `false`: never (call `sweep()` yourself, e.g. from one scheduler for all instances).
     */
    sweepIntervalMs?: number | false | undefined;
}

/** Options with defaults applied. */
export interface ResolvedEscalationOptions {
    livePerson: LivePersonAdapterOptions;
    skillId: string | undefined;
    campaignInfo: { campaignId: string; engagementId: string } | undefined;
    noAgentTimeoutMs: number | undefined;
    customerIdleTimeoutMs: number | undefined;
    forwardCustomerMessagesToBot: boolean;
    cancelWords: string[];
    cancelEvents: string[];
    waitingMessage: string | undefined;
    cardRendering: EscalationCardRendering;
    sendReadReceipts: boolean;
    sweepIntervalMs: number | undefined;
}

/** Retries of a relay to a customer channel that fails: about 15 minutes before an agent message is dead-lettered. */
const RELAY_INBOX_DEFAULTS = { maxAttempts: 20, maxRetryDelayMs: 60_000 };

const numberOrFalse = z.union([z.literal(false), integerFrom(1, 'a positive integer (ms) or false')]);

/** The bridge's own options; those it shares with `LivePersonAdapter` are checked by that adapter's schema. */
const optionsSchema = z
    .object({
        noAgentTimeoutMs: numberOrFalse.optional(),
        customerIdleTimeoutMs: integerFrom(1, 'a positive integer (ms)').optional(),
        forwardCustomerMessagesToBot: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
        cancelWords: z.array(requiredString('must be a list of non-empty words'), { invalid_type_error: 'must be a list of words' }).optional(),
        cancelEvents: z.array(requiredString('must be a list of non-empty event names'), { invalid_type_error: 'must be a list of event names' }).optional(),
        waitingMessage: z.union([z.literal(false), requiredString('must be a non-empty text or false')]).optional(),
        cardRendering: z.enum(['card', 'text'], { errorMap: () => ({ message: 'must be "card" or "text"' }) }).optional(),
        sendReadReceipts: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
        sweepIntervalMs: numberOrFalse.optional(),
    })
    .passthrough();

/** Validates the options (a {@link ConfigurationError} naming `LivePersonEscalation` and the option) and applies defaults. */
export function resolveEscalationOptions(options: LivePersonEscalationOptions): ResolvedEscalationOptions {
    validateOptions('LivePersonEscalation', optionsSchema, options, '{ accountId, clientId, clientSecret, store, ... }');
    const {
        noAgentTimeoutMs,
        customerIdleTimeoutMs,
        forwardCustomerMessagesToBot,
        cancelWords,
        cancelEvents,
        waitingMessage,
        cardRendering,
        sendReadReceipts,
        sweepIntervalMs,
        ...rest
    } = options;
    // The LivePerson side of the bridge: the adapter's options, its inbox retrying longer.
    const livePerson: LivePersonAdapterOptions = { ...rest, inbox: { ...RELAY_INBOX_DEFAULTS, ...rest.inbox } };
    try {
        resolveLivePersonOptions(livePerson);
    } catch (err) {
        if (err instanceof ConfigurationError) throw new ConfigurationError(err.message.replace(/^LivePersonAdapter:/, 'LivePersonEscalation:'));
        throw err;
    }
    const words = (cancelWords ?? ['cancel']).map((word) => word.trim().toLowerCase());
    return {
        livePerson,
        skillId: options.skillId,
        campaignInfo: options.campaignInfo,
        noAgentTimeoutMs: noAgentTimeoutMs === false ? undefined : (noAgentTimeoutMs ?? 10 * 60_000),
        customerIdleTimeoutMs,
        forwardCustomerMessagesToBot: forwardCustomerMessagesToBot ?? false,
        cancelWords: words,
        cancelEvents: cancelEvents ?? ['handoff.cancel'],
        waitingMessage:
            waitingMessage === false
                ? undefined
                : (waitingMessage ?? `Please wait while I connect you to an agent.${words[0] ? ` Type "${words[0]}" to stop waiting.` : ''}`),
        cardRendering: cardRendering ?? 'card',
        sendReadReceipts: sendReadReceipts ?? true,
        sweepIntervalMs: sweepIntervalMs === false ? undefined : (sweepIntervalMs ?? 30_000),
    };
}
