/**
 * `@microsoft/agents-hosting-dialogs` 0.6.22 (its only release) depends on its own copy of `@microsoft/agents-hosting`
 * 0.6.22, so its types name that copy's `TurnContext`, `AgentStatePropertyAccessor` and `Activity`, while the adapters
 * and `AgentApplication` use 1.8.1's. At runtime the 1.8.1 objects work with it (it only calls their public methods);
 * TypeScript needs the casts below, in this one place, where an object crosses from one copy to the other.
 */
import type { Activity } from '@microsoft/agents-activity';
import type { ConversationState, TurnContext } from '@microsoft/agents-hosting';
import type { DialogSet, DialogState, PromptOptions } from '@microsoft/agents-hosting-dialogs';

/** The dialogs library's state accessor type (0.6.22's `AgentStatePropertyAccessor<DialogState>`). */
export type DialogsAccessor = ConstructorParameters<typeof DialogSet>[0];
/** The dialogs library's `TurnContext` type (0.6.22's). */
export type DialogsTurnContext = Parameters<DialogSet['createContext']>[0];
/** The dialogs library's activity type in prompt options (0.6.22's `Activity`). */
export type DialogsActivity = Exclude<PromptOptions['prompt'], string | undefined>;

/** A 1.8.1 ConversationState property holding the dialog stack, for `new DialogSet(...)`. */
export function dialogStateProperty(state: ConversationState, name = 'dialogState'): DialogsAccessor {
    return state.createProperty<DialogState>(name) as unknown as DialogsAccessor;
}

/** A 1.8.1 TurnContext (from the adapter and `AgentApplication`) for `dialogs.createContext(...)`. */
export function asDialogsContext(context: TurnContext): DialogsTurnContext {
    return context as unknown as DialogsTurnContext;
}

/** A 1.8.1 Activity (e.g. from `MessageFactory`) as a prompt's `prompt` / `retryPrompt`. */
export function asDialogsActivity(activity: Activity): DialogsActivity {
    return activity as unknown as DialogsActivity;
}
