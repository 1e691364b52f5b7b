/**
 * Pure: what a bot's `handoff.initiate` asks the bridge to open — routing, engagement attributes (SDEs) and the first
 * message the agent reads (the summary, the details and the transcript, as one message).
 */
import type { PlainActivity } from '../core/activity';
import { handoffPlan, type LivePersonHandoffContext } from '../liveperson/handoffPlan';

/** The LivePerson conversation to open for an escalation. */
export interface EscalationRequest {
    skillId?: string | undefined;
    campaignInfo?: { campaignId: string; engagementId: string } | undefined;
    /** `userprofile.SetUserProfile` body (`authenticatedData.lp_sdes` from the context's `sdes`). */
    userProfile: Record<string, unknown>;
    /** The agent's first message: summary, details and transcript. */
    firstMessage: string;
}

/**
 * The handoff context of `handoff.initiate` for the bridge (`EventFactory.createHandoffInitiation(context,
 * handoffContext, transcript)`): LivePerson's handoff context — `skillId` or `campaignInfo` (engagement), `sdes`,
 * `summary`, `details`. The transcript attachment, when there is one, goes to the agent with the summary.
 */
export type EscalationHandoffContext = LivePersonHandoffContext;

/** Routing used when the handoff context names none (the bridge's options). */
export interface EscalationRouting {
    skillId?: string | undefined;
    campaignInfo?: { campaignId: string; engagementId: string } | undefined;
}

/** The request a `handoff.initiate` makes, or why it cannot be carried out (for `handoff.status` `failed`). */
export function escalationRequest(handoff: PlainActivity, defaults: EscalationRouting): { request: EscalationRequest } | { problem: string } {
    const context = (handoff.value && typeof handoff.value === 'object' ? handoff.value : {}) as EscalationHandoffContext;
    if (context.skillId !== undefined && (typeof context.skillId !== 'string' || context.skillId.trim() === '')) {
        return { problem: 'The handoff context\'s "skillId" must be a non-empty string.' };
    }
    const campaignInfo = context.campaignInfo ?? (context.skillId ? undefined : defaults.campaignInfo);
    const skillId = context.skillId ?? (context.campaignInfo ? undefined : defaults.skillId);
    if (!skillId && !campaignInfo) {
        return {
            problem:
                'No LivePerson skill to escalate to: name one in the handoff context ({ skillId } or { campaignInfo }) or set the ' +
                'LivePersonEscalation option "skillId".',
        };
    }
    // The same summary, details, SDEs and transcript rendering as a LivePerson bot's own handoff.
    const plan = handoffPlan({ ...handoff, value: { ...context, skillId, campaignInfo } }, '', {});
    return {
        request: {
            ...(plan.open.skillId ? { skillId: plan.open.skillId } : {}),
            ...(plan.open.campaignInfo ? { campaignInfo: plan.open.campaignInfo } : {}),
            userProfile: plan.open.userProfile,
            firstMessage: plan.messages.join('\n\n'),
        },
    };
}
