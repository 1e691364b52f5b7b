/**
 * Option validation for every adapter, with zod: one schema per vendor built from these parts, and one way to turn
 * the first problem into a {@link ConfigurationError} that names the constructor and the option
 * (`EightByEightAdapter: option "retry.maxAttempts" must be an integer of at least 1.`), before any I/O.
 */
import { z } from 'zod';
import { ConfigurationError } from './errors';

/** An integer of at least `min`; `what` is how the message names it. */
export const integerFrom = (min: number, what = min === 1 ? 'a positive integer' : `an integer of at least ${min}`) =>
    z
        .number({ invalid_type_error: `must be ${what}` })
        .int(`must be ${what}`)
        .min(min, `must be ${what}`);

/** An integer from `min` to `max`. */
export const integerInRange = (min: number, max: number) =>
    integerFrom(min, `an integer from ${min} to ${max}`).max(max, `must be an integer from ${min} to ${max}`);

/** A string that is not empty or blank; `requiredMessage` is shown when it is missing or blank. */
export const requiredString = (requiredMessage: string) =>
    z.string({ required_error: requiredMessage, invalid_type_error: requiredMessage }).refine((value) => value.trim() !== '', requiredMessage);

/** A string that, when given, is not empty. */
export const nonEmptyString = z
    .string({ invalid_type_error: 'must be a non-empty string when given' })
    .refine((value) => value.trim() !== '', 'must be a non-empty string when given');

/** An http(s) URL. */
export const httpUrl = z.string({ invalid_type_error: 'must be an http(s) URL' }).refine(
    (value) => /^https?:\/\/[^/\s]+/i.test(value),
    (value) => ({ message: `must be an http(s) URL (got ${JSON.stringify(value)})` })
);

/** A list of strings. */
export const stringList = z.array(z.string({ invalid_type_error: 'must be a list of strings' }), { invalid_type_error: 'must be a list of strings' });

/** An object with these methods (a Logger, a Storage, a de-duplication store…); `what` names it in the message. */
export const withMethods = (what: string, ...methods: string[]) =>
    z.custom<object>(
        (value) => typeof value === 'object' && value !== null && methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
        `must be ${what} (with ${methods.map((name) => `${name}()`).join(', ')})`
    );

/** The bot's account in activities. */
export const botAccount = z.object({ id: requiredString('must be a non-empty string') }, { invalid_type_error: 'must be { id, name? }' }).passthrough();

/** An option an earlier version took: refused with what replaces it, so an upgrade never drops a setting silently. */
const removedOption = (instead: string) => z.custom<undefined>((value) => value === undefined, `was removed: ${instead}`).optional();

/** The options every adapter takes (see `WebhookPipelineOptions`). */
export const pipelineOptionsShape = {
    ackDeadlineMs: removedOption('webhooks are answered as soon as their events are stored in the inbox ("store")'),
    deduplicationStore: removedOption('de-duplication is part of the "store" option (SqliteInboxStore, RedisInboxStore, MemoryInboxStore)'),
    storage: removedOption('conversation records live in the "store" option\'s Storage (e.g. store: new SqliteInboxStore({ path }))'),
    maxBodyBytes: integerFrom(1).optional(),
    bodyTimeoutMs: integerFrom(1).optional(),
    maxConcurrentTurns: integerFrom(1).optional(),
    maxQueuedEventsPerConversation: integerFrom(1).optional(),
    maxQueuedEvents: integerFrom(1).optional(),
    deduplicationTtlMs: integerFrom(1).optional(),
    requestTimeoutMs: integerFrom(1).optional(),
    store: withMethods('an inbox store', 'append', 'lease', 'next', 'complete', 'retry', 'deadLetter', 'sends', 'recordSend', 'release', 'stats').optional(),
    inbox: z
        .object(
            {
                leaseMs: integerFrom(100).optional(),
                pollMs: integerFrom(10).optional(),
                maxAttempts: integerFrom(1).optional(),
                retryDelayMs: integerFrom(0).optional(),
                maxRetryDelayMs: integerFrom(0).optional(),
            },
            { invalid_type_error: 'must be { leaseMs?, pollMs?, maxAttempts?, retryDelayMs?, maxRetryDelayMs? }' }
        )
        .passthrough()
        .optional(),
    logger: withMethods('a logger', 'debug', 'info', 'warn', 'error').optional(),
    metrics: withMethods('a metrics sink', 'count', 'record').optional(),
    onEventFailure: z.custom<(failure: unknown) => void>((value) => typeof value === 'function', 'must be a function (failure) => void').optional(),
    retry: z
        .object(
            {
                maxAttempts: integerFrom(1).optional(),
                baseDelayMs: integerFrom(0).optional(),
                maxDelayMs: integerFrom(0).optional(),
                maxRetryAfterMs: integerFrom(0).optional(),
                budgetMs: integerFrom(1).optional(),
            },
            { invalid_type_error: 'must be { maxAttempts?, baseDelayMs?, maxDelayMs?, maxRetryAfterMs?, budgetMs? }' }
        )
        .passthrough()
        .optional(),
    logRateLimit: z
        .union(
            [
                z.literal(false),
                z
                    .object(
                        { maxRepeats: integerFrom(1).optional(), windowMs: integerFrom(1).optional() },
                        { invalid_type_error: 'must be false or { maxRepeats?, windowMs? }' }
                    )
                    .passthrough(),
            ],
            { errorMap: () => ({ message: 'must be false or { maxRepeats?, windowMs? }' }) }
        )
        .optional(),
};

/**
 * Checks `options` against `schema`; throws {@link ConfigurationError} naming `owner` and the first wrong option.
 *
 * @param needs What a call must pass at least, for the message when there are no options at all, e.g. "{ apiKey, ... }".
 */
export function validateOptions(owner: string, schema: z.ZodTypeAny, options: unknown, needs: string): void {
    if (!options || typeof options !== 'object') throw new ConfigurationError(`${owner}: options are required (${needs}).`);
    const result = schema.safeParse(options);
    if (result.success) return;
    const issue = result.error.issues[0];
    // `retry.maxAttempts`; an item of a list is named after the list: `"jwkUrlTemplates" (item 0)`.
    const names = issue.path.filter((part) => typeof part === 'string');
    const items = issue.path.filter((part) => typeof part === 'number').map((index) => ` (item ${index})`);
    throw new ConfigurationError(`${owner}: option "${names.join('.')}"${items.join('')} ${issue.message}.`);
}
