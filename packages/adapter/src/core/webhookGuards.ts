import { WebhookRequestError } from './errors';
import type { Logger } from './logger';

/**
 * Refuses (403) a signed webhook whose account/tenant header names one this bot does not serve. With `allowed`
 * undefined, every value passes (the vendor's signature already proved who sent it).
 *
 * @param header The header's name, for the error message.
 * @param what What the header identifies, e.g. "account".
 */
export function checkHeaderAllowed(header: string, value: string | undefined, allowed: readonly string[] | undefined, what: string): void {
    if (allowed === undefined || allowed.includes(value ?? '')) return;
    throw new WebhookRequestError(403, value ? `${header} "${value}" is not this bot's ${what}.` : `Missing ${header} header.`);
}

/** The start-up warning of an adapter whose webhook signatures are not verified. */
export function warnIfSignaturesOff(logger: Logger, owner: string, verifySignatures: boolean): void {
    if (verifySignatures) return;
    logger.warn(
        `${owner}: webhook signature verification is OFF (verifySignatures: false). Anyone who can reach the webhook URL can drive the bot. ` +
            'Never run like this in production.'
    );
}
