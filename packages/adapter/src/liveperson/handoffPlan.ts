/**
 * Pure planning of a `handoff.initiate` from a bot that is itself the LivePerson consumer: what to close, what to open
 * and what to tell the agent first. `handoff.ts` carries the plan out.
 */
import { ActivityTypes, type Attachment, type PlainActivity } from '../core/activity';
import { ActivityMappingError } from '../core/errors';
import { closeRequest, type LivePersonSendRequest } from './outboundMapper';

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
