import { z } from 'zod';
import {
    botAccount,
    httpUrl,
    integerFrom,
    integerInRange,
    nonEmptyString,
    pipelineOptionsShape,
    requiredString,
    stringList,
    validateOptions,
} from '../core/optionSchemas';
import type { WebhookPipelineOptions } from '../core/webhookOptions';
import type { SigningKeyPolicy } from './signingKeys';

/**
 * Hand-back to the bot after a human agent finishes: 8x8's post-agent-assignment
 * (https://developer.8x8.com/actions-events/reference/createpostagentassignment). When set, every handoff first
 * schedules it, so the conversation returns to the bot's webhook when the agent leaves.
 */
export interface EightByEightHandBackOptions {
    /** The id of the 8x8 webhook (Configuration Manager → Integration → Webhooks) that points at this bot. */
    webhookId: string;
    /** The conversation ends this many minutes after the hand-back (20–600). Default 300. */
    maxTotalMinutes?: number | undefined;
    /** The conversation ends when the user stays silent this many minutes after the bot's last message (10–300). Default 150. */
    userTimeoutInMinutes?: number | undefined;
    /** Passed to 8x8 as `notifyChannelWebhookIfExists`. Default false. */
    notifyChannelWebhookIfExists?: boolean | undefined;
}

/**
 * Options of {@link EightByEightAdapter}.
 *
 * @example
 * ```ts
 * const adapter = new EightByEightAdapter({
 *     apiKey: process.env.EIGHTBYEIGHT_API_KEY!,
 *     tenant: process.env.EIGHTBYEIGHT_TENANT,
 *     handoffQueueId: process.env.EIGHTBYEIGHT_QUEUE_ID,
 * });
 * ```
 */
export interface EightByEightAdapterOptions extends WebhookPipelineOptions {
    /**
     * Chat Gateway API key, sent as `x-api-key` on every call (8x8 Admin Console → API Keys, product "Chat Gateway";
     * the key, not the secret). https://developer.8x8.com/actions-events/docs/api-key
     */
    apiKey: string;
    /** API host. Default `https://api.8x8.com`. Public signing keys are fetched from here too. */
    baseUrl?: string | undefined;
    /**
     * Sent as `X-8x8-Tenant` on every call; needed when the organisation has more than one Contact Center tenant.
     * https://developer.8x8.com/actions-events/reference/sendmessagetocctransaction-1
     */
    tenant?: string | undefined;
    /** Queue a `handoff.initiate` assigns the conversation to when its handoff context names none. */
    handoffQueueId?: string | undefined;
    /** Schedule the hand-back to the bot after the agent on every handoff. Default: not scheduled. */
    handBack?: EightByEightHandBackOptions | undefined;
    /**
     * Verify `x-8x8-signature` on every webhook (https://developer.8x8.com/actions-events/docs/validating-webhook-events).
     * Default true. Turning it off lets anyone who knows the URL drive the bot; a warning is logged at start-up.
     */
    verifySignatures?: boolean | undefined;
    /**
     * Where public signing keys are fetched, in order, `{kid}` replaced by the key id.
     * Default: `{baseUrl}/chat-gateway/v1/jwk/{kid}/public`, then the legacy `{baseUrl}/vcc/us/chat/v2/jwk/{kid}/public`
     * that 8x8's own samples use.
     */
    jwkUrlTemplates?: string[] | undefined;
    /**
     * Largest accepted difference between `x-8x8-transmission-time` and this server's clock, in ms, against replays.
     * Default 300,000 (5 minutes); 0 turns the check off.
     */
    maxClockSkewMs?: number | undefined;
    /**
     * How public signing keys (https://developer.8x8.com/actions-events/reference/getjwkpublickey-1) are looked up and
     * remembered. A webhook names its key id before anything proves it comes from 8x8, so lookups are limited:
     * - `fetchTimeoutMs` (default 3,000): one deadline for a lookup at all `jwkUrlTemplates`, connect to body; a lookup
     *   past it is a 503. Apart from `requestTimeoutMs`, and never retried within a request (8x8 redelivers on 503).
     * - `lookupsPerSecond` (default 1) and `lookupBurst` (default 5): a token bucket for lookups of key ids not seen
     *   before, across all requests; beyond it the request is answered 503 at once (8x8 redelivers, so a real new key
     *   is not lost; a forger gets nothing).
     * - `unknownKeyTtlMs` (default 300,000): a key id 8x8 does not know is refused with 401 this long without asking again.
     * - `failureTtlMs` (default 10,000): a failed lookup (error, timeout, unusable key) is answered 503 this long without asking again.
     * - `refreshAfterMs` (default 24 h): a key is looked up again, in the background, this long after it was fetched;
     *   it is used meanwhile and dropped only if 8x8 no longer knows it.
     *
     * Keys that verified a signature are kept apart, by last use: unknown key ids never evict them.
     */
    signingKeys?: SigningKeyPolicy | undefined;
    /** When set, webhooks whose `x-8x8-tenant-id` is not in the list are refused with 403. */
    allowedTenantIds?: string[] | undefined;
    /** When set, webhooks whose `x-8x8-customer-id` is not in the list are refused with 403. */
    allowedCustomerIds?: string[] | undefined;
    /** Largest file an outbound attachment (`contentUrl`) may be, in bytes. Default 20 MiB. */
    maxAttachmentBytes?: number | undefined;
    /** The bot's account in activities (`recipient` of inbound, `from` of outbound). Default `{ id: '8x8-bot', name: 'Bot' }`. */
    botAccount?: { id: string; name?: string };
}

