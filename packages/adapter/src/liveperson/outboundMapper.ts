/**
 * Pure outbound mapping: the bot's activities → LivePerson SEND requests, and the plan of a handoff re-route
 * (docs/architecture.md, "Activity mapping — LivePerson"). No I/O: the connector sends the requests.
 */
import { ActivityTypes, type Attachment, type CardAction, type PlainActivity } from '../core/activity';
import { ADAPTIVE_CARD_CONTENT_TYPE, parseAttachmentContent, validAdaptiveCard } from '../core/adaptiveCards';
import { ActivityMappingError } from '../core/errors';
import { quickReplyChoices } from '../core/suggestedActions';
import { STRUCTURED_CONTENT_TYPE, type LivePersonConversationRecord } from './inboundMapper';
import { declaredHostedFileType, HOSTED_FILE_TYPES, type HostedFileType } from './files';
import type { LivePersonCardRendering, LivePersonFileRendering, LivePersonSuggestedActionsRendering } from './options';
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
    operation: 'publishContent' | 'publishRichContent' | 'publishFile' | 'publishChatState' | 'publishAcceptStatus' | 'closeConversation';
    type: 'ms.PublishEvent' | 'cm.UpdateConversationField';
    body: Record<string, unknown>;
    /** Request-level metadata (e.g. `ExternalId` of a clicked quick reply). */
    metadata?: Array<Record<string, unknown>>;
    /**
     * For `publishFile`: the file to upload first. The request is then not complete: the sender reads the file, uploads
     * it and completes `event.message` with its `relativePath`, `fileType` and `preview` (`fileSharing.ts`).
     */
    file?: LivePersonOutboundFile;
}

/** A file of the bot's message to share as a LivePerson hosted file. */
export interface LivePersonOutboundFile {
    /** Position of the attachment in the activity (named in errors). */
    index: number;
    /** http(s) or `data:` URL of the file. */
    contentUrl: string;
    /** The type the attachment declares; the bytes decide (`hostedFileTypeOf`). */
    declaredType: HostedFileType;
    name?: string | undefined;
    /** The attachment's `thumbnailUrl`, a preview candidate. */
    thumbnailUrl?: string | undefined;
}

/** What {@link fromActivity} needs besides the activity. */
export interface OutboundMappingContext {
    record: LivePersonConversationRecord;
    cardRendering: LivePersonCardRendering;
    /** Default `text`: what a consumer may send. */
    suggestedActionsRendering?: LivePersonSuggestedActionsRendering | undefined;
    /** Default `hostedFile`: JPG, JPEG, PNG and GIF files go as hosted files (`publishFile` requests). */
    fileRendering?: LivePersonFileRendering | undefined;
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
 * - message → `ContentEvent` (text; `suggestedActions` as `quickReplies`), cards → `RichContentEvent` or text,
 *   JPG/JPEG/PNG/GIF files → `hosted/file` ContentEvents (`publishFile`, completed by the sender after the upload),
 *   other files → their name and URL as text;
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
    const files: LivePersonSendRequest[] = [];
    const textFallbacks: string[] = [];
    const texts: string[] = [];
    (activity.attachments ?? []).forEach((attachment, index) => {
        const converted = attachmentContent(attachment, index, ctx.cardRendering, ctx.fileRendering ?? 'hostedFile');
        if (converted.kind === 'structured') requests.push(publish('publishRichContent', { type: 'RichContentEvent', content: converted.content }));
        else if (converted.kind === 'file') {
            const request = { ...publish('publishFile', { type: 'ContentEvent', contentType: 'hosted/file', message: {} }), file: converted.file };
            requests.push(request);
            files.push(request);
        } else {
            texts.push(converted.text);
            if (converted.reason) textFallbacks.push(`attachment ${index}: ${converted.reason}`);
        }
    });
    const actions = activity.suggestedActions?.actions;
    const quickReplies = ctx.suggestedActionsRendering === 'quickReplies' ? suggestedActionsToQuickReplies(actions) : undefined;
    if (ctx.suggestedActionsRendering !== 'quickReplies' && actions && actions.length > 0) texts.push(suggestedActionsText(actions));
    const text = [typeof activity.text === 'string' ? activity.text : '', ...texts].filter((t) => t.trim() !== '').join('\n\n');
    const clicked = text === '' ? undefined : ctx.record.offered?.replies.find((reply) => reply.text === text.trim() || reply.title === text.trim());
    // A message that is only text and files: the text is the first file's caption, as an agent sees a captioned image.
    if (files.length > 0 && text !== '' && texts.length === 0 && !quickReplies && !clicked) {
        const [first] = files;
        (first.body.event as { message: Record<string, unknown> }).message = { caption: text };
        return { requests, record: ctx.record, textFallbacks };
    }
    let record = ctx.record;
    if (text !== '' || quickReplies) {
        if (text === '') throw new ActivityMappingError('LivePerson: suggested actions need a message text to go with them.');
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
    rendering: LivePersonCardRendering,
    fileRendering: LivePersonFileRendering
): { kind: 'structured'; content: StructuredElement } | { kind: 'file'; file: LivePersonOutboundFile } | { kind: 'text'; text: string; reason?: string } {
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
            const fileType = fileRendering === 'hostedFile' ? declaredHostedFileType(attachment) : undefined;
            if (fileType) {
                const { contentUrl, name, thumbnailUrl } = attachment;
                return { kind: 'file', file: { index, contentUrl: contentUrl!, declaredType: fileType, name, thumbnailUrl } };
            }
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
                    `card (CardFactory), structured content (${STRUCTURED_CONTENT_TYPE}), a file with an https contentUrl` +
                    (fileRendering === 'hostedFile' ? `, or a ${HOSTED_FILE_TYPES.join(', ')} image as a data: URL.` : '.')
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
