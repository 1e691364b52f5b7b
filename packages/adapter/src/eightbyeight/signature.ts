/**
 * Verification of 8x8 webhook signatures, exactly as
 * https://developer.8x8.com/actions-events/docs/validating-webhook-events documents it:
 * `x-8x8-signature` is a compact JWS with a detached, unencoded payload (RFC 7515 + RFC 7797 `b64:false`), RS256,
 * over the compact JSON `{"checksum","cid","eid","retry","tid","tt"}` where `checksum` is the unsigned CRC32
 * (decimal) of the raw body and the rest come from the `x-8x8-*` headers. Keys are fetched by `kid` (`signingKeys.ts`).
 *
 * Why node:crypto and not a JOSE library: the header is parsed and pinned here anyway (RS256, `b64:false`, `crit`,
 * `kid`), which leaves one RSASSA-PKCS1-v1_5/SHA-256 check over `<header>.<payload>`: a single `crypto.verify` call,
 * run on libuv's thread pool so the RSA arithmetic stays off the event loop. A generic JWS library adds a dependency
 * and re-parses and copies what is checked here already.
 */
import { verify as verifySignature } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { WebhookRequestError } from '../core/errors';
import { headerValue } from '../core/http';
import type { WebhookRequest } from '../core/http';
import { SigningKeys, type SigningKeyPolicy } from './signingKeys';

export { importRs256Key } from './signingKeys';

/** The `x-8x8-*` delivery headers of a webhook, read once. */
export interface EightByEightDeliveryHeaders {
    signature?: string;
    eventId?: string;
    tenantId?: string;
    customerId?: string;
    retry?: string;
    transmissionTime?: string;
}

export function readDeliveryHeaders(headers: WebhookRequest['headers']): EightByEightDeliveryHeaders {
    return {
        signature: headerValue(headers, 'x-8x8-signature'),
        eventId: headerValue(headers, 'x-8x8-event-id'),
        tenantId: headerValue(headers, 'x-8x8-tenant-id'),
        customerId: headerValue(headers, 'x-8x8-customer-id'),
        retry: headerValue(headers, 'x-8x8-retry'),
        transmissionTime: headerValue(headers, 'x-8x8-transmission-time'),
    };
}

/**
 * The exact bytes 8x8 signs (the detached JWS payload) for a body and its headers.
 * Keys in lexicographic order, no whitespace; numbers as JSON numbers.
 */
export function signedPayload(rawBody: Buffer, headers: Required<Omit<EightByEightDeliveryHeaders, 'signature'>>): string {
    return JSON.stringify({
        checksum: crc32(rawBody),
        cid: headers.customerId,
        eid: headers.eventId,
        retry: Number(headers.retry),
        tid: headers.tenantId,
        tt: Number(headers.transmissionTime),
    });
}

/** Options of {@link EightByEightSignatureVerifier}. */
export interface EightByEightSignatureVerifierOptions {
    /** URLs to try for a key id, in order. */
    jwkUrls(kid: string): string[];
    /** Fetches a JWK; resolves undefined when the URL says the key does not exist (404). */
    fetchJwk(url: string): Promise<Record<string, unknown> | undefined>;
    /** See {@link EightByEightAdapterOptions.maxClockSkewMs}; 0 = no check. */
    maxClockSkewMs: number;
    /** How keys are looked up and remembered; see {@link SigningKeyPolicy}. */
    signingKeys?: SigningKeyPolicy | undefined;
    now?: (() => number) | undefined;
}

/**
 * The shape of 8x8's key ids: its examples are `key1` and `EXaiWfZe20eSjklZ70074w` (a "JWK UUID" in base64url), i.e.
 * the base64url alphabet; 64 characters leave room for a textual UUID. Nothing else reaches a key URL: no `.` or `..`,
 * `/`, `\`, `%`, whitespace or control characters.
 */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const INTEGER = /^\d{1,16}$/;

/**
 * Verifies webhook signatures. Keys come from {@link SigningKeys}: looked up by `kid` once, with a deadline and a rate
 * limit on new key ids, unknown and failed key ids remembered apart from the real keys.
 */
export class EightByEightSignatureVerifier {
    private readonly keys: SigningKeys;
    private readonly now: () => number;

    constructor(private readonly options: EightByEightSignatureVerifierOptions) {
        this.now = options.now ?? Date.now;
        this.keys = new SigningKeys({ jwkUrls: options.jwkUrls, fetchJwk: options.fetchJwk, policy: options.signingKeys, now: this.now });
    }

