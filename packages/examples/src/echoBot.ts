import { ActivityHandler, ActivityTypes, CardFactory, EventFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { COLOR_QUESTION, COLORS, GOODBYE, GREETING, NAME_CARD, echoCommand, echoOf, hasNewcomers, isCardSubmit, submittedOf } from './echoReplies';

export { NAME_CARD } from './echoReplies';

/**
 * The echo bot of the example app contract (docs/architecture.md), on botbuilder v4 (the Agents SDK version is
 * src/agents/echoAgent.ts; both answer from ./echoReplies). It knows nothing about 8x8 or LivePerson: the same bot
 * runs behind any adapter.
 *
 * - greets members who join;
 * - for a text message sends `typing`, then: `card` → an Adaptive Card; `options` → "Pick a color" with
 *   Red/Green/Blue suggested actions; `agent` → `handoff.initiate`; `bye` → "Goodbye!" and `endOfConversation`;
 *   anything else → `Echo: <text>`;
 * - a card submit (value, no text) → `You sent: <JSON of value>`.
 */
export class EchoBot extends ActivityHandler {
    constructor() {
        super();
        this.onMembersAdded(async (context, next) => {
            if (hasNewcomers(context.activity)) await context.sendActivity(GREETING);
            await next();
        });

        this.onMessage(async (context, next) => {
            await this.answer(context);
            await next();
        });
    }

    private async answer(context: TurnContext): Promise<void> {
        const { text, value } = context.activity;
        if (isCardSubmit(context.activity)) {
            await context.sendActivity(submittedOf(value));
            return;
        }
        await context.sendActivity({ type: ActivityTypes.Typing });
        switch (echoCommand(text)) {
            case 'card':
                await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(NAME_CARD)));
                return;
            case 'options':
                await context.sendActivity(MessageFactory.suggestedActions(COLORS, COLOR_QUESTION));
                return;
            case 'agent':
                await context.sendActivity(EventFactory.createHandoffInitiation(context, {}));
                return;
            case 'bye':
                await context.sendActivity(GOODBYE);
                await context.sendActivity({ type: ActivityTypes.EndOfConversation });
                return;
            default:
                await context.sendActivity(echoOf(text));
        }
    }
}
