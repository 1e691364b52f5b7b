/**
 * Pure outbound mapping: the bot's activities → LivePerson SEND requests, and the plan of a handoff re-route
 * (docs/architecture.md, "Activity mapping — LivePerson"). No I/O: the connector sends the requests.
 */
import { ActivityTypes, type Attachment, type CardAction, type PlainActivity } from '../core/activity';
import { ADAPTIVE_CARD_CONTENT_TYPE, parseAttachmentContent, validAdaptiveCard } from '../core/adaptiveCards';
import { ActivityMappingError } from '../core/errors';
import { quickReplyChoices } from '../core/suggestedActions';
import { STRUCTURED_CONTENT_TYPE, type LivePersonConversationRecord } from './inboundMapper';
import type { LivePersonCardRendering, LivePersonSuggestedActionsRendering } from './options';
import { cardText } from '../core/cardText';
import {
    adaptiveCardText,
    adaptiveCardToStructuredContent,
    heroCardToStructuredContent,
    structuredContentText,
    type StructuredElement,
} from './structuredContent';

/** One SEND request (`ms.PublishEvent` or `cm.UpdateConversationField`), without its `kind` and `id` (the client adds them). */
export interface LivePersonSendRequest {
    /** Named in errors and logs. */
    operation: 'publishContent' | 'publishRichContent' | 'publishChatState' | 'publishAcceptStatus' | 'closeConversation';
    type: 'ms.PublishEvent' | 'cm.UpdateConversationField';
    body: Record<string, unknown>;
    /** Request-level metadata (e.g. `ExternalId` of a clicked quick reply). */
    metadata?: Array<Record<string, unknown>>;
}

/** What {@link fromActivity} needs besides the activity. */
export interface OutboundMappingContext {
    record: LivePersonConversationRecord;
    cardRendering: LivePersonCardRendering;
    /** Default `text`: what a consumer may send. */
    suggestedActionsRendering?: LivePersonSuggestedActionsRendering | undefined;
}

/** Result of {@link fromActivity}. */
export interface OutboundMapping {
    requests: LivePersonSendRequest[];
    /** The conversation record after sending (a reported click clears the offered replies). */
    record: LivePersonConversationRecord;
    /** Adaptive Cards sent as text, with why (for a debug log). */
    textFallbacks: string[];
}

/**
 * Maps one outbound activity to the SEND requests that carry it, in order. Throws {@link ActivityMappingError} for
 * what LivePerson cannot show, before any request is made.
 *
 * - message → `ContentEvent` (text; `suggestedActions` as `quickReplies`), cards → `RichContentEvent` or text;
 *   when the text is one of the replies the agent offered, the click is reported as the rich-messaging docs ask:
 *   the ContentEvent carries the reply's metadata, followed by an `AcceptStatusEvent` ACTION for the agent's message;
 * - `typing` → `ChatStateEvent` COMPOSING; `endOfConversation` → `ConversationStateField` CLOSE.
 */
export function fromActivity(activity: PlainActivity, ctx: OutboundMappingContext): OutboundMapping {
    const conversationId = activity.conversation?.id;
    if (!conversationId) throw new ActivityMappingError('LivePerson: the activity has no conversation.id.');
    const dialogId = ctx.record.dialogId ?? conversationId;
    const publish = (
        operation: LivePersonSendRequest['operation'],
        event: Record<string, unknown>,
        metadata?: Array<Record<string, unknown>>
    ): LivePersonSendRequest => ({
        operation,
        type: 'ms.PublishEvent',
        body: { dialogId, conversationId, event },
        ...(metadata ? { metadata } : {}),
    });
    switch (activity.type) {
        case ActivityTypes.Message:
            return messageRequests(activity, ctx, publish);
        case ActivityTypes.Typing:
            // A post-conversation survey dialog does not take chat states.
            return {
                requests: dialogId === conversationId ? [publish('publishChatState', { type: 'ChatStateEvent', chatState: 'COMPOSING' })] : [],
                record: ctx.record,
                textFallbacks: [],
            };
        case ActivityTypes.EndOfConversation:
            return { requests: [closeRequest(conversationId)], record: { ...ctx.record, offered: undefined }, textFallbacks: [] };
        default:
            throw new ActivityMappingError(
                `LivePerson: no equivalent for an outbound "${activity.type}${activity.type === ActivityTypes.Event ? ` ${activity.name}` : ''}" activity ` +
                    '(messages, typing and endOfConversation map to SEND requests; handoff.initiate is planned by handoffPlan).'
            );
    }
}

