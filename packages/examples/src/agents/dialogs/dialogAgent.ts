import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import {
    AgentApplication,
    ConversationState,
    MemoryStorage,
    UserState,
    type AgentStatePropertyAccessor,
    type Storage,
    type TurnContext,
    type TurnState,
} from '@microsoft/agents-hosting';
import { DialogSet, DialogTurnStatus } from '@microsoft/agents-hosting-dialogs';
import { createHandoffInitiation } from 'botbuilder-contact-center/agents';
import { hasNewcomers } from '../../echoReplies';
import {
    appendLine,
    connecting,
    filed,
    handoffContextOf,
    handoffStatusOutcome,
    transcriptOf,
    transcriptTextOf,
    type HandoffState,
    type SupportRequest,
    type TranscriptLine,
} from '../../dialogs/supportScript';
import { dialogFor } from '../../dialogs/returnCaseScript';
import { asDialogsContext, dialogStateProperty } from './dialogsInterop';
import { ReturnCaseDialog } from './returnCaseDialog';
import { SupportDialog } from './supportDialog';

/**
 * The dialogs example as a Microsoft 365 Agents SDK `AgentApplication`: the same conversation as the botbuilder
 * `DialogBot` (src/dialogs/dialogBot.ts; both decide and say everything from src/dialogs/supportScript.ts), its
 * {@link SupportDialog} on `@microsoft/agents-hosting-dialogs`, the state in ConversationState/UserState over an Agents
 * SDK Storage (MemoryStorage by default; pass a shared one to scale out):
 *
 * - starts the dialog when the conversation starts: on 8x8 (the customer arrives) the support dialog; on LivePerson,
 *   where the bot is the consumer and an agent joins, the return case it states for a customer (ReturnCaseDialog);
 * - at the end files the request (summary) or hands off to a human with `handoff.initiate`
 *   (`createHandoffInitiation` from `botbuilder-contact-center/agents`), with the collected details and the transcript;
 * - handles `handoff.status`: silent while an agent has the conversation, greets the customer back when it returns.
 */
export class DialogAgent extends AgentApplication<TurnState> {
    readonly conversationState: ConversationState;
    readonly userState: UserState;
    private readonly handoff: AgentStatePropertyAccessor<HandoffState>;
    private readonly transcript: AgentStatePropertyAccessor<TranscriptLine[]>;
    private readonly profile: AgentStatePropertyAccessor<{ name?: string }>;
    private readonly dialogs: DialogSet;

    constructor(storage: Storage = new MemoryStorage()) {
        // The state is in ConversationState/UserState (the dialogs library needs a property accessor), not in the
        // application's TurnState: no storage option here, so a turn does not read its keys for nothing.
        super();
        this.conversationState = new ConversationState(storage);
        this.userState = new UserState(storage);
        this.handoff = this.conversationState.createProperty('handoff');
        this.transcript = this.conversationState.createProperty('transcript');
        this.profile = this.userState.createProperty('profile');
        this.dialogs = new DialogSet(dialogStateProperty(this.conversationState)).add(new SupportDialog()).add(new ReturnCaseDialog());

        // Keeps the transcript: the customer's activity, and everything the agent sends during the turn.
        this.onTurn('beforeTurn', async (context) => {
            await this.remember(context, 'customer', context.activity);
            context.onSendActivities(async (ctx, activities, next) => {
                for (const activity of activities) await this.remember(ctx, 'bot', activity);
                return next();
            });
            return true;
        });

        this.onConversationUpdate('membersAdded', async (context) => {
            if (hasNewcomers(context.activity) && !(await this.handoff.get(context))) await this.converse(context);
        });
        this.onActivity(ActivityTypes.Message, async (context) => {
            // While a person has the conversation the agent stays silent (8x8 does not even deliver these as messages).
            if (!(await this.handoff.get(context))) await this.converse(context);
        });
        this.onActivity(ActivityTypes.Event, async (context) => {
            if (context.activity.name === 'handoff.status') await this.onHandoffStatus(context);
        });

        // Saves the state once the route's handler has run (not when it failed: the vendor redelivers and the turn
        // runs again from the saved state). AgentApplication 1.5–1.8 also saves its own turn state only when an
        // afterTurn handler is registered: keep one in any AgentApplication that keeps state.
        this.onTurn('afterTurn', async (context) => {
            await this.conversationState.saveChanges(context, false);
            await this.userState.saveChanges(context, false);
            return true;
        });
    }

    private async converse(context: TurnContext): Promise<void> {
        const dc = await this.dialogs.createContext(asDialogsContext(context));
        let result = await dc.continueDialog();
        if (result.status === DialogTurnStatus.empty) result = await dc.beginDialog(dialogFor(context.activity.channelId));
        if (result.status === DialogTurnStatus.complete && result.result) await this.conclude(context, result.result as SupportRequest);
    }

    private async conclude(context: TurnContext, request: SupportRequest): Promise<void> {
        await this.profile.set(context, { name: request.name });
        if (request.fileIt) {
            await context.sendActivity(filed(request));
            return;
        }
        await context.sendActivity(connecting(request));
        const transcript = transcriptOf((await this.transcript.get(context)) ?? []);
        // The Agents SDK has no EventFactory: the library builds the same `handoff.initiate` event.
        await context.sendActivity(Activity.fromObject(createHandoffInitiation(context, handoffContextOf(request), transcript)));
        await this.handoff.set(context, 'requested');
    }

    private async onHandoffStatus(context: TurnContext): Promise<void> {
        const state = (context.activity.value as { state?: string } | undefined)?.state;
        const name = state === 'completed' ? (await this.profile.get(context))?.name : undefined;
        const outcome = handoffStatusOutcome(state, context.activity.channelId, name);
        if (!outcome) return;
        await this.handoff.set(context, outcome.handoff);
        if (outcome.say) await context.sendActivity(outcome.say);
    }

    private async remember(context: TurnContext, role: TranscriptLine['role'], activity: Activity): Promise<void> {
        const text = transcriptTextOf(activity);
        if (text) await this.transcript.set(context, appendLine(await this.transcript.get(context), { role, text }));
    }
}
