/**
 * Pure inbound mapping: 8x8 Chat Gateway webhook events → the activities the bot receives (docs/architecture.md,
 * "Activity mapping — 8x8"), given the conversation's record. No I/O: the connector reads and writes the record.
 */
import { ActivityTypes, type Attachment, type ChannelAccount, type PlainActivity } from '../core/activity';
import { activityTimestamp, InboundActivityList, personalConversation } from '../core/activityList';
import { submittedText } from '../core/cardConversion';
import { encodePathSegment } from '../core/safeText';
import {
    cardActionValueSchema,
    quickReplyValueSchema,
    typingValueSchema,
    type ActivityEvent,
    type ConversationUpdateEvent,
    type EightByEightEvent,
    type MembersChangedEvent,
    type MessageEvent,
} from './events';

/** `channelId` of every 8x8 activity. */
export const EIGHT_BY_EIGHT_CHANNEL_ID = '8x8';

/** Content type of 8x8 quick replies in a message's `cards`. */
export const QUICK_REPLIES_CONTENT_TYPE = 'application/8x8.quick.replies';

/** Names of the `event` activities the 8x8 adapter delivers, besides botbuilder's `handoff.status`. */
export const EightByEightEventNames = {
    /** A message from an agent (value: `{ text, attachments, sender }`): the bot must not answer it. */
    AgentMessage: '8x8.agentMessage',
    /** A message from another bot or the system. */
    SystemMessage: '8x8.systemMessage',
    /** A user message, card submit or quick reply while a human owns the conversation (value: the activity it would have been). */
    UserMessageDuringHandoff: '8x8.userMessage',
    /** The conversation was queued (value: `{ queueId, queueName }`). */
    Queued: '8x8.queued',
    /** A user or agent joined or left (value: `{ memberType, change, id }`). */
    MembersChanged: '8x8.membersChanged',
    /** An agent transferred the conversation to another queue. */
    Transfer: '8x8.transfer',
    /** A later CONVERSATION_UPDATE (value: its `data`). */
    ConversationUpdate: '8x8.conversationUpdate',
} as const;

/** Who the conversation belongs to, as the adapter has seen it. */
export type ConversationOwner = 'bot' | 'queue' | 'agent';

/** What the adapter remembers per 8x8 conversation (kept in the adapter's `storage`). */
export interface EightByEightConversationRecord {
    /** The conversationUpdate greeting was delivered. */
    greeted?: boolean;
    /** Who owns the conversation; absent = the bot. */
    owner?: ConversationOwner;
    /** The customer left, or the bot ended the conversation: nothing more can be sent to it. */
    closed?: boolean;
    /** A TRANSFER was seen and the next agent has not joined yet. */
    transferring?: boolean;
    /** The user's id used as `from.id`, fixed at first sight so UserState keys stay stable. */
    userId?: string;
    userName?: string;
    locale?: string;
}

/** What {@link toActivities} needs besides the event. */
export interface InboundMappingContext {
    /** `x-8x8-event-id` of the delivery; used for activity ids. */
    eventId: string;
    botAccount: ChannelAccount;
    /** The API base URL, used as `serviceUrl`. */
    serviceUrl: string;
    record: EightByEightConversationRecord;
}

/** Result of {@link toActivities}. */
export interface InboundMapping {
    activities: PlainActivity[];
    /** The conversation record after this event. */
    record: EightByEightConversationRecord;
}

/**
 * Maps one 8x8 webhook event to the activities the bot receives, given the conversation record; returns the
 * updated record too. WEB_HOOK_VERIFY and echoes map to nothing.
 */
