import { ActivityHandler, ActivityTypes, CardFactory, EventFactory, MessageFactory, type TurnContext } from 'botbuilder';

/** The Adaptive Card the echo bot sends for `card`: one text input (`name`) and a submit button. */
export const NAME_CARD = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    body: [
        { type: 'TextBlock', text: 'What is your name?', weight: 'Bolder', size: 'Medium', wrap: true },
        { type: 'Input.Text', id: 'name', placeholder: 'Your name' },
    ],
    actions: [{ type: 'Action.Submit', title: 'Send' }],
};

/**
 * The echo bot of DESIGN.md's example app contract. It knows nothing about 8x8 or LivePerson: the same bot runs
 * behind any adapter.
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
            const newcomers = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient.id);
            if (newcomers.length > 0) {
                await context.sendActivity('Hello! I echo what you say. Try "card", "options", "agent" or "bye".');
            }
            await next();
        });

        this.onMessage(async (context, next) => {
            await this.answer(context);
            await next();
        });
    }

    private async answer(context: TurnContext): Promise<void> {
        const { text, value } = context.activity;
        if (!text && value !== undefined) {
            await context.sendActivity(`You sent: ${JSON.stringify(value)}`);
            return;
        }
        await context.sendActivity({ type: ActivityTypes.Typing });
        const command = (text ?? '').trim();
        switch (command.toLowerCase()) {
            case 'card':
                await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(NAME_CARD)));
                return;
            case 'options':
                await context.sendActivity(MessageFactory.suggestedActions(['Red', 'Green', 'Blue'], 'Pick a color'));
                return;
            case 'agent':
                await context.sendActivity(EventFactory.createHandoffInitiation(context, {}));
                return;
            case 'bye':
                await context.sendActivity('Goodbye!');
                await context.sendActivity({ type: ActivityTypes.EndOfConversation });
                return;
            default:
                await context.sendActivity(`Echo: ${command}`);
        }
    }
}
