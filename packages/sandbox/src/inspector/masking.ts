/**
 * Keeps credentials out of what the inspector shows: the API key, the client secret, and every token the stand-ins
 * issued (AppJWTs, ConsumerJWSs) are replaced with `[masked: …]` wherever they appear — in headers, JSON bodies,
 * form bodies and text — before an entry is stored, so no page request can ever read them.
 *
 * Three nets, each enough on its own for what it covers: headers and JSON keys that carry credentials by name, the
 * secret values the stand-ins were configured with and the tokens seen in their answers (also URL-encoded), and any
 * JWT-shaped string.
 */

/** Request and response headers that carry credentials. */
const SECRET_HEADERS = new Map([
    ['x-api-key', 'API key'],
    ['authorization', 'token'],
    ['x-lp-on-behalf', 'ConsumerJWS'],
    ['cookie', 'cookie'],
    ['set-cookie', 'cookie'],
]);

/** JSON keys (and form fields) whose values are credentials. */
const SECRET_KEYS = new Map([
    ['apikey', 'API key'],
    ['api_key', 'API key'],
    ['client_secret', 'client secret'],
    ['clientsecret', 'client secret'],
    ['access_token', 'token'],
    ['refresh_token', 'token'],
    ['token', 'token'],
    ['jwt', 'token'],
    ['temp_url_sig', 'temporary URL signature'],
]);

/** Three base64url segments, the first a JSON object (`eyJ`): a JWT or JWS. */
const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;

const masked = (label: string) => `[masked: ${label}]`;

export class SecretMasker {
    /** Secret value → what it is. */
    private readonly secrets = new Map<string, string>();

    /** A value never to show (and its URL-encoded form), e.g. the API key. Values shorter than 4 characters are ignored. */
    add(value: string | undefined, label: string): void {
        if (!value || value.length < 4) return;
        this.secrets.set(value, label);
        this.secrets.set(encodeURIComponent(value), label);
        this.secrets.set(new URLSearchParams({ v: value }).toString().slice(2), label);
    }

    /** Remembers the tokens an answer hands out (`access_token`, `token`…), so they are masked wherever they appear later. */
    learn(body: unknown): void {
        walk(body, (key, value) => {
            const label = SECRET_KEYS.get(key.toLowerCase());
            if (label && typeof value === 'string') this.add(value, label);
        });
    }

    /** A text with every known secret and every JWT-shaped string masked. */
    text(text: string): string {
        let out = text.replace(JWT, masked('token'));
        for (const [value, label] of this.secrets) if (out.includes(value)) out = out.split(value).join(masked(label));
        return out;
    }

    /** A copy of a JSON value with credential-named keys and every secret inside strings masked. */
    json(value: unknown): unknown {
        if (typeof value === 'string') return this.text(value);
        if (Array.isArray(value)) return value.map((item) => this.json(item));
        if (value && typeof value === 'object') {
            return Object.fromEntries(
                Object.entries(value).map(([key, item]) => {
                    const label = SECRET_KEYS.get(key.toLowerCase());
                    return [key, label && item !== undefined && item !== null && item !== '' ? masked(label) : this.json(item)];
                })
            );
        }
        return value;
    }

    /** A form body (`a=1&client_secret=…`) with credential fields and secrets masked. */
    form(text: string): string {
        return this.text(
            text
                .split('&')
                .map((pair) => {
                    const [key] = pair.split('=', 1);
                    const label = SECRET_KEYS.get(decodeSafely(key).toLowerCase());
                    return label ? `${key}=${masked(label)}` : pair;
                })
                .join('&')
        );
    }

    /** Headers as strings, credentials masked. */
    headers(headers: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(headers ?? {})) {
            if (value === undefined) continue;
            const label = SECRET_HEADERS.get(name.toLowerCase());
            const text = Array.isArray(value) ? value.join(', ') : String(value);
            out[name] = label ? masked(label) : this.text(text);
        }
        return out;
    }

    /** A request or response body as the inspector keeps it: JSON masked, a form masked, other text masked and cut. */
    body(body: unknown, contentType = ''): unknown {
        if (body === undefined || body === null || body === '') return undefined;
        if (Buffer.isBuffer(body)) return `(${body.length} bytes)`;
        if (typeof body !== 'string') return this.json(body);
        if (contentType.startsWith('application/x-www-form-urlencoded') || /^[\w.%-]+=[^&]*(&[\w.%-]+=[^&]*)*$/.test(body)) return this.form(body);
        const trimmed = body.trim();
        if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
            try {
                return this.json(JSON.parse(trimmed));
            } catch {
                // not JSON after all: masked as text
            }
        }
        if (body.length > 4000 || looksBinary(body)) return `(${Buffer.byteLength(body)} bytes, not shown)`;
        return this.text(body);
    }
}

/** Control characters other than tab, line feed, vertical tab, form feed and carriage return: bytes, not text. */
function looksBinary(text: string): boolean {
    for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code < 0x20 && (code < 0x09 || code > 0x0d)) return true;
    }
    return false;
}

function decodeSafely(text: string): string {
    try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
        return text;
    }
}

/** Calls `visit` with every key and value inside a JSON value. */
function walk(value: unknown, visit: (key: string, value: unknown) => void, depth = 0): void {
    if (depth > 20 || !value || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
        visit(key, item);
        walk(item, visit, depth + 1);
    }
}
