/* The protocol inspector's list: every webhook and vendor API call, newest first, filtered; the detail is inspectorDetail.js. */
import { $, act, api, clock, el, report } from './dom.js';
import { renderDetail } from './inspectorDetail.js';

const log = { epoch: undefined, rev: 0, entries: new Map(), selected: undefined, loading: false, again: false };

const VENDOR = { '8x8': '8x8', liveperson: 'LivePerson' };

/** Fetches what changed since the last look, then redraws. Overlapping calls are folded into one more round. */
export async function refreshInspector() {
    if (log.loading) {
        log.again = true;
        return;
    }
    log.loading = true;
    try {
        do {
            log.again = false;
            const changes = await api(`api/inspector?since=${log.epoch === undefined ? 0 : log.rev}`);
            if (changes.epoch !== log.epoch) {
                log.entries = new Map();
                log.epoch = changes.epoch;
                if (log.selected !== undefined) log.selected = undefined;
            }
            for (const entry of changes.entries) log.entries.set(entry.id, entry);
            log.rev = changes.rev;
            while (log.entries.size > 1000) log.entries.delete(log.entries.keys().next().value);
        } while (log.again);
        render();
    } catch (err) {
        report(err);
    } finally {
        log.loading = false;
    }
}

export function entry(id) {
    return log.entries.get(id);
}

export function select(id) {
    log.selected = id;
    render();
}

/** Echoes of the bot's own messages and read receipts: hidden unless asked for. */
function isNoise(e) {
    if (e.kind === 'call') return /^receipt|read receipt|chat state ACTIVE/.test(e.operation);
    if (e.vendor === '8x8') return e.eventType === 'MESSAGE (echo)';
    const changes = (e.body && e.body.body && e.body.body.changes) || [];
    return (
        e.eventType === 'ms.MessagingEventNotification' &&
        changes.length > 0 &&
        changes.every((c) => c.originatorMetadata && c.originatorMetadata.role === 'CONSUMER')
    );
}

function visible(e) {
    const conversation = $('inspector-conversation').value;
    if (conversation === '-' ? e.conversationId : conversation && e.conversationId !== conversation) return false;
    if (e.kind === 'webhook' && !$('inspector-webhooks').checked) return false;
    if (e.kind === 'call' && !$('inspector-calls').checked) return false;
    return $('inspector-echoes').checked || !isNoise(e);
}

function tags(e) {
    const list = [];
    if (e.kind === 'call') {
        if (e.injected) list.push(['fault', `injected: ${e.injected}`]);
        if (e.fault) list.push(['fault', `random fault: ${e.fault}`]);
        if (e.retryOf !== undefined) list.push(['retry', `retry ${e.attempt - 1} of #${e.retryOf}`]);
    } else {
        if (e.replayOf !== undefined) list.push(['replay', `${e.tampered ? 'tampered ' : ''}replay of #${e.replayOf}`]);
        if (e.duplicateOf !== undefined) {
            const verdict = { checking: 'watching the bot…', 'not-run': 'de-duplicated: the bot did not run again', ran: 'the bot ran again!' }[e.dedup] || '';
            list.push([e.dedup === 'ran' ? 'bad' : 'dedup', `duplicate of #${e.duplicateOf}: ${verdict}`]);
        }
        if (!e.signature.valid) list.push(['bad', 'signature does not match']);
        if (e.status >= 400 && e.response && e.response.error) list.push(['bad', e.response.error]);
    }
    return list.map(([kind, text]) => el('span', { class: `tag ${kind}`, text }));
}

/** A path with its long ids cut, for the list (the detail has them whole). */
function shortIds(path) {
    return path.replace(/[A-Za-z0-9_-]*[0-9a-f]{8}-[0-9a-f-]{20,}|[0-9a-f]{32,}/g, (id) => `${id.slice(0, 12)}…`);
}

function statusClass(e) {
    if (e.status === 0) return 'none';
    if (e.status >= 500 || e.status === 429 || e.status === 408) return 'fail';
    if (e.status >= 400) return 'refused';
    return 'ok';
}

