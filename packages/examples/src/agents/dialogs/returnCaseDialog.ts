import { Activity, ActivityTypes } from '@microsoft/agents-activity';
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
} from '@microsoft/agents-hosting-dialogs';
import {
    ASK_APPROVAL,
    ASK_REFUSAL_REASON,
    ASK_RETURN_METHOD,
    CASE_GREETING,
    CASE_HELP_TEXT,
    CASE_REQUEST,
    CASE_UNKNOWN,
    RETURN_CASE_DIALOG,
    RETURN_METHODS,
    caseAnswerOf,
    caseApproved,
    caseRefused,
    isDecisionCue,
} from '../../dialogs/returnCaseScript';
import { CANCELLED, interruptionOf } from '../../dialogs/supportScript';
import { asDialogsActivity } from './dialogsInterop';

const QUESTION = 'question';
const QUESTIONS = 'questions';
const APPROVAL = 'approval';
const METHOD = 'method';
const REASON = 'reason';
const STEPS = 'caseSteps';

/**
 * The LivePerson conversation on `@microsoft/agents-hosting-dialogs`: the same waterfall, prompts and words as the
 * botbuilder-dialogs one (src/dialogs/returnCaseDialog.ts). The conversation, where the other side is a contact-center agent: the bot acts for a customer. It
 * greets the agent and states the case; answers the agent's questions from known facts (a loop of TextPrompts with
 * keyword matching) until the agent says they decided; asks "Is the refund approved?" (ConfirmPrompt: the agent
 * picks), then how the item goes back (ChoicePrompt) or why not (TextPrompt); thanks them and ends the conversation
 * (`endOfConversation`). "help" and "cancel" interrupt any step. The words are in src/dialogs/returnCaseScript.ts.
 */
export class ReturnCaseDialog extends ComponentDialog {
    constructor() {
        super(RETURN_CASE_DIALOG);
        this.addDialog(new TextPrompt(QUESTION));
        this.addDialog(new TextPrompt(REASON, async (prompt) => (prompt.recognized.value?.trim().length ?? 0) > 0));
        this.addDialog(new ConfirmPrompt(APPROVAL));
        this.addDialog(new ChoicePrompt(METHOD));
        this.addDialog(new WaterfallDialog(QUESTIONS, [(step) => step.prompt(QUESTION, {}), (step) => this.answer(step)]));
        this.addDialog(
            new WaterfallDialog(STEPS, [
                (step) => this.open(step),
                (step) => step.prompt(APPROVAL, { ...ASK_APPROVAL }),
                (step) => this.followUp(step),
                (step) => this.close(step),
            ])
        );
        this.initialDialogId = STEPS;
    }

    private async open(step: WaterfallStepContext): Promise<DialogTurnResult> {
        await step.context.sendActivity(CASE_GREETING);
        await step.context.sendActivity(CASE_REQUEST);
        return step.beginDialog(QUESTIONS);
    }

    /** One question of the agent: answered from the facts, and the next awaited; a decision ends the loop. */
    private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const text = String(step.result);
        if (isDecisionCue(text)) return step.endDialog();
        await step.context.sendActivity(caseAnswerOf(text) ?? CASE_UNKNOWN);
        return step.replaceDialog(QUESTIONS);
    }

    private async followUp(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const approved = (this.values(step).approved = step.result === true);
        return approved ? step.prompt(METHOD, { ...ASK_RETURN_METHOD, choices: RETURN_METHODS }) : step.prompt(REASON, { ...ASK_REFUSAL_REASON });
    }

    private async close(step: WaterfallStepContext): Promise<DialogTurnResult> {
        const words = this.values(step).approved ? caseApproved((step.result as FoundChoice).value) : caseRefused(String(step.result));
        await step.context.sendActivity(words);
        await step.context.sendActivity(asDialogsActivity(new Activity(ActivityTypes.EndOfConversation)));
        return step.endDialog();
    }

    private values(step: WaterfallStepContext): { approved?: boolean } {
        return step.values as { approved?: boolean };
    }

    /** "help" and "cancel" work at every step. */
    protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
        switch (interruptionOf(innerDc.context.activity)) {
            case 'help':
                await innerDc.context.sendActivity(CASE_HELP_TEXT);
                await innerDc.repromptDialog();
                return { status: DialogTurnStatus.waiting };
            case 'cancel':
                await innerDc.context.sendActivity(CANCELLED);
                return innerDc.cancelAllDialogs();
            default:
                return super.onContinueDialog(innerDc);
        }
    }
}
