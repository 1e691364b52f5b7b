/**
 * The one place that loads the `adaptivecards` package. Its `lib/` entry is ESM without file extensions and
 * does not load under Node, so the UMD bundle in `dist/` is required instead (docs/architecture.md, conventions).
 */
import type * as AdaptiveCardsModule from 'adaptivecards';
import { ActivityMappingError } from './errors';

let adaptiveCards: typeof AdaptiveCardsModule | undefined;

/**
 * The bundle, loaded on the first card: it adds ~10 MB to the V8 heap, which every major GC marks again (a longer
 * pause for every turn, docs/benchmarks.md), so a bot that sends no cards never pays for it.
 */
function loadAdaptiveCards(): typeof AdaptiveCardsModule {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    adaptiveCards ??= require('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;
    return adaptiveCards;
}

/** Content type of an Adaptive Card attachment. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * Checks an Adaptive Card with the `adaptivecards` parser and validator.
 * Returns the problems found (empty when the card is valid): unknown element types without a fallback,
 * missing required properties (an input without `id`, an `Action.OpenUrl` without `url`), duplicate ids,
 * unsupported versions.
 */
export function findAdaptiveCardProblems(content: unknown): string[] {
    if (!content || typeof content !== 'object' || Array.isArray(content)) {
        return ['the card content must be a JSON object'];
    }
    const json = content as Record<string, unknown>;
    const problems: string[] = [];
    if (json.type !== 'AdaptiveCard') problems.push(`"type" must be "AdaptiveCard" (got ${JSON.stringify(json.type)})`);
    for (const list of ['body', 'actions']) {
        if (json[list] !== undefined && !Array.isArray(json[list])) problems.push(`"${list}" must be an array`);
    }
    if (problems.length > 0) return problems;

    const AC = loadAdaptiveCards();
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(json, context);
    for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
    for (const event of card.validateProperties().validationEvents) problems.push(event.message);
    return problems;
}

/**
 * An outbound Adaptive Card attachment's content, checked: a JSON string is parsed; an invalid card throws
 * {@link ActivityMappingError} naming the vendor and the attachment, before anything is sent.
 */
export function validAdaptiveCard(vendor: string, content: unknown, index: number): Record<string, unknown> {
    const card = parseAttachmentContent(content);
    const problems = findAdaptiveCardProblems(card);
    if (problems.length > 0) throw new ActivityMappingError(`${vendor}: attachment ${index} is not a valid Adaptive Card: ${problems.join('; ')}.`);
    return card as Record<string, unknown>;
}

/** An attachment's `content`, parsed when a bot gave it as a JSON string (as some card builders do). */
export function parseAttachmentContent(content: unknown): unknown {
    if (typeof content !== 'string') return content;
    try {
        return JSON.parse(content);
    } catch {
        return content;
    }
}