/** Options with defaults applied. */
export type ResolvedEightByEightOptions = EightByEightAdapterOptions & {
    baseUrl: string;
    verifySignatures: boolean;
    jwkUrlTemplates: string[];
    maxClockSkewMs: number;
    botAccount: { id: string; name?: string };
};

const handBackSchema = z
    .object(
        {
            webhookId: requiredString('is required when "handBack" is given'),
            maxTotalMinutes: integerInRange(20, 600).optional(),
            userTimeoutInMinutes: integerInRange(10, 300).optional(),
            notifyChannelWebhookIfExists: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
        },
        { invalid_type_error: 'must be { webhookId, ... }' }
    )
    .passthrough();

const optionsSchema = z
    .object({
        ...pipelineOptionsShape,
        apiKey: requiredString('is required (the Chat Gateway API key)'),
        baseUrl: httpUrl.optional(),
        tenant: nonEmptyString.optional(),
        handoffQueueId: nonEmptyString.optional(),
        handBack: handBackSchema.optional(),
        verifySignatures: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
        jwkUrlTemplates: z
            .array(z.string().includes('{kid}', { message: 'must be a URL containing "{kid}"' }), {
                invalid_type_error: 'must be a list of URLs containing "{kid}"',
            })
            .min(1, 'must be a non-empty list of URLs containing "{kid}"')
            .optional(),
        maxClockSkewMs: integerFrom(0, 'a non-negative integer').optional(),
        signingKeys: z
            .object(
                {
                    fetchTimeoutMs: integerFrom(1).optional(),
                    lookupsPerSecond: z
                        .number({ invalid_type_error: 'must be a positive number' })
                        .positive('must be a positive number')
                        .finite('must be a positive number')
                        .optional(),
                    lookupBurst: integerFrom(1).optional(),
                    unknownKeyTtlMs: integerFrom(1).optional(),
                    failureTtlMs: integerFrom(1).optional(),
                    refreshAfterMs: integerFrom(1).optional(),
                },
                { invalid_type_error: 'must be { fetchTimeoutMs?, lookupsPerSecond?, lookupBurst?, unknownKeyTtlMs?, failureTtlMs?, refreshAfterMs? }' }
            )
            .passthrough()
            .optional(),
        allowedTenantIds: stringList.optional(),
        allowedCustomerIds: stringList.optional(),
        maxAttachmentBytes: integerFrom(1).optional(),
        botAccount: botAccount.optional(),
    })
    .passthrough();

/** Validates the options (throwing {@link ConfigurationError} naming the option) and applies defaults. */
export function resolveEightByEightOptions(options: EightByEightAdapterOptions): ResolvedEightByEightOptions {
    validateOptions('EightByEightAdapter', optionsSchema, options, '{ apiKey, ... }');
    const baseUrl = (options.baseUrl ?? 'https://api.8x8.com').replace(/\/+$/, '');
    return {
        ...options,
        baseUrl,
        verifySignatures: options.verifySignatures ?? true,
        jwkUrlTemplates: options.jwkUrlTemplates ?? [`${baseUrl}/chat-gateway/v1/jwk/{kid}/public`, `${baseUrl}/vcc/us/chat/v2/jwk/{kid}/public`],
        maxClockSkewMs: options.maxClockSkewMs ?? 300_000,
        botAccount: options.botAccount ?? { id: '8x8-bot', name: 'Bot' },
    };
}
