/**
 * The Activity protocol as plain objects: the shape both Bot Framework SDKs (botbuilder's `Activity` interface and
 * the Agents SDK's `Activity` class) serialise to. The vendor core speaks only this; the hosts convert at the edge.
 * Every field is optional because activities are built up and passed around partially, as in botbuilder.
 */

/** A participant: user, bot or agent. */
export interface ChannelAccount {
    id: string;
    name?: string;
    role?: string;
}

/** The conversation an activity belongs to. */
export interface ConversationAccount {
    id: string;
    name?: string;
    isGroup?: boolean;
    conversationType?: string;
}

/** A button: suggested action or card action. */
export interface CardAction {
    type: string;
    title?: string;
    value?: unknown;
    text?: string;
    displayText?: string;
    image?: string;
}

/** A card or file carried by a message. */
export interface Attachment {
    contentType: string;
    contentUrl?: string;
    content?: unknown;
    name?: string;
    thumbnailUrl?: string;
}

/** An activity as a plain object (see the file comment). */
export interface PlainActivity {
    type?: string;
    id?: string;
    name?: string;
    channelId?: string;
    serviceUrl?: string;
    timestamp?: Date | string;
    locale?: string;
    from?: ChannelAccount;
    recipient?: ChannelAccount;
    conversation?: ConversationAccount;
    text?: string;
    textFormat?: string;
    attachments?: Attachment[];
    suggestedActions?: { actions: CardAction[]; to?: string[] };
    membersAdded?: ChannelAccount[];
    membersRemoved?: ChannelAccount[];
    value?: unknown;
    code?: string;
    channelData?: unknown;
    entities?: unknown[];
    relatesTo?: ConversationReference;
    replyToId?: string;
}

/** What a send returns: the id the vendor (or the adapter) gave the sent activity; `''` when there is none. */
export interface ResourceResponse {
    id: string;
}

/** A saved pointer to a conversation, for proactive messages (`continueConversation`). */
export interface ConversationReference {
    channelId?: string;
    serviceUrl?: string;
    conversation?: ConversationAccount;
    bot?: ChannelAccount;
    user?: ChannelAccount;
    activityId?: string;
    locale?: string;
}

/** Activity types this library reads or writes (the same strings as botbuilder's and the Agents SDK's). */
export const ActivityTypes = {
    Message: 'message',
    ConversationUpdate: 'conversationUpdate',
    Typing: 'typing',
    EndOfConversation: 'endOfConversation',
    Event: 'event',
    Invoke: 'invoke',
    InvokeResponse: 'invokeResponse',
    Delay: 'delay',
    Trace: 'trace',
    Handoff: 'handoff',
} as const;

/** Card action types this library maps. */
export const ActionTypes = {
    ImBack: 'imBack',
    PostBack: 'postBack',
    MessageBack: 'messageBack',
    OpenUrl: 'openUrl',
} as const;

/**
 * Fills an activity's addressing from a conversation reference, as botbuilder's `applyConversationReference` does for
 * an incoming activity (`isIncoming`: from = user, recipient = bot) or an outgoing one.
 */
export function applyConversationReference(activity: PlainActivity, reference: ConversationReference, isIncoming: boolean): PlainActivity {
    const applied: PlainActivity = { ...activity };
    if (reference.channelId !== undefined) applied.channelId = reference.channelId;
    if (reference.serviceUrl !== undefined) applied.serviceUrl = reference.serviceUrl;
    if (reference.conversation !== undefined) applied.conversation = reference.conversation;
    if (reference.locale !== undefined && applied.locale === undefined) applied.locale = reference.locale;
    const [from, recipient] = isIncoming ? [reference.user, reference.bot] : [reference.bot, reference.user];
    if (from !== undefined) applied.from = from;
    if (recipient !== undefined) applied.recipient = recipient;
    if (reference.activityId !== undefined) {
        if (isIncoming) applied.id = reference.activityId;
        else applied.replyToId = reference.activityId;
    }
    return applied;
}