    /**
     * Resolves when the request is signed by 8x8; otherwise rejects with {@link WebhookRequestError}:
     * 401 for a missing, malformed, stale or forged signature or an unknown key; 503 when the key could not be fetched
     * (now or within the last `failureTtlMs`) or too many new key ids are being looked up.
     */
    async verify(rawBody: Buffer, delivery: EightByEightDeliveryHeaders): Promise<void> {
        const { signature } = delivery;
        if (!signature) throw new WebhookRequestError(401, 'Missing x-8x8-signature header.');
        for (const [name, value] of [
            ['x-8x8-event-id', delivery.eventId],
            ['x-8x8-tenant-id', delivery.tenantId],
            ['x-8x8-customer-id', delivery.customerId],
        ] as const) {
            if (value === undefined) throw new WebhookRequestError(401, `Missing ${name} header (part of the signed data).`);
        }
        for (const [name, value] of [
            ['x-8x8-retry', delivery.retry],
            ['x-8x8-transmission-time', delivery.transmissionTime],
        ] as const) {
            if (value === undefined || !INTEGER.test(value)) throw new WebhookRequestError(401, `Header ${name} must be an integer (part of the signed data).`);
        }
        const parts = signature.split('.');
        if (parts.length !== 3 || parts[1] !== '' || parts[0] === '' || parts[2] === '') {
            throw new WebhookRequestError(401, 'x-8x8-signature is not a detached compact JWS (<header>..<signature>).');
        }
        const [protectedHeader, , signaturePart] = parts;
        const kid = checkProtectedHeader(protectedHeader);
        const skew = this.options.maxClockSkewMs;
        if (skew > 0) {
            const distance = Math.abs(this.now() - Number(delivery.transmissionTime));
            if (distance > skew) {
                throw new WebhookRequestError(
                    401,
                    `x-8x8-transmission-time is ${Math.round(distance / 1000)} s away from this server's clock (limit ${Math.round(skew / 1000)} s).`
                );
            }
        }
        const key = await this.keys.get(kid);
        if (!key) throw new WebhookRequestError(401, `x-8x8-signature names an unknown key id "${kid}".`);
        const payload = signedPayload(rawBody, delivery as Required<EightByEightDeliveryHeaders>);
        // RS256 = RSASSA-PKCS1-v1_5 with SHA-256 over the JWS signing input (RFC 7515 §5.2, RFC 7797 §3).
        const valid = await new Promise<boolean>((resolve) =>
            verifySignature('sha256', Buffer.from(`${protectedHeader}.${payload}`), key, Buffer.from(signaturePart, 'base64url'), (err, ok) =>
                resolve(!err && ok)
            )
        );
        if (!valid) throw new WebhookRequestError(401, 'x-8x8-signature does not match the request.');
        this.keys.verified(kid, key);
    }
}

/**
 * The rules RFC 7515 and RFC 7797 set for this JWS header, and what 8x8 documents: a JSON object; `alg` RS256 (the one
 * algorithm 8x8 uses, never taken from the key or anything else); `b64: false` (the payload is the JSON above, not
 * base64url) which RFC 7797 §6 requires to be listed in `crit`; `crit` a non-empty list of names this code understands
 * (only `b64`), without repeats (RFC 7515 §4.1.11); `kid` of 8x8's shape. Key-carrying parameters (`jku`, `jwk`,
 * `x5u`, `x5c`) are ignored: the key only ever comes from 8x8's key URL for `kid`. Returns the `kid`.
 */
function checkProtectedHeader(protectedHeader: string): string {
    // 8x8 signs every webhook with the same few headers (one per key): decode and check each once. Only accepted
    // headers are kept, and only a few, so forged ones cannot grow this.
    const accepted = acceptedHeaders.get(protectedHeader);
    if (accepted !== undefined) return accepted;
    const kid = checkNewProtectedHeader(protectedHeader);
    if (acceptedHeaders.size < MAX_ACCEPTED_HEADERS) acceptedHeaders.set(protectedHeader, kid);
    return kid;
}

/** Protected headers that passed {@link checkNewProtectedHeader}, with their kid. */
const acceptedHeaders = new Map<string, string>();
const MAX_ACCEPTED_HEADERS = 32;

function checkNewProtectedHeader(protectedHeader: string): string {
    let header: unknown;
    try {
        header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8'));
    } catch {
        throw new WebhookRequestError(401, 'x-8x8-signature has an unreadable protected header.');
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) {
        throw new WebhookRequestError(401, 'x-8x8-signature has a protected header that is not a JSON object.');
    }
    const { alg, b64, crit, kid } = header as Record<string, unknown>;
    if (alg !== 'RS256' || b64 !== false) {
        throw new WebhookRequestError(401, 'x-8x8-signature must be RS256 with an unencoded payload (b64: false).');
    }
    if (!Array.isArray(crit) || !crit.includes('b64')) {
        throw new WebhookRequestError(401, 'x-8x8-signature has b64: false without "b64" in crit (RFC 7797 §6 requires it).');
    }
    if (!crit.every((name) => name === 'b64') || crit.length !== 1) {
        throw new WebhookRequestError(401, 'x-8x8-signature lists critical header parameters this server does not understand (only "b64", once).');
    }
    if (typeof kid !== 'string' || !KEY_ID.test(kid)) {
        throw new WebhookRequestError(401, 'x-8x8-signature has no usable key id (kid): 1 to 64 letters, digits, "-" or "_" expected.');
    }
    return kid;
}
