import { ActivityMappingError, type ContactCenterError } from './errors';

/**
 * Identifiers from webhooks (conversation, dialog, user and file ids) end up in URL paths and storage keys, which
 * need well-formed Unicode: a lone surrogate (half of a UTF-16 pair, e.g. `"\ud800"` in JSON) makes
 * `encodeURIComponent` throw a URIError and cannot be written as UTF-8. The parsers refuse such ids with a 400; the
 * path builders use {@link encodePathSegment}, which refuses them with a typed error instead of a URIError.
 */

/** Matches a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` is well-formed Unicode (no lone surrogate): `String.prototype.isWellFormed` where Node has it. */
export function isWellFormedText(value: string): boolean {
    const native = (value as { isWellFormed?: () => boolean }).isWellFormed;
    return typeof native === 'function' ? native.call(value) : !LONE_SURROGATE.test(value);
}

/** What the parsers' 400 answers say about an id that is not well-formed. */
export const NOT_WELL_FORMED = 'must be well-formed Unicode (it has a lone surrogate)';

/**
 * `encodeURIComponent` for one URL path segment that never throws a URIError: a value that is not well-formed
 * Unicode is an {@link ActivityMappingError} (or `ErrorType`, e.g. `ConfigurationError` for an option), which no retry
 * can fix, so the event is dropped, logged and counted rather than answered 500 and redelivered forever. The message
 * names `what` and the value, its lone surrogate escaped.
 */
export function encodePathSegment(value: string, what: string, ErrorType: new (message: string) => ContactCenterError = ActivityMappingError): string {
    if (!isWellFormedText(value)) {
        throw new ErrorType(`${what} "${forLog(value)}" is not well-formed Unicode (it has a lone surrogate): it cannot be put in a URL.`);
    }
    return encodeURIComponent(value);
}

/**
 * A string from a webhook as it may appear in a log line or an answer: control characters and lone surrogates escaped
 * (JSON-style, without the quotes), at most `max` characters (then `…`), so a signed but odd body cannot forge log
 * lines or fill them with megabytes.
 */
export function forLog(value: string, max = 100): string {
    const short = value.length > max ? `${value.slice(0, max)}…` : value;
    return JSON.stringify(short).slice(1, -1);
}
