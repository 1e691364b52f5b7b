/**
 * The page's chat actions: what the 8x8 customer, the 8x8 agent desk and the LivePerson agent do
 * (`POST api/8x8/…`, `POST api/liveperson/…`), carried out through the stand-ins as the vendors would deliver them.
 */
import type { EightByEightSandbox } from '../eightbyeight/eightByEightSandbox';
import type { LivePersonSandbox } from '../liveperson/livePersonSandbox';
import { badRequest, delivered, type Answer, type Json } from './pageHttp';
import type { UsedMessages } from './pageState';

export interface ChatTargets {
    eightByEight?: EightByEightSandbox | undefined;
    livePerson?: LivePersonSandbox | undefined;
    used: UsedMessages;
    /** Forwards the "open a conversation" form to the bot (LivePerson conversations are opened by the bot). */
    openLivePersonConversation(body: Json): Promise<Answer>;
}

/** A customer name the page takes: 1 to 60 characters, none of them a control character. */
function isName(name: string): boolean {
    return name.length >= 1 && name.length <= 60 && ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}
const LOCALE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;

/** The answer to a chat action, or undefined when `path` is none. */
export async function chatAction(targets: ChatTargets, path: string, body: Json): Promise<Answer | undefined> {
    const { eightByEight: eight, livePerson: lp } = targets;
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    let match: RegExpMatchArray | null;
    if (eight && path === '/api/8x8/conversations') {
        const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim() : 'Sandbox Customer';
        const locale = typeof body.locale === 'string' && body.locale.trim() ? body.locale.trim() : 'en';
        if (!isName(name)) return badRequest('"name" must be 1 to 60 printable characters.');
        if (!LOCALE.test(locale)) return badRequest('"locale" must look like a language tag (en, en-GB, fr-CA…).');
        return { status: 201, body: { id: await eight.startConversation({ user: { name, language: locale } }) } };
    }
    if (eight && (match = path.match(/^\/api\/8x8\/conversations\/([^/]+)\/(messages|card|quick-reply|agent\/join|agent\/messages|agent\/leave)$/))) {
        const id = decodeURIComponent(match[1]);
        eight.conversation(id);
        switch (match[2]) {
            case 'messages':
                if (!text) return badRequest('"text" is required.');
                return delivered(await eight.customerSays(id, text));
            case 'card':
                markUsed(targets.used, id, body.messageId);
                return delivered(await eight.customerSubmitsCard(id, body.data ?? {}));
            case 'quick-reply':
                if (typeof body.payload !== 'string') return badRequest('"payload" is required.');
                markUsed(targets.used, id, body.messageId);
                return delivered(await eight.customerClicksQuickReply(id, String(body.title ?? body.payload), body.payload));
            case 'agent/join':
                await eight.agentJoins(id, 'agent-1');
                return { status: 200, body: {} };
            case 'agent/messages':
                if (!text) return badRequest('"text" is required.');
                return delivered(await eight.agentSays(id, text));
            case 'agent/leave':
                await eight.agentLeaves(id);
                return { status: 200, body: {} };
        }
    }
    if (lp && path === '/api/liveperson/conversations') return targets.openLivePersonConversation(body);
    if (lp && (match = path.match(/^\/api\/liveperson\/conversations\/([^/]+)\/(join|messages|close)$/))) {
        const id = decodeURIComponent(match[1]);
        lp.conversation(id);
        if (match[2] === 'join') return delivered(await lp.agentJoins(id, 'agent-1'));
        if (match[2] === 'close') return delivered(await lp.agentCloses(id));
        if (!text) return badRequest('"text" is required.');
        return delivered(await lp.agentSays(id, text, { quickReplies: quickReplies(body.quickReplies) }));
    }
    return undefined;
}

/** The message whose card or quick replies the customer used (shown disabled from now on). */
function markUsed(used: UsedMessages, conversationId: string, messageId: unknown): void {
    if (typeof messageId !== 'string' || messageId === '' || messageId.length > 100) return;
    const set = used.get(conversationId) ?? new Set<string>();
    set.add(messageId);
    used.set(conversationId, set);
}

/** LivePerson quick replies from the agent's comma-separated list, or undefined when none. */
function quickReplies(list: unknown): Json | undefined {
    const replies = Array.isArray(list) ? list.filter((r): r is string => typeof r === 'string' && r.trim() !== '').map((r) => r.trim()) : [];
    if (replies.length === 0) return undefined;
    return {
        type: 'quickReplies',
        itemsPerRow: Math.min(8, replies.length),
        replies: replies.map((r) => ({ type: 'button', title: r.slice(0, 25), click: { actions: [{ type: 'publishText', text: r }] } })),
    };
}
