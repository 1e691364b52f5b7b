import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { Prompt, type PromptOptions, type PromptRecognizerResult, type PromptValidator } from 'botbuilder-dialogs';
import { readSupportDetails, supportDetailsProblem, type SupportDetails } from './supportDetails';

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
        const { type, value, text } = context.activity;
        if (type !== ActivityTypes.Message) return { succeeded: false };
        const details = readSupportDetails(value, text);
        return details ? { succeeded: true, value: details as SupportDetails } : { succeeded: false };
    }
}

/**
 * Accepts valid details; otherwise says what is wrong and shows the form again. (It sends the retry prompt itself:
 * a prompt does not re-prompt once its validator has replied.)
 */
const defaultValidator: PromptValidator<SupportDetails> = async (prompt) => {
    if (!prompt.recognized.succeeded) return false;
    const problem = supportDetailsProblem(prompt.recognized.value!);
    if (problem === undefined) return true;
    await prompt.context.sendActivity(problem);
    const again = prompt.options.retryPrompt ?? prompt.options.prompt;
    if (again) await prompt.context.sendActivity(again as Partial<Activity>);
    return false;
};
