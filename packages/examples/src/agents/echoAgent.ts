import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { AgentApplication, CardFactory, MessageFactory, type RouteSelector, type TurnContext, type TurnState } from '@microsoft/agents-hosting';
import { createHandoffInitiation } from 'botbuilder-contact-center/agents';
import {
    COLOR_QUESTION,
    COLORS,
    GOODBYE,
    GREETING,
    NAME_CARD,
    echoCommand,
    echoOf,
    hasNewcomers,
    isCardSubmit,
    submittedOf,
    type EchoCommand,
} from '../echoReplies';

/**
 * The echo bot of the example app contract as a Microsoft 365 Agents SDK `AgentApplication`: the same replies as the
 * botbuilder `EchoBot` (both answer from ../echoReplies), with the SDK's routes instead of a switch. Run it from
 * either adapter of `botbuilder-contact-center/agents`:
 * `adapter.process(req, res, (context) => agent.run(context))`.
 *
 * - greets members who join;
 * - for a text message sends `typing`, then: `card` → an Adaptive Card; `options` → "Pick a color" with
 *   Red/Green/Blue suggested actions; `agent` → `handoff.initiate`; `bye` → "Goodbye!" and `endOfConversation`;
 *   anything else → `Echo: <text>`;
 * - a card submit (value, no text) → `You sent: <JSON of value>`.
 */
export class EchoAgent extends AgentApplication<TurnState> {
    constructor() {
        // No storage: the echo bot keeps no state, so a turn reads and writes none. (Not passing an adapter is
        // deliberate: the option is typed CloudAdapter; the contact-center adapter runs the app through `run`.)
        super();
        this.onConversationUpdate('membersAdded', async (context) => {
            if (hasNewcomers(context.activity)) await context.sendActivity(GREETING);
        });

        // Routes are tried in the order they are added; the first that matches handles the turn.
        this.onMessage(command('card'), async (context) => {
            await typing(context);
            await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(NAME_CARD)));
        });
        this.onMessage(command('options'), async (context) => {
            await typing(context);
            // CardFactory.actions: imBack actions whose value is the color itself, which a click sends back. (Given
            // plain strings, agents-hosting 1.8's MessageFactory.suggestedActions makes each value `{ text }`, an
            // object the adapters pass on as the JSON postback '{"text":"Red"}'.)
            await context.sendActivity(MessageFactory.suggestedActions(CardFactory.actions(COLORS), COLOR_QUESTION));
        });
        this.onMessage(command('agent'), async (context) => {
            await typing(context);
            // The Agents SDK has no EventFactory: the library builds the same `handoff.initiate` event.
            await context.sendActivity(Activity.fromObject(createHandoffInitiation(context, {})));
        });
        this.onMessage(command('bye'), async (context) => {
            await typing(context);
            await context.sendActivity(GOODBYE);
            await context.sendActivity(new Activity(ActivityTypes.EndOfConversation));
        });
        this.onActivity(ActivityTypes.Message, async (context) => {
            if (isCardSubmit(context.activity)) {
                await context.sendActivity(submittedOf(context.activity.value));
                return;
            }
            await typing(context);
            await context.sendActivity(echoOf(context.activity.text));
        });

        // AgentApplication 1.5–1.8 saves turn state only when an afterTurn handler is registered. This agent keeps no
        // state, but keep the handler when you give it some (and a storage): without it the state is silently lost.
        this.onTurn('afterTurn', async () => true);
    }
}

/** A route for a text message asking for `name` (the same matching as the botbuilder bot's switch). */
function command(name: EchoCommand): RouteSelector {
    return async (context) => context.activity.type === ActivityTypes.Message && echoCommand(context.activity.text) === name;
}

function typing(context: TurnContext): Promise<unknown> {
    return context.sendActivity(new Activity(ActivityTypes.Typing));
}