/** `cm.UpdateConversationField` closing the conversation. */
export function closeRequest(conversationId: string): LivePersonSendRequest {
    return {
        operation: 'closeConversation',
        type: 'cm.UpdateConversationField',
        body: { conversationId, conversationField: { field: 'ConversationStateField', conversationState: 'CLOSE' } },
    };
}

/** `ChatStateEvent` ACTIVE: ends the "typing" the agent sees after a COMPOSING. */
export function activeChatStateRequest(conversationId: string, dialogId: string): LivePersonSendRequest {
    return {
        operation: 'publishChatState',
        type: 'ms.PublishEvent',
        body: { dialogId, conversationId, event: { type: 'ChatStateEvent', chatState: 'ACTIVE' } },
    };
}

/** `AcceptStatusEvent` for agent messages (ACCEPT = received, READ = read). */
export function acceptStatusRequest(
    conversationId: string,
    dialogId: string,
    status: 'ACCEPT' | 'READ' | 'ACTION',
    sequenceList: number[],
    metadata?: Array<Record<string, unknown>>
): LivePersonSendRequest {
    return {
        operation: 'publishAcceptStatus',
        type: 'ms.PublishEvent',
        body: { dialogId, conversationId, event: { type: 'AcceptStatusEvent', status, sequenceList } },
        ...(metadata ? { metadata } : {}),
    };
}

function messageRequests(
    activity: PlainActivity,
    ctx: OutboundMappingContext,
    publish: (operation: LivePersonSendRequest['operation'], event: Record<string, unknown>, metadata?: Array<Record<string, unknown>>) => LivePersonSendRequest
): OutboundMapping {
    const requests: LivePersonSendRequest[] = [];
    const textFallbacks: string[] = [];
    const texts: string[] = [];
    (activity.attachments ?? []).forEach((attachment, index) => {
        const converted = attachmentContent(attachment, index, ctx.cardRendering);
        if (converted.kind === 'structured') requests.push(publish('publishRichContent', { type: 'RichContentEvent', content: converted.content }));
        else {
            texts.push(converted.text);
            if (converted.reason) textFallbacks.push(`attachment ${index}: ${converted.reason}`);
        }
    });
    const actions = activity.suggestedActions?.actions;
    const quickReplies = ctx.suggestedActionsRendering === 'quickReplies' ? suggestedActionsToQuickReplies(actions) : undefined;
    if (ctx.suggestedActionsRendering !== 'quickReplies' && actions && actions.length > 0) texts.push(suggestedActionsText(actions));
    const text = [typeof activity.text === 'string' ? activity.text : '', ...texts].filter((t) => t.trim() !== '').join('\n\n');
    let record = ctx.record;
    if (text !== '' || quickReplies) {
        if (text === '') throw new ActivityMappingError('LivePerson: suggested actions need a message text to go with them.');
        const clicked = ctx.record.offered?.replies.find((reply) => reply.text === text.trim() || reply.title === text.trim());
        const event: Record<string, unknown> = { type: 'ContentEvent', contentType: 'text/plain', message: text, ...(quickReplies ? { quickReplies } : {}) };
        requests.push(publish('publishContent', event, clicked?.metadata));
        if (clicked && ctx.record.offered?.sequence !== undefined) {
            const { dialogId, sequence } = ctx.record.offered;
            requests.push(acceptStatusRequest(activity.conversation!.id, dialogId, 'ACTION', [sequence], clicked.metadata));
        }
        if (clicked) record = { ...record, offered: undefined };
    }
    if (requests.length === 0) throw new ActivityMappingError('LivePerson: the message has no text, no card and no suggested actions; nothing to send.');
    return { requests, record, textFallbacks };
}

