/* The protocol inspector's detail: one webhook or API call whole, with copy-as-curl, replay and tampering for webhooks. */
import { $, act, clock, copyText, el } from './dom.js';
import { jsonView } from './jsonView.js';

const VENDOR = { '8x8': '8x8', liveperson: 'LivePerson' };
let shown = { id: undefined, rev: undefined };
/** The tamper editor's draft per webhook, kept across redraws. */
const drafts = new Map();

function fact(name, value, testid) {
    return [el('dt', { text: name }), el('dd', testid ? { 'data-testid': testid } : {}, [value])];
}

function section(title, content) {
    return el('section', { class: 'detail-section' }, [el('h4', { text: title }), content]);
}

function answerText(e) {
    if (e.status !== 0) return `${e.status} in ${e.durationMs} ms`;
    if (typeof e.response === 'string') return `no answer (${e.response})`;
    return e.injected === 'hang' || e.fault === 'hang' ? 'no answer: the connection was held until the bot gave up' : 'no answer: the connection was reset';
}

function dedupText(e) {
    if (e.duplicateOf === undefined) return undefined;
    const what = e.vendor === '8x8' ? 'the same x-8x8-event-id' : 'the same dialog and sequence';
    const verdict = {
        checking: 'watching the vendor calls of its conversation…',
        'not-run': 'de-duplicated: the bot answered 200 and did not run again (no vendor call for this conversation followed within 2 s).',
        ran: 'the bot made vendor calls for this conversation right after: it may have run the event again.',
    }[e.dedup];
    return `Duplicate of #${e.duplicateOf} (${what}, which the bot had accepted): ${verdict}`;
}

function webhookDetail(e) {
    const draft = drafts.get(e.id) || { body: e.bodyText, breakSignature: false, open: false };
    drafts.set(e.id, draft);
    const curl = el('details', { class: 'curl' }, [el('summary', { text: 'curl' }), el('pre', { 'data-testid': 'curl', text: e.curl })]);
    const copied = el('span', { class: 'muted' });
    const editor = el('div', { class: 'tamper', hidden: !draft.open }, [
        el('label', { text: 'Body to send (the signature stays the original one)' }),
        el('textarea', { id: 'tamper-body', rows: '8', spellcheck: 'false', value: draft.body, oninput: (event) => (draft.body = event.target.value) }),
        el('label', { class: 'check' }, [
            el('input', {
                type: 'checkbox',
                id: 'tamper-signature',
                checked: draft.breakSignature,
                onchange: (event) => (draft.breakSignature = event.target.checked),
            }),
            ' Break the signature (one character changed)',
        ]),
        el('button', {
            type: 'button',
            id: 'tamper-send',
            text: 'Send tampered',
            onclick: () => replay(e, { body: draft.body, breakSignature: draft.breakSignature }),
        }),
    ]);
    const signature = el('span', { class: e.signature.valid ? 'good' : 'bad', text: `${e.signature.valid ? '✓' : '✗'} ${e.signature.text}` });
    const dedup = dedupText(e);
    return [
        el('h3', { text: `Webhook #${e.id} · ${VENDOR[e.vendor]} ${e.eventType}` }),
        el('p', { class: 'muted', text: `POST ${e.url}` }),
        el('dl', { class: 'facts' }, [
            ...fact('Conversation', e.conversationId || '—'),
            ...(e.eventId ? fact('Event id', e.eventId) : []),
            ...fact('Delivery', e.replayOf !== undefined ? `${e.tampered ? 'tampered ' : ''}replay of #${e.replayOf}` : `attempt ${e.attempt}`),
            ...fact('Sent at', clock(e.at)),
            ...fact('Signature', signature, 'signature-verdict'),
            ...fact('Bot answered', answerText(e), 'bot-answer'),
            ...(e.status >= 400 && e.response && e.response.error ? fact('Why', e.response.error, 'answer-why') : []),
            ...(dedup ? fact('Duplicate', dedup, 'dedup') : []),
        ]),
        el('div', { class: 'detail-actions' }, [
            el('button', {
                type: 'button',
                id: 'copy-curl',
                text: 'Copy as curl',
                onclick: async () => {
                    curl.open = true;
                    copied.textContent = (await copyText(e.curl)) ? 'Copied.' : 'Select the command below and copy it.';
                },
            }),
            el('button', { type: 'button', id: 'replay', class: 'primary', text: `Replay as ${VENDOR[e.vendor]} would`, onclick: () => replay(e, {}) }),
            el('button', {
                type: 'button',
                id: 'tamper',
                text: 'Tamper…',
                onclick: () => {
                    draft.open = !draft.open;
                    editor.hidden = !draft.open;
                },
            }),
            copied,
        ]),
        curl,
        editor,
        section('Headers', jsonView(e.headers)),
        section('Body', jsonView(e.body)),
        section(`Answer: ${answerText(e)}`, jsonView(e.response)),
    ];
}

function callDetail(e) {
    return [
        el('h3', { text: `API call #${e.id} · ${VENDOR[e.vendor]} ${e.operation}` }),
        el('p', { class: 'muted', text: `${e.method} ${e.path}` }),
        el('dl', { class: 'facts' }, [
            ...fact('Conversation', e.conversationId || '—'),
            ...fact('At', clock(e.at)),
            ...fact('Answered', answerText(e), 'call-answer'),
            ...(e.retryOf !== undefined ? fact('Retry', `attempt ${e.attempt}: repeats #${e.retryOf}, which failed`) : []),
            ...(e.injected ? fact('Injected fault', e.injected) : []),
            ...(e.fault ? fact('Random fault', e.fault) : []),
        ]),
        section('Request headers', jsonView(e.headers)),
        section('Request body', jsonView(e.body)),
        ...(e.response ? [section('Response headers', jsonView(e.response.headers)), section('Response body', jsonView(e.response.body))] : []),
    ];
}

async function replay(e, edit) {
    const result = await act(`api/inspector/webhooks/${e.id}/replay`, edit);
    if (result && result.entryId !== undefined) {
        const { select } = await import('./inspector.js');
        select(result.entryId);
    }
}

/** Shows entry `e` (undefined: nothing selected); redraws only when it changed. */
export function renderDetail(e) {
    if (e && shown.id === e.id && shown.rev === e.rev) return;
    shown = { id: e && e.id, rev: e && e.rev };
    const pane = $('inspector-detail');
    if (!e) {
        pane.replaceChildren(el('p', { class: 'muted', text: 'Select a webhook or an API call.' }));
        return;
    }
    pane.replaceChildren(...(e.kind === 'webhook' ? webhookDetail(e) : callDetail(e)));
}
