/**
 * What the page shows of the stand-ins (`GET api/state`): each 8x8 and LivePerson conversation, with what the
 * page needs besides the stand-ins' own state — the bot's typing signals (so the page can show "typing" before the
 * reply that followed it), the chat's notices (an agent joined or left, a queue), the cards and chips already used,
 * the faults waiting to be injected, and the running bot's hint.
 */
import type { EightByEightSandbox, SandboxConversation } from '../eightbyeight/eightByEightSandbox';
import type { LivePersonSandbox, LivePersonSandboxConversation } from '../liveperson/livePersonSandbox';
import type { FaultSpec } from '../recorder';
import type { TrafficLog, WebhookEntry } from '../inspector/trafficLog';
import type { Json } from './pageHttp';

/** Cards and quick replies the customer used, per conversation. */
export type UsedMessages = Map<string, Set<string>>;

export interface StateSources {
    eightByEight?: EightByEightSandbox | undefined;
    livePerson?: LivePersonSandbox | undefined;
    log: TrafficLog;
    used: UsedMessages;
    hint?: string | undefined;
}

/** A chat notice: something that happened in the conversation that is no message. */
interface Notice {
    id: string;
    at: number;
    kind: 'agent-joined' | 'agent-left' | 'queued' | 'ended';
    text: string;
}

export function pageState({ eightByEight, livePerson, log, used, hint }: StateSources): Json {
    const noticesByConversation = notices(log);
    const typingByConversation = eightByEightTyping(log);
    return {
        hint: hint ?? null,
        faults: {
            ...(eightByEight ? { '8x8': eightByEight.recorder.pendingFaults().map(describePending) } : {}),
            ...(livePerson ? { liveperson: livePerson.recorder.pendingFaults().map(describePending) } : {}),
        },
        eightByEight: eightByEight && {
            conversations: [...eightByEight.conversations.values()].map((c) =>
                eightConversation(c, noticesByConversation.get(c.id) ?? [], typingByConversation.get(c.id) ?? [], used.get(c.id))
            ),
        },
        livePerson: livePerson && { conversations: [...livePerson.conversations.values()].map(lpConversation) },
    };
}

function eightConversation(c: SandboxConversation, notices: Notice[], typing: number[], used: Set<string> | undefined): Json {
    return {
        id: c.id,
        user: c.user,
        assignment: c.assignment,
        agentId: c.agentId,
        userRemoved: c.userRemoved,
        botTyping: c.botTypingAt !== undefined && Date.now() - c.botTypingAt < 10_000,
        typing,
        notices,
        used: [...(used ?? [])],
        messages: c.messages.map((m) => ({
            id: m.id,
            authorType: m.authorType,
            authorId: m.authorId,
            text: m.text,
            cards: m.cards,
            attachments: m.attachments,
            createdAt: m.createdAt,
        })),
    };
}

function lpConversation(c: LivePersonSandboxConversation): Json {
    return {
        id: c.id,
        consumerId: c.externalConsumerId,
        consumerName: profileName(c.userProfile),
        skillId: c.skillId,
        state: c.state,
        agentId: c.agentId,
        consumerComposing: c.consumerChatState === 'COMPOSING',
        typing: c.events
            .filter((e) => e.role === 'CONSUMER' && e.event.type === 'ChatStateEvent' && e.event.chatState === 'COMPOSING')
            .map((e) => e.serverTimestamp),
        events: c.events
            .filter((e) => e.event.type === 'ContentEvent' || e.event.type === 'RichContentEvent')
            .map((e) => ({ sequence: e.sequence, role: e.role, event: e.event, at: e.serverTimestamp })),
        readUpTo: Math.max(
            -1,
            ...c.events
                .filter((e) => e.role === 'CONSUMER' && e.event.type === 'AcceptStatusEvent' && e.event.status === 'READ')
                .flatMap((e) => e.event.sequenceList as number[])
        ),
    };
}

/** When the bot said it is typing in each 8x8 conversation (its accepted `POST …/typing` calls). */
function eightByEightTyping(log: TrafficLog): Map<string, number[]> {
    const typing = new Map<string, number[]>();
    for (const entry of log.entries) {
        if (entry.kind !== 'call' || entry.vendor !== '8x8' || entry.operation !== 'typing' || entry.status >= 300 || !entry.conversationId) continue;
        if ((entry.body as Json | undefined)?.authorType !== 'bot') continue;
        typing.set(entry.conversationId, [...(typing.get(entry.conversationId) ?? []), entry.at]);
    }
    return typing;
}

/** The 8x8 chat's notices, from the webhooks 8x8 sent (each event once, replays left out) and the bot ending the chat. */
function notices(log: TrafficLog): Map<string, Notice[]> {
    const byConversation = new Map<string, Notice[]>();
    const seen = new Set<string>();
    const add = (conversationId: string | undefined, notice: Notice) => {
        if (!conversationId || seen.has(notice.id)) return;
        seen.add(notice.id);
        byConversation.set(conversationId, [...(byConversation.get(conversationId) ?? []), notice]);
    };
    for (const entry of log.entries) {
        if (entry.kind === 'call') {
            if (entry.vendor === '8x8' && entry.operation.startsWith('end conversation') && entry.status < 300) {
                add(entry.conversationId, { id: `ended-${entry.conversationId}`, at: entry.at, kind: 'ended', text: 'The bot ended the conversation.' });
            }
            continue;
        }
        if (entry.vendor !== '8x8' || entry.replayOf !== undefined) continue;
        const notice = webhookNotice(entry);
        if (notice) add(entry.conversationId, notice);
    }
    return byConversation;
}

function webhookNotice(entry: WebhookEntry): Notice | undefined {
    const data = ((entry.body as Json | undefined)?.data ?? {}) as Json;
    const id = `event-${entry.eventId}`;
    if (entry.eventType === 'MEMBERS_CHANGED' && data.memberType === 'agent') {
        return data.change === 'joined'
            ? { id, at: entry.at, kind: 'agent-joined', text: `${data.id} joined the chat: the bot stays silent until they leave.` }
            : { id, at: entry.at, kind: 'agent-left', text: `${data.id} left the chat: the bot is back.` };
    }
    if (entry.eventType === 'QUEUED') return { id, at: entry.at, kind: 'queued', text: `Handed over to queue ${data.queueId}: waiting for an agent.` };
    return undefined;
}

function describePending(fault: FaultSpec & { remaining: number }): Json {
    return { remaining: fault.remaining, description: fault.description ?? 'fault' };
}

/** The consumer's name from its SetUserProfile (`firstName` `lastName`), when it gave one. */
function profileName(profile: unknown): string | undefined {
    const { firstName, lastName } = (profile ?? {}) as { firstName?: unknown; lastName?: unknown };
    const name = [firstName, lastName].filter((part) => typeof part === 'string' && part !== '').join(' ');
    return name || undefined;
}
