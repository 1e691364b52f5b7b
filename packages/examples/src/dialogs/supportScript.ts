/**
 * The support conversation's words and decisions, without a bot framework: the botbuilder dialogs bot (this folder)
 * and the Agents SDK one (src/agents/dialogs/) both say and decide everything from here, so the two hosts hold the
 * same conversation.
 */
import { supportDetailsProblem, type SupportDetails } from './supportDetails';

export const SUPPORT_DIALOG = 'support';
export const TOPICS = ['Order status', 'Returns', 'Billing'];
export const HELP_TEXT = 'I collect a few details about your problem, then file a request or connect you with a person. Say "cancel" to stop.';

/** What the dialog collected; the bot files it or hands it to a person. */
export interface SupportRequest extends SupportDetails {
    name: string;
    topic: string;
    /** true: the customer wants it filed; false: they asked for a person. */
    fileIt: boolean;
}

/** The prompts of the waterfall's steps: what is asked first, and again after an answer that does not fit. */
export const ASK_NAME = { prompt: "Hi! I'm the support bot. What's your name?", retryPrompt: 'Please tell me your name (up to 60 characters).' };
export const askTopic = (name: string) => ({ prompt: `Thanks, ${name}. What can I help you with?`, retryPrompt: 'Please pick one of the options.' });
/** The card form's retry: the same card with this text. */
export const DETAILS_RETRY_TEXT = 'Please fill in the form again.';
export const askConfirmation = (request: Partial<SupportRequest>) => ({
    prompt: `${summary(request)}\nShall I file this as a support request? (No connects you with a person.)`,
    retryPrompt: 'Please answer yes or no.',
});

/** A name the TextPrompt accepts. */
export function isValidName(name: string | undefined): boolean {
    const trimmed = name?.trim() ?? '';
    return trimmed.length > 0 && trimmed.length <= 60;
}

/** "cancel" and "help" work at every step; what a message's text asks for, if either. */
export function interruptionOf(activity: { type?: string; text?: string }): 'help' | 'cancel' | undefined {
    if (activity.type !== 'message' || !activity.text) return undefined;
    switch (activity.text.trim().toLowerCase()) {
        case 'help':
        case '?':
            return 'help';
        case 'cancel':
        case 'quit':
            return 'cancel';
        default:
            return undefined;
    }
}
export const CANCELLED = 'Cancelled. Say anything to start again.';

/** The collected request, one line per field. */
export function summary(request: Partial<SupportRequest>): string {
    return [
        `Name: ${request.name}`,
        `Topic: ${request.topic}`,
        `Order number: ${request.orderNumber}`,
        `Urgency: ${request.urgency}`,
        `Date: ${request.date}`,
    ].join('\n');
}

/**
 * The card prompt's validator, for either dialogs library: accepts valid details; otherwise says what is wrong and
 * shows the form again. (It sends the retry prompt itself: a prompt does not re-prompt once its validator has
 * replied.) `T` is the library's prompt activity type.
 */
export async function checkSupportDetails<T>(prompt: {
    readonly context: { sendActivity(activity: string | T): Promise<unknown> };
    readonly recognized: { succeeded: boolean; value?: Partial<Record<keyof SupportDetails, string>> };
    readonly options: { prompt?: string | T; retryPrompt?: string | T };
}): Promise<boolean> {
    if (!prompt.recognized.succeeded) return false;
    const problem = supportDetailsProblem(prompt.recognized.value!);
    if (problem === undefined) return true;
    await prompt.context.sendActivity(problem);
    const again = prompt.options.retryPrompt ?? prompt.options.prompt;
    if (again) await prompt.context.sendActivity(again);
    return false;
}

// ---- after the dialog --------------------------------------------------------------------------------------------

/** Where the conversation stands with a human: requested (waiting in the queue) or accepted (an agent has it). */
export type HandoffState = 'requested' | 'accepted' | undefined;

export const filed = (request: SupportRequest) => `Done, ${request.name}: your request is filed.\n${summary(request)}`;
export const connecting = (request: SupportRequest) =>
    `I'm connecting you with a person, ${request.name}. They will see what you told me; please wait a moment.`;

/** The `handoff.initiate` value: the collected details in a shape both adapters understand. */
export function handoffContextOf(request: SupportRequest): Record<string, unknown> {
    const details = { name: request.name, topic: request.topic, orderNumber: request.orderNumber, urgency: request.urgency, date: request.date };
    return {
        summary: `${request.name} needs help with ${request.topic}.`,
        // LivePerson: the first message of the agent's conversation.
        details,
        // 8x8: the customer's data the agent sees (ConversationUserData).
        user: { name: request.name, additionalProperties: Object.entries(details).map(([key, value]) => ({ key, value })) },
    };
}

/** One line of the transcript handed to the person. */
export interface TranscriptLine {
    role: 'customer' | 'bot';
    text: string;
}

/** How many lines the bot keeps. */
export const TRANSCRIPT_LINES = 50;

/** The transcript line of an activity (a message with text or a card submit), if it makes one. */
export function transcriptTextOf(activity: { type?: string; text?: string; value?: unknown }): string | undefined {
    if (activity.type !== 'message') return undefined;
    return activity.text || (activity.value ? JSON.stringify(activity.value) : '') || undefined;
}

/** The kept lines with one more, at most {@link TRANSCRIPT_LINES}. */
export function appendLine(lines: TranscriptLine[] | undefined, line: TranscriptLine): TranscriptLine[] {
    return [...(lines ?? []), line].slice(-TRANSCRIPT_LINES);
}

/** The transcript attachment's content for `handoff.initiate`. */
export function transcriptOf(lines: TranscriptLine[]): { activities: unknown[] } {
    return {
        activities: lines.map((line) => ({
            type: 'message',
            text: line.text,
            from: { id: line.role, name: line.role, role: line.role === 'bot' ? 'bot' : 'user' },
        })),
    };
}

/**
 * What a `handoff.status` event changes: the new handoff state and what to tell the customer (nothing on
 * LivePerson, where the handoff conversation is closed when it completes: nobody to greet there). Undefined for
 * states that change nothing.
 */
export function handoffStatusOutcome(
    state: string | undefined,
    channelId: string | undefined,
    name: string | undefined
): { handoff: HandoffState; say?: string } | undefined {
    if (state === 'accepted') return { handoff: 'accepted' };
    if (state !== 'completed' && state !== 'failed') return undefined;
    if (channelId === 'liveperson') return { handoff: undefined };
    return {
        handoff: undefined,
        say:
            state === 'failed'
                ? 'Sorry, no one could take your request right now. I can file it for you: say anything to start again.'
                : `Welcome back${name ? `, ${name}` : ''}! I'm the bot again. Say anything if you need more help.`,
    };
}
