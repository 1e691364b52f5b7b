/**
 * Bot Framework cards → Adaptive Cards (version 1.3), for vendors that show Adaptive Cards but not Hero, Thumbnail,
 * Animation, Audio, Video, Receipt, OAuth or Sign-in cards (8x8). Pure and framework-free; the cards are read by
 * `cardText.ts`, which also renders them as text.
 *
 * What each part becomes: title → a bold, larger TextBlock; subtitle → a subtle TextBlock; text → a TextBlock;
 * images → Image elements with `altText`; media → "Play" / "Open" links (`Action.OpenUrl`: whether a vendor shows
 * Media elements is unknown), animated images shown inline; receipt → FactSets of facts, items and tax/VAT/total;
 * buttons → actions (see {@link toAdaptiveCard}; more than 5 → ActionSets of 5 at the end of the body, since the
 * `adaptivecards` validator allows 5 per list); the card's `tap` → the card's `selectAction`.
 */
import type { Attachment, CardAction } from './activity';
import { mediaLinkTitle, readBotFrameworkCard, readButton, receiptLineTitle, type CardImageParts, type CardParts } from './cardText';

export { BotFrameworkCardTypes, botFrameworkCardKind, cardText, type BotFrameworkCardKind } from './cardText';

/**
 * The key of an `Action.Submit`'s `data` that carries the text a converted card button posts back. A vendor
 * delivers an `Action.Submit` click as the submitted data; {@link submittedText} reads this key back, so the
 * inbound mapper can deliver the click as a message text, as if the customer had typed the choice (prompts
 * recognise it).
 */
export const CARD_BUTTON_TEXT_KEY = '__contactCenterButtonText';

/** What {@link toAdaptiveCard} returns. */
export interface AdaptiveCardConversion {
    /** The Adaptive Card (version 1.3): the `content` of an `application/vnd.microsoft.card.adaptive` attachment. */
    card: Record<string, unknown>;
    /** What the card could not carry (e.g. a `call` button with a `tel:` value), one reason each; empty when nothing was left out. */
    omitted: string[];
}

type AdaptiveElement = Record<string, unknown>;

