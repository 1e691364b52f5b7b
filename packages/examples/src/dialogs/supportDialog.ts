import { ActivityTypes, CardFactory, MessageFactory } from 'botbuilder';
import {
    ChoicePrompt,
    ComponentDialog,
    ConfirmPrompt,
    DialogTurnStatus,
    ListStyle,
    TextPrompt,
    WaterfallDialog,
    type DialogContext,
    type DialogTurnResult,
    type FoundChoice,
    type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { DetailsCardPrompt } from './detailsCardPrompt';
import { supportDetailsCard, type SupportDetails } from './supportDetails';

export const SUPPORT_DIALOG = 'support';
export const TOPICS = ['Order status', 'Returns', 'Billing'];
export const HELP_TEXT = 'I collect a few details about your problem, then file a request or connect you with a person. Say "cancel" to stop.';

/** What the dialog collected; the bot files it or hands it to a person. */
export interface SupportRequest extends SupportDetails {
    name: string;
    topic: string;
    /** true: the customer wants it filed; false: they asked for a person. */
    fileIt: boolean;
}

const NAME = 'name';
const TOPIC = 'topic';
const DETAILS = 'details';
const CONFIRM = 'confirm';
const STEPS = 'steps';

/**
 * The support conversation: greet; name (TextPrompt); topic (ChoicePrompt, rendered as the vendor's quick replies);
 * details (an Adaptive Card form, validated and re-asked); confirm (ConfirmPrompt). Ends with the collected
 * {@link SupportRequest}; the bot decides between a summary and a handoff. "cancel" and "help" interrupt any step.
 */
export class SupportDialog extends ComponentDialog {
    constructor() {
        super(SUPPORT_DIALOG);
        this.addDialog(new TextPrompt(NAME, async (prompt) => {
            const name = prompt.recognized.value?.trim() ?? '';
            return name.length > 0 && name.length <= 60;
        }));
        // Quick replies on both vendors: botbuilder's automatic style does not know these channels.
        const topic = new ChoicePrompt(TOPIC);
        topic.style = ListStyle.suggestedAction;
        const confirm = new ConfirmPrompt(CONFIRM);
        confirm.style = ListStyle.suggestedAction;
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
        return step.prompt(NAME, {
            prompt: "Hi! I'm the support bot. What's your name?",
            retryPrompt: 'Please tell me your name (up to 60 characters).',
        });
    }

    private async askTopic(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const request = this.request(step);
        request.name = String(step.result).trim();
        return step.prompt(TOPIC, {
            prompt: `Thanks, ${request.name}. What can I help you with?`,
            retryPrompt: 'Please pick one of the options.',
            choices: TOPICS,
            style: ListStyle.suggestedAction,
        });
    }

    private async askDetails(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const request = this.request(step);
        request.topic = (step.result as FoundChoice).value;
        const card = CardFactory.adaptiveCard(supportDetailsCard(request.topic));
        return step.prompt(DETAILS, {
            prompt: MessageFactory.attachment(card),
            retryPrompt: MessageFactory.attachment(card, 'Please fill in the form again.'),
        });
    }

    private async askConfirmation(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const request = this.request(step);
        Object.assign(request, step.result as SupportDetails);
        return step.prompt(CONFIRM, {
            prompt: `${summary(request)}\nShall I file this as a support request? (No connects you with a person.)`,
            retryPrompt: 'Please answer yes or no.',
            style: ListStyle.suggestedAction,
        });
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
        const { type, text } = innerDc.context.activity;
        if (type !== ActivityTypes.Message || !text) return undefined;
        switch (text.trim().toLowerCase()) {
            case 'help':
            case '?':
                await innerDc.context.sendActivity(HELP_TEXT);
                await innerDc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            case 'cancel':
            case 'quit':
                await innerDc.context.sendActivity('Cancelled. Say anything to start again.');
                return innerDc.cancelAllDialogs();
            default:
                return undefined;
        }
    }
}

/** The collected request, one line per field. */
export function summary(request: Partial<SupportRequest>): string {
    return [
        `Name: ${request.name}`,
        `Topic: ${request.topic}`,
        `Order number: ${request.orderNumber}`,
        `Urgency: ${request.urgency}`,
        `Date: ${request.date}`,
    ].join('\n');
}
