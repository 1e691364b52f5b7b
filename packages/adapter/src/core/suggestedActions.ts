import { ActionTypes, type CardAction } from './activity';
import { ActivityMappingError } from './errors';

/** The card action types that post text back to the bot (the ones a quick reply or a card's submit can stand for). */
export const POSTBACK_ACTION_TYPES: ReadonlySet<string> = new Set<string>([ActionTypes.ImBack, ActionTypes.PostBack, ActionTypes.MessageBack]);

/** A suggested action as a vendor quick reply: the button's title and the text a click sends back to the bot. */
export interface QuickReplyChoice {
    title: string;
    /** What the customer's click posts back as message text, so prompts (ChoicePrompt…) recognise it. */
    postback: string;
}

/**
 * Reads suggested actions as quick-reply choices, the same for every vendor: `imBack` and `postBack` post back their
 * `value` (else the title), `messageBack` its `text` (else the value). Other action types have no quick-reply
 * equivalent and throw {@link ActivityMappingError} naming the vendor and the action.
 */
export function quickReplyChoices(vendor: string, actions: CardAction[]): QuickReplyChoice[] {
    return actions.map((action, index) => {
        if (!POSTBACK_ACTION_TYPES.has(action.type)) {
            throw new ActivityMappingError(
                `${vendor}: suggested action ${index} of type "${action.type}" is not supported; use imBack, postBack or messageBack.`
            );
        }
        const value = action.type === ActionTypes.MessageBack ? (action.text ?? action.value) : (action.value ?? action.title);
        return { title: action.title ?? postbackText(value), postback: postbackText(value) };
    });
}

/**
 * The text a click posts back. The Agents SDK's `MessageFactory.suggestedActions(['Red'])` gives each imBack the value
 * `{ text: 'Red' }` (botbuilder's gives `'Red'`): both post back "Red", so prompts recognise the choice either way.
 */
function postbackText(value: unknown): string {
    if (typeof value === 'string') return value;
    const text = (value as { text?: unknown } | null | undefined)?.text;
    if (typeof text === 'string' && Object.keys(value as object).length === 1) return text;
    return JSON.stringify(value ?? '');
}
