/* The sandbox page: plain browser JavaScript modules, no build step. Talks to the page API next to it (api/…). */
import { $, act, api, hintNodes, onRefresh, report } from './dom.js';
import { updateEight, wireEight } from './eightPanel.js';
import { refreshInspector, updateFaults, wireInspector } from './inspector.js';
import { updateLp, wireLp } from './lpPanel.js';
import { updateWebChat, wireWebChat } from './webChatPanel.js';

const DEFAULT_HINT = 'Chat with your bot as an 8x8 customer and as a LivePerson agent.';
let refreshing = false;
let again = false;

/** Fetches the state and redraws; calls that overlap are folded into one more round. */
async function refresh() {
    if (refreshing) {
        again = true;
        return;
    }
    refreshing = true;
    try {
        do {
            again = false;
            const data = await api('api/state');
            $('hint').replaceChildren(...hintNodes(data.hint || DEFAULT_HINT));
            show('eight', data.eightByEight, updateEight);
            show('webchat', data.webChat, updateWebChat);
            show('lp', data.livePerson, updateLp);
            updateFaults(data.faults);
            await refreshInspector();
        } while (again);
    } finally {
        refreshing = false;
    }
}

/** One stand-in's panel, or hidden when it is not running. */
function show(panel, standIn, update) {
    $(panel).hidden = !standIn;
    if (standIn) update(standIn.conversations);
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

onRefresh(refresh);
wireEight(onText, onSelected);
wireWebChat(onText);
wireLp(onText, onSelected);
wireInspector();
$('reset').addEventListener('click', () => void act('api/reset', {}));
refresh().catch(report);
listen();
