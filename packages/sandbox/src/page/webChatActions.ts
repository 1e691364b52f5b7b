/** The page's Web Chat actions (`POST api/webchat/…`): what the Bot Framework channel's customer does. */
import { badRequest, type Answer, type Json } from './pageHttp';
import type { BotAnswer, WebChatStandIn } from './webChat';

/** The answer to a Web Chat action, or undefined when `path` is none. */
export async function webChatAction(webChat: WebChatStandIn | undefined, path: string, body: Json): Promise<Answer | undefined> {
    if (!webChat) return undefined;
    if (path === '/api/webchat/conversations') {
        const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim() : 'Web Chat Customer';
        if (name.length > 60 || [...name].some((c) => c.charCodeAt(0) < 0x20)) return badRequest('"name" must be 1 to 60 printable characters.');
        const { id, answer } = await webChat.start(name);
        const refused = botRefused(answer);
        return refused ?? { status: 201, body: { id } };
    }
    const match = /^\/api\/webchat\/conversations\/([^/]+)\/messages$/.exec(path);
    if (!match) return undefined;
    const id = decodeURIComponent(match[1]);
    webChat.conversation(id);
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (!text && body.value === undefined) return badRequest('"text" (or a card\'s "value") is required.');
    webChat.markUsed(id, body.messageId);
    return botRefused(await webChat.say(id, text, body.value)) ?? { status: 200, body: {} };
}

/** 502 with what the bot's `/api/messages` answered when it did not take the activity. */
function botRefused(answer: BotAnswer): Answer | undefined {
    if (answer.status >= 200 && answer.status < 300) return undefined;
    return { status: 502, body: { error: `The bot's /api/messages answered ${answer.status}: ${answer.body.slice(0, 300)}` } };
}
