/**
 * Pure mapping between LivePerson Connector API notifications / SEND requests and Bot Framework activities
 * (docs/architecture.md, "Activity mapping — LivePerson"). The connector acts on behalf of a consumer, so the bot sits on the
 * consumer's side and its counterpart is the LivePerson agent. No I/O here: the adapter reads and writes the
 * conversation record and sends the requests.
 */
import { ActionTypes, ActivityTypes, type Attachment, type CardAction, type ChannelAccount, type PlainActivity } from '../core/activity';
import { InboundActivityList, personalConversation } from '../core/activityList';
import { ADAPTIVE_CARD_CONTENT_TYPE, parseAttachmentContent, validAdaptiveCard } from '../core/adaptiveCards';
import { quickReplyChoices } from '../core/suggestedActions';
import { ActivityMappingError } from '../core/errors';
import type { LivePersonConversationChange, LivePersonMessagingChange, LivePersonQuickReplies } from './events';
import type { LivePersonCardRendering } from './options';
import {
    adaptiveCardText,
    adaptiveCardToStructuredContent,
    heroCardToStructuredContent,
    structuredContentReplies,
    structuredContentText,
    type OfferedReply,
    type StructuredElement,
} from './structuredContent';

/** `channelId` of every LivePerson activity. */
export const LIVEPERSON_CHANNEL_ID = 'liveperson';

/** Content type of a LivePerson structured content attachment (inbound RichContentEvent; outbound passes through). */
export const STRUCTURED_CONTENT_TYPE = 'application/vnd.liveperson.structured-content';

/** Content type of a file an agent shared (`hosted/file`); `content` holds LivePerson's file descriptor. */
export const HOSTED_FILE_CONTENT_TYPE = 'application/vnd.liveperson.hosted-file';

/** Names of the `event` activities the LivePerson adapter delivers. */
export const LivePersonEventNames = {
    /** An agent's AcceptStatusEvent (value: `{ status, sequenceList }`): the agent received or read the bot's messages. */
    AcceptStatus: 'liveperson.acceptStatus',
} as const;

/** What the adapter remembers per LivePerson conversation (kept in the adapter's `storage`). */
export interface LivePersonConversationRecord {
    /** The external consumer id the conversation was opened for; absent when this connector did not open it. */
    consumerId?: string;
    /** The dialog to publish to: the MAIN dialog (= conversation id) or an open post-conversation survey. */
    dialogId?: string;
    /** Ids of the agents (ASSIGNED_AGENT) currently in the conversation. */
    agentIds?: string[];
    /** The conversation was closed. */
    closed?: boolean;
    /** `metaDataLastUpdateTs` of the newest conversation change applied; older ones are stale. */
    lastChangeTs?: number;
    /** Quick replies / buttons the agent's last message offered, to report a click when the bot answers with one. */
    offered?: { dialogId: string; sequence?: number; replies: OfferedReply[] };
    /** This conversation was opened by a handoff from `botConversationId`: the bot keeps seeing that id. */
    botConversationId?: string;
    /** Opened by `handoff.initiate`: agent assignment and close are reported as `handoff.status` too. */
    handoff?: { accepted?: boolean };
    /** A handoff closed this conversation and moved the consumer to this one; replies go there. */
    movedTo?: string;
}

/** What the mapping functions need besides the event. */
export interface InboundMappingContext {
    /** Id of the first activity; further ones get `:1`, `:2`… */
    activityId: string;
    botAccount: ChannelAccount;
    /** Used as `serviceUrl`. */
    serviceUrl: string;
    record: LivePersonConversationRecord;
}

/** Result of the inbound mapping functions. */
export interface InboundMapping {
    activities: PlainActivity[];
    /** The conversation record after this change. */
    record: LivePersonConversationRecord;
    /** An agent message to acknowledge (ACCEPT and READ) once the bot handled it. */
    receipt?: { dialogId: string; sequence: number };
}

/** The conversation a messaging change belongs to (`conversationId`, or `dialogId` in older payloads). */
export function messagingConversationId(change: LivePersonMessagingChange): string {
    return (change.conversationId ?? change.dialogId)!;
}

