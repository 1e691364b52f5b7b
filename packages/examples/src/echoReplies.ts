/**
 * What the echo example says and when, without a bot framework: the botbuilder `EchoBot` and the Agents SDK
 * `EchoAgent` (src/agents/echoAgent.ts) both answer from here, so the example app contract is the same on either host.
 */

/** Sent when a member (other than the bot) joins. */
export const GREETING = 'Hello! I echo what you say. Try "card", "options", "agent" or "bye".';

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

/** `options`: the text and its suggested actions. */
export const COLOR_QUESTION = 'Pick a color';
export const COLORS = ['Red', 'Green', 'Blue'];

/** `bye`: said before the conversation ends. */
export const GOODBYE = 'Goodbye!';

/** The words the echo bot acts on; anything else is echoed. */
export type EchoCommand = 'card' | 'options' | 'agent' | 'bye';
const COMMANDS: readonly string[] = ['card', 'options', 'agent', 'bye'] satisfies EchoCommand[];

/** The command a message's text asks for (case and surrounding spaces ignored), if any. */
export function echoCommand(text: string | undefined): EchoCommand | undefined {
    const command = (text ?? '').trim().toLowerCase();
    return COMMANDS.includes(command) ? (command as EchoCommand) : undefined;
}

/** The answer to a message that is no command. */
export function echoOf(text: string | undefined): string {
    return `Echo: ${(text ?? '').trim()}`;
}

/** An Adaptive Card's Action.Submit: a message with a value and no text. */
export function isCardSubmit(activity: { text?: string; value?: unknown }): boolean {
    return !activity.text && activity.value !== undefined;
}

/** The answer to a card submit. */
export function submittedOf(value: unknown): string {
    return `You sent: ${JSON.stringify(value)}`;
}

/** Said when an agent gave the conversation back (`handoff.status` `completed`). */
export const BACK_WITH_BOT = 'You are back with the bot.';
/** Said, with the reason, when no agent took the conversation (`handoff.status` `failed`). */
export const NO_AGENT = 'Sorry, no agent could take the conversation.';

/**
 * What the echo bot says for a `handoff.status` event, if anything: nothing for `accepted` (the agent talks), nor on
 * LivePerson, where the bot is the consumer and the agent's conversation is closed when the handoff ends.
 */
export function handoffStatusReply(activity: { channelId?: string | undefined; value?: unknown }): string | undefined {
    if (activity.channelId === 'liveperson') return undefined;
    const value = activity.value;
    const { state, message, reason } = (value && typeof value === 'object' ? value : {}) as { state?: unknown; message?: unknown; reason?: unknown };
    if (state === 'completed') return BACK_WITH_BOT;
    if (state !== 'failed') return undefined;
    const why = typeof message === 'string' && message !== '' ? message : typeof reason === 'string' ? reason : '';
    return why ? `${NO_AGENT} ${why}` : NO_AGENT;
}

/**
 * The `handoff.initiate` context the echo bot sends for `agent`: with the customer's recent texts (when the bot keeps
 * them) as the summary the agent reads first; the adapters and the escalation bridge take the skill or queue from
 * their options. 8x8 ignores the summary; the LivePerson adapter and the bridge put it first in the agent's
 * conversation.
 */
export function handoffContextOf(recentTexts: string[] | undefined): { summary?: string } {
    if (recentTexts === undefined) return {};
    if (recentTexts.length === 0) return { summary: 'The customer asked for an agent.' };
    return { summary: ['The customer asked for an agent. Their last messages:', ...recentTexts.map((text) => `- ${text}`)].join('\n') };
}

/** Whether a conversationUpdate adds someone other than the bot (who is then greeted). */
export function hasNewcomers(activity: { membersAdded?: Array<{ id?: string }>; recipient?: { id?: string } }): boolean {
    return (activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id);
}
