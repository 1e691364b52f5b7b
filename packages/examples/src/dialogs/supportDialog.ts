import { CardFactory, MessageFactory } from 'botbuilder';
import {
    ChoicePrompt,
    ComponentDialog,
    ConfirmPrompt,
    DialogTurnStatus,
    TextPrompt,
    WaterfallDialog,
    type DialogContext,
    type DialogTurnResult,
    type FoundChoice,
    type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { DetailsCardPrompt } from './detailsCardPrompt';
import { supportDetailsCard, type SupportDetails } from './supportDetails';
import {
    ASK_NAME,
    CANCELLED,
    DETAILS_RETRY_TEXT,
    HELP_TEXT,
    SUPPORT_DIALOG,
    TOPICS,
    askConfirmation,
    askTopic,
    interruptionOf,
    isValidName,
    type SupportRequest,
} from './supportScript';

export { SUPPORT_DIALOG, TOPICS, HELP_TEXT, summary, type SupportRequest } from './supportScript';

const NAME = 'name';
const TOPIC = 'topic';
const DETAILS = 'details';
const CONFIRM = 'confirm';
const STEPS = 'steps';

/**
 * The support conversation: greet; name (TextPrompt); topic (ChoicePrompt, rendered as the vendor's quick replies);
 * details (an Adaptive Card form, validated and re-asked); confirm (ConfirmPrompt). Ends with the collected
 * {@link SupportRequest}; the bot decides between a summary and a handoff. "cancel" and "help" interrupt any step.
 * Its words are in ./supportScript, shared with the Agents SDK version (src/agents/dialogs/supportDialog.ts).
 */
export class SupportDialog extends ComponentDialog {
    constructor() {
        super(SUPPORT_DIALOG);
        this.addDialog(new TextPrompt(NAME, async (prompt) => isValidName(prompt.recognized.value)));
        // Plain prompts with the default style: the adapters show their choices as the vendor's quick replies.
        const topic = new ChoicePrompt(TOPIC);
        const confirm = new ConfirmPrompt(CONFIRM);
        this.addDialog(topic);
        this.addDialog(new DetailsCardPrompt(DETAILS));
        this.addDialog(confirm);
        this.addDialog(
            new WaterfallDialog(STEPS, [
                (step) => this.askName(step),
                (step) => this.askTopic(step),
                (step) => this.askDetails(step),
                (step) => this.askConfirmation(step),
                (step) => this.finish(step),
            ])
        );
        this.initialDialogId = STEPS;
    }

    private async askName(step: WaterfallStepContext): Promise<DialogTurnResult> {
        return step.prompt(NAME, ASK_NAME);
    }

    private async askTopic(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const request = this.request(step);
        request.name = String(step.result).trim();
        return step.prompt(TOPIC, { ...askTopic(request.name), choices: TOPICS });
    }

    private async askDetails(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const request = this.request(step);
        request.topic = (step.result as FoundChoice).value;
        const card = CardFactory.adaptiveCard(supportDetailsCard(request.topic));
        return step.prompt(DETAILS, {
            prompt: MessageFactory.attachment(card),
            retryPrompt: MessageFactory.attachment(card, DETAILS_RETRY_TEXT),
        });
    }

    private async askConfirmation(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const request = this.request(step);
        Object.assign(request, step.result as SupportDetails);
        return step.prompt(CONFIRM, { ...askConfirmation(request) });
    }

    private async finish(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const request = this.request(step);
        request.fileIt = step.result === true;
        return step.endDialog(request);
    }

    private request(step: WaterfallStepContext): SupportRequest {
        return step.values as SupportRequest;
    }

    /** "cancel" and "help" work at every step, as in botbuilder's samples (CancelAndHelpDialog). */
    protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
        const interrupted = await this.interrupt(innerDc);
        return interrupted ?? super.onContinueDialog(innerDc);
    }

    private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
        switch (interruptionOf(innerDc.context.activity)) {
            case 'help':
                await innerDc.context.sendActivity(HELP_TEXT);
                await innerDc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            case 'cancel':
                await innerDc.context.sendActivity(CANCELLED);
                return innerDc.cancelAllDialogs();
            default:
                return undefined;
        }
    }
}
