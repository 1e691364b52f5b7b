/* The sandbox page: plain browser JavaScript, no build step. Talks to the page API next to it (api/…). */
'use strict';

const state = { eight: { conversations: [], selected: undefined, rendered: new Map() }, lp: { conversations: [], selected: undefined, rendered: new Map() } };
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else if (value !== undefined && value !== false) node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of [].concat(children)) if (child) node.append(child);
    return node;
}

async function api(path, body) {
    const response = await fetch(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.error || `HTTP ${response.status}`);
    return json;
}

function report(err) {
    $('status').textContent = `Error: ${err.message}`;
    $('status').classList.add('error');
}

async function act(path, body) {
    try {
        const result = await api(path, body);
        await refresh();
        return result;
    } catch (err) {
        report(err);
        return undefined;
    }
}

// ---- 8x8 customer chat --------------------------------------------------------------------------------------

const QUICK_REPLIES = 'application/8x8.quick.replies';
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

function selectedEight() {
    return state.eight.conversations.find((c) => c.id === state.eight.selected);
}

function renderAdaptiveCard(content, conversationId) {
    const holder = el('div', { class: 'card', 'data-testid': 'adaptive-card' });
    try {
        const card = new AdaptiveCards.AdaptiveCard();
        card.onExecuteAction = (action) => {
            const type = action.getJsonTypeName();
            if (type === 'Action.OpenUrl') window.open(action.url, '_blank', 'noopener');
            else if (type === 'Action.Submit' || type === 'Action.Execute')
                void act(`api/8x8/conversations/${encodeURIComponent(conversationId)}/card`, { data: action.data || {} });
        };
        card.parse(content);
        holder.append(card.render());
    } catch (err) {
        holder.textContent = `Could not render the card: ${err.message}`;
    }
    return holder;
}

function renderQuickReplies(content, conversationId) {
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
                    }),
            })
        )
    );
}

function renderEightMessage(message, conversationId) {
    const who = message.authorType === 'user' ? 'You' : message.authorType === 'agent' ? `Agent (${message.authorId})` : 'Bot';
    const bubble = el('div', { class: `message ${message.authorType}`, 'data-author': message.authorType }, [el('span', { class: 'who', text: who })]);
    if (message.text) bubble.append(el('p', { class: 'text', text: message.text }));
    for (const card of message.cards || []) {
        if (card.contentType === ADAPTIVE) bubble.append(renderAdaptiveCard(card.content, conversationId));
        else if (card.contentType === QUICK_REPLIES) bubble.append(renderQuickReplies(card.content, conversationId));
        else bubble.append(el('pre', { class: 'raw', text: JSON.stringify(card, null, 1) }));
    }
    for (const file of message.attachments || []) bubble.append(el('p', { class: 'file', text: `📎 attachment ${file.id}` }));
    return bubble;
}

function renderEight() {
    const tabs = $('eight-tabs');
    tabs.replaceChildren(
        ...state.eight.conversations.map((c, i) =>
            el('button', {
                type: 'button',
                class: c.id === state.eight.selected ? 'tab active' : 'tab',
                text: `Chat ${i + 1}`,
                title: c.id,
                onclick: () => selectEight(c.id),
            })
        )
    );
    const conversation = selectedEight();
    const chat = $('eight-chat');
    if (!conversation) return;
    if (chat.dataset.conversation !== conversation.id) {
        chat.replaceChildren();
        chat.dataset.conversation = conversation.id;
        state.eight.rendered = new Map();
    }
    for (const message of conversation.messages) {
        if (state.eight.rendered.has(message.id)) continue;
        const node = renderEightMessage(message, conversation.id);
        state.eight.rendered.set(message.id, node);
        chat.append(node);
        chat.scrollTop = chat.scrollHeight;
    }
    const assigned = conversation.assignment && conversation.assignment.type === 'queue';
    const notice = $('eight-notice');
    notice.hidden = !(assigned || conversation.agentId || conversation.userRemoved);
    notice.textContent = conversation.userRemoved
        ? 'The conversation has ended.'
        : conversation.agentId
          ? `Agent ${conversation.agentId} joined the conversation; the bot stays silent until they leave.`
          : assigned
            ? `You are being handed over to a human agent (queue ${conversation.assignment.id}). Accept it in the agent desk below.`
            : '';
    $('eight-typing').hidden = !conversation.botTyping;
    $('eight-input').disabled = $('eight-send').disabled = conversation.userRemoved;
    const desk = $('eight-desk');
    desk.hidden = !(assigned || conversation.agentId);
    $('eight-desk-status').textContent = conversation.agentId
        ? `You are ${conversation.agentId}, talking with the customer.`
        : 'A conversation is waiting in the queue.';
    $('eight-accept').hidden = Boolean(conversation.agentId);
    $('eight-leave').hidden = !conversation.agentId;
    $('eight-agent-form').hidden = !conversation.agentId;
}

