/* The LivePerson agent console: you are the agent, the bot speaks for the consumer (the connector). */
import { ChatView } from './chatView.js';
import { $, act, el } from './dom.js';

const EMPTY = 'Conversations the bot opens, and Web Chat customers it escalates, appear here. You are the LivePerson agent.';
const side = { conversations: [], selected: undefined };
let view;

const path = (c, action) => `api/liveperson/conversations/${encodeURIComponent(c.id)}/${action}`;

export function selectedLp() {
    return side.conversations.find((c) => c.id === side.selected);
}

export function selectLp(id) {
    side.selected = id;
    renderLp();
}

export function updateLp(conversations) {
    side.conversations = conversations;
    if (!conversations.some((c) => c.id === side.selected) && conversations.length > 0) side.selected = conversations[conversations.length - 1].id;
    renderLp();
}

function sendAsAgent(text) {
    const conversation = selectedLp();
    if (conversation && conversation.state !== 'CLOSE') void act(path(conversation, 'messages'), { text });
}

/** Renders LivePerson structured content (vertical/horizontal, text, image, button). */
function renderStructured(node) {
    if (!node || typeof node !== 'object') return null;
    switch (node.type) {
        case 'vertical':
        case 'horizontal':
            return el('div', { class: `sc-${node.type}` }, (node.elements || []).map(renderStructured));
        case 'text':
            return el('p', { class: node.style && node.style.bold ? 'sc-text bold' : 'sc-text', text: node.text });
        case 'image':
            return el('img', { class: 'sc-image', src: node.url, alt: node.caption || node.tooltip || '' });
        case 'button': {
            const action = ((node.click && node.click.actions) || [])[0] || {};
            return el('button', {
                type: 'button',
                class: 'chip',
                text: node.title,
                onclick: () => (action.type === 'link' ? window.open(action.uri, '_blank', 'noopener') : sendAsAgent(action.text || node.title)),
            });
        }
        default:
            return el('pre', { class: 'raw', text: JSON.stringify(node) });
    }
}

/** Who the consumer is: the bot (a LivePersonAdapter conversation), or a customer the escalation bridge brought (`bf-…`). */
const consumerName = (c) => (/^bf-/.test(c.consumerId || '') ? 'Customer (escalated by the bot)' : 'Connector (bot)');

function renderEvent(e, readUpTo, consumer) {
    const fromBot = e.role === 'CONSUMER';
    const bubble = el('div', { class: `message ${fromBot ? 'bot' : 'user'}`, 'data-author': fromBot ? 'connector' : 'agent' }, [
        el('span', { class: 'who', text: fromBot ? consumer : 'You (agent)' }),
    ]);
    if (e.event.type === 'ContentEvent')
        bubble.append(el('p', { class: 'text', text: typeof e.event.message === 'string' ? e.event.message : JSON.stringify(e.event.message) }));
    if (e.event.type === 'RichContentEvent')
        bubble.append(el('div', { class: 'structured', 'data-testid': 'structured-content' }, [renderStructured(e.event.content)]));
    const replies = (e.event.quickReplies && e.event.quickReplies.replies) || [];
    if (replies.length > 0) {
        // The agent's own quick replies are offered to the consumer (the bot): shown, never clickable here.
        bubble.append(
            el(
                'div',
                { class: 'quick-replies offered', 'data-testid': 'quick-replies', title: 'Offered to the consumer (the bot): only they can pick one.' },
                replies.map((r) => el('button', { type: 'button', class: 'chip', text: r.title, disabled: true }))
            )
        );
    }
    if (!fromBot && e.sequence !== undefined) bubble.append(el('span', { class: 'receipt', text: e.sequence <= readUpTo ? 'Read ✓✓' : 'Sent ✓' }));
    return bubble;
}

export function renderLp() {
    view ??= new ChatView($('lp-chat'), $('lp-typing'));
    $('lp-tabs').replaceChildren(
        ...side.conversations.map((c) =>
            el('button', {
                type: 'button',
                class: c.id === side.selected ? 'tab active' : 'tab',
                text: `${c.consumerName ? `${c.consumerName} (${c.consumerId})` : c.consumerId}${c.state === 'CLOSE' ? ' (closed)' : ''}`,
                title: c.id,
                onclick: () => selectLp(c.id),
            })
        )
    );
    const conversation = selectedLp();
    if (!conversation) {
        view.clear(EMPTY);
        return;
    }
    const closed = conversation.state === 'CLOSE';
    // Receipts change over time: the agent's messages are re-rendered when theirs does.
    const items = conversation.events.map((e) => ({
        key: `s-${e.sequence}`,
        at: e.at,
        fromBot: e.role === 'CONSUMER',
        version: e.role === 'CONSUMER' ? undefined : String(e.sequence <= conversation.readUpTo),
        render: () => renderEvent(e, conversation.readUpTo, consumerName(conversation)),
    }));
    view.show(conversation.id, items, conversation.typing || [], conversation.consumerComposing && !closed);
    const notice = $('lp-notice');
    notice.hidden = Boolean(conversation.agentId) && !closed;
    notice.textContent = closed ? 'This conversation is closed.' : 'Waiting in the queue: accept it to talk with the bot.';
    $('lp-accept').hidden = Boolean(conversation.agentId) || closed;
    $('lp-close').hidden = closed;
    const canSend = !closed && Boolean(conversation.agentId);
    $('lp-input').disabled = $('lp-send').disabled = $('lp-replies').disabled = !canSend;
}

export function wireLp(onText, onSelected) {
    $('lp-open-form').addEventListener('submit', async (event) => {
        event.preventDefault();
        const consumerId = $('lp-consumer').value.trim();
        const text = $('lp-first').value.trim();
        // The name goes to LivePerson's SetUserProfile (first word as first name, the rest as last name).
        const [firstName, ...rest] = $('lp-name').value.trim().split(/\s+/).filter(Boolean);
        const name = { ...(firstName ? { firstName } : {}), ...(rest.length > 0 ? { lastName: rest.join(' ') } : {}) };
        const opened = await act('api/liveperson/conversations', { consumerId, ...name, ...(text ? { text } : {}) });
        if (opened) selectLp(opened.conversationId);
    });
    onSelected('lp-accept', selectedLp, (c) => act(path(c, 'join'), {}));
    onSelected('lp-close', selectedLp, (c) => act(path(c, 'close'), {}));
    onText('lp-form', 'lp-input', selectedLp, (c, text) => {
        const quickReplies = $('lp-replies')
            .value.split(',')
            .map((r) => r.trim())
            .filter(Boolean);
        $('lp-replies').value = '';
        return act(path(c, 'messages'), { text, quickReplies });
    });
}
