/* A JSON viewer: objects and arrays fold (the first levels open), values coloured by type. */
import { el } from './dom.js';

/** A viewer of `value`; levels deeper than `openDepth` start folded. Text that is not JSON is shown as it is. */
export function jsonView(value, openDepth = 3) {
    if (value === undefined || value === null || value === '') return el('p', { class: 'json-empty', text: value === null ? 'null' : '(empty)' });
    if (typeof value === 'string') return el('pre', { class: 'json-text', text: value });
    return el('div', { class: 'json' }, [node(undefined, value, 0, openDepth)]);
}

function node(key, value, depth, openDepth) {
    const label = key === undefined ? [] : [el('span', { class: 'json-key', text: key }), ': '];
    if (value !== null && typeof value === 'object') {
        const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item]) : Object.entries(value);
        const preview = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
        if (entries.length === 0)
            return el('div', { class: 'json-row' }, [...label, el('span', { class: 'json-punct', text: Array.isArray(value) ? '[]' : '{}' })]);
        return el('details', { class: 'json-node', open: depth < openDepth }, [
            el('summary', {}, [...label, el('span', { class: 'json-punct', text: preview })]),
            el(
                'div',
                { class: 'json-children' },
                entries.map(([k, v]) => node(k, v, depth + 1, openDepth))
            ),
        ]);
    }
    const type = value === null ? 'null' : typeof value;
    return el('div', { class: 'json-row' }, [...label, el('span', { class: `json-${type}`, text: type === 'string' ? JSON.stringify(value) : String(value) })]);
}
