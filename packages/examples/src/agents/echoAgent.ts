import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { AgentApplication, CardFactory, MessageFactory, type RouteSelector, type TurnContext, type TurnState } from '@microsoft/agents-hosting';
import { createHandoffInitiation } from 'botbuilder-contact-center/agents';
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
    type EchoCommand,
} from '../echoReplies';
import { RecentMessages } from '../recentMessages';

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
 * - a card submit (value, no text) → `You sent: <JSON of value>`;
 * - `handoff.status` `completed` → "You are back with the bot."; `failed` → "Sorry, no agent could take the
 *   conversation." and the reason.
 *
 * Given a Storage, it keeps the customer's last texts per conversation there and hands them to the agent as the
 * handoff's summary (the same state as the botbuilder bot's, ../recentMessages).
 */
export class EchoAgent extends AgentApplication<TurnState> {
    constructor(storage?: StorageLike) {
        // No storage for AgentApplication's turn state: the only state, the recent texts, is kept by RecentMessages, so
        // a turn reads no conversation or user state. (Not passing an adapter is deliberate: the option is typed
        // CloudAdapter; the contact-center adapter runs the app through `run`.)
        super();
        const recent = storage ? new RecentMessages(storage) : undefined;
        const remember = (context: TurnContext) => recent?.add(context.activity);
        this.onConversationUpdate('membersAdded', async (context) => {
            if (hasNewcomers(context.activity)) await context.sendActivity(GREETING);
        });

        // Routes are tried in the order they are added; the first that matches handles the turn.
        this.onMessage(command('card'), async (context) => {
            await remember(context);
            await typing(context);
            await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(NAME_CARD)));
        });
        this.onMessage(command('options'), async (context) => {
            await remember(context);
            await typing(context);
            // CardFactory.actions: imBack actions whose value is the color itself, which a click sends back. (Given
            // plain strings, agents-hosting 1.8's MessageFactory.suggestedActions makes each value `{ text }`, an
            // object the adapters pass on as the JSON postback '{"text":"Red"}'.)
            await context.sendActivity(MessageFactory.suggestedActions(CardFactory.actions(COLORS), COLOR_QUESTION));
        });
        this.onMessage(command('agent'), async (context) => {
            await typing(context);
            // The Agents SDK has no EventFactory: the library builds the same `handoff.initiate` event.
            const texts = recent && (await recent.of(context.activity));
            await context.sendActivity(Activity.fromObject(createHandoffInitiation(context, handoffContextOf(texts))));
        });
        this.onMessage(command('bye'), async (context) => {
            await recent?.clear(context.activity);
            await typing(context);
            await context.sendActivity(GOODBYE);
            await context.sendActivity(new Activity(ActivityTypes.EndOfConversation));
        });
        this.onActivity(ActivityTypes.Message, async (context) => {
            if (isCardSubmit(context.activity)) {
                await context.sendActivity(submittedOf(context.activity.value));
                return;
            }
            await remember(context);
            await typing(context);
            await context.sendActivity(echoOf(context.activity.text));
        });
        this.onActivity(ActivityTypes.Event, async (context) => {
            if (context.activity.name !== 'handoff.status') return;
            const reply = handoffStatusReply(context.activity);
            if (reply) await context.sendActivity(reply);
        });

        // AgentApplication 1.5–1.8 saves turn state only when an afterTurn handler is registered. This agent keeps no
        // turn state, but keep the handler when you give it some (and a storage): without it the state is silently lost.
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
