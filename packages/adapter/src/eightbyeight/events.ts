/**
 * 8x8 Chat Gateway webhook events (Chat Gateway v1.0), as documented in
 * https://developer.8x8.com/actions-events/docs/webhooks-events-reference — types and the runtime schema
 * that checks a parsed body before it is mapped. Unknown extra fields are kept (8x8 adds fields over time).
 */
import { z } from 'zod';
import { nestingProblem } from '../core/nestingDepth';
import type { WebhookParseResult } from '../core/parseResult';
import { forLog, isWellFormedText, NOT_WELL_FORMED } from '../core/safeText';
import { describeSchemaIssues } from '../core/schemaIssues';

const looseObject = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();

/**
 * An id that becomes part of a URL path, a storage key or `from.id` (conversation, user, sender, file ids): it must be
 * well-formed Unicode, as `encodeURIComponent` throws on a lone surrogate (see `core/safeText.ts`).
 */
const idSchema = z.string().refine(isWellFormedText, NOT_WELL_FORMED);

const userSchema = looseObject({
    name: z.string().optional(),
    userId: idSchema.optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    company: z.string().optional(),
    caseId: z.string().optional(),
    language: z.string().optional(),
    additionalProperties: z.array(looseObject({ key: z.string(), value: z.unknown() })).optional(),
});

const conversationIdSchema = z.string({ required_error: 'is required' }).min(1, 'must not be empty').refine(isWellFormedText, NOT_WELL_FORMED);

export const conversationUpdateSchema = looseObject({
    eventType: z.literal('CONVERSATION_UPDATE'),
    conversationId: conversationIdSchema,
    timestamp: z.number().optional(),
    data: looseObject({
        state: z.string().optional(),
        assignment: looseObject({ type: z.string(), id: z.string().optional(), resourceId: z.string().optional() }).optional(),
        user: userSchema.optional(),
        channel: z.string().optional(),
        msisdn: z.string().optional(),
    }),
});

export const queuedSchema = looseObject({
    eventType: z.literal('QUEUED'),
    conversationId: conversationIdSchema,
    timestamp: z.number().optional(),
    data: looseObject({ queueId: z.string().optional(), queueName: z.string().optional() }).optional(),
});

export const membersChangedSchema = looseObject({
    eventType: z.literal('MEMBERS_CHANGED'),
    conversationId: conversationIdSchema,
    timestamp: z.number().optional(),
    data: looseObject({ memberType: z.string(), change: z.string(), id: z.string().optional() }),
});

export const transferSchema = looseObject({
    eventType: z.literal('TRANSFER'),
    conversationId: conversationIdSchema,
    timestamp: z.number().optional(),
});

/** A string a Bot Framework activity needs non-empty (the Agents SDK refuses empty ids, names and content types). */
const nonEmpty = z.string({ required_error: 'is required' }).min(1, 'must not be empty');

const attachmentSchema = looseObject({
    id: nonEmpty.refine(isWellFormedText, NOT_WELL_FORMED),
    type: z.string().optional(),
    preSignedUrl: z.string().optional(),
    fileName: z.string().optional(),
});

const cardSchema = looseObject({ contentType: nonEmpty, content: z.unknown().optional() });

export const messageSchema = looseObject({
    eventType: z.literal('MESSAGE'),
    conversationId: conversationIdSchema,
    timestamp: z.number().optional(),
    data: looseObject({
        isEcho: z.boolean().optional(),
        sender: looseObject({ id: idSchema.optional(), type: z.string().optional() }).optional(),
        text: z.string().optional(),
        attachments: z.array(attachmentSchema).optional(),
        cards: z.array(cardSchema).optional(),
    }),
});

export const activitySchema = looseObject({
    eventType: z.literal('ACTIVITY'),
    conversationId: conversationIdSchema,
    timestamp: z.number().optional(),
    data: looseObject({ name: nonEmpty, value: z.unknown().optional() }),
});

