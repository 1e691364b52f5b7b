/* Small helpers shared by the page's modules: elements, the page API, errors, timing. */

export const $ = (id) => document.getElementById(id);

/** An element with properties (`class`, `text`, `on<event>`, attributes) and children. */
export function el(tag, props = {}, children = []) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else if (key === 'disabled' || key === 'checked' || key === 'value') node[key] = value;
        else if (value !== undefined && value !== false) node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of [].concat(children)) if (child !== undefined && child !== null && child !== false) node.append(child);
    return node;
}

/** GET (no body) or POST (JSON) to the page API; throws with the API's error message. */
export async function api(path, body) {
    const response = await fetch(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.error || `HTTP ${response.status}`);
    return json;
}

export function report(err) {
    $('status').textContent = `Error: ${err.message}`;
    $('status').classList.add('error');
}

let refresher = async () => {};

/** What `act` runs after an action: the page's refresh. */
export function onRefresh(refresh) {
    refresher = refresh;
}

/** Runs a page action, then refreshes; reports a failure and resolves with undefined. */
export async function act(path, body) {
    try {
        const result = await api(path, body);
        await refresher();
        return result;
    } catch (err) {
        report(err);
        return undefined;
    }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A hint's text as nodes: words in `backquotes` become <kbd>. */
export function hintNodes(text) {
    return String(text)
        .split('`')
        .map((part, i) => (i % 2 === 1 ? el('kbd', { text: part }) : document.createTextNode(part)));
}

/** `12:03:04.567` */
export function clock(ms) {
    const d = new Date(ms);
    const two = (n) => String(n).padStart(2, '0');
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Copies text to the clipboard; resolves with whether it could. */
export async function copyText(text) {
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
}
