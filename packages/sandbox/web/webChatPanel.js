/*
 * The Web Chat customer: a Bot Framework channel (Emulator-style) on the bot's POST /api/messages. The page's server
 * posts the customer's activities there; the bot's replies come back to the page's Bot Connector stand-in. Shows
 * text, typing, suggested actions (a click sends the value back), hero and thumbnail cards, Adaptive Cards and files.
 */
import { renderAdaptiveCard, setUsable } from './adaptiveCard.js';
import { ChatView } from './chatView.js';
import { $, act, el } from './dom.js';

const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';
const HERO = /^application\/vnd\.microsoft\.card\.(hero|thumbnail)$/;
const EMPTY = 'Start a conversation: the bot greets you. Say `agent` to talk with the LivePerson agent console.';

const side = { conversations: [], selected: undefined };
let view;

const path = (c) => `api/webchat/conversations/${encodeURIComponent(c.id)}/messages`;

export function selectedWebChat() {
    return side.conversations.find((c) => c.id === side.selected);
}

function select(id) {
    side.selected = id;
    renderWebChat();
}

export function updateWebChat(conversations) {
    side.conversations = conversations;
    if (!conversations.some((c) => c.id === side.selected) && conversations.length > 0) side.selected = conversations[conversations.length - 1].id;
    renderWebChat();
}

/** The customer clicks a button: imBack / messageBack send its text (or title), postBack its value. */
function clickAction(conversation, messageId, action) {
    if (action.type === 'openUrl' || action.type === 'downloadFile' || action.type === 'playAudio') {
        window.open(action.value, '_blank', 'noopener');
        return;
    }
    const text = typeof action.value === 'string' && action.type !== 'postBack' ? action.value : action.text || action.title || '';
    const value = action.type === 'postBack' || action.type === 'messageBack' ? action.value : undefined;
    void act(path(conversation), { text, ...(value !== undefined && typeof value !== 'string' ? { value } : {}), messageId });
}

function buttons(conversation, messageId, actions, testId) {
    return el(
        'div',
        { class: 'quick-replies', 'data-testid': testId },
        actions.map((a) =>
            el('button', { type: 'button', class: 'chip', text: a.title || String(a.value), onclick: () => clickAction(conversation, messageId, a) })
        )
    );
}

function heroCard(conversation, messageId, content) {
    return el('div', { class: 'card hero', 'data-testid': 'hero-card' }, [
        ...(content.images || []).map((image) => el('img', { class: 'sc-image', src: image.url, alt: image.alt || '' })),
        content.title ? el('p', { class: 'sc-text bold', text: content.title }) : null,
        content.subtitle ? el('p', { class: 'sc-text muted', text: content.subtitle }) : null,
        content.text ? el('p', { class: 'sc-text', text: content.text }) : null,
        (content.buttons || []).length > 0 ? buttons(conversation, messageId, content.buttons, 'card-buttons') : null,
    ]);
}

function attachment(conversation, activity, a) {
    let node;
    if (a.contentType === ADAPTIVE)
        node = renderAdaptiveCard(a.content, (data) => void act(path(conversation), { text: '', value: data, messageId: activity.id }));
    else if (HERO.test(a.contentType)) node = heroCard(conversation, activity.id, a.content || {});
    else if (a.contentUrl)
        node = el('p', { class: 'file', 'data-testid': 'attachment' }, [
            el('a', { href: a.contentUrl, target: '_blank', rel: 'noopener', text: `📎 ${a.name || a.contentType}` }),
        ]);
    else node = el('pre', { class: 'raw', text: JSON.stringify(a, null, 1) });
    node.dataset.interactive = activity.id;
    return node;
}

function renderEntry(conversation, entry) {
    const a = entry.activity;
    if (a.type === 'endOfConversation') return el('p', { class: 'system ended', 'data-testid': 'chat-notice', text: 'The bot ended the conversation.' });
    const mine = entry.from === 'user';
    const bubble = el('div', { class: `message ${mine ? 'user' : 'bot'}`, 'data-author': mine ? 'user' : 'bot' }, [
        el('span', { class: 'who', text: mine ? 'You' : (a.from && a.from.name) || 'Bot' }),
    ]);
    if (a.text) bubble.append(el('p', { class: 'text', text: a.text }));
    for (const item of a.attachments || []) bubble.append(attachment(conversation, a, item));
    const suggested = (a.suggestedActions && a.suggestedActions.actions) || [];
    if (suggested.length > 0) {
        const chips = buttons(conversation, a.id, suggested, 'suggested-actions');
        chips.dataset.interactive = a.id;
        bubble.append(chips);
    }
    return bubble;
}

/** Cards and chips: usable once, and suggested actions only on the newest message (as Web Chat does). */
function syncInteractive(conversation) {
    const used = new Set(conversation.used || []);
    const messages = conversation.entries.filter((e) => e.activity.type === 'message');
    const last = messages.at(-1);
    for (const holder of $('webchat-chat').querySelectorAll('[data-interactive]')) {
        const id = holder.dataset.interactive;
        const stale = holder.dataset.testid === 'suggested-actions' && (!last || last.id !== id);
        setUsable(holder, !used.has(id) && !stale, used.has(id) ? 'Already used.' : 'Suggested actions are for the newest message only.');
        holder.classList.toggle('used', used.has(id));
    }
}

export function renderWebChat() {
    if (!view) {
        view = new ChatView($('webchat-chat'), $('webchat-typing'));
        view.onAppend = () => {
            const current = selectedWebChat();
            if (current) syncInteractive(current);
        };
    }
    $('webchat-tabs').replaceChildren(
        ...side.conversations.map((c) =>
            el('button', {
                type: 'button',
                class: c.id === side.selected ? 'tab active' : 'tab',
                text: c.user.name,
                title: c.id,
                onclick: () => select(c.id),
            })
        )
    );
    const conversation = selectedWebChat();
    $('webchat-input').disabled = $('webchat-send').disabled = !conversation;
    if (!conversation) {
        view.clear(EMPTY.replace(/`/g, '"'));
        return;
    }
    const shown = conversation.entries.filter((e) => e.activity.type === 'message' || e.activity.type === 'endOfConversation');
    const items = shown.map((e) => ({ key: `a-${e.id}`, at: e.at, fromBot: e.from === 'bot', render: () => renderEntry(conversation, e) }));
    const typing = conversation.entries.filter((e) => e.from === 'bot' && e.activity.type === 'typing').map((e) => e.at);
    // "Typing" is up from the bot's typing activity until its next message (or for 3 s).
    const lastTyping = typing.at(-1);
    const lastMessage = shown.filter((e) => e.from === 'bot').at(-1);
    const typingNow = lastTyping !== undefined && (!lastMessage || lastMessage.at < lastTyping) && Date.now() - lastTyping < 3000;
    view.show(conversation.id, items, typing, typingNow);
    if (typingNow) setTimeout(renderWebChat, 3000 - (Date.now() - lastTyping) + 50);
    syncInteractive(conversation);
}

export function wireWebChat(onText) {
    $('webchat-open-form').addEventListener('submit', async (event) => {
        event.preventDefault();
        const opened = await act('api/webchat/conversations', { name: $('webchat-name').value.trim() });
        if (opened) select(opened.id);
    });
    onText('webchat-form', 'webchat-input', selectedWebChat, (c, text) => act(path(c), { text }));
}
