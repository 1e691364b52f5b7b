/**
 * Verification of 8x8 webhook signatures, exactly as
 * https://developer.8x8.com/actions-events/docs/validating-webhook-events documents it:
 * `x-8x8-signature` is a compact JWS with a detached, unencoded payload (RFC 7515 + RFC 7797 `b64:false`), RS256,
 * over the compact JSON `{"checksum","cid","eid","retry","tid","tt"}` where `checksum` is the unsigned CRC32
 * (decimal) of the raw body and the rest come from the `x-8x8-*` headers. Keys are fetched by `kid` and cached.
 *
 * Why node:crypto and not a JOSE library: the header is parsed and pinned here anyway (RS256, `b64:false`, `crit`,
 * `kid`), which leaves one RSASSA-PKCS1-v1_5/SHA-256 check over `<header>.<payload>`: a single `crypto.verify` call,
 * run on libuv's thread pool so the RSA arithmetic stays off the event loop. A generic JWS library adds a dependency
 * and re-parses and copies what is checked here already.
 */
import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { LRUCache } from 'lru-cache';
import { WebhookRequestError } from '../core/errors';
import { headerValue } from '../core/http';
import type { WebhookRequest } from '../core/http';

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
    now?: () => number;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const INTEGER = /^\d{1,16}$/;

/**
 * Verifies webhook signatures; public keys are cached by `kid` (24 h), unknown key ids for 5 minutes, so forged
 * `kid`s cannot make this server fetch keys on every request.
 */
export class EightByEightSignatureVerifier {
    private readonly keys = new LRUCache<string, Promise<KeyObject | undefined>>({ max: 256, ttl: 24 * 60 * 60 * 1000 });
    private readonly now: () => number;

    constructor(private readonly options: EightByEightSignatureVerifierOptions) {
        this.now = options.now ?? Date.now;
    }

    /**
     * Resolves when the request is signed by 8x8; otherwise rejects with {@link WebhookRequestError}:
     * 401 for a missing, malformed, stale or forged signature or an unknown key; 503 when the key could not be fetched.
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
        let header: { alg?: unknown; kid?: unknown; b64?: unknown; crit?: unknown };
        try {
            header = JSON.parse(Buffer.from(protectedHeader, 'base64url').toString('utf8'));
        } catch {
            throw new WebhookRequestError(401, 'x-8x8-signature has an unreadable protected header.');
        }
        if (header?.alg !== 'RS256' || header.b64 !== false) {
            throw new WebhookRequestError(401, 'x-8x8-signature must be RS256 with an unencoded payload (b64: false).');
        }
        // RFC 7515 §4.1.11: extensions listed in `crit` must be understood; `b64` (RFC 7797) is the only one here.
        if (header.crit !== undefined && !(Array.isArray(header.crit) && header.crit.every((name) => name === 'b64'))) {
            throw new WebhookRequestError(401, 'x-8x8-signature lists critical header parameters this server does not understand.');
        }
        if (typeof header.kid !== 'string' || !KEY_ID.test(header.kid)) {
            throw new WebhookRequestError(401, 'x-8x8-signature has no usable key id (kid).');
        }
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
        const key = await this.key(header.kid);
        if (!key) throw new WebhookRequestError(401, `x-8x8-signature names an unknown key id "${header.kid}".`);
        const payload = signedPayload(rawBody, delivery as Required<EightByEightDeliveryHeaders>);
        // RS256 = RSASSA-PKCS1-v1_5 with SHA-256 over the JWS signing input (RFC 7515 §5.2, RFC 7797 §3).
        const valid = await new Promise<boolean>((resolve) =>
            verifySignature('sha256', Buffer.from(`${protectedHeader}.${payload}`), key, Buffer.from(signaturePart, 'base64url'), (err, ok) =>
                resolve(!err && ok)
            )
        );
        if (!valid) throw new WebhookRequestError(401, 'x-8x8-signature does not match the request.');
    }

    private key(kid: string): Promise<KeyObject | undefined> {
        let pending = this.keys.get(kid);
        if (!pending) {
            pending = this.loadKey(kid);
            this.keys.set(kid, pending);
            // Failures are not cached (a later delivery may succeed); unknown ids are, but only for 5 minutes.
            pending.then(
                (key) => {
                    if (!key) this.keys.set(kid, pending!, { ttl: 5 * 60 * 1000 });
                },
                () => this.keys.delete(kid)
            );
        }
        return pending;
    }

    private async loadKey(kid: string): Promise<KeyObject | undefined> {
        for (const url of this.options.jwkUrls(kid)) {
            let jwk: Record<string, unknown> | undefined;
            try {
                jwk = await this.options.fetchJwk(url);
            } catch (err) {
                throw new WebhookRequestError(503, `The 8x8 signing key "${kid}" could not be fetched; retry later.`, { cause: err });
            }
            if (jwk) return importRs256Key(jwk, kid);
        }
        return undefined;
    }
}

/**
 * A JWK as an RS256 verification key: an RSA public key of at least 2048 bits (RFC 7518 §3.3), whose `alg` and `use`,
 * when given, allow RS256 signatures. Anything else is a 503: the key server answered, but not with a usable key.
 */
export function importRs256Key(jwk: Record<string, unknown>, kid: string): KeyObject {
    const unusable = (why: string, cause?: unknown) =>
        new WebhookRequestError(503, `The 8x8 signing key "${kid}" is not a usable RS256 key (${why}).`, cause === undefined ? undefined : { cause });
    if (jwk.kty !== 'RSA') throw unusable(`kty is ${JSON.stringify(jwk.kty)}, not "RSA"`);
    if (jwk.alg !== undefined && jwk.alg !== 'RS256') throw unusable(`alg is ${JSON.stringify(jwk.alg)}`);
    if (jwk.use !== undefined && jwk.use !== 'sig') throw unusable(`use is ${JSON.stringify(jwk.use)}`);
    let key: KeyObject;
    try {
        // Only the public members: a JWK that also carried private ones must not become a private key here.
        key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as JsonWebKey, format: 'jwk' });
    } catch (err) {
        throw unusable('unreadable n / e', err);
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw unusable(`${bits}-bit modulus, 2048 required`);
    return key;
}