function baseActivity(conversationId: string, ctx: InboundMappingContext, from: ChannelAccount, timestamp?: number): PlainActivity {
    return {
        channelId: LIVEPERSON_CHANNEL_ID,
        serviceUrl: ctx.serviceUrl,
        // After a handoff the bot keeps its conversation id; channelData has LivePerson's.
        conversation: personalConversation(ctx.record.botConversationId ?? conversationId),
        recipient: { ...ctx.botAccount, role: 'bot' },
        from,
        timestamp: timestamp ? new Date(timestamp) : new Date(),
    };
}

/**
 * True for the messaging changes that map to nothing whatever the conversation's state: the echo of the connector's
 * own traffic (role CONSUMER; LivePerson sends one for each event the bot publishes) and messages for agents and
 * managers only (`messageAudience` other than ALL).
 */
export function isIgnoredMessagingChange(change: LivePersonMessagingChange): boolean {
    return change.originatorMetadata?.role === 'CONSUMER' || (change.messageAudience !== undefined && change.messageAudience !== 'ALL');
}

/**
 * Maps one `ms.MessagingEventNotification` change. The connector's own consumer traffic (role CONSUMER) is an echo
 * and maps to nothing, as do messages for agents and managers only (`messageAudience` other than ALL) and chat
 * states other than COMPOSING.
 */
export function messagingChangeToActivities(change: LivePersonMessagingChange, ctx: InboundMappingContext): InboundMapping {
    if (isIgnoredMessagingChange(change)) return { activities: [], record: ctx.record };
    const record: LivePersonConversationRecord = { ...ctx.record };
    const role = change.originatorMetadata?.role ?? '';
    const conversationId = messagingConversationId(change);
    const dialogId = change.dialogId ?? conversationId;
    const originator = change.originatorId || change.originatorMetadata?.id || 'agent';
    const from: ChannelAccount = { id: originator, name: role || 'AGENT', role: 'user' };
    const base = { id: ctx.activityId, ...baseActivity(conversationId, ctx, from, change.serverTimestamp), channelData: change };
    const event = change.event;
    switch (event.type) {
        case 'ChatStateEvent':
            return { activities: event.chatState === 'COMPOSING' ? [{ ...base, type: ActivityTypes.Typing }] : [], record };
        case 'AcceptStatusEvent':
            return {
                activities: [{ ...base, type: ActivityTypes.Event, name: LivePersonEventNames.AcceptStatus, value: { status: event.status, sequenceList: event.sequenceList ?? [] } }],
                record,
            };
        case 'ContentEvent':
        case 'RichContentEvent': {
            const message = event.type === 'ContentEvent' ? contentMessage(event.message, event.contentType) : richContentMessage(event.content);
            const quickReplies = quickRepliesToActions(event.quickReplies);
            const offered = [...message.replies, ...(event.quickReplies ? quickRepliesToOffered(event.quickReplies) : [])];
            // A new agent message replaces what the previous one offered.
            record.offered = offered.length > 0 ? { dialogId, sequence: change.sequence, replies: offered } : undefined;
            const activity: PlainActivity = {
                ...base,
                type: ActivityTypes.Message,
                text: message.text,
                textFormat: 'plain',
                ...(message.attachments.length > 0 ? { attachments: message.attachments } : {}),
                ...(quickReplies.length > 0 ? { suggestedActions: { actions: quickReplies, to: [ctx.botAccount.id] } } : {}),
            };
            return { activities: [activity], record, ...(change.sequence !== undefined ? { receipt: { dialogId, sequence: change.sequence } } : {}) };
        }
    }
}

function contentMessage(message: string | Record<string, unknown>, contentType = 'text/plain'): { text: string; attachments: Attachment[]; replies: OfferedReply[] } {
    if (typeof message === 'string') return { text: message, attachments: [], replies: [] };
    if (contentType === 'hosted/file') {
        const caption = typeof message.caption === 'string' ? message.caption : '';
        const fileType = typeof message.fileType === 'string' ? message.fileType.toLowerCase() : '';
        const relativePath = typeof message.relativePath === 'string' ? message.relativePath : '';
        return {
            text: caption,
            attachments: [
                {
                    contentType: HOSTED_FILE_CONTENT_TYPE,
                    name: relativePath.split('/').pop() || `file.${fileType || 'bin'}`,
                    content: message,
                    ...(typeof message.preview === 'string' && message.preview.startsWith('data:') ? { thumbnailUrl: message.preview } : {}),
                },
            ],
            replies: [],
        };
    }
    return { text: '', attachments: [{ contentType: `application/vnd.liveperson.${contentType.replace(/[^a-z0-9.+-]/gi, '-')}`, content: message }], replies: [] };
}

