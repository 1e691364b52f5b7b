/**
 * Pure inbound mapping: LivePerson Connector API notifications → the activities the bot receives (docs/architecture.md,
 * "Activity mapping — LivePerson"). The connector acts on behalf of a consumer, so the bot sits on the consumer's side
 * and its counterpart is the LivePerson agent. No I/O: the connector reads and writes the conversation record.
 */
import { ActionTypes, ActivityTypes, type Attachment, type CardAction, type ChannelAccount, type PlainActivity } from '../core/activity';
import { activityTimestamp, InboundActivityList, personalConversation } from '../core/activityList';
import type { LivePersonConversationChange, LivePersonMessagingChange, LivePersonQuickReplies } from './events';
import { fileNameOf } from './files';
import { structuredContentReplies, structuredContentText, type OfferedReply } from './structuredContent';

/** `channelId` of every LivePerson activity. */
export const LIVEPERSON_CHANNEL_ID = 'liveperson';

/** Content type of a LivePerson structured content attachment (inbound RichContentEvent; outbound passes through). */
export const STRUCTURED_CONTENT_TYPE = 'application/vnd.liveperson.structured-content';

/**
 * Content type of a file an agent shared (`hosted/file`) as the pure mapping gives it: `content` holds LivePerson's
 * file descriptor. Before the turn, the connector replaces it with a downloadable attachment (`contentUrl` a temporary
 * URL, `contentType` such as `image/jpeg`); the descriptor stays only when no download URL could be generated.
 */
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

/** LivePerson roles as the names a bot shows or logs (the role itself stays in `channelData`). */
const ROLE_NAMES: Record<string, string> = { ASSIGNED_AGENT: 'Agent', AGENT: 'Agent', MANAGER: 'Manager', CONTROLLER: 'LivePerson', READER: 'Agent' };

function displayName(role: string): string {
    return Object.hasOwn(ROLE_NAMES, role) ? ROLE_NAMES[role] : 'Agent';
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
        timestamp: activityTimestamp(timestamp),
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
    const from: ChannelAccount = { id: originator, name: displayName(role), role: 'user' };
    const base = { id: ctx.activityId, ...baseActivity(conversationId, ctx, from, change.serverTimestamp), channelData: change };
    const event = change.event;
    switch (event.type) {
        case 'ChatStateEvent':
            return { activities: event.chatState === 'COMPOSING' ? [{ ...base, type: ActivityTypes.Typing }] : [], record };
        case 'AcceptStatusEvent':
            return {
                activities: [
                    {
                        ...base,
                        type: ActivityTypes.Event,
                        name: LivePersonEventNames.AcceptStatus,
                        value: { status: event.status, sequenceList: event.sequenceList ?? [] },
                    },
                ],
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

function contentMessage(
    message: string | Record<string, unknown>,
    contentType = 'text/plain'
): { text: string; attachments: Attachment[]; replies: OfferedReply[] } {
    // LivePerson's agent workspace adds trailing spaces and newlines ("Yellow\n"); a prompt must still match. The raw
    // text stays in channelData.
    if (typeof message === 'string') return { text: message.trimEnd(), attachments: [], replies: [] };
    if (contentType === 'hosted/file') {
        const caption = typeof message.caption === 'string' ? message.caption : '';
        const fileType = typeof message.fileType === 'string' ? message.fileType : '';
        const relativePath = typeof message.relativePath === 'string' ? message.relativePath : '';
        return {
            text: caption,
            attachments: [
                {
                    contentType: HOSTED_FILE_CONTENT_TYPE,
                    name: fileNameOf(relativePath, fileType),
                    content: message,
                    ...(typeof message.preview === 'string' && message.preview.startsWith('data:') ? { thumbnailUrl: message.preview } : {}),
                },
            ],
            replies: [],
        };
    }
    return {
        text: '',
        attachments: [{ contentType: `application/vnd.liveperson.${contentType.replace(/[^a-z0-9.+-]/gi, '-')}`, content: message }],
        replies: [],
    };
}

function richContentMessage(content: Record<string, unknown>): { text: string; attachments: Attachment[]; replies: OfferedReply[] } {
    return {
        text: structuredContentText(content),
        attachments: [{ contentType: STRUCTURED_CONTENT_TYPE, content }],
        replies: structuredContentReplies(content),
    };
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
    const account = (id: string): ChannelAccount => ({ id, name: displayName('ASSIGNED_AGENT'), role: 'user' });
    const closed = details.state === 'CLOSE' || details.stage === 'CLOSE';
    if (left.length > 0) push({ type: ActivityTypes.ConversationUpdate, membersRemoved: left.map(account) });
    // An agent who joins a conversation that is closed (in the same notification) must not start a greeting turn.
    if (closed) joined.length = 0;
    if (joined.length > 0) push({ type: ActivityTypes.ConversationUpdate, membersAdded: joined.map(account) });
    // handoff.status names the bot's conversation, which a handoff re-route keeps (baseActivity's conversation).
    const handoffStatus = (state: 'accepted' | 'completed', message: string) => list.handoffStatus(state, message);
    if (record.handoff && !record.handoff.accepted && joined.length > 0) {
        record.handoff = { ...record.handoff, accepted: true };
        handoffStatus('accepted', 'A LivePerson agent accepted the conversation.');
    }

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
