/**
 * The inspector's own check of a webhook's signature over the bytes actually sent, independent of the bot's answer:
 * it says whether the vendor's signature matches (and if not, why), so a 401 from the bot can be read next to it.
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { SigningKey } from '../eightbyeight/webhookSigner';

/** Whether a webhook's signature matches what was sent, in words. */
export interface SignatureVerdict {
    valid: boolean;
    text: string;
}

/** Checks 8x8 signatures: the detached RS256 JWS over the CRC32 of the body and the `x-8x8-*` headers. */
export class EightByEightSignatureCheck {
    private readonly publicKey: KeyObject;

    constructor(private readonly key: SigningKey) {
        this.publicKey = createPublicKey(key.privateKey);
    }

    verdict(headers: Record<string, string>, body: string, signedBody: string): SignatureVerdict {
        const signature = headers['x-8x8-signature'];
        if (!signature) return { valid: false, text: 'No x-8x8-signature header: the webhook is unsigned.' };
        const [protectedHeader, payload, value] = signature.split('.');
        if (protectedHeader === undefined || payload !== '' || !value)
            return { valid: false, text: 'x-8x8-signature is not a detached JWS (<header>..<signature>).' };
        let kid: unknown;
        try {
            kid = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8')).kid;
        } catch {
            return { valid: false, text: 'x-8x8-signature has an unreadable protected header.' };
        }
        if (kid !== this.key.kid) return { valid: false, text: `Signed with key "${String(kid)}", which 8x8 does not publish.` };
        if (this.matches(protectedHeader, value, headers, body)) {
            return { valid: true, text: `Valid: RS256 by key "${this.key.kid}" over the body's CRC32 and the x-8x8-* headers.` };
        }
        if (body !== signedBody && this.matches(protectedHeader, value, headers, signedBody)) {
            return { valid: false, text: 'Does not match: the body was changed after signing (its CRC32 differs from the signed one).' };
        }
        return { valid: false, text: `Does not match: not a signature of this body and these headers by key "${this.key.kid}" (forged or broken).` };
    }

    private matches(protectedHeader: string, signature: string, headers: Record<string, string>, body: string): boolean {
        const payload = JSON.stringify({
            checksum: crc32(Buffer.from(body, 'utf8')),
            cid: headers['x-8x8-customer-id'],
            eid: headers['x-8x8-event-id'],
            retry: Number(headers['x-8x8-retry']),
            tid: headers['x-8x8-tenant-id'],
            tt: Number(headers['x-8x8-transmission-time']),
        });
        try {
            return verify('sha256', Buffer.from(`${protectedHeader}.${payload}`, 'utf8'), this.publicKey, Buffer.from(signature, 'base64url'));
        } catch {
            return false;
        }
    }
}

/** Checks LivePerson signatures: `sha1=` / `sha256=` HMAC of the body with the client secret, Base64 or hex. */
export function livePersonVerdict(secret: string, headers: Record<string, string>, body: string, signedBody: string): SignatureVerdict {
    const header = headers['x-liveperson-signature'];
    if (!header) return { valid: false, text: 'No x-liveperson-signature header: the webhook is unsigned.' };
    const match = /^(sha1|sha256)=(.+)$/.exec(header);
    if (!match) return { valid: false, text: 'x-liveperson-signature does not look like "sha1=<digest>" or "sha256=<digest>".' };
    const [, algorithm, digest] = match;
    const matches = (text: string) =>
        (['base64', 'hex'] as const).some((encoding) => {
            const expected = Buffer.from(createHmac(algorithm, secret).update(text, 'utf8').digest(encoding));
            const given = Buffer.from(digest);
            return given.length === expected.length && timingSafeEqual(given, expected);
        });
    if (matches(body)) return { valid: true, text: `Valid: HMAC-${algorithm.toUpperCase()} of the body with the app's client secret.` };
    if (body !== signedBody && matches(signedBody)) return { valid: false, text: 'Does not match: the body was changed after signing.' };
    return { valid: false, text: "Does not match: not an HMAC of this body with the app's client secret (forged or broken)." };
}