function richContentMessage(content: Record<string, unknown>): { text: string; attachments: Attachment[]; replies: OfferedReply[] } {
    return { text: structuredContentText(content), attachments: [{ contentType: STRUCTURED_CONTENT_TYPE, content }], replies: structuredContentReplies(content) };
}

function quickRepliesToOffered(quickReplies: LivePersonQuickReplies): OfferedReply[] {
    return quickReplies.replies.flatMap((reply) => {
        const publish = reply.click?.actions?.find((a) => a.type === 'publishText' && typeof a.text === 'string');
        const text = publish?.text || reply.title;
        // A button with neither title nor text offers nothing to answer with (and a Bot Framework button needs a title).
        if (!text) return [];
        return [{ title: reply.title || text, text, ...(reply.click?.metadata ? { metadata: reply.click.metadata } : {}) }];
    });
}

/** Agent quick replies as `suggestedActions`: imBack with the text a click publishes, so prompts can match it. */
function quickRepliesToActions(quickReplies: LivePersonQuickReplies | undefined): CardAction[] {
    if (!quickReplies) return [];
    return quickRepliesToOffered(quickReplies).map((reply) => ({ type: ActionTypes.ImBack, title: reply.title, value: reply.text }));
}

/**
 * Maps one `cqm.ExConversationChangeNotification` change (the complete state of a conversation). Agents who appear
 * become `conversationUpdate` membersAdded (and leave as membersRemoved); the first CLOSE becomes `endOfConversation`.
 * A change older than the newest one applied (`metaDataLastUpdateTs`) is stale and maps to nothing.
 */
export function conversationChangeToActivities(change: LivePersonConversationChange, ctx: InboundMappingContext): InboundMapping {
    const record: LivePersonConversationRecord = { ...ctx.record };
    const details = change.result.conversationDetails ?? {};
    const ts = details.metaDataLastUpdateTs;
    if (change.type !== 'UPSERT') return { activities: [], record };
    if (ts !== undefined && record.lastChangeTs !== undefined && ts <= record.lastChangeTs) return { activities: [], record };
    if (ts !== undefined) record.lastChangeTs = ts;
    const conversationId = change.result.convId;
    const list = new InboundActivityList(ctx.activityId, () => ({
        ...baseActivity(conversationId, ctx, { id: 'liveperson', name: 'LivePerson', role: 'user' }, ts),
        channelData: change,
    }));
    const push = (activity: PlainActivity) => list.push(activity);

    const survey = (details.dialogs ?? []).find((d) => d.dialogType === 'POST_SURVEY' && d.state !== 'CLOSE');
    record.dialogId = survey ? survey.dialogId : conversationId;

    const agents = (details.participants ?? []).filter((p) => p.role === 'ASSIGNED_AGENT').map((p) => p.id);
    const known = record.agentIds ?? [];
    const joined = agents.filter((id) => !known.includes(id));
    const left = known.filter((id) => !agents.includes(id));
    record.agentIds = agents;
    const account = (id: string): ChannelAccount => ({ id, name: 'ASSIGNED_AGENT', role: 'user' });
    if (left.length > 0) push({ type: ActivityTypes.ConversationUpdate, membersRemoved: left.map(account) });
    if (joined.length > 0) push({ type: ActivityTypes.ConversationUpdate, membersAdded: joined.map(account) });
    // handoff.status names the bot's conversation, which a handoff re-route keeps (baseActivity's conversation).
    const handoffStatus = (state: 'accepted' | 'completed', message: string) => list.handoffStatus(state, message);
    if (record.handoff && !record.handoff.accepted && joined.length > 0) {
        record.handoff = { ...record.handoff, accepted: true };
        handoffStatus('accepted', 'A LivePerson agent accepted the conversation.');
    }

    const closed = details.state === 'CLOSE' || details.stage === 'CLOSE';
    if (closed && !record.closed) {
        record.closed = true;
        record.offered = undefined;
        if (record.handoff) handoffStatus('completed', 'The LivePerson conversation was closed.');
        push({
            type: ActivityTypes.EndOfConversation,
            code: 'completedSuccessfully',
            text: details.closeReason ? `Closed by ${details.closeReason}` : 'Closed',
            value: { closeReason: details.closeReason },
        });
    } else if (!closed && record.closed) {
        // Agents can reopen a conversation.
        record.closed = false;
    }
    return { activities: list.activities, record };
}

