import { Prompt, type PromptOptions, type PromptRecognizerResult, type PromptValidator } from '@microsoft/agents-hosting-dialogs';
import { recognizeSupportDetails, type SupportDetails } from '../../dialogs/supportDetails';
import { checkSupportDetails } from '../../dialogs/supportScript';
import type { DialogsActivity, DialogsTurnContext } from './dialogsInterop';

/**
 * The Adaptive Card form's prompt on `@microsoft/agents-hosting-dialogs` (the botbuilder one is
 * src/dialogs/detailsCardPrompt.ts): it sends the card, recognises the card's submit (`activity.value`) or a typed
 * "order, urgency, date" reply (what the customer does where the card is shown as text), and re-asks, saying what
 * is wrong, until the details are valid.
 */
export class DetailsCardPrompt extends Prompt<SupportDetails> {
    constructor(dialogId: string, validator?: PromptValidator<SupportDetails>) {
        super(dialogId, validator ?? defaultValidator);
    }

    protected async onPrompt(context: DialogsTurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
        const prompt = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
        if (prompt) await context.sendActivity(prompt);
    }

    protected async onRecognize(context: DialogsTurnContext): Promise<PromptRecognizerResult<SupportDetails>> {
        return recognizeSupportDetails(context.activity);
    }
}

/** Accepts valid details; otherwise says what is wrong and shows the form again (see checkSupportDetails). */
const defaultValidator: PromptValidator<SupportDetails> = (prompt) => checkSupportDetails<DialogsActivity>(prompt);
