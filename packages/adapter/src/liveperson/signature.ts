import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRequestError } from '../core/errors';

/**
 * LivePerson webhook signatures (https://developers.liveperson.com/connector-api-webhooks-notification-protocol.html):
 * `x-liveperson-signature: sha1=<digest>` (or `sha256=` on accounts where LivePerson enabled it), the digest being an
 * HMAC of the raw request body keyed with the app installation's client secret, Base64 by default or hexadecimal
 * when the installation is configured so. Both encodings are accepted, each only in its exact form: which one an
 * installation uses is not visible in the request.
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
 * Only the exact encodings of a digest are accepted: its hexadecimal (either case) or its canonical Base64 (padded,
 * unused bits zero), so trailing junk, whitespace or a missing `=` are refused instead of being skipped by a lenient
 * decoder. Constant-time comparison; never reveals the expected value.
 */
export function verifyLivePersonSignature(rawBody: Buffer, header: string | undefined, secret: string): void {
    if (!header) throw new WebhookRequestError(401, 'Missing x-liveperson-signature header.');
    const match = /^(sha1|sha256)=(.+)$/i.exec(header.trim());
    if (!match) throw new WebhookRequestError(401, 'x-liveperson-signature must look like "sha1=<digest>" or "sha256=<digest>".');
    const algorithm = match[1].toLowerCase() as 'sha1' | 'sha256';
    const given = decodeDigest(match[2], algorithm === 'sha1' ? 20 : 32);
    if (!given) {
        throw new WebhookRequestError(401, `x-liveperson-signature is not a ${algorithm} digest in hexadecimal or Base64.`);
    }
    const digest = createHmac(algorithm, secret).update(rawBody).digest();
    if (!timingSafeEqual(given, digest)) {
        throw new WebhookRequestError(401, 'x-liveperson-signature does not match the request body.');
    }
}

/**
 * `text` as the bytes of a `length`-byte digest when it is exactly its hexadecimal or its canonical Base64; otherwise
 * undefined. Both checks look at the given text only (its length and alphabet), never at the expected digest.
 */
function decodeDigest(text: string, length: number): Buffer | undefined {
    if (text.length === length * 2 && /^[0-9a-f]+$/i.test(text)) return Buffer.from(text, 'hex');
    if (text.length === Math.ceil(length / 3) * 4 && /^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
        const bytes = Buffer.from(text, 'base64');
        // Canonical: the same text comes back (padding where it belongs, no stray bits in the last character).
        if (bytes.length === length && bytes.toString('base64') === text) return bytes;
    }
    return undefined;
}