function selectEight(id) {
    state.eight.selected = id;
    renderEight();
}

// ---- LivePerson agent console ----------------------------------------------------------------------------------

function selectedLp() {
    return state.lp.conversations.find((c) => c.id === state.lp.selected);
}

function sendAsAgent(text) {
    const conversation = selectedLp();
    if (conversation) void act(`api/liveperson/conversations/${encodeURIComponent(conversation.id)}/messages`, { text });
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

function renderLpEvent(e, readUpTo) {
    const fromBot = e.role === 'CONSUMER';
    const bubble = el('div', { class: `message ${fromBot ? 'bot' : 'user'}`, 'data-author': fromBot ? 'connector' : 'agent' }, [
        el('span', { class: 'who', text: fromBot ? 'Connector (bot)' : 'You (agent)' }),
    ]);
    if (e.event.type === 'ContentEvent')
        bubble.append(el('p', { class: 'text', text: typeof e.event.message === 'string' ? e.event.message : JSON.stringify(e.event.message) }));
    if (e.event.type === 'RichContentEvent')
        bubble.append(el('div', { class: 'structured', 'data-testid': 'structured-content' }, [renderStructured(e.event.content)]));
    const replies = (e.event.quickReplies && e.event.quickReplies.replies) || [];
    if (replies.length > 0) {
        bubble.append(
            el(
                'div',
                { class: 'quick-replies', 'data-testid': 'quick-replies' },
                replies.map((r) => {
                    const publish = ((r.click && r.click.actions) || []).find((a) => a.type === 'publishText');
                    return el('button', { type: 'button', class: 'chip', text: r.title, onclick: () => sendAsAgent(publish ? publish.text : r.title) });
                })
            )
        );
    }
    if (!fromBot && e.sequence !== undefined) bubble.append(el('span', { class: 'receipt', text: e.sequence <= readUpTo ? 'Read ✓✓' : 'Sent ✓' }));
    return bubble;
}

function renderLp() {
    $('lp-tabs').replaceChildren(
        ...state.lp.conversations.map((c) =>
            el('button', {
                type: 'button',
                class: c.id === state.lp.selected ? 'tab active' : 'tab',
                text: `${c.consumerId}${c.state === 'CLOSE' ? ' (closed)' : ''}`,
                title: c.id,
                onclick: () => selectLp(c.id),
            })
        )
    );
    const conversation = selectedLp();
    if (!conversation) return;
    const chat = $('lp-chat');
    if (chat.dataset.conversation !== conversation.id) {
        chat.replaceChildren();
        chat.dataset.conversation = conversation.id;
        state.lp.rendered = new Map();
    }
    // Receipts change over time: re-render the agent's messages, append the rest.
    for (const e of conversation.events) {
        const key = `${e.sequence}`;
        const node = renderLpEvent(e, conversation.readUpTo);
        const old = state.lp.rendered.get(key);
        if (old) {
            if (e.role !== 'CONSUMER') old.replaceWith(node);
            else continue;
        } else {
            chat.append(node);
            chat.scrollTop = chat.scrollHeight;
        }
        state.lp.rendered.set(key, node);
    }
    const closed = conversation.state === 'CLOSE';
    $('lp-typing').hidden = !conversation.consumerComposing || closed;
    const notice = $('lp-notice');
    notice.hidden = Boolean(conversation.agentId) && !closed;
    notice.textContent = closed ? 'This conversation is closed.' : 'Waiting in the queue: accept it to talk with the bot.';
    $('lp-accept').hidden = Boolean(conversation.agentId) || closed;
    $('lp-close').hidden = closed;
    $('lp-input').disabled = $('lp-send').disabled = closed || !conversation.agentId;
}

function selectLp(id) {
    state.lp.selected = id;
    renderLp();
}

// ---- state ---------------------------------------------------------------------------------------------------

async function refresh() {
    const data = await api('api/state');
    show('eight', data.eightByEight, renderEight);
    show('lp', data.livePerson, renderLp);
}

/** One stand-in's panel: its conversations (the newest selected when none is), or hidden when it is not running. */
function show(panel, standIn, render) {
    if (!standIn) {
        $(panel).hidden = true;
        return;
    }
    const side = state[panel];
    side.conversations = standIn.conversations;
    if (!side.conversations.some((c) => c.id === side.selected) && side.conversations.length > 0)
        side.selected = side.conversations[side.conversations.length - 1].id;
    render();
}

function listen() {
    const events = new EventSource('api/events');
    events.onopen = () => {
        $('status').textContent = 'Live: the page follows both stand-ins.';
        $('status').classList.remove('error');
    };
    events.onmessage = () => void refresh().catch(report);
    events.onerror = () => {
        $('status').textContent = 'Reconnecting…';
    };
}

/** Runs `action` with the selected conversation of a panel, if there is one. */
function onSelected(id, selected, action) {
    $(id).addEventListener('click', () => {
        const conversation = selected();
        if (conversation) void action(conversation);
    });
}

/** Wires a text form: on submit, sends the input's text (then clears it) for the selected conversation. */
function onText(formId, inputId, selected, send) {
    $(formId).addEventListener('submit', (event) => {
        event.preventDefault();
        const input = $(inputId);
        const conversation = selected();
        if (!conversation || !input.value.trim()) return;
        const text = input.value;
        input.value = '';
        void send(conversation, text);
    });
}

function wire() {
    const eightPath = (c, action) => `api/8x8/conversations/${encodeURIComponent(c.id)}/${action}`;
    const lpPath = (c, action) => `api/liveperson/conversations/${encodeURIComponent(c.id)}/${action}`;
    $('eight-new').addEventListener('click', async () => {
        const created = await act('api/8x8/conversations', {});
        if (created) selectEight(created.id);
    });
    onText('eight-form', 'eight-input', selectedEight, (c, text) => act(eightPath(c, 'messages'), { text }));
    onSelected('eight-accept', selectedEight, (c) => act(eightPath(c, 'agent/join'), {}));
    onSelected('eight-leave', selectedEight, (c) => act(eightPath(c, 'agent/leave'), {}));
    onText('eight-agent-form', 'eight-agent-input', selectedEight, (c, text) => act(eightPath(c, 'agent/messages'), { text }));
    $('lp-open-form').addEventListener('submit', async (event) => {
        event.preventDefault();
        const consumerId = $('lp-consumer').value.trim();
        const text = $('lp-first').value.trim();
        const opened = await act('api/liveperson/conversations', text ? { consumerId, text } : { consumerId });
        if (opened) selectLp(opened.conversationId);
    });
    onSelected('lp-accept', selectedLp, (c) => act(lpPath(c, 'join'), {}));
    onSelected('lp-close', selectedLp, (c) => act(lpPath(c, 'close'), {}));
    onText('lp-form', 'lp-input', selectedLp, (c, text) => {
        const quickReplies = $('lp-replies')
            .value.split(',')
            .map((r) => r.trim())
            .filter(Boolean);
        $('lp-replies').value = '';
        return act(lpPath(c, 'messages'), { text, quickReplies });
    });
}

wire();
refresh().catch(report);
listen();
