/**
 * Pure outbound mapping: the bot's activities → Chat Gateway requests (docs/architecture.md, "Activity mapping — 8x8").
 * No I/O: the client sends the requests.
 */
import { ActivityTypes, type Attachment, type CardAction, type PlainActivity } from '../core/activity';
import { ADAPTIVE_CARD_CONTENT_TYPE, validAdaptiveCard } from '../core/adaptiveCards';
import { toAdaptiveCard } from '../core/cardConversion';
import { ActivityMappingError } from '../core/errors';
import { encodePathSegment } from '../core/safeText';
import { quickReplyChoices } from '../core/suggestedActions';
import { QUICK_REPLIES_CONTENT_TYPE } from './inboundMapper';
import type { EightByEightHandBackOptions } from './options';

/** 8x8 card content types sent through as they are (besides Adaptive Cards). */
const NATIVE_CARD_TYPES = new Set([QUICK_REPLIES_CONTENT_TYPE, 'Interactive', 'Location', 'Template', 'Suggestions', 'Buttons', 'Carousel']);

/** One Chat Gateway call, ready for the client. */
export interface EightByEightRequest {
    /** Named in errors and logs. */
    operation: 'sendMessage' | 'uploadAttachment' | 'sendTypingIndicator' | 'assignConversation' | 'schedulePostAgentAssignment' | 'removeUserParticipant';
    method: 'POST' | 'PATCH';
    /** Path under the base URL. */
    path: string;
    body: Record<string, unknown>;
    /** For `uploadAttachment`: the file to fetch and upload as `multipart/form-data` part `attachment`. */
    file?: { contentUrl: string; name: string; contentType: string };
}

/** What {@link fromActivity} needs besides the activity. */
export interface OutboundMappingContext {
    handoffQueueId?: string | undefined;
    handBack?: EightByEightHandBackOptions | undefined;
}

/** The handoff context `handoff.initiate` understands (`EventFactory.createHandoffInitiation(context, handoffContext)`). */
export interface EightByEightHandoffContext {
    /** The 8x8 queue to assign the conversation to; default: the adapter's `handoffQueueId`. */
    queueId?: string | undefined;
    /** User details to update for the agent (8x8 ConversationUserData: name, email, additionalProperties…). */
    user?: Record<string, unknown> | undefined;
    /** Hand-back to the bot after the agent, overriding the adapter's `handBack`; `false` for none. */
    handBack?: EightByEightHandBackOptions | false | undefined;
}

const conversationPath = (id: string) => `/chat-gateway/v1/conversations/${encodePathSegment(id, '8x8: the conversation id')}`;

/**
 * Maps one outbound activity to the Chat Gateway requests that carry it (in order). Throws
 * {@link ActivityMappingError} for what 8x8 cannot show, before any request is made.
 */
export function fromActivity(activity: PlainActivity, ctx: OutboundMappingContext = {}): EightByEightRequest[] {
    const conversationId = activity.conversation?.id;
    if (!conversationId) throw new ActivityMappingError('8x8: the activity has no conversation.id.');
    const path = conversationPath(conversationId);
    switch (activity.type) {
        case ActivityTypes.Message:
            return messageRequests(path, activity);
        case ActivityTypes.Typing:
            return [{ operation: 'sendTypingIndicator', method: 'POST', path: `${path}/typing`, body: { authorType: 'bot' } }];
        case ActivityTypes.EndOfConversation:
            return [
                {
                    operation: 'removeUserParticipant',
                    method: 'PATCH',
                    path: `${path}/participants/user`,
                    body: activity.text ? { removed: true, displayMessage: activity.text } : { removed: true },
                },
            ];
        case ActivityTypes.Handoff:
            return handoffRequests(path, activity.value, ctx);
        case ActivityTypes.Event:
            if (activity.name === 'handoff.initiate') return handoffRequests(path, activity.value, ctx);
            throw new ActivityMappingError(`8x8: no equivalent for an outbound event named "${activity.name}" (only handoff.initiate).`);
        default:
            throw new ActivityMappingError(`8x8: no equivalent for an outbound "${activity.type}" activity.`);
    }
}

/**
 * A message is one `sendMessage`, preceded by one `uploadAttachment` per file (an attachment with a `contentUrl`):
 * 8x8 takes files only as uploads, referenced by id. The client fills the message's `attachments` with the ids.
 */
function messageRequests(path: string, activity: PlainActivity): EightByEightRequest[] {
    const cards: Array<{ contentType: string; content: unknown }> = [];
    const uploads: EightByEightRequest[] = [];
    (activity.attachments ?? []).forEach((attachment, index) => {
        if (isFile(attachment)) {
            uploads.push({
                operation: 'uploadAttachment',
                method: 'POST',
                path: `${path}/attachments`,
                body: { authorType: 'bot' },
                file: { contentUrl: attachment.contentUrl!, name: attachment.name ?? `attachment-${index}`, contentType: attachment.contentType },
            });
        } else {
            cards.push(cardFromAttachment(attachment, index));
        }
    });
    const quickReplies = quickRepliesCard(activity.suggestedActions?.actions);
    if (quickReplies) cards.push(quickReplies);
    const text = typeof activity.text === 'string' && activity.text !== '' ? activity.text : undefined;
    if (text === undefined && cards.length === 0 && uploads.length === 0) {
        throw new ActivityMappingError('8x8: the message has no text, no card, no file and no suggested actions; nothing to send.');
    }
    const body = { authorType: 'bot', ...(text !== undefined ? { text } : {}), ...(cards.length > 0 ? { cards } : {}) };
    return [...uploads, { operation: 'sendMessage', method: 'POST', path: `${path}/messages`, body }];
}

