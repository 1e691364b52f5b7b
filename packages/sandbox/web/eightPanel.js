/* The 8x8 customer chat and the agent desk for handoffs. */
import { renderAdaptiveCard, setUsable } from './adaptiveCard.js';
import { ChatView } from './chatView.js';
import { $, act, el } from './dom.js';

const QUICK_REPLIES = 'application/8x8.quick.replies';
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const EMPTY = 'Start a conversation: the bot greets you.';

const side = { conversations: [], selected: undefined };
let view;

const path = (c, action) => `api/8x8/conversations/${encodeURIComponent(c.id)}/${action}`;

export function selectedEight() {
    return side.conversations.find((c) => c.id === side.selected);
}

export function selectEight(id) {
    side.selected = id;
    renderEight();
}

/** The stand-in's 8x8 conversations; selects the newest when none is. */
export function updateEight(conversations) {
    side.conversations = conversations;
    if (!conversations.some((c) => c.id === side.selected) && conversations.length > 0) side.selected = conversations[conversations.length - 1].id;
    renderEight();
}

function renderQuickReplies(content, conversationId, messageId) {
    const options = (content && content.options) || [];
    return el(
        'div',
        { class: 'quick-replies', 'data-testid': 'quick-replies' },
        options.map((option) =>
            el('button', {
                type: 'button',
                class: 'chip',
                text: option.title,
                onclick: () =>
                    act(`api/8x8/conversations/${encodeURIComponent(conversationId)}/quick-reply`, {
                        title: option.title,
                        payload: (option.data && option.data.postback) || option.title,
                        messageId,
                    }),
            })
        )
    );
}

function renderMessage(message, conversationId) {
    const who = message.authorType === 'user' ? 'You' : message.authorType === 'agent' ? `${message.authorId} (agent)` : 'Bot';
    const bubble = el('div', { class: `message ${message.authorType}`, 'data-author': message.authorType }, [el('span', { class: 'who', text: who })]);
    if (message.text) bubble.append(el('p', { class: 'text', text: message.text }));
    for (const card of message.cards || []) {
        let node;
        if (card.contentType === ADAPTIVE) {
            node = renderAdaptiveCard(card.content, (data) =>
                act(`api/8x8/conversations/${encodeURIComponent(conversationId)}/card`, { data, messageId: message.id })
            );
        } else if (card.contentType === QUICK_REPLIES) {
            node = renderQuickReplies(card.content, conversationId, message.id);
        } else {
            node = el('pre', { class: 'raw', text: JSON.stringify(card, null, 1) });
        }
        node.dataset.interactive = message.id;
        bubble.append(node);
    }
    for (const file of message.attachments || []) bubble.append(el('p', { class: 'file', text: `📎 attachment ${file.id}` }));
    return bubble;
}

/** Messages and notices, in time order. */
function items(conversation) {
    const list = [
        ...conversation.messages.map((m) => ({
            key: `m-${m.id}`,
            at: Date.parse(m.createdAt),
            fromBot: m.authorType === 'bot',
            render: () => renderMessage(m, conversation.id),
        })),
        ...(conversation.notices || []).map((n) => ({
            key: `n-${n.id}`,
            at: n.at,
            fromBot: false,
            render: () => el('p', { class: `system ${n.kind}`, 'data-testid': 'chat-notice', text: n.text }),
        })),
    ];
    return list.sort((a, b) => a.at - b.at);
}

/** Who owns the chat besides the bot, or why the customer can no longer act: undefined when the bot has it. */
function lockReason(conversation) {
    if (conversation.userRemoved) return 'The conversation has ended.';
    if (conversation.agentId) return `${conversation.agentId} has the chat: the bot's cards and quick replies wait until the bot is back.`;
    if (conversation.assignment && conversation.assignment.type === 'queue')
        return 'Handed over to an agent: the bot no longer answers cards and quick replies.';
    return undefined;
}

function syncInteractive(conversation) {
    const used = new Set(conversation.used || []);
    const locked = lockReason(conversation);
    for (const holder of $('eight-chat').querySelectorAll('[data-interactive]')) {
        const wasUsed = used.has(holder.dataset.interactive);
        setUsable(holder, !wasUsed && !locked, wasUsed ? 'Already used.' : locked);
        holder.classList.toggle('used', wasUsed);
    }
}

function notice(conversation) {
    const assigned = conversation.assignment && conversation.assignment.type === 'queue';
    if (conversation.userRemoved) return 'The conversation has ended.';
    if (conversation.agentId) return `${conversation.agentId} joined the chat: the bot stays silent until they leave.`;
    if (assigned) return `You are being handed over to a human agent (queue ${conversation.assignment.id}). Accept it in the agent desk below.`;
    const last = (conversation.notices || []).at(-1);
    if (last && last.kind === 'agent-left') return last.text;
    return '';
}

export function renderEight() {
    if (!view) {
        view = new ChatView($('eight-chat'), $('eight-typing'));
        // A card or chips paced in after this render get the conversation's state too.
        view.onAppend = () => {
            const current = selectedEight();
            if (current) syncInteractive(current);
        };
    }
    $('eight-tabs').replaceChildren(
        ...side.conversations.map((c, i) =>
            el('button', {
                type: 'button',
                class: c.id === side.selected ? 'tab active' : 'tab',
                text: `${c.user && c.user.name ? c.user.name : 'Chat'} · ${i + 1}`,
                title: `${c.id}${c.user && c.user.language ? ` (${c.user.language})` : ''}`,
                'data-conversation': c.id,
                onclick: () => selectEight(c.id),
            })
        )
    );
    const conversation = selectedEight();
    if (!conversation) {
        view.clear(EMPTY);
        return;
    }
    view.show(conversation.id, items(conversation), conversation.typing || [], conversation.botTyping);
    syncInteractive(conversation);
    const text = notice(conversation);
    $('eight-notice').hidden = !text;
    $('eight-notice').textContent = text;
    $('eight-input').disabled = $('eight-send').disabled = conversation.userRemoved;
    const assigned = conversation.assignment && conversation.assignment.type === 'queue';
    $('eight-desk').hidden = conversation.userRemoved || !(assigned || conversation.agentId);
    $('eight-desk-status').textContent = conversation.agentId
        ? `You are ${conversation.agentId}, talking with the customer.`
        : 'A conversation is waiting in the queue.';
    $('eight-accept').hidden = Boolean(conversation.agentId);
    $('eight-leave').hidden = !conversation.agentId;
    $('eight-agent-form').hidden = !conversation.agentId;
}

export function wireEight(onText, onSelected) {
    $('eight-open-form').addEventListener('submit', async (event) => {
        event.preventDefault();
        const created = await act('api/8x8/conversations', { name: $('eight-name').value.trim(), locale: $('eight-locale').value.trim() });
        if (created) selectEight(created.id);
    });
    onText('eight-form', 'eight-input', selectedEight, (c, text) => act(path(c, 'messages'), { text }));
    onSelected('eight-accept', selectedEight, (c) => act(path(c, 'agent/join'), {}));
    onSelected('eight-leave', selectedEight, (c) => act(path(c, 'agent/leave'), {}));
    onText('eight-agent-form', 'eight-agent-input', selectedEight, (c, text) => act(path(c, 'agent/messages'), { text }));
}