function row(e) {
    const webhook = e.kind === 'webhook';
    return el(
        'li',
        {
            class: `entry ${e.kind}${e.id === log.selected ? ' selected' : ''}`,
            'data-id': String(e.id),
            'data-testid': 'inspector-entry',
            tabindex: '0',
            onclick: () => select(e.id),
            onkeydown: (event) => event.key === 'Enter' && select(e.id),
        },
        [
            el('span', { class: 'id', text: `#${e.id}` }),
            el('span', { class: 'time', text: clock(e.at) }),
            el('span', { class: `vendor v-${e.vendor}`, text: VENDOR[e.vendor] }),
            el('span', { class: 'dir', text: webhook ? 'webhook' : 'API call', title: webhook ? 'The vendor called your bot' : 'Your bot called the vendor' }),
            el('span', { class: 'what', text: webhook ? e.eventType : `${e.operation}` }),
            el('span', { class: 'summary', text: webhook ? e.summary || '' : `${e.method} ${shortIds(e.path)}`, title: webhook ? '' : e.path }),
            el('span', { class: `status s-${statusClass(e)}`, text: e.status === 0 ? 'no answer' : String(e.status) }),
            el('span', { class: 'ms', text: e.status === 0 ? '—' : `${e.durationMs} ms` }),
            el('span', { class: 'tags' }, tags(e)),
        ]
    );
}

function conversationOptions(all) {
    const select = $('inspector-conversation');
    const current = select.value;
    const seen = new Map();
    for (const e of all) if (e.conversationId && !seen.has(e.conversationId)) seen.set(e.conversationId, e.vendor);
    const options = [
        el('option', { value: '', text: 'All' }),
        ...[...seen].map(([id, vendor]) => el('option', { value: id, text: `${VENDOR[vendor]} ${id.length > 14 ? `${id.slice(0, 13)}…` : id}`, title: id })),
        el('option', { value: '-', text: 'None (keys, tokens, discovery)' }),
    ];
    const same = select.options.length === options.length && options.every((o, i) => select.options[i].value === o.value);
    if (!same) {
        select.replaceChildren(...options);
        select.value = [...select.options].some((o) => o.value === current) ? current : '';
    }
}

function render() {
    const all = [...log.entries.values()];
    conversationOptions(all);
    const shown = all.filter(visible).reverse();
    const hiddenNoise = all.filter((e) => !$('inspector-echoes').checked && isNoise(e)).length;
    $('inspector-echoes-text').textContent = `Echoes and receipts${hiddenNoise ? ` (${hiddenNoise} hidden)` : ''}`;
    $('inspector-list').replaceChildren(
        ...(shown.length ? shown.map(row) : [el('li', { class: 'muted empty-list', text: 'Nothing yet: talk with the bot above.' })])
    );
    renderDetail(log.entries.get(log.selected));
}

/** Shows the conversation's traffic (e.g. after selecting a chat). */
export function filterConversation(id) {
    $('inspector-conversation').value = id;
    render();
}

export function updateFaults(faults) {
    const pending = Object.entries(faults || {}).flatMap(([vendor, list]) => list.map((f) => `${f.remaining} × ${f.description} on ${VENDOR[vendor]}`));
    $('fault-pending').textContent = pending.length ? `Pending: ${pending.join('; ')}` : 'No fault pending.';
}

export function wireInspector() {
    for (const id of ['inspector-conversation', 'inspector-webhooks', 'inspector-calls', 'inspector-echoes']) $(id).addEventListener('change', render);
    $('fault-form').addEventListener('submit', (event) => {
        event.preventDefault();
        void act('api/faults', {
            vendor: $('fault-vendor').value,
            kind: $('fault-kind').value,
            count: Number($('fault-count').value),
            calls: $('fault-calls').value,
        });
    });
    $('fault-clear').addEventListener('click', () => void act('api/faults/clear', {}));
}
