import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRequestError } from '../core/errors';

/**
 * LivePerson webhook signatures (https://developers.liveperson.com/connector-api-webhooks-notification-protocol.html):
 * `x-liveperson-signature: sha1=<digest>` (or `sha256=` on accounts where LivePerson enabled it), the digest being an
 * HMAC of the raw request body keyed with the app installation's client secret, Base64 by default or hexadecimal
 * when the installation is configured so. Both encodings are accepted: which one an installation uses is not
 * visible in the request.
 */

/** Computes a signature header value for `body` (used by tests and stand-ins; the adapter only verifies). */
export function livePersonSignature(
    body: Buffer | string,
    secret: string,
    algorithm: 'sha1' | 'sha256' = 'sha1',
    encoding: 'base64' | 'hex' = 'base64'
): string {
    return `${algorithm}=${createHmac(algorithm, secret).update(body).digest(encoding)}`;
}

/**
 * Checks `header` against the HMAC of `rawBody`; throws {@link WebhookRequestError} 401 saying what is wrong.
 * Constant-time comparison; never reveals the expected value.
 */
export function verifyLivePersonSignature(rawBody: Buffer, header: string | undefined, secret: string): void {
    if (!header) throw new WebhookRequestError(401, 'Missing x-liveperson-signature header.');
    const match = /^(sha1|sha256)=(.+)$/i.exec(header.trim());
    if (!match) throw new WebhookRequestError(401, 'x-liveperson-signature must look like "sha1=<digest>" or "sha256=<digest>".');
    const algorithm = match[1].toLowerCase() as 'sha1' | 'sha256';
    const given = match[2];
    const digest = createHmac(algorithm, secret).update(rawBody).digest();
    const candidates = /^[0-9a-f]+$/i.test(given) && given.length === digest.length * 2 ? [Buffer.from(given, 'hex')] : [];
    candidates.push(Buffer.from(given, 'base64'));
    if (!candidates.some((candidate) => candidate.length === digest.length && timingSafeEqual(candidate, digest))) {
        throw new WebhookRequestError(401, 'x-liveperson-signature does not match the request body.');
    }
}
