/**
 * Pure: an agent's message, as the LivePerson connector mapped it, becomes what the customer's channel shows — text,
 * quick replies as suggested actions, files as attachments with their (temporary) download URL, and structured
 * content as hero cards (buttons that publish text → `imBack`, links → `openUrl`) or as its texts.
 */
import { ActionTypes, ActivityTypes, type Attachment, type CardAction, type PlainActivity } from '../core/activity';
import { HOSTED_FILE_CONTENT_TYPE, STRUCTURED_CONTENT_TYPE } from '../liveperson/inboundMapper';
import { structuredContentText } from '../liveperson/structuredContent';
import type { EscalationCardRendering } from './options';

const HERO_CARD = 'application/vnd.microsoft.card.hero';

/**
 * The customer's copy of an agent's message, or undefined when it has nothing a customer can be shown. `customerId`
 * is who the suggested actions are for (the Agents SDK requires `suggestedActions.to`).
 */
export function toCustomerMessage(agentMessage: PlainActivity, rendering: EscalationCardRendering, customerId: string | undefined): PlainActivity | undefined {
    const attachments: Attachment[] = [];
    const texts: string[] = [];
    let text = agentMessage.text ?? '';
    for (const attachment of agentMessage.attachments ?? []) {
        if (attachment.contentType === STRUCTURED_CONTENT_TYPE) {
            const cards = rendering === 'card' ? structuredContentCards(attachment.content) : [];
            // The connector gave the card's texts as the message text: the cards carry them now.
            if (cards.length > 0) text = '';
            else texts.push(structuredContentText(attachment.content));
            attachments.push(...cards);
        } else if (attachment.contentType === HOSTED_FILE_CONTENT_TYPE || !attachment.contentUrl) {
            // A file LivePerson gave no download URL for, or content of a kind no channel shows (forms…).
            texts.push(`[${attachment.name ?? 'file'}]`);
        } else {
            const { contentType, contentUrl, name, thumbnailUrl } = attachment;
            attachments.push({ contentType, contentUrl, ...(name ? { name } : {}), ...(thumbnailUrl ? { thumbnailUrl } : {}) });
        }
    }
    const fullText = [text, ...texts.filter((t) => t !== '' && t !== text)].filter((t) => t.trim() !== '').join('\n');
    const actions = agentMessage.suggestedActions?.actions ?? [];
    if (fullText === '' && attachments.length === 0 && actions.length === 0) return undefined;
    return {
        type: ActivityTypes.Message,
        ...(fullText !== '' ? { text: fullText, textFormat: 'plain' } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
        ...(attachments.length > 1 ? { attachmentLayout: 'carousel' } : {}),
        ...(actions.length > 0 ? { suggestedActions: { actions, to: customerId ? [customerId] : [] } } : {}),
    } as PlainActivity;
}

type Element = Record<string, any>;

/**
 * LivePerson structured content as hero cards: one per carousel item (else one), each with the first image, the
 * first text as title, the other texts as text, and the buttons (`publishText` → imBack with the text a click
 * publishes, so the agent sees the click as LivePerson would; `link` → openUrl). Empty when it has nothing to show.
 */
export function structuredContentCards(content: unknown): Attachment[] {
    if (!content || typeof content !== 'object') return [];
    const root = content as Element;
    const items = root.type === 'carousel' && Array.isArray(root.elements) ? (root.elements as Element[]) : [root];
    return items.map(heroCard).filter((card): card is Attachment => card !== undefined);
}

function heroCard(element: Element): Attachment | undefined {
    const texts: string[] = [];
    const images: Array<{ url: string; alt?: string }> = [];
    const buttons: CardAction[] = [];
    const walk = (node: unknown) => {
        if (!node || typeof node !== 'object') return;
        const e = node as Element;
        if (e.type === 'text' && typeof e.text === 'string' && e.text.trim() !== '') texts.push(e.text);
        if (e.type === 'image' && typeof e.url === 'string' && /^https:\/\//i.test(e.url))
            images.push({ url: e.url, ...(e.tooltip ? { alt: String(e.tooltip) } : {}) });
        if (e.type === 'button') {
            const action = buttonAction(e);
            if (action) buttons.push(action);
        }
        if (Array.isArray(e.elements)) e.elements.forEach(walk);
    };
    walk(element);
    if (texts.length === 0 && images.length === 0 && buttons.length === 0) return undefined;
    const [title, ...rest] = texts;
    const content = {
        ...(title ? { title } : {}),
        ...(rest.length > 0 ? { text: rest.join('\n') } : {}),
        ...(images.length > 0 ? { images: images.slice(0, 1) } : {}),
        ...(buttons.length > 0 ? { buttons } : {}),
    };
    return { contentType: HERO_CARD, content };
}

function buttonAction(button: Element): CardAction | undefined {
    const actions: Element[] = Array.isArray(button.click?.actions) ? button.click.actions : [];
    const title = typeof button.title === 'string' && button.title !== '' ? button.title : undefined;
    const publish = actions.find((a) => a?.type === 'publishText' && typeof a.text === 'string' && a.text !== '');
    if (publish) return { type: ActionTypes.ImBack, title: title ?? publish.text, value: publish.text };
    const link = actions.find((a) => a?.type === 'link' && typeof a.uri === 'string' && /^https?:\/\//i.test(a.uri));
    if (link) return { type: ActionTypes.OpenUrl, title: title ?? link.uri, value: link.uri };
    return undefined;
}
