/**
 * The LivePerson conversation's words and decisions, without a bot framework. On LivePerson the bot is the consumer
 * and the other side is a contact-center agent, so the dialogs bot does not interview them: it acts for a customer
 * who wants an order returned, states the case, answers the agent's questions from the facts below, and lets the
 * agent decide. The botbuilder dialog (./returnCaseDialog.ts) and the Agents SDK one
 * (src/agents/dialogs/returnCaseDialog.ts) both say and decide everything from here.
 */

import { SUPPORT_DIALOG } from './supportScript';

export const RETURN_CASE_DIALOG = 'returnCase';

/** The customer the bot writes for, and her order. */
export const CASE = {
    customer: 'Ada Lovelace',
    firstName: 'Ada',
    orderNumber: 'A-1234',
    item: 'trail running shoes, size 42',
    price: '89.90 EUR',
    ordered: '2026-11-20',
    delivered: '2026-11-24',
    email: 'ada.lovelace@example.com',
    address: '12 Analytical Way, London N1 9GU',
    payment: 'a Visa card ending 4242',
    reason: 'they are too small; unworn, in the original box',
} as const;

/** The agent joins: the bot greets them, then states the request. */
export const CASE_GREETING = `Hello, and thanks for taking this! I'm an automated assistant writing on behalf of ${CASE.customer}.`;
export const CASE_REQUEST =
    `She would like to return order ${CASE.orderNumber} (${CASE.item}, delivered on ${CASE.delivered}): ${CASE.reason}. ` +
    `She asks for a refund of ${CASE.price} to her original payment method. Ask me anything about the order, and say "approved" or "decided" once you know.`;

/**
 * What the bot knows, each with the words that ask for it. The first fact with a word the message contains (at the
 * start of a word: "deliver" matches "delivery") answers it; the order matters ("delivery address" before "delivered").
 */
export const CASE_FACTS: ReadonlyArray<{ topic: string; keywords: readonly string[]; answer: string }> = [
    { topic: 'email', keywords: ['email', 'e-mail', 'mail'], answer: `Her email address is ${CASE.email}.` },
    { topic: 'address', keywords: ['address', 'ship', 'postcode', 'post code', 'zip'], answer: `The delivery address is ${CASE.address}.` },
    {
        topic: 'payment',
        keywords: ['pay', 'paid', 'card', 'method', 'refund', 'amount', 'price', 'cost', 'how much'],
        answer: `She paid ${CASE.price} with ${CASE.payment}; the refund should go there.`,
    },
    { topic: 'item', keywords: ['item', 'product', 'size', 'bought', 'what did'], answer: `The order is one item: ${CASE.item}, ${CASE.price}.` },
    { topic: 'dates', keywords: ['when', 'date', 'arriv', 'deliver'], answer: `Ordered on ${CASE.ordered}, delivered on ${CASE.delivered}.` },
    { topic: 'reason', keywords: ['why', 'reason', 'wrong', 'problem', 'condition'], answer: `The reason: ${CASE.reason}.` },
    { topic: 'name', keywords: ['name', 'who'], answer: `The customer is ${CASE.customer}.` },
    { topic: 'order number', keywords: ['order', 'number', 'reference'], answer: `The order number is ${CASE.orderNumber}.` },
];

/** The fact a message of the agent asks for, if any (simple keyword matching). */
export function caseAnswerOf(text: string | undefined): string | undefined {
    const lower = (text ?? '').toLowerCase();
    return CASE_FACTS.find((fact) => fact.keywords.some((keyword) => startsAWord(lower, keyword)))?.answer;
}

/** Words that say the agent has an outcome: the bot then asks for it (checked before the facts). */
const DECISION_WORDS = ['approv', 'decid', 'decision', 'go ahead', 'accept', 'reject', 'declin', 'denied', 'refuse'];

/** Whether a message says the agent has decided. */
export function isDecisionCue(text: string | undefined): boolean {
    const lower = (text ?? '').toLowerCase();
    return DECISION_WORDS.some((word) => startsAWord(lower, word));
}

function startsAWord(text: string, word: string): boolean {
    for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) if (at === 0 || !/[a-z0-9]/.test(text[at - 1])) return true;
    return false;
}

/** Neither a decision nor a fact: what the bot can tell. */
export const CASE_UNKNOWN =
    "I'm not sure I follow. I only know this order: ask me about the order number, the item, the dates, the reason, her email, the delivery address or how she paid. " +
    'Say "approved" or "decided" once you know.';

/** The agent picks the outcome (ConfirmPrompt), then how the item goes back (ChoicePrompt) or why not (TextPrompt). */
export const ASK_APPROVAL = { prompt: 'Is the refund approved?', retryPrompt: 'Please answer yes or no: is the refund approved?' };
export const RETURN_METHODS = ['Prepaid label by email', 'Drop-off at a store', 'Courier pickup'];
export const ASK_RETURN_METHOD = {
    prompt: `Great, thank you! How should ${CASE.firstName} send the shoes back?`,
    retryPrompt: 'Please pick one of the options.',
};
export const ASK_REFUSAL_REASON = {
    prompt: `I see. Could you tell me why, so I can explain it to ${CASE.firstName}?`,
    retryPrompt: 'Please tell me the reason.',
};

/** The last words before the bot ends the conversation (`endOfConversation`). */
export const caseApproved = (method: string) =>
    `Thank you! I'll tell ${CASE.firstName} the refund for order ${CASE.orderNumber} is approved (return: ${method.toLowerCase()}). Have a good day, goodbye!`;
export const caseRefused = (reason: string) => `Thank you, I'll pass that on to ${CASE.firstName}: "${reason.trim()}". Have a good day, goodbye!`;

export const CASE_HELP_TEXT =
    `I'm a bot writing for ${CASE.customer}, who wants to return order ${CASE.orderNumber} for a refund. ` +
    'Ask me about the order number, the item, the dates, the reason, her email, the delivery address or how she paid; ' +
    'say "approved" or "decided" once you know. Say "cancel" to stop.';

/** The dialog the bot starts: on LivePerson (the other side is an agent) the return case, elsewhere the support dialog. */
export function dialogFor(channelId: string | undefined): string {
    return channelId === 'liveperson' ? RETURN_CASE_DIALOG : SUPPORT_DIALOG;
}