function attachmentContent(
    attachment: Attachment,
    index: number,
    rendering: LivePersonCardRendering
): { kind: 'structured'; content: StructuredElement } | { kind: 'text'; text: string; reason?: string } {
    const content = parseAttachmentContent(attachment.content);
    switch (attachment.contentType) {
        case ADAPTIVE_CARD_CONTENT_TYPE: {
            const card = validAdaptiveCard('LivePerson', content, index);
            const converted = adaptiveCardToStructuredContent(card);
            if (converted.kind === 'structured' && rendering === 'structuredContent') return converted;
            return {
                kind: 'text',
                text: converted.kind === 'text' ? converted.text : adaptiveCardText(card),
                reason: converted.kind === 'text' ? converted.reason : 'cardRendering is "text"',
            };
        }
        case STRUCTURED_CONTENT_TYPE:
            if (!content || typeof content !== 'object' || typeof (content as { type?: unknown }).type !== 'string') {
                throw new ActivityMappingError(`LivePerson: attachment ${index} is structured content without a "type".`);
            }
            if (rendering === 'structuredContent') return { kind: 'structured', content: content as StructuredElement };
            return { kind: 'text', text: structuredContentText(content as Record<string, unknown>), reason: 'cardRendering is "text"' };
        default: {
            if (rendering === 'structuredContent' && /^application\/vnd\.microsoft\.card\.(hero|thumbnail)$/.test(attachment.contentType)) {
                return { kind: 'structured', content: heroCardToStructuredContent((content ?? {}) as Record<string, unknown>) };
            }
            // Hero, thumbnail, media, receipt and sign-in cards: what an agent can read (a consumer cannot send cards).
            const text = cardText({ ...attachment, content });
            if (text !== undefined) return { kind: 'text', text, reason: `${attachment.contentType} as text` };
            if (typeof attachment.contentUrl === 'string' && /^https?:\/\//i.test(attachment.contentUrl)) {
                if (rendering === 'structuredContent' && attachment.contentType?.startsWith('image/')) {
                    return {
                        kind: 'structured',
                        content: {
                            type: 'vertical',
                            elements: [{ type: 'image', url: attachment.contentUrl, ...(attachment.name ? { tooltip: attachment.name } : {}) }],
                        },
                    };
                }
                return { kind: 'text', text: `${attachment.name ?? 'File'}: ${attachment.contentUrl}` };
            }
            throw new ActivityMappingError(
                `LivePerson: attachment ${index} of type "${attachment.contentType}" is not supported; send an Adaptive Card, a Bot Framework ` +
                    `card (CardFactory), structured content (${STRUCTURED_CONTENT_TYPE}) or a file with an https contentUrl.`
            );
        }
    }
}

/**
 * `suggestedActions` as a bulleted list the agent answers by typing the choice (what a consumer can send; prompts
 * recognise the typed choice). Bullets, not numbers: agents-hosting-dialogs 0.6.22 does not recognise a choice's
 * number. A choice whose click would send something other than its title says what to type.
 */
function suggestedActionsText(actions: CardAction[]): string {
    return quickReplyChoices('LivePerson', actions)
        .map(({ title, postback }) => `• ${title}${postback !== title ? ` (reply "${postback}")` : ''}`)
        .join('\n');
}

/** `suggestedActions` as LivePerson quick replies (publishText of the action's value). Limits: 24 replies, 8 per row. */
function suggestedActionsToQuickReplies(actions: CardAction[] | undefined): Record<string, unknown> | undefined {
    if (!actions || actions.length === 0) return undefined;
    if (actions.length > 24) throw new ActivityMappingError(`LivePerson: at most 24 quick replies (got ${actions.length} suggested actions).`);
    const replies = quickReplyChoices('LivePerson', actions).map(({ title, postback }) => ({
        type: 'button',
        title: title.slice(0, 25),
        tooltip: title.slice(0, 256),
        click: { actions: [{ type: 'publishText', text: postback }] },
    }));
    return { type: 'quickReplies', itemsPerRow: Math.min(8, replies.length), replies };
}

