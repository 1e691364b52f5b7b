import { ActivityHandler, ActivityTypes, ConversationState, EventFactory, MemoryStorage, UserState, type Activity, type Storage, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { SUPPORT_DIALOG, SupportDialog, summary, type SupportRequest } from './supportDialog';

/** Where the conversation stands with a human: requested (waiting in the queue) or accepted (an agent has it). */
type HandoffState = 'requested' | 'accepted' | undefined;

interface TranscriptLine {
    role: 'customer' | 'bot';
    text: string;
}

const TRANSCRIPT_LINES = 50;

/**
 * The dialogs example: a {@link SupportDialog} run on ConversationState/UserState over a botbuilder Storage
 * (MemoryStorage by default; pass a shared one to scale out). Like the echo bot it knows nothing of 8x8 or LivePerson:
 *
 * - starts the dialog when the conversation starts (8x8: the customer arrives; LivePerson: an agent joins);
 * - at the end files the request (summary) or hands off to a human with `handoff.initiate`, carrying the collected
 *   details in a handoff context both adapters understand and the transcript;
 * - handles `handoff.status`: silent while an agent has the conversation, greets the customer back when it returns.
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
        this.dialogs = new DialogSet(this.dialogState).add(new SupportDialog());

        this.onMembersAdded(async (context, next) => {
            const newcomers = (context.activity.membersAdded ?? []).filter((m) => m.id !== context.activity.recipient.id);
            if (newcomers.length > 0 && !(await this.handoff.get(context))) await this.converse(context);
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
        if (result.status === DialogTurnStatus.empty) result = await dc.beginDialog(SUPPORT_DIALOG);
        if (result.status === DialogTurnStatus.complete && result.result) await this.conclude(context, result.result as SupportRequest);
    }

    private async conclude(context: TurnContext, request: SupportRequest): Promise<void> {
        await this.profile.set(context, { name: request.name });
        if (request.fileIt) {
            await context.sendActivity(`Done, ${request.name}: your request is filed.\n${summary(request)}`);
            return;
        }
        await context.sendActivity(`I'm connecting you with a person, ${request.name}. They will see what you told me; please wait a moment.`);
        const details = { name: request.name, topic: request.topic, orderNumber: request.orderNumber, urgency: request.urgency, date: request.date };
        const handoffContext = {
            summary: `${request.name} needs help with ${request.topic}.`,
            // LivePerson: the first message of the agent's conversation.
            details,
            // 8x8: the customer's data the agent sees (ConversationUserData).
            user: { name: request.name, additionalProperties: Object.entries(details).map(([key, value]) => ({ key, value })) },
        };
        const lines = (await this.transcript.get(context)) ?? [];
        const transcript = { activities: lines.map((line) => ({ type: ActivityTypes.Message, text: line.text, from: { id: line.role, name: line.role, role: line.role === 'bot' ? 'bot' : 'user' } })) };
        await context.sendActivity(EventFactory.createHandoffInitiation(context, handoffContext, transcript as never));
        await this.handoff.set(context, 'requested');
    }

    private async onHandoffStatus(context: TurnContext): Promise<void> {
        const state = (context.activity.value as { state?: string } | undefined)?.state;
        if (state === 'accepted') {
            await this.handoff.set(context, 'accepted');
        } else if (state === 'completed' || state === 'failed') {
            await this.handoff.set(context, undefined);
            // On LivePerson the handoff conversation is closed when it completes: nobody to greet there.
            if (context.activity.channelId === 'liveperson') return;
            const name = (await this.profile.get(context))?.name;
            await context.sendActivity(
                state === 'failed'
                    ? 'Sorry, no one could take your request right now. I can file it for you: say anything to start again.'
                    : `Welcome back${name ? `, ${name}` : ''}! I'm the bot again. Say anything if you need more help.`
            );
        }
    }

    private async remember(context: TurnContext, role: TranscriptLine['role'], activity: Partial<Activity>): Promise<void> {
        if (activity.type !== ActivityTypes.Message) return;
        const text = activity.text || (activity.value ? JSON.stringify(activity.value) : '');
        if (!text) return;
        const lines = (await this.transcript.get(context, [])) ?? [];
        lines.push({ role, text });
        await this.transcript.set(context, lines.slice(-TRANSCRIPT_LINES));
    }
}