/** A file to send: not a card, with a `contentUrl` (http(s) or data: URL) and no inline `content`. */
function isFile(attachment: Attachment): boolean {
    return (
        typeof attachment.contentUrl === 'string' &&
        attachment.content === undefined &&
        attachment.contentType !== ADAPTIVE_CARD_CONTENT_TYPE &&
        !NATIVE_CARD_TYPES.has(attachment.contentType)
    );
}

/**
 * A card for the message's `cards`: an Adaptive Card (validated), a native 8x8 card as it is, or a Bot Framework card
 * (hero, thumbnail, animation, audio, video, receipt, OAuth, sign-in) converted to an Adaptive Card
 * (`core/cardConversion.ts`). Anything else throws {@link ActivityMappingError} listing what 8x8 can show.
 */
function cardFromAttachment(attachment: Attachment, index: number): { contentType: string; content: unknown } {
    if (attachment.contentType === ADAPTIVE_CARD_CONTENT_TYPE) {
        return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: validAdaptiveCard('8x8', attachment.content, index) };
    }
    if (NATIVE_CARD_TYPES.has(attachment.contentType)) return { contentType: attachment.contentType, content: attachment.content };
    const converted = toAdaptiveCard(attachment);
    if (converted) {
        const { body, actions, selectAction } = converted.card as { body?: unknown[]; actions?: unknown[]; selectAction?: unknown };
        if (!body?.length && !actions?.length && !selectAction) {
            const why = converted.omitted.length > 0 ? `: ${converted.omitted.join('; ')}` : ' (no title, text, image or button)';
            throw new ActivityMappingError(`8x8: attachment ${index} of type "${attachment.contentType}" has nothing 8x8 can show${why}.`);
        }
        return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: validAdaptiveCard('8x8', converted.card, index) };
    }
    throw new ActivityMappingError(
        `8x8: attachment ${index} of type "${attachment.contentType}" is not supported; send an Adaptive Card ` +
            `(CardFactory.adaptiveCard), a Bot Framework card (hero, thumbnail, animation, audio, video, receipt, OAuth, sign-in: ` +
            `converted to an Adaptive Card), a file (contentUrl) or a native 8x8 card type (${[...NATIVE_CARD_TYPES].join(', ')}).`
    );
}

/** Maps `suggestedActions` to an 8x8 quick-replies card; clicking one comes back as a message whose text is the postback. */
export function quickRepliesCard(actions: CardAction[] | undefined): { contentType: string; content: unknown } | undefined {
    if (!actions || actions.length === 0) return undefined;
    const options = quickReplyChoices('8x8', actions).map(({ title, postback }) => ({ title, data: { postback } }));
    return { contentType: QUICK_REPLIES_CONTENT_TYPE, content: { options } };
}

function handoffRequests(path: string, value: unknown, ctx: OutboundMappingContext): EightByEightRequest[] {
    const handoff = (value && typeof value === 'object' ? value : {}) as EightByEightHandoffContext;
    const queueId = handoff.queueId ?? ctx.handoffQueueId;
    if (typeof queueId !== 'string' || queueId === '') {
        throw new ActivityMappingError(
            '8x8: handoff.initiate needs a queue id: pass { queueId } as the handoff context or set the adapter option "handoffQueueId".'
        );
    }
    const requests: EightByEightRequest[] = [];
    const handBack = handoff.handBack === false ? undefined : (handoff.handBack ?? ctx.handBack);
    if (handBack) {
        requests.push({
            operation: 'schedulePostAgentAssignment',
            method: 'POST',
            path: `${path}/post-agent-assignment`,
            body: {
                type: 'webhook',
                id: handBack.webhookId,
                configuration: {
                    notifyChannelWebhookIfExists: String(handBack.notifyChannelWebhookIfExists ?? false),
                    maxTotalMinutes: handBack.maxTotalMinutes ?? 300,
                    userTimeoutInMinutes: handBack.userTimeoutInMinutes ?? 150,
                },
            },
        });
    }
    const body: Record<string, unknown> = { assignment: { type: 'queue', id: queueId } };
    if (handoff.user && typeof handoff.user === 'object') body.user = handoff.user;
    requests.push({ operation: 'assignConversation', method: 'PATCH', path, body });
    return requests;
}

/**
 * What an invoke response (Action.Execute) shows the user: 8x8 cannot replace a card in place, so a card or
 * message in the response is sent as a new bot message. Undefined when the response has nothing to show.
 */
export function fromInvokeResponse(activity: PlainActivity): PlainActivity | undefined {
    const body = (activity.value as { body?: { type?: string; value?: unknown } } | undefined)?.body;
    if (!body) return undefined;
    if (body.type === ADAPTIVE_CARD_CONTENT_TYPE && body.value) {
        return { ...activity, type: ActivityTypes.Message, attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: body.value }] };
    }
    if (body.type === 'application/vnd.microsoft.activity.message' && typeof body.value === 'string' && body.value !== '') {
        return { ...activity, type: ActivityTypes.Message, text: body.value };
    }
    return undefined;
}