/** Actions per list the `adaptivecards` validator accepts (host config `actions.maxActions`). */
const MAX_ACTIONS = 5;
const IMAGE_URL = /\.(gif|png|jpe?g|webp)(?:[?#].*)?$/i;

/**
 * Converts a Bot Framework card attachment (hero, thumbnail, animation, audio, video, receipt, OAuth, sign-in; content as
 * an object or a JSON string) to an Adaptive Card 1.3. Undefined for any other content type (an Adaptive Card too).
 *
 * Buttons: `imBack`, `postBack` and `messageBack` become `Action.Submit` whose data carries the text the button posts
 * back under {@link CARD_BUTTON_TEXT_KEY} (the value, else the title; messageBack: its `text`, else the value), or,
 * for a postBack / messageBack with an object value, that object itself (delivered as the message's `value`, as Web
 * Chat does). `openUrl` and `signin` (with a link) become `Action.OpenUrl`; `call`, `playAudio`, `playVideo`,
 * `showImage`, `downloadFile`… become `Action.OpenUrl` when their value is an http(s) URL, else they are left out and
 * the reason is in `omitted`.
 *
 * @example
 * ```ts
 * const converted = toAdaptiveCard(CardFactory.heroCard('Welcome!', 'What would you like to do?', ['https://x.example/logo.png'], ['Order', 'Track']));
 * // converted.card: { type: 'AdaptiveCard', version: '1.3',
 * //   body: [Image logo.png, TextBlock "Welcome!" (bold), TextBlock "What would you like to do?"],
 * //   actions: [{ type: 'Action.Submit', title: 'Order', data: { __contactCenterButtonText: 'Order' } }, …] }
 * // converted.omitted: []
 * const attachment = converted && CardFactory.adaptiveCard(converted.card);
 * ```
 */
export function toAdaptiveCard(attachment: Attachment): AdaptiveCardConversion | undefined {
    const parts = readBotFrameworkCard(attachment);
    if (!parts) return undefined;
    const omitted: string[] = [];
    const actions = [...mediaLinks(parts), ...parts.buttons.map((button) => toAction(button, omitted)).filter(isElement)];
    const selectAction = parts.tap ? toAction(parts.tap, omitted) : undefined;
    // The `adaptivecards` validator (and its default host config) allows 5 actions per list: more go in ActionSets of 5.
    const actionSets = actions.length > MAX_ACTIONS ? chunks(actions, MAX_ACTIONS).map((set) => ({ type: 'ActionSet', actions: set })) : [];
    const card: AdaptiveElement = {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.3',
        body: [...body(parts, omitted), ...actionSets],
        ...(actions.length > 0 && actionSets.length === 0 ? { actions } : {}),
        ...(selectAction ? { selectAction } : {}),
    };
    return { card, omitted };
}

/**
 * The text a click on a converted card button posts back, read from the submitted `Action.Submit` data (the
 * {@link CARD_BUTTON_TEXT_KEY} string); undefined for any other data (a bot's own Adaptive Card submit).
 *
 * @example
 * ```ts
 * submittedText({ __contactCenterButtonText: 'Red' }); // 'Red'
 * submittedText({ name: 'Ada' });                      // undefined
 * ```
 */
export function submittedText(data: unknown): string | undefined {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    const text = (data as Record<string, unknown>)[CARD_BUTTON_TEXT_KEY];
    return typeof text === 'string' ? text : undefined;
}

function body(parts: CardParts, omitted: string[]): AdaptiveElement[] {
    const header: AdaptiveElement[] = [];
    if (parts.title) header.push({ type: 'TextBlock', text: parts.title, weight: 'Bolder', size: 'Medium', wrap: true });
    if (parts.subtitle) header.push({ type: 'TextBlock', text: parts.subtitle, isSubtle: true, spacing: 'None', wrap: true });
    const text: AdaptiveElement[] = parts.text ? [{ type: 'TextBlock', text: parts.text, wrap: true }] : [];
    switch (parts.kind) {
        case 'hero':
            return [...images(parts.images, parts, 'Stretch', omitted), ...header, ...text];
        case 'thumbnail':
            return [...header, ...images(parts.images, parts, 'Medium', omitted), ...text];
        case 'animation': {
            // An animated image (GIF…) is shown inline instead of its poster; other media are links.
            const inline = parts.media.filter((m) => IMAGE_URL.test(m.url)).map((m) => ({ url: m.url }));
            return [...header, ...images(inline.length > 0 ? inline : parts.images, parts, 'Stretch', omitted), ...text];
        }
        case 'audio':
        case 'video':
            return [...header, ...images(parts.images, parts, 'Stretch', omitted), ...text];
        case 'receipt':
            return [...header, ...text, ...receiptFacts(parts)];
        case 'oauth':
        case 'signin':
            return [...header, ...text];
    }
}

function images(list: CardImageParts[], parts: CardParts, size: string, omitted: string[]): AdaptiveElement[] {
    return list.map((image) => {
        const selectAction = image.tap ? toAction(image.tap, omitted) : undefined;
        return { type: 'Image', url: image.url, altText: image.alt ?? parts.title ?? 'Image', size, ...(selectAction ? { selectAction } : {}) };
    });
}

function receiptFacts(parts: CardParts): AdaptiveElement[] {
    const sets = [
        parts.facts.map((f) => ({ title: f.key, value: f.value })),
        parts.items.map((i) => ({ title: receiptLineTitle(i), value: i.price ?? '' })),
        parts.totals.map((t) => ({ title: t.key, value: t.value })),
    ].filter((facts) => facts.length > 0);
    return sets.map((facts, index) => ({ type: 'FactSet', facts, ...(index > 0 ? { separator: true } : {}) }));
}

/** A media card's media as links; an animation's images are shown inline instead. */
function mediaLinks(parts: CardParts): AdaptiveElement[] {
    return parts.media
        .filter((m) => !(parts.kind === 'animation' && IMAGE_URL.test(m.url)))
        .map((m) => ({ type: 'Action.OpenUrl', title: mediaLinkTitle(parts.kind, m.profile), url: m.url }));
}

function toAction(action: CardAction, omitted: string[]): AdaptiveElement | undefined {
    const meaning = readButton(action);
    switch (meaning.kind) {
        case 'text':
            return { type: 'Action.Submit', title: meaning.title, data: { [CARD_BUTTON_TEXT_KEY]: meaning.text } };
        case 'value':
            return { type: 'Action.Submit', title: meaning.title, data: meaning.value };
        case 'link':
            return { type: 'Action.OpenUrl', title: meaning.title, url: meaning.url };
        case 'dropped':
            omitted.push(meaning.reason);
            return undefined;
    }
}

function chunks<T>(items: T[], size: number): T[][] {
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    return out;
}

function isElement(value: AdaptiveElement | undefined): value is AdaptiveElement {
    return value !== undefined;
}
