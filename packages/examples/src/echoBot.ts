import { ActivityHandler, ActivityTypes, CardFactory, EventFactory, MessageFactory, type TurnContext } from 'botbuilder';
import type { StorageLike } from 'botbuilder-contact-center/protocol';
import {
    COLOR_QUESTION,
    COLORS,
    GOODBYE,
    GREETING,
    NAME_CARD,
    echoCommand,
    echoOf,
    handoffContextOf,
    handoffStatusReply,
    hasNewcomers,
    isCardSubmit,
    submittedOf,
} from './echoReplies';
import { RecentMessages } from './recentMessages';

export { NAME_CARD } from './echoReplies';

/**
 * The echo bot of the example app contract (docs/architecture.md), on botbuilder v4 (the Agents SDK version is
 * src/agents/echoAgent.ts; both answer from ./echoReplies). It knows nothing about 8x8, LivePerson or the escalation
 * bridge: the same bot runs behind any adapter.
 *
 * - greets members who join;
 * - for a text message sends `typing`, then: `card` → an Adaptive Card; `options` → "Pick a color" with
 *   Red/Green/Blue suggested actions; `agent` → `handoff.initiate`; `bye` → "Goodbye!" and `endOfConversation`;
 *   anything else → `Echo: <text>`;
 * - a card submit (value, no text) → `You sent: <JSON of value>`;
 * - `handoff.status` `completed` → "You are back with the bot."; `failed` → "Sorry, no agent could take the
 *   conversation." and the reason.
 *
 * Given a Storage, it keeps the customer's last texts per conversation there (its only state) and hands them to the
 * agent as the handoff's summary.
 */
export class EchoBot extends ActivityHandler {
    private readonly recent: RecentMessages | undefined;

    constructor(storage?: StorageLike) {
        super();
        this.recent = storage ? new RecentMessages(storage) : undefined;
        this.onMembersAdded(async (context, next) => {
            if (hasNewcomers(context.activity)) await context.sendActivity(GREETING);
            await next();
        });

        this.onMessage(async (context, next) => {
            await this.answer(context);
            await next();
        });

        this.onEvent(async (context, next) => {
            if (context.activity.name === 'handoff.status') {
                const reply = handoffStatusReply(context.activity);
                if (reply) await context.sendActivity(reply);
            }
            await next();
        });
    }

    private async answer(context: TurnContext): Promise<void> {
        const { text, value } = context.activity;
        if (isCardSubmit(context.activity)) {
            await context.sendActivity(submittedOf(value));
            return;
        }
        const command = echoCommand(text);
        if (command !== 'agent' && command !== 'bye') await this.recent?.add(context.activity);
        await context.sendActivity({ type: ActivityTypes.Typing });
        switch (command) {
            case 'card':
                await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(NAME_CARD)));
                return;
            case 'options':
                await context.sendActivity(MessageFactory.suggestedActions(COLORS, COLOR_QUESTION));
                return;
            case 'agent': {
                const recent = this.recent && (await this.recent.of(context.activity));
                await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContextOf(recent)));
                return;
            }
            case 'bye':
                await this.recent?.clear(context.activity);
                await context.sendActivity(GOODBYE);
                await context.sendActivity({ type: ActivityTypes.EndOfConversation });
                return;
            default:
                await context.sendActivity(echoOf(text));
        }
    }
}
