/**
 * Pure conversions between Bot Framework cards and LivePerson structured content
 * (https://developers.liveperson.com/getting-started-with-rich-messaging-introduction.html): what an outbound card
 * becomes, and what a bot can read from an inbound one. No I/O.
 */
import type { CardAction } from '../core/activity';

/** A structured-content element (`vertical`, `horizontal`, `text`, `image`, `button`, …). */
export type StructuredElement = Record<string, unknown> & { type: string };

/** What an outbound Adaptive Card becomes: structured content, or text when no equivalent exists. */
export type CardConversion = { kind: 'structured'; content: StructuredElement } | { kind: 'text'; text: string; reason: string };

type AdaptiveElement = Record<string, any>;

/**
 * Converts an Adaptive Card to structured content when every element has an equivalent — TextBlock → text,
 * Image → image, Container/Column/ColumnSet → vertical/horizontal, FactSet → text lines, RichTextBlock → text,
 * Action.OpenUrl → link button, Action.Submit → button that publishes its title. Inputs (Input.*), Action.ShowCard,
 * Action.Execute and other elements have none: the card is then sent as its `fallbackText`, or a text rendering of it.
 */
export function adaptiveCardToStructuredContent(card: AdaptiveElement): CardConversion {
    const unsupported: string[] = [];
    const body = convertElements(card.body ?? [], unsupported);
    const actions = (card.actions ?? []).map((action: AdaptiveElement) => convertAction(action, unsupported)).filter(Boolean) as StructuredElement[];
    if (unsupported.length > 0) {
        return { kind: 'text', text: adaptiveCardText(card), reason: `no structured-content equivalent for ${[...new Set(unsupported)].join(', ')}` };
    }
    return { kind: 'structured', content: { type: 'vertical', elements: [...body, ...actions] } };
}

function convertElements(elements: AdaptiveElement[], unsupported: string[]): StructuredElement[] {
    const out: StructuredElement[] = [];
    for (const element of Array.isArray(elements) ? elements : []) {
        const converted = convertElement(element, unsupported);
        if (converted) out.push(converted);
    }
    return out;
}

function convertElement(element: AdaptiveElement, unsupported: string[]): StructuredElement | undefined {
    switch (element?.type) {
        case 'TextBlock':
            return { type: 'text', text: String(element.text ?? ''), ...(textStyle(element) ? { style: textStyle(element) } : {}) };
        case 'RichTextBlock':
            return { type: 'text', text: inlineText(element) };
        case 'Image':
            return {
                type: 'image',
                url: String(element.url ?? ''),
                ...(element.altText ? { caption: String(element.altText), tooltip: String(element.altText) } : {}),
            };
        case 'FactSet':
            return {
                type: 'vertical',
                elements: (element.facts ?? []).map((f: AdaptiveElement) => ({ type: 'text', text: `${f.title ?? ''}: ${f.value ?? ''}` })),
            };
        case 'Container':
        case 'Column':
            return { type: 'vertical', elements: convertElements(element.items ?? [], unsupported) };
        case 'ColumnSet':
            return { type: 'horizontal', elements: (element.columns ?? []).map((c: AdaptiveElement) => convertElement({ ...c, type: 'Column' }, unsupported)) };
        case 'ActionSet':
            return { type: 'vertical', elements: (element.actions ?? []).map((a: AdaptiveElement) => convertAction(a, unsupported)).filter(Boolean) };
        default:
            unsupported.push(String(element?.type ?? 'an element without type'));
            return undefined;
    }
}

/** The text of a RichTextBlock: its inlines (strings or TextRuns) joined. */
function inlineText(block: AdaptiveElement): string {
    return (Array.isArray(block.inlines) ? block.inlines : [])
        .map((i: AdaptiveElement | string) => (typeof i === 'string' ? i : String(i?.text ?? '')))
        .join('');
}

function textStyle(element: AdaptiveElement): Record<string, unknown> | undefined {
    const style: Record<string, unknown> = {};
    if (element.weight === 'Bolder') style.bold = true;
    if (element.isSubtle) style.color = '#6B6B6B';
    if (element.size === 'Large' || element.size === 'ExtraLarge') style.size = 'large';
    if (element.size === 'Small') style.size = 'small';
    return Object.keys(style).length > 0 ? style : undefined;
}

function convertAction(action: AdaptiveElement, unsupported: string[]): StructuredElement | undefined {
    const title = String(action?.title ?? '');
    if (action?.type === 'Action.OpenUrl') return button(title, { type: 'link', name: title, uri: String(action.url ?? '') });
    if (action?.type === 'Action.Submit') {
        const text = typeof action.data === 'string' ? action.data : title;
        return button(title, { type: 'publishText', text });
    }
    unsupported.push(String(action?.type ?? 'an action without type'));
    return undefined;
}