export const webhookVerifySchema = looseObject({
    eventType: z.literal('WEB_HOOK_VERIFY'),
    notificationVersion: z.string().optional(),
});

/** ACTIVITY `typing` value. */
export const typingValueSchema = looseObject({
    users: z.array(looseObject({ type: z.string().optional(), id: idSchema.optional() })),
});

/** ACTIVITY `adaptiveCard/action` value. */
export const cardActionValueSchema = looseObject({ type: z.string(), data: z.unknown().optional() });

/** ACTIVITY `quickReply/action` value. */
export const quickReplyValueSchema = looseObject({
    type: z.string().optional(),
    data: looseObject({ title: z.string().optional(), payload: z.string() }),
});

export type ConversationUpdateEvent = z.infer<typeof conversationUpdateSchema>;
export type QueuedEvent = z.infer<typeof queuedSchema>;
export type MembersChangedEvent = z.infer<typeof membersChangedSchema>;
export type TransferEvent = z.infer<typeof transferSchema>;
export type MessageEvent = z.infer<typeof messageSchema>;
export type ActivityEvent = z.infer<typeof activitySchema>;
export type WebhookVerifyEvent = z.infer<typeof webhookVerifySchema>;

/** Any 8x8 Chat Gateway webhook event this library understands. */
export type EightByEightEvent = ConversationUpdateEvent | QueuedEvent | MembersChangedEvent | TransferEvent | MessageEvent | ActivityEvent | WebhookVerifyEvent;

// Maps, not object literals: the keys come from the webhook, and `eventType: "toString"` or `name: "constructor"` must
// find nothing rather than Object.prototype's functions.
const schemas = new Map<string, z.ZodTypeAny>([
    ['CONVERSATION_UPDATE', conversationUpdateSchema],
    ['QUEUED', queuedSchema],
    ['MEMBERS_CHANGED', membersChangedSchema],
    ['TRANSFER', transferSchema],
    ['MESSAGE', messageSchema],
    ['ACTIVITY', activitySchema],
    ['WEB_HOOK_VERIFY', webhookVerifySchema],
]);

/** Schemas of the ACTIVITY values this library maps; other activity names pass through as events. */
const activityValueSchemas = new Map<string, z.ZodTypeAny>([
    ['typing', typingValueSchema],
    ['adaptiveCard/action', cardActionValueSchema],
    ['quickReply/action', quickReplyValueSchema],
]);

/** Result of {@link parseEightByEightEvent}. */
export type ParsedEvent = WebhookParseResult<EightByEightEvent>;

/**
 * Checks a parsed webhook body against the schema of its `eventType`. Pure; never throws. A body nested deeper than
 * `MAX_BODY_NESTING` levels is invalid (see `core/nestingDepth.ts`), as are ids that are not well-formed Unicode.
 */
export function parseEightByEightEvent(body: unknown): ParsedEvent {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return { kind: 'invalid', problem: 'the body must be a JSON object' };
    }
    const tooDeep = nestingProblem(body, 2);
    if (tooDeep) return { kind: 'invalid', problem: tooDeep };
    const eventType = (body as { eventType?: unknown }).eventType;
    if (typeof eventType !== 'string' || eventType === '') {
        return { kind: 'invalid', problem: 'eventType is required (a string)' };
    }
    const schema = schemas.get(eventType);
    if (!schema) return { kind: 'unknown', type: forLog(eventType) };
    const result = schema.safeParse(body);
    if (!result.success) return { kind: 'invalid', problem: `${eventType} event: ${describeSchemaIssues(result.error)}` };
    if (eventType === 'ACTIVITY') {
        const { name, value } = (result.data as ActivityEvent).data;
        const valueSchema = activityValueSchemas.get(name);
        const checked = valueSchema?.safeParse(value);
        if (checked && !checked.success) {
            return { kind: 'invalid', problem: `ACTIVITY ${name} event: ${describeSchemaIssues(checked.error, 3, 'data.value')}` };
        }
    }
    return { kind: 'parsed', value: result.data as EightByEightEvent };
}