// ---------------------------------------------------------------------------------------------------------------
// Handoff

/**
 * The handoff context `handoff.initiate` understands on LivePerson
 * (`EventFactory.createHandoffInitiation(context, handoffContext, transcript)`).
 */
export interface LivePersonHandoffContext {
    /** Skill of the new conversation; default: the adapter's `handoffSkillId`. */
    skillId?: string | undefined;
    /** Campaign routing instead of a skill. */
    campaignInfo?: { campaignId: string; engagementId: string };
    /** Collected details, shown to the agent in the first message and sent as Customer Info SDE fields where they fit. */
    details?: Record<string, unknown> | undefined;
    /** LivePerson SDEs for the new conversation (`SetUserProfile` `authenticatedData.lp_sdes`). */
    sdes?: unknown[] | undefined;
    /** A line to start the agent's first message with. Default "Handoff from the bot." */
    summary?: string | undefined;
}

/** What a `handoff.initiate` does on LivePerson, as data: the adapter carries it out. */
export interface LivePersonHandoffPlan {
    /** Closes the current conversation (a consumer has one open conversation at a time). */
    close: LivePersonSendRequest;
    /** Routing and profile of the new conversation. */
    open: { skillId?: string; campaignInfo?: { campaignId: string; engagementId: string }; userProfile: Record<string, unknown> };
    /** The first message(s) of the new conversation: the summary with the details, then the transcript. */
    messages: string[];
}

/**
 * Plans a handoff from the consumer side. The Connector API cannot transfer a conversation (an agent capability), so
 * a handoff re-routes: it closes this conversation and opens one for the same consumer on the handoff skill, with the
 * collected details (first message and SDEs) and the transcript, as LivePerson's notes suggest for re-routing.
 */
export function handoffPlan(activity: PlainActivity, conversationId: string, defaults: { skillId?: string }): LivePersonHandoffPlan {
    const context = (activity.value && typeof activity.value === 'object' ? activity.value : {}) as LivePersonHandoffContext;
    const skillId = context.skillId ?? (context.campaignInfo ? undefined : defaults.skillId);
    if (!skillId && !context.campaignInfo) {
        throw new ActivityMappingError(
            'LivePerson: handoff.initiate needs a skill: pass { skillId } as the handoff context or set the adapter option "handoffSkillId".'
        );
    }
    const details = context.details && typeof context.details === 'object' ? context.details : {};
    const lines = [
        context.summary ?? 'Handoff from the bot.',
        ...Object.entries(details).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`),
    ];
    const messages = [lines.join('\n')];
    const transcript = transcriptText(activity.attachments);
    if (transcript) messages.push(transcript);
    const sdes = Array.isArray(context.sdes) ? context.sdes : [];
    return {
        close: closeRequest(conversationId),
        open: { skillId, campaignInfo: context.campaignInfo, userProfile: sdes.length > 0 ? { authenticatedData: { lp_sdes: sdes } } : {} },
        messages,
    };
}

/** The transcript attached by `createHandoffInitiation` as readable lines ("Customer: …", "Bot: …"), bounded. */
function transcriptText(attachments: Attachment[] | undefined): string | undefined {
    const transcript = attachments?.find((a) => a.name === 'Transcript' || a.contentType === 'application/vnd.microsoft.transcript');
    const activities = (transcript?.content as { activities?: PlainActivity[] } | undefined)?.activities;
    if (!Array.isArray(activities)) return undefined;
    const lines = activities
        .filter((a) => a?.type === ActivityTypes.Message && typeof a.text === 'string' && a.text !== '')
        .slice(-30)
        .map((a) => `${a.from?.role === 'bot' ? 'Bot' : 'Customer'}: ${a.text}`);
    if (lines.length === 0) return undefined;
    const text = `Transcript:\n${lines.join('\n')}`;
    return text.length > 4000 ? `${text.slice(0, 3990)}…` : text;
}
