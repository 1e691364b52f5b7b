/**
 * Bot Framework cards (hero, thumbnail, animation, audio, video, receipt, OAuth, sign-in) read into one shape, and
 * their readable plain-text rendering. Pure and framework-free: the JSON shapes are those botbuilder's and the Agents
 * SDK's `CardFactory` produce (botframework-schema `HeroCard`, `MediaCard`, `ReceiptCard`, `OAuthCard`, `SigninCard`,
 * `CardAction`), read defensively because a bot may build them by hand. `cardConversion.ts` turns the same shape into
 * an Adaptive Card.
 */
import type { Attachment, CardAction } from './activity';
import { parseAttachmentContent } from './adaptiveCards';
import { POSTBACK_ACTION_TYPES } from './suggestedActions';

/** Content types of the Bot Framework cards this library converts (`CardFactory.contentTypes`), by kind. */
export const BotFrameworkCardTypes = {
    hero: 'application/vnd.microsoft.card.hero',
    thumbnail: 'application/vnd.microsoft.card.thumbnail',
    animation: 'application/vnd.microsoft.card.animation',
    audio: 'application/vnd.microsoft.card.audio',
    video: 'application/vnd.microsoft.card.video',
    receipt: 'application/vnd.microsoft.card.receipt',
    oauth: 'application/vnd.microsoft.card.oauth',
    signin: 'application/vnd.microsoft.card.signin',
} as const;

/** The kind of a Bot Framework card: `hero`, `thumbnail`, `animation`, `audio`, `video`, `receipt`, `oauth`, `signin`. */
export type BotFrameworkCardKind = keyof typeof BotFrameworkCardTypes;

const KIND_BY_CONTENT_TYPE = new Map(Object.entries(BotFrameworkCardTypes).map(([kind, type]) => [type as string, kind as BotFrameworkCardKind]));

/** An image of a card (`CardImage`, or a media card's `ThumbnailUrl`). */
export interface CardImageParts {
    url: string;
    alt?: string | undefined;
    tap?: CardAction | undefined;
}

/** A line of a receipt: `quantity × title`, `price`. */
export interface ReceiptLineParts {
    title: string;
    quantity?: string | undefined;
    price?: string | undefined;
}

/** Everything of a Bot Framework card that can be shown, whatever its kind. */
export interface CardParts {
    kind: BotFrameworkCardKind;
    title?: string | undefined;
    subtitle?: string | undefined;
    text?: string | undefined;
    images: CardImageParts[];
    /** A media card's media URLs (`MediaUrl.url`) and their `profile`. */
    media: Array<{ url: string; profile?: string | undefined }>;
    /** A receipt's `facts`. */
    facts: Array<{ key: string; value: string }>;
    /** A receipt's `items`. */
    items: ReceiptLineParts[];
    /** A receipt's tax, VAT and total, in that order, those given. */
    totals: Array<{ key: string; value: string }>;
    buttons: CardAction[];
    /** The action of a click on the card itself. */
    tap?: CardAction | undefined;
}

/**
 * What a click on a button does, once read:
 * - `text`: posts `text` back to the bot as a message text (imBack; postBack and messageBack with text);
 * - `value`: posts an object back as the message's `value` (postBack / messageBack with an object value, as Web Chat does);
 * - `link`: opens `url` (openUrl, signin, and other types whose value is an http(s) URL);
 * - `dropped`: no equivalent; `reason` says why.
 */
export type ButtonMeaning =
    | { kind: 'text'; title: string; text: string }
    | { kind: 'value'; title: string; value: Record<string, unknown> }
    | { kind: 'link'; title: string; url: string }
    | { kind: 'dropped'; title: string; reason: string };

const LINK_TYPES = new Set(['openUrl', 'signin']);
const HTTP_URL = /^https?:\/\/\S+$/i;

/** The kind of a Bot Framework card content type; undefined for any other content type (Adaptive Cards included). */
export function botFrameworkCardKind(contentType: string | undefined): BotFrameworkCardKind | undefined {
    return contentType === undefined ? undefined : KIND_BY_CONTENT_TYPE.get(contentType);
}

/** Reads a Bot Framework card attachment (content as an object or a JSON string); undefined for other content types. */
export function readBotFrameworkCard(attachment: Attachment): CardParts | undefined {
    const kind = botFrameworkCardKind(attachment.contentType);
    if (!kind) return undefined;
    const parsed = parseAttachmentContent(attachment.content);
    const card = (isObject(parsed) ? parsed : {}) as Record<string, any>;
    const images: CardImageParts[] = [];
    for (const image of [...list(card.images), card.image]) {
        const url = isObject(image) ? nonEmpty(image.url) : nonEmpty(image);
        if (url) images.push({ url, alt: isObject(image) ? nonEmpty(image.alt) : undefined, tap: asAction(isObject(image) ? image.tap : undefined) });
    }
    return {
        kind,
        title: nonEmpty(card.title),
        subtitle: nonEmpty(card.subtitle),
        text: nonEmpty(card.text),
        images,
        media: list(card.media)
            .map((m) => ({ url: nonEmpty(isObject(m) ? m.url : m) ?? '', profile: isObject(m) ? nonEmpty(m.profile) : undefined }))
            .filter((m) => m.url !== ''),
        facts: list(card.facts)
            .filter(isObject)
            .map((f) => ({ key: String(f.key ?? ''), value: String(f.value ?? '') }))
            .filter((f) => f.key !== '' || f.value !== ''),
        items: list(card.items)
            .filter(isObject)
            .map((i) => ({ title: nonEmpty(i.title) ?? nonEmpty(i.subtitle) ?? nonEmpty(i.text) ?? '', quantity: text(i.quantity), price: text(i.price) }))
            .filter((i) => i.title !== '' || i.price !== undefined),
        totals: (['tax', 'vat', 'total'] as const)
            .filter((key) => text(card[key]) !== undefined)
            .map((key) => ({ key: key === 'vat' ? 'VAT' : key[0].toUpperCase() + key.slice(1), value: text(card[key])! })),
        buttons: list(card.buttons)
            .map(asAction)
            .filter((a): a is CardAction => a !== undefined),
        tap: asAction(card.tap),
    };
}

