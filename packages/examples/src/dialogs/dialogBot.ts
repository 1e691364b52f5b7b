import {
    ActivityHandler,
    ConversationState,
    EventFactory,
    MemoryStorage,
    UserState,
    type Activity,
    type Storage,
    type StatePropertyAccessor,
    type TurnContext,
} from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { hasNewcomers } from '../echoReplies';
import { ReturnCaseDialog } from './returnCaseDialog';
import { dialogFor } from './returnCaseScript';
import { SupportDialog } from './supportDialog';
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
} from './supportScript';

/**
 * The dialogs example: a {@link SupportDialog} run on ConversationState/UserState over a botbuilder Storage
 * (MemoryStorage by default; pass a shared one to scale out). Like the echo bot it knows nothing of 8x8 or LivePerson
 * beyond the channelId that picks the flow:
 *
 * - starts the dialog when the conversation starts: on 8x8 (the customer arrives) the support dialog; on LivePerson,
 *   where the bot is the consumer and an agent joins, the return case it states for a customer (ReturnCaseDialog);
 * - at the end files the request (summary) or hands off to a human with `handoff.initiate`, carrying the collected
 *   details in a handoff context both adapters understand and the transcript;
 * - handles `handoff.status`: silent while an agent has the conversation, greets the customer back when it returns.
 *
 * The Agents SDK version is src/agents/dialogs/dialogAgent.ts; both decide and say everything from ./supportScript.
 */
export class DialogBot extends ActivityHandler {
    readonly conversationState: ConversationState;
    readonly userState: UserState;
    private readonly dialogState: StatePropertyAccessor<DialogState>;
    private readonly handoff: StatePropertyAccessor<HandoffState>;
    private readonly transcript: StatePropertyAccessor<TranscriptLine[]>;
    private readonly profile: StatePropertyAccessor<{ name?: string }>;
    private readonly dialogs: DialogSet;

    constructor(storage: Storage = new MemoryStorage()) {
        super();
        this.conversationState = new ConversationState(storage);
        this.userState = new UserState(storage);
        this.dialogState = this.conversationState.createProperty('dialogState');
        this.handoff = this.conversationState.createProperty('handoff');
        this.transcript = this.conversationState.createProperty('transcript');
        this.profile = this.userState.createProperty('profile');
        this.dialogs = new DialogSet(this.dialogState).add(new SupportDialog()).add(new ReturnCaseDialog());

        this.onMembersAdded(async (context, next) => {
            if (hasNewcomers(context.activity) && !(await this.handoff.get(context))) await this.converse(context);
            await next();
        });
        this.onMessage(async (context, next) => {
            // While a person has the conversation the bot stays silent (8x8 does not even deliver these as messages).
            if (!(await this.handoff.get(context))) await this.converse(context);
            await next();
        });
        this.onEvent(async (context, next) => {
            if (context.activity.name === 'handoff.status') await this.onHandoffStatus(context);
            await next();
        });
    }

    /** Runs the turn, keeps the transcript, and saves the state (as botbuilder's samples do). */
    override async run(context: TurnContext): Promise<void> {
        await this.remember(context, 'customer', context.activity);
        context.onSendActivities(async (ctx, activities, next) => {
            for (const activity of activities) await this.remember(ctx, 'bot', activity);
            return next();
        });
        await super.run(context);
        await this.conversationState.saveChanges(context, false);
        await this.userState.saveChanges(context, false);
    }

    private async converse(context: TurnContext): Promise<void> {
        const dc = await this.dialogs.createContext(context);
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
        await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContextOf(request), transcript as never));
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

    private async remember(context: TurnContext, role: TranscriptLine['role'], activity: Partial<Activity>): Promise<void> {
        const text = transcriptTextOf(activity);
        if (text) await this.transcript.set(context, appendLine(await this.transcript.get(context), { role, text }));
    }
}
