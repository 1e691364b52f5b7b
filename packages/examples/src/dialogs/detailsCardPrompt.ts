import type { Activity, TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult, type PromptValidator } from 'botbuilder-dialogs';
import { recognizeSupportDetails, type SupportDetails } from './supportDetails';
import { checkSupportDetails } from './supportScript';

/**
 * A prompt for the Adaptive Card form: it sends the card, recognises the card's submit (`activity.value`) or a typed
 * "order, urgency, date" reply (what the customer does where the card is shown as text), and re-asks, saying what
 * is wrong, until the details are valid.
 */
export class DetailsCardPrompt extends Prompt<SupportDetails> {
    constructor(dialogId: string, validator?: PromptValidator<SupportDetails>) {
        super(dialogId, validator ?? defaultValidator);
    }

    protected async onPrompt(context: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
        const prompt = isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
        if (prompt) await context.sendActivity(prompt as Partial<Activity>);
    }

    protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<SupportDetails>> {
        return recognizeSupportDetails(context.activity);
    }
}

/** Accepts valid details; otherwise says what is wrong and shows the form again (see checkSupportDetails). */
const defaultValidator: PromptValidator<SupportDetails> = (prompt) => checkSupportDetails<Partial<Activity>>(prompt);
