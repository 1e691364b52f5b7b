/**
 * ChoicePrompt and ConfirmPrompt that offer their choices as suggested actions (the vendors' quick replies) when their
 * style is `ListStyle.suggestedAction`, as botbuilder-dialogs' do. `@microsoft/agents-hosting-dialogs` 0.6.22 has the
 * style but does not render it: its `appendChoices` has no case for it (and its ChoiceFactory no `suggestedAction`),
 * so the choices end up as an inline text list ("… (1) Order status, (2) Returns, or (3) Billing").
 */
import { Activity, ActionTypes, ActivityTypes, InputHints } from '@microsoft/agents-activity';
import { ChoiceFactory, ChoicePrompt, ConfirmPrompt, ListStyle, type Choice, type ChoiceFactoryOptions } from '@microsoft/agents-hosting-dialogs';
import { asDialogsActivity, type DialogsActivity } from './dialogsInterop';

export class QuickReplyChoicePrompt extends ChoicePrompt {
    protected override appendChoices(
        prompt: string | DialogsActivity,
        channelId: string,
        choices: (string | Choice)[],
        style: ListStyle,
        options?: ChoiceFactoryOptions
    ): DialogsActivity {
        return style === ListStyle.suggestedAction ? withSuggestedActions(prompt, choices) : super.appendChoices(prompt, channelId, choices, style, options);
    }
}

export class QuickReplyConfirmPrompt extends ConfirmPrompt {
    protected override appendChoices(
        prompt: string | DialogsActivity,
        channelId: string,
        choices: (string | Choice)[],
        style: ListStyle,
        options?: ChoiceFactoryOptions
    ): DialogsActivity {
        return style === ListStyle.suggestedAction ? withSuggestedActions(prompt, choices) : super.appendChoices(prompt, channelId, choices, style, options);
    }
}

/** The prompt (text or activity) with the choices as imBack suggested actions, as botbuilder's ChoiceFactory.suggestedAction builds them. */
function withSuggestedActions(prompt: string | DialogsActivity | undefined, choices: (string | Choice)[]): DialogsActivity {
    const base: Record<string, unknown> =
        typeof prompt === 'object' && prompt !== null ? JSON.parse(JSON.stringify(prompt)) : { type: ActivityTypes.Message, text: prompt ?? '' };
    const actions = ChoiceFactory.toChoices(choices).map((choice) => choice.action ?? { type: ActionTypes.ImBack, title: choice.value, value: choice.value });
    return asDialogsActivity(Activity.fromObject({ ...base, inputHint: InputHints.ExpectingInput, suggestedActions: { actions, to: [] } }));
}
