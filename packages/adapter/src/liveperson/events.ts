/**
 * Schemas of LivePerson webhook notifications (https://developers.liveperson.com/connector-api-webhooks-events.html,
 * connector-api-webhooks-webhooks-examples.html). Lenient where LivePerson adds fields (`passthrough`), strict where
 * the adapter relies on a field, so a malformed notification gets a 400 that names the field.
 */
import { z } from 'zod';
import { nestingProblem } from '../core/nestingDepth';
import type { WebhookParseResult } from '../core/parseResult';
import { forLog, isWellFormedText, NOT_WELL_FORMED } from '../core/safeText';
import { describeSchemaIssues } from '../core/schemaIssues';

/**
 * Most changes one notification may carry; more is a 400. LivePerson documents no maximum: its examples carry one
 * change, and it batches a few of one conversation when they happen together. Each change may cost the adapter about
 * five vendor calls (ACCEPT, READ, the bot's typing, reply and ACTIVE), so without a bound one signed notification of
 * 1,000 changes made 5,000 calls. 100 is far above any batch LivePerson sends, and bounds what one notification can
 * cost to a few hundred calls.
 */
export const MAX_CHANGES_PER_NOTIFICATION = 100;

/**
 * An id that becomes part of a storage key, a URL or `from.id` (conversation, dialog, participant ids): it must be
 * well-formed Unicode, as `encodeURIComponent` throws on a lone surrogate (see `core/safeText.ts`).
 */
const idSchema = z.string().refine(isWellFormedText, NOT_WELL_FORMED);
const nonEmptyIdSchema = z.string().min(1).refine(isWellFormedText, NOT_WELL_FORMED);

const quickReplySchema = z
    .object({
        type: z.string().optional(),
        title: z.string(),
        tooltip: z.string().optional(),
        click: z
            .object({
                actions: z.array(z.object({ type: z.string(), text: z.string().optional(), uri: z.string().optional() }).passthrough()).optional(),
                metadata: z.array(z.record(z.unknown())).optional(),
            })
            .passthrough()
            .optional(),
    })
    .passthrough();

/** `event.quickReplies` of a ContentEvent or RichContentEvent. */
export const quickRepliesSchema = z
    .object({ type: z.string().optional(), itemsPerRow: z.number().optional(), replies: z.array(quickReplySchema) })
    .passthrough();
export type LivePersonQuickReplies = z.infer<typeof quickRepliesSchema>;

const contentEventSchema = z
    .object({
        type: z.literal('ContentEvent'),
        message: z.union([z.string(), z.record(z.unknown())]),
        contentType: z.string().optional(),
        quickReplies: quickRepliesSchema.optional(),
    })
    .passthrough();
const richContentEventSchema = z
    .object({ type: z.literal('RichContentEvent'), content: z.record(z.unknown()), quickReplies: quickRepliesSchema.optional() })
    .passthrough();
const acceptStatusEventSchema = z
    .object({ type: z.literal('AcceptStatusEvent'), status: z.string(), sequenceList: z.array(z.number().int()).optional() })
    .passthrough();
const chatStateEventSchema = z.object({ type: z.literal('ChatStateEvent'), chatState: z.string() }).passthrough();

const knownEventSchema = z.discriminatedUnion('type', [contentEventSchema, richContentEventSchema, acceptStatusEventSchema, chatStateEventSchema]);
export type LivePersonMessagingEvent = z.infer<typeof knownEventSchema>;

const messagingChangeSchema = z
    .object({
        sequence: z.number().int().nonnegative().optional(),
        originatorId: idSchema.optional(),
        originatorMetadata: z.object({ id: idSchema.optional(), role: z.string().optional() }).passthrough().optional(),
        serverTimestamp: z.number().optional(),
        event: z.object({ type: z.string() }).passthrough(),
        conversationId: nonEmptyIdSchema.optional(),
        dialogId: nonEmptyIdSchema.optional(),
        messageAudience: z.string().optional(),
        metadata: z.array(z.unknown()).optional(),
    })
    .passthrough()
    .refine((c) => c.conversationId !== undefined || c.dialogId !== undefined, { message: 'needs conversationId or dialogId', path: ['dialogId'] });

/** One change of an `ms.MessagingEventNotification`, its event validated. */
export interface LivePersonMessagingChange {
    /** Per-conversation event number; absent on chat states. */
    sequence?: number;
    originatorId?: string;
    originatorMetadata?: { id?: string; role?: string };
    serverTimestamp?: number;
    event: LivePersonMessagingEvent;
    conversationId?: string;
    dialogId?: string;
    /** `ALL`, or `AGENTS_AND_MANAGERS` for messages the consumer must not see. */
    messageAudience?: string;
    metadata?: unknown[];
    [field: string]: unknown;
}