// ---------------------------------------------------------------------------------------------------------------
// Outbound

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
    const publish = (operation: LivePersonSendRequest['operation'], event: Record<string, unknown>, metadata?: Array<Record<string, unknown>>): LivePersonSendRequest => ({
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
            return { requests: dialogId === conversationId ? [publish('publishChatState', { type: 'ChatStateEvent', chatState: 'COMPOSING' })] : [], record: ctx.record, textFallbacks: [] };
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
    return { operation: 'publishChatState', type: 'ms.PublishEvent', body: { dialogId, conversationId, event: { type: 'ChatStateEvent', chatState: 'ACTIVE' } } };
}

/** `AcceptStatusEvent` for agent messages (ACCEPT = received, READ = read). */
export function acceptStatusRequest(conversationId: string, dialogId: string, status: 'ACCEPT' | 'READ' | 'ACTION', sequenceList: number[], metadata?: Array<Record<string, unknown>>): LivePersonSendRequest {
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
    const text = [typeof activity.text === 'string' ? activity.text : '', ...texts].filter((t) => t.trim() !== '').join('\n\n');
    const quickReplies = suggestedActionsToQuickReplies(activity.suggestedActions?.actions);
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

function attachmentContent(attachment: Attachment, index: number, rendering: LivePersonCardRendering): { kind: 'structured'; content: StructuredElement } | { kind: 'text'; text: string; reason?: string } {
    const content = parseAttachmentContent(attachment.content);
    switch (attachment.contentType) {
        case ADAPTIVE_CARD_CONTENT_TYPE: {
            const card = validAdaptiveCard('LivePerson', content, index);
            const converted = adaptiveCardToStructuredContent(card);
            if (converted.kind === 'structured' && rendering === 'structuredContent') return converted;
            return { kind: 'text', text: converted.kind === 'text' ? converted.text : adaptiveCardText(card), reason: converted.kind === 'text' ? converted.reason : 'cardRendering is "text"' };
        }
        case 'application/vnd.microsoft.card.hero':
        case 'application/vnd.microsoft.card.thumbnail':
            return { kind: 'structured', content: heroCardToStructuredContent((content ?? {}) as Record<string, unknown>) };
        case STRUCTURED_CONTENT_TYPE:
            if (!content || typeof content !== 'object' || typeof (content as { type?: unknown }).type !== 'string') {
                throw new ActivityMappingError(`LivePerson: attachment ${index} is structured content without a "type".`);
            }
            return { kind: 'structured', content: content as StructuredElement };
        default:
            if (typeof attachment.contentUrl === 'string' && /^https?:\/\//i.test(attachment.contentUrl)) {
                if (attachment.contentType?.startsWith('image/')) {
                    return { kind: 'structured', content: { type: 'vertical', elements: [{ type: 'image', url: attachment.contentUrl, ...(attachment.name ? { tooltip: attachment.name } : {}) }] } };
                }
                return { kind: 'text', text: `${attachment.name ?? 'File'}: ${attachment.contentUrl}` };
            }
            throw new ActivityMappingError(
                `LivePerson: attachment ${index} of type "${attachment.contentType}" is not supported; send an Adaptive Card, a hero card, ` +
                    `structured content (${STRUCTURED_CONTENT_TYPE}) or a file with an https contentUrl.`
            );
    }
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
        throw new ActivityMappingError('LivePerson: handoff.initiate needs a skill: pass { skillId } as the handoff context or set the adapter option "handoffSkillId".');
    }
    const details = context.details && typeof context.details === 'object' ? context.details : {};
    const lines = [context.summary ?? 'Handoff from the bot.', ...Object.entries(details).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)];
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
