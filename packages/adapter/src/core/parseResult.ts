import { WebhookRequestError } from './errors';
import type { Logger } from './logger';

/**
 * What a vendor's webhook parser gives, the same for every vendor: the parsed event(s); a type this library does not
 * know (vendors add types over time: answered 200 and logged, never an error); or a body that breaks the vendor's
 * documented shape (400, with what is wrong).
 */
export type WebhookParseResult<T> = { kind: 'parsed'; value: T } | { kind: 'unknown'; type: string } | { kind: 'invalid'; problem: string };

/**
 * The parsed value; `undefined` (after an info line) for an unknown type; a {@link WebhookRequestError} 400 naming
 * the problem for an invalid body.
 *
 * @param label How messages name the vendor and its webhook body: `{ vendor: '8x8', what: '8x8 webhook' }`.
 */
export function acceptParsed<T>(result: WebhookParseResult<T>, label: { vendor: string; what: string }, logger: Logger): T | undefined {
    if (result.kind === 'invalid') throw new WebhookRequestError(400, `Invalid ${label.what}: ${result.problem}.`);
    if (result.kind === 'unknown') {
        logger.info(`${label.vendor}: ignored a webhook of unknown type "${result.type}".`);
        return undefined;
    }
    return result.value;
}