const participantSchema = z.object({ id: idSchema, role: z.string() }).passthrough();
const dialogSchema = z
    .object({
        dialogId: idSchema,
        dialogType: z.string().optional(),
        state: z.string().optional(),
        closedBy: z.string().optional(),
        closedCause: z.string().optional(),
    })
    .passthrough();

const conversationChangeSchema = z
    .object({
        type: z.string(),
        result: z
            .object({
                convId: nonEmptyIdSchema,
                conversationDetails: z
                    .object({
                        participants: z.array(participantSchema).optional(),
                        dialogs: z.array(dialogSchema).optional(),
                        state: z.string().optional(),
                        stage: z.string().optional(),
                        closeReason: z.string().optional(),
                        skillId: z.string().optional(),
                        brandId: z.string().optional(),
                        metaDataLastUpdateTs: z.number().optional(),
                    })
                    .passthrough()
                    .optional(),
            })
            .passthrough(),
    })
    .passthrough();

/** One change of a `cqm.ExConversationChangeNotification`: the complete state of one conversation. */
export type LivePersonConversationChange = z.infer<typeof conversationChangeSchema>;

const notificationSchema = z.object({
    kind: z.string().optional(),
    type: z.string({ required_error: 'is required' }),
    body: z.object(
        { changes: z.array(z.unknown(), { required_error: 'is required', invalid_type_error: 'must be an array' }) },
        { required_error: 'is required' }
    ),
});

/** A change the adapter can map, or one it skips (an event type it does not know), in delivery order. */
export type LivePersonChange =
    | { kind: 'messaging'; change: LivePersonMessagingChange }
    | { kind: 'conversation'; change: LivePersonConversationChange }
    | { kind: 'unknown'; description: string };

/** Result of {@link parseLivePersonNotification}. */
export type ParsedLivePersonNotification = WebhookParseResult<{ type: string; changes: LivePersonChange[] }>;

export const MESSAGING_NOTIFICATION = 'ms.MessagingEventNotification';
export const CONVERSATION_NOTIFICATION = 'cqm.ExConversationChangeNotification';

/** Limits of {@link parseLivePersonNotification}. */
export interface NotificationLimits {
    /** Most changes per notification; default {@link MAX_CHANGES_PER_NOTIFICATION}. */
    maxChanges?: number | undefined;
}

/**
 * Validates a webhook body. Unknown notification types and unknown event types are not errors (LivePerson adds
 * them over time): they come back as `unknown` so the adapter can answer 200 and log them. Invalid (400): a body
 * nested deeper than `MAX_BODY_NESTING` levels (see `core/nestingDepth.ts`), more than `limits.maxChanges` changes,
 * ids that are not well-formed Unicode, and fields the adapter relies on missing or of the wrong type.
 */
export function parseLivePersonNotification(body: unknown, limits: NotificationLimits = {}): ParsedLivePersonNotification {
    const tooDeep = nestingProblem(body, 5);
    if (tooDeep) return { kind: 'invalid', problem: tooDeep };
    const envelope = notificationSchema.safeParse(body);
    if (!envelope.success) return { kind: 'invalid', problem: describeSchemaIssues(envelope.error) };
    const { type, body: inner } = envelope.data;
    if (type !== MESSAGING_NOTIFICATION && type !== CONVERSATION_NOTIFICATION) return { kind: 'unknown', type: forLog(type) };
    const maxChanges = limits.maxChanges ?? MAX_CHANGES_PER_NOTIFICATION;
    if (inner.changes.length > maxChanges) {
        return {
            kind: 'invalid',
            problem: `body.changes has ${inner.changes.length} changes, more than the ${maxChanges} one notification may carry (nothing was handled)`,
        };
    }
    const changes: LivePersonChange[] = [];
    for (const [index, raw] of inner.changes.entries()) {
        const where = `body.changes[${index}]`;
        if (type === CONVERSATION_NOTIFICATION) {
            const parsed = conversationChangeSchema.safeParse(raw);
            if (!parsed.success) return { kind: 'invalid', problem: describeSchemaIssues(parsed.error, 3, where) };
            changes.push({ kind: 'conversation', change: parsed.data });
            continue;
        }
        const parsed = messagingChangeSchema.safeParse(raw);
        if (!parsed.success) return { kind: 'invalid', problem: describeSchemaIssues(parsed.error, 3, where) };
        const eventType = parsed.data.event.type;
        if (!['ContentEvent', 'RichContentEvent', 'AcceptStatusEvent', 'ChatStateEvent'].includes(eventType)) {
            changes.push({ kind: 'unknown', description: `${where}.event.type "${forLog(eventType)}"` });
            continue;
        }
        const event = knownEventSchema.safeParse(parsed.data.event);
        if (!event.success) return { kind: 'invalid', problem: describeSchemaIssues(event.error, 3, `${where}.event`) };
        changes.push({ kind: 'messaging', change: { ...(parsed.data as Omit<LivePersonMessagingChange, 'event'>), event: event.data } });
    }
    return { kind: 'parsed', value: { type, changes } };
}