export function toActivities(event: EightByEightEvent, ctx: InboundMappingContext): InboundMapping {
    if (event.eventType === 'WEB_HOOK_VERIFY') return { activities: [], record: ctx.record };
    const record: EightByEightConversationRecord = { ...ctx.record };
    const base = (): PlainActivity => ({
        channelId: EIGHT_BY_EIGHT_CHANNEL_ID,
        serviceUrl: ctx.serviceUrl,
        conversation: personalConversation(event.conversationId),
        recipient: { ...ctx.botAccount, role: 'bot' },
        from: userAccount(event.conversationId, record),
        timestamp: activityTimestamp(event.timestamp),
        locale: record.locale,
        channelData: event,
    });
    const list = new InboundActivityList(ctx.eventId, base);
    const push = (activity: PlainActivity) => list.push(activity);
    const handoffStatus = (state: 'accepted' | 'completed', message: string) => list.handoffStatus(state, message);
    const deliverUserActivity = (activity: PlainActivity) => {
        if ((record.owner ?? 'bot') === 'bot') {
            push(activity);
        } else {
            push({ type: ActivityTypes.Event, name: EightByEightEventNames.UserMessageDuringHandoff, value: activity });
        }
    };

    switch (event.eventType) {
        case 'CONVERSATION_UPDATE':
            mapConversationUpdate(event, record, push, handoffStatus, ctx);
            break;
        case 'QUEUED':
            push({ type: ActivityTypes.Event, name: EightByEightEventNames.Queued, value: event.data ?? {} });
            break;
        case 'MEMBERS_CHANGED':
            mapMembersChanged(event, record, push, handoffStatus);
            break;
        case 'TRANSFER':
            record.transferring = true;
            push({ type: ActivityTypes.Event, name: EightByEightEventNames.Transfer, value: {} });
            break;
        case 'MESSAGE':
            mapMessage(event, record, push, deliverUserActivity, ctx.serviceUrl);
            break;
        case 'ACTIVITY':
            mapActivity(event, push, deliverUserActivity);
            break;
    }
    return { activities: list.activities, record };
}

type Push = (activity: PlainActivity) => void;

function userAccount(conversationId: string, record: EightByEightConversationRecord): ChannelAccount {
    return { id: record.userId ?? `8x8-user:${conversationId}`, ...(record.userName ? { name: record.userName } : {}), role: 'user' };
}

function mapConversationUpdate(
    event: ConversationUpdateEvent,
    record: EightByEightConversationRecord,
    push: Push,
    handoffStatus: (state: 'accepted' | 'completed', message: string) => void,
    ctx: InboundMappingContext
): void {
    const user = event.data.user;
    if (user?.userId && !record.userId) record.userId = user.userId;
    if (user?.name) record.userName = user.name;
    if (user?.language) record.locale = user.language;
    if (!record.greeted) {
        record.greeted = true;
        push({
            type: ActivityTypes.ConversationUpdate,
            membersAdded: [userAccount(event.conversationId, record), { ...ctx.botAccount, role: 'bot' }],
        });
    } else {
        push({ type: ActivityTypes.Event, name: EightByEightEventNames.ConversationUpdate, value: event.data });
    }
    if (event.data.assignment?.type === 'agent' && record.owner !== 'agent') {
        record.owner = 'agent';
        record.transferring = false;
        handoffStatus('accepted', 'An agent was assigned to the conversation.');
    }
}

function mapMembersChanged(
    event: MembersChangedEvent,
    record: EightByEightConversationRecord,
    push: Push,
    handoffStatus: (state: 'accepted' | 'completed', message: string) => void
): void {
    const { memberType, change } = event.data;
    push({ type: ActivityTypes.Event, name: EightByEightEventNames.MembersChanged, value: event.data });
    if (memberType === 'user' && change === 'left' && !record.closed) {
        // The customer left: the conversation is over for the bot (no more sends), which hears it as botbuilder bots do.
        record.closed = true;
        push({ type: ActivityTypes.EndOfConversation, code: 'userLeft', text: 'The customer left the conversation.' });
    }
    if (memberType !== 'agent') return;
    if (change === 'joined') {
        record.transferring = false;
        if (record.owner !== 'agent') {
            record.owner = 'agent';
            handoffStatus('accepted', 'An agent joined the conversation.');
        }
    } else if (change === 'left') {
        if (record.transferring) {
            // A transfer: another agent joins next; the conversation does not come back to the bot.
            record.owner = 'queue';
        } else if (record.owner !== 'bot' && record.owner !== undefined) {
            record.owner = 'bot';
            handoffStatus('completed', 'The agent left the conversation; it is back with the bot.');
        }
    }
}

