import { ActionTypes, type CardAction } from './activity';
import { ActivityMappingError } from './errors';

const POSTBACK_TYPES = new Set<string>([ActionTypes.ImBack, ActionTypes.PostBack, ActionTypes.MessageBack]);

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
        if (!POSTBACK_TYPES.has(action.type)) {
            throw new ActivityMappingError(`${vendor}: suggested action ${index} of type "${action.type}" is not supported; use imBack, postBack or messageBack.`);
        }
        const value = action.type === ActionTypes.MessageBack ? (action.text ?? action.value) : (action.value ?? action.title);
        const postback = typeof value === 'string' ? value : JSON.stringify(value ?? '');
        return { title: action.title ?? postback, postback };
    });
}