/**
 * What a click on a card button does (see {@link ButtonMeaning}). imBack and postBack post back their `value` (else the
 * title), messageBack its `text` (else its value): the same text as the suggested-action quick replies, so prompts
 * recognise it. A `{ text: 'Red' }` value (the Agents SDK's `MessageFactory.suggestedActions`) posts back "Red".
 */
export function readButton(action: CardAction): ButtonMeaning {
    const type = String(action.type ?? '');
    const title = nonEmpty(action.title);
    const value: unknown = action.value;
    if (POSTBACK_ACTION_TYPES.has(type)) {
        const posted = type === 'messageBack' ? (nonEmpty(action.text) ?? value) : value;
        const postedText = textOf(posted) ?? (posted === undefined || posted === null || posted === '' ? title : undefined);
        if (postedText !== undefined) return { kind: 'text', title: title ?? postedText, text: postedText };
        if (isObject(posted)) return { kind: 'value', title: title ?? type, value: posted };
        return { kind: 'dropped', title: title ?? type, reason: `the ${type} button ${quote(title)}posts nothing back` };
    }
    const url = typeof value === 'string' ? value.trim() : '';
    if (LINK_TYPES.has(type) ? isUrl(url) : HTTP_URL.test(url)) {
        return { kind: 'link', title: title ?? (type === 'signin' ? 'Sign in' : 'Open'), url };
    }
    const why =
        type === 'signin' ? 'has no sign-in link' : LINK_TYPES.has(type) ? 'has no URL' : type === '' ? 'has no type' : 'has no http(s) URL to open instead';
    return { kind: 'dropped', title: title ?? (type || 'button'), reason: `the ${type || 'untyped'} button ${quote(title)}${why}` };
}

/**
 * A readable plain-text rendering of a Bot Framework card, one part per line: title, subtitle, text, media links,
 * facts, receipt lines and totals, then the buttons ("• Title" for a reply, "Title: url" for a link). For those who
 * cannot receive cards (LivePerson agents). Undefined for content types that are not Bot Framework cards; `''` for a
 * card with nothing readable.
 *
 * @example
 * ```ts
 * cardText(CardFactory.heroCard('Pizza', 'Pick one', undefined, ['Margherita', { type: 'openUrl', title: 'Menu', value: 'https://x.example/menu' }]));
 * // 'Pizza\nPick one\n• Margherita\nMenu: https://x.example/menu'
 * ```
 */
export function cardText(attachment: Attachment): string | undefined {
    const card = readBotFrameworkCard(attachment);
    if (!card) return undefined;
    const lines: string[] = [];
    for (const part of [card.title, card.subtitle, card.text]) if (part) lines.push(part);
    card.media.forEach((m) => lines.push(`${mediaLinkTitle(card.kind, m.profile)}: ${m.url}`));
    card.facts.forEach((f) => lines.push(`${f.key}: ${f.value}`));
    card.items.forEach((i) => lines.push(`${receiptLineTitle(i)}${i.price !== undefined ? `: ${i.price}` : ''}`));
    card.totals.forEach((t) => lines.push(`${t.key}: ${t.value}`));
    for (const button of card.buttons) {
        const meaning = readButton(button);
        if (meaning.kind === 'link') lines.push(`${meaning.title}: ${meaning.url}`);
        else if (meaning.kind !== 'dropped') lines.push(`• ${meaning.title}`);
        else if (typeof button.value === 'string' && button.value.trim() !== '') lines.push(`${meaning.title}: ${button.value.trim()}`);
    }
    return lines.join('\n');
}

/** The title of a media link: "Play" for audio and video, "Open" for an animation; with the media's profile. */
export function mediaLinkTitle(kind: BotFrameworkCardKind, profile: string | undefined): string {
    const verb = kind === 'animation' ? 'Open' : 'Play';
    return profile ? `${verb} (${profile})` : verb;
}

/** A receipt line's title: "2 × Coffee" when a quantity is given. */
export function receiptLineTitle(item: ReceiptLineParts): string {
    return item.quantity !== undefined && item.title !== '' ? `${item.quantity} × ${item.title}` : item.title || (item.quantity ?? '');
}

function asAction(value: unknown): CardAction | undefined {
    return isObject(value) ? (value as unknown as CardAction) : undefined;
}

/** The text a postback carries: a string, a number or boolean, or a `{ text }` object with that one key. */
function textOf(value: unknown): string | undefined {
    if (typeof value === 'string') return value === '' ? undefined : value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (isObject(value) && Object.keys(value).length === 1) return nonEmpty(value.text);
    return undefined;
}

function isUrl(value: string): boolean {
    if (value === '' || /\s/.test(value)) return false;
    try {
        new URL(value);
        return true;
    } catch {
        return false;
    }
}

function quote(title: string | undefined): string {
    return title ? `"${title}" ` : '';
}

function isObject(value: unknown): value is Record<string, any> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function nonEmpty(value: unknown): string | undefined {
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A string or number field (receipt prices and quantities are sometimes numbers), as text. */
function text(value: unknown): string | undefined {
    return typeof value === 'number' ? String(value) : nonEmpty(value);
}