function mapMessage(event: MessageEvent, record: EightByEightConversationRecord, push: Push, deliverUserActivity: Push, serviceUrl: string): void {
    const data = event.data;
    if (data.isEcho) return;
    const senderType = data.sender?.type ?? '';
    const attachments: Attachment[] = [
        ...(data.attachments ?? []).map((file) => fileAttachment(file, event.conversationId, serviceUrl)),
        ...(data.cards ?? []).map((card) => ({ contentType: card.contentType, content: card.content })),
    ];
    if (senderType === 'agent' || senderType === 'bot' || senderType === 'system') {
        push({
            type: ActivityTypes.Event,
            name: senderType === 'agent' ? EightByEightEventNames.AgentMessage : EightByEightEventNames.SystemMessage,
            from: { id: data.sender?.id || senderType, name: senderType },
            value: { text: data.text, attachments, sender: data.sender },
        });
        return;
    }
    if (data.sender?.id && !record.userId) record.userId = data.sender.id;
    deliverUserActivity({
        type: ActivityTypes.Message,
        text: data.text ?? '',
        textFormat: 'plain',
        attachments: attachments.length > 0 ? attachments : undefined,
    });
}

/** A received file; without a pre-signed URL it points at the download endpoint, which needs the API key. */
function fileAttachment(file: { id: string; type?: string; preSignedUrl?: string; fileName?: string }, conversationId: string, serviceUrl: string): Attachment {
    return {
        contentType: mediaType(file.fileName, file.type),
        contentUrl:
            file.preSignedUrl ||
            `${serviceUrl}/chat-gateway/v1/conversations/${encodePathSegment(conversationId, '8x8: the conversation id')}/attachments/` +
                `${encodePathSegment(file.id, '8x8: the attachment id')}/content`,
        name: file.fileName || file.id,
    };
}

const EXTENSION_TYPES: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    webp: 'image/webp',
    svg: 'image/svg+xml',
    pdf: 'application/pdf',
    txt: 'text/plain',
    csv: 'text/csv',
    mp4: 'video/mp4',
    mov: 'video/quicktime',
    mp3: 'audio/mpeg',
    ogg: 'audio/ogg',
    wav: 'audio/wav',
    doc: 'application/msword',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    zip: 'application/zip',
    json: 'application/json',
};

/** A MIME type for an 8x8 attachment: from the file extension, else from 8x8's `type` (image/video/audio/file). */
export function mediaType(fileName: string | undefined, kind: string | undefined): string {
    const extension = fileName?.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
    // Object.hasOwn: the extension comes from the webhook, and "x.constructor" must not find Object.prototype's.
    if (Object.hasOwn(EXTENSION_TYPES, extension)) return EXTENSION_TYPES[extension];
    if (kind === 'image' || kind === 'video' || kind === 'audio') return `${kind}/*`;
    return 'application/octet-stream';
}

function mapActivity(event: ActivityEvent, push: Push, deliverUserActivity: Push): void {
    const { name, value } = event.data;
    if (name === 'typing') {
        // Values were checked by parseEightByEightEvent; parse() here only narrows the type.
        for (const user of typingValueSchema.parse(value).users) {
            const from: ChannelAccount = { id: user.id || user.type || 'unknown', ...(user.type ? { name: user.type } : {}) };
            if (user.type === 'user') from.role = 'user';
            push({ type: ActivityTypes.Typing, from });
        }
        return;
    }
    if (name === 'adaptiveCard/action') {
        const action = cardActionValueSchema.parse(value);
        const { type, data } = action;
        if (type === 'Action.Execute') {
            const verb = (action as { verb?: unknown }).verb ?? (data as { verb?: unknown } | undefined)?.verb;
            deliverUserActivity({
                type: ActivityTypes.Invoke,
                name: 'adaptiveCard/action',
                value: { action: { type: 'Action.Execute', verb, data: data ?? {} }, trigger: 'manual' },
            });
        } else {
            // A Bot Framework card's button (converted to Action.Submit) comes back as its text, like a typed choice.
            const text = submittedText(data);
            deliverUserActivity(
                text !== undefined ? { type: ActivityTypes.Message, text, textFormat: 'plain' } : { type: ActivityTypes.Message, value: data ?? {} }
            );
        }
        return;
    }
    if (name === 'quickReply/action') {
        deliverUserActivity({ type: ActivityTypes.Message, text: quickReplyValueSchema.parse(value).data.payload, textFormat: 'plain' });
        return;
    }
    push({ type: ActivityTypes.Event, name, value });
}
