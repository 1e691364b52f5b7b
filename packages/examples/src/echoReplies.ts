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

/** Whether a conversationUpdate adds someone other than the bot (who is then greeted). */
export function hasNewcomers(activity: { membersAdded?: Array<{ id?: string }>; recipient?: { id?: string } }): boolean {
    return (activity.membersAdded ?? []).some((member) => member.id !== activity.recipient?.id);
}