function button(title: string, action: Record<string, unknown>): StructuredElement {
    return { type: 'button', title: title.slice(0, 128), tooltip: title, click: { actions: [action] } };
}

/** The content of a Bot Framework hero or thumbnail card (`CardFactory.heroCard`). */
export interface HeroCardContent {
    title?: string;
    subtitle?: string;
    text?: string;
    images?: Array<{ url: string; alt?: string; tap?: CardAction }>;
    buttons?: CardAction[];
    tap?: CardAction;
}

/** A hero or thumbnail card as structured content: image, title, subtitle, text, buttons. */
export function heroCardToStructuredContent(card: HeroCardContent): StructuredElement {
    const elements: StructuredElement[] = [];
    for (const image of card.images ?? []) if (image?.url) elements.push({ type: 'image', url: image.url, ...(image.alt ? { tooltip: image.alt } : {}) });
    if (card.title) elements.push({ type: 'text', text: card.title, style: { bold: true, size: 'large' } });
    if (card.subtitle) elements.push({ type: 'text', text: card.subtitle, style: { bold: true } });
    if (card.text) elements.push({ type: 'text', text: card.text });
    for (const action of card.buttons ?? []) elements.push(cardActionButton(action));
    return { type: 'vertical', elements };
}

function cardActionButton(action: CardAction): StructuredElement {
    const title = action.title ?? String(action.value ?? '');
    if (action.type === 'openUrl') return button(title, { type: 'link', name: title, uri: String(action.value ?? '') });
    const text = typeof action.value === 'string' ? action.value : title;
    return button(title, { type: 'publishText', text });
}

/** A readable text rendering of an Adaptive Card: its `fallbackText`, else its texts, inputs and actions, one per line. */
export function adaptiveCardText(card: AdaptiveElement): string {
    if (typeof card.fallbackText === 'string' && card.fallbackText.trim() !== '') return card.fallbackText;
    const lines: string[] = [];
    const walk = (elements: AdaptiveElement[]) => {
        for (const e of Array.isArray(elements) ? elements : []) {
            if (!e || typeof e !== 'object') continue;
            if (e.type === 'TextBlock' && e.text) lines.push(String(e.text));
            else if (e.type === 'RichTextBlock') lines.push(inlineText(e));
            else if (e.type === 'FactSet') for (const f of e.facts ?? []) lines.push(`${f.title ?? ''}: ${f.value ?? ''}`);
            else if (typeof e.type === 'string' && e.type.startsWith('Input.')) {
                const label = e.label ?? e.placeholder ?? e.id;
                const choices = Array.isArray(e.choices) ? ` (${e.choices.map((c: any) => c.title).join(' / ')})` : '';
                lines.push(`[${label}${choices}]`);
            }
            walk(e.items ?? []);
            for (const column of e.columns ?? []) walk(column.items ?? []);
            if (e.type === 'ActionSet') lines.push(...(e.actions ?? []).map((a: any) => `[${a.title ?? a.type}]`));
        }
    };
    walk(card.body ?? []);
    const actions = (card.actions ?? []).map((a: AdaptiveElement) => `[${a.title ?? a.type}]`);
    if (actions.length > 0) lines.push(actions.join(' '));
    return lines.filter((l) => l.trim() !== '').join('\n') || 'Card';
}

/** A clickable option found in inbound content: what clicking it publishes, and the metadata to report with it. */
export interface OfferedReply {
    title: string;
    /** The text a `publishText` click publishes. */
    text: string;
    /** The click's metadata (e.g. `ExternalId`), reported back with the click. */
    metadata?: Array<Record<string, unknown>>;
}

/** Texts of a structured content's text elements (and button titles), one per line: what a text-only bot can read. */
export function structuredContentText(content: unknown): string {
    const lines: string[] = [];
    const walk = (node: unknown) => {
        if (!node || typeof node !== 'object') return;
        const element = node as Record<string, any>;
        if (element.type === 'text' && typeof element.text === 'string') lines.push(element.text);
        if (Array.isArray(element.elements)) element.elements.forEach(walk);
    };
    walk(content);
    return lines.join('\n');
}

/** The buttons of a structured content whose click publishes text, with their metadata. */
export function structuredContentReplies(content: unknown): OfferedReply[] {
    const replies: OfferedReply[] = [];
    const walk = (node: unknown) => {
        if (!node || typeof node !== 'object') return;
        const element = node as Record<string, any>;
        if (element.type === 'button') {
            const publish = (element.click?.actions ?? []).find((a: any) => a?.type === 'publishText' && typeof a.text === 'string');
            if (publish)
                replies.push({
                    title: String(element.title ?? publish.text),
                    text: publish.text,
                    ...(element.click?.metadata ? { metadata: element.click.metadata } : {}),
                });
        }
        if (Array.isArray(element.elements)) element.elements.forEach(walk);
    };
    walk(content);
    return replies;
}
