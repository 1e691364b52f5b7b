/**
 * The 8x8 public signing keys, by `kid`: which ones are known, which ones 8x8 does not know, and when this server may
 * ask 8x8's key server (https://developer.8x8.com/actions-events/reference/getjwkpublickey-1) about a new one.
 *
 * Every webhook names its key id, and anyone can send a webhook, so a key id is attacker-chosen until its signature
 * verified. Hence:
 * - one lookup per key id at a time (concurrent requests share it);
 * - key ids 8x8 does not know are remembered apart from real keys (`unknownKeyTtlMs`), and failed lookups for a
 *   shorter time (`failureTtlMs`): neither can evict a real key, and neither is asked again while remembered;
 * - lookups of key ids not seen before are rate-limited (a token bucket, `lookupsPerSecond` / `lookupBurst`); beyond
 *   it a request is answered 503 at once, without a lookup (503, not 401: the key id may be 8x8's new key, and 8x8
 *   retries on 503; a forger gains nothing from either);
 * - a lookup has one deadline for all its URLs, connect to body (`fetchTimeoutMs`), whatever the vendor-call timeout;
 * - keys that verified a signature live in their own small map, by last verification: only 8x8's own keys get there,
 *   and one in use is never evicted; after `refreshAfterMs` it is looked up again in the background (still used
 *   meanwhile; dropped if 8x8 no longer knows it).
 *
 * Hand-written (no library): the bucket is a dozen lines, and the caches are `lru-cache` with expiry times read from
 * the injected clock so tests need no sleeps.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { WebhookRequestError } from '../core/errors';

/** How signing keys are looked up and remembered (see `EightByEightAdapterOptions.signingKeys`). */
export interface SigningKeyPolicy {
    /** One deadline for looking up a key id at all its URLs (connect, headers and body), in ms. Default 3,000. */
    fetchTimeoutMs?: number | undefined;
    /** Lookups of key ids not seen before, per second, across all requests (token bucket refill). Default 1. */
    lookupsPerSecond?: number | undefined;
    /** Lookups of new key ids allowed at once before the rate applies (token bucket size). Default 5. */
    lookupBurst?: number | undefined;
    /** How long a key id 8x8 does not know is refused (401) without asking 8x8 again, in ms. Default 300,000. */
    unknownKeyTtlMs?: number | undefined;
    /** How long a failed lookup (key server error, timeout, unusable key) is answered 503 without asking again, in ms. Default 10,000. */
    failureTtlMs?: number | undefined;
    /** A key is looked up again, in the background, this long after it was fetched, in ms. Default 86,400,000 (24 h). */
    refreshAfterMs?: number | undefined;
}

export type ResolvedSigningKeyPolicy = Required<{ [K in keyof SigningKeyPolicy]: NonNullable<SigningKeyPolicy[K]> }>;

export const DEFAULT_SIGNING_KEY_POLICY: ResolvedSigningKeyPolicy = {
    fetchTimeoutMs: 3_000,
    lookupsPerSecond: 1,
    lookupBurst: 5,
    unknownKeyTtlMs: 5 * 60 * 1000,
    failureTtlMs: 10_000,
    refreshAfterMs: 24 * 60 * 60 * 1000,
};

/** Options of {@link SigningKeys}. */
export interface SigningKeysOptions {
    /** URLs to try for a key id, in order. */
    jwkUrls(kid: string): string[];
    /** Fetches a JWK; resolves undefined when the URL says the key does not exist (404). */
    fetchJwk(url: string): Promise<Record<string, unknown> | undefined>;
    policy?: SigningKeyPolicy | undefined;
    now?: (() => number) | undefined;
}

interface KnownKey {
    key: KeyObject;
    /** When to look it up again. */
    refreshAt: number;
}

interface Refusal {
    /** `unknown`: 8x8 said 404 (→ 401); `failed`: the lookup failed (→ 503 with `message`). */
    kind: 'unknown' | 'failed';
    until: number;
    message: string;
}

/** Real keys that verified a signature: few (8x8 signs with one key, two while rotating). */
const MAX_VERIFIED_KEYS = 16;
/** Keys 8x8 published but that have not verified a signature here yet. */
const MAX_FETCHED_KEYS = 64;
/** Remembered refusals; at the default rate, five minutes of lookups are about 300. */
const MAX_REFUSALS = 10_000;

/** The signing keys of one verifier. */
export class SigningKeys {
    private readonly verifiedKeys = new LRUCache<string, KnownKey>({ max: MAX_VERIFIED_KEYS });
    private readonly fetchedKeys = new LRUCache<string, KnownKey>({ max: MAX_FETCHED_KEYS });
    private readonly refusals = new LRUCache<string, Refusal>({ max: MAX_REFUSALS });
    private readonly lookups = new Map<string, Promise<KeyObject | undefined>>();
    private readonly bucket: TokenBucket;
    private readonly policy: ResolvedSigningKeyPolicy;
    private readonly now: () => number;

    constructor(private readonly options: SigningKeysOptions) {
        this.policy = { ...DEFAULT_SIGNING_KEY_POLICY, ...definedOnly(options.policy ?? {}) };
        this.now = options.now ?? Date.now;
        this.bucket = new TokenBucket(this.policy.lookupsPerSecond, this.policy.lookupBurst, this.now);
    }

    /**
     * The key for `kid`; undefined when 8x8 does not know it (→ 401). Rejects with {@link WebhookRequestError} 503 when
     * it cannot be known now: the lookup failed (or failed recently), or too many new key ids are being looked up.
     */
    async get(kid: string): Promise<KeyObject | undefined> {
        const now = this.now();
        const verified = this.verifiedKeys.peek(kid);
        if (verified) {
            if (now >= verified.refreshAt) this.refresh(kid, verified, now);
            return verified.key;
        }
        const fetched = this.fetchedKeys.peek(kid);
        if (fetched && now < fetched.refreshAt) return fetched.key;
        const refusal = this.refusals.peek(kid);
        if (refusal && now < refusal.until) {
            if (refusal.kind === 'unknown') return undefined;
            throw new WebhookRequestError(503, refusal.message);
        }
        const pending = this.lookups.get(kid);
        if (pending) return pending;
        if (!this.bucket.take()) {
            throw new WebhookRequestError(503, `Too many new 8x8 signing key ids at once; key id "${kid}" was not looked up. Retry later.`);
        }
        return this.lookup(kid);
    }

    /** Records that `key` verified a signature for `kid`: it stays while it is used. */
    verified(kid: string, key: KeyObject): void {
        if (this.verifiedKeys.get(kid)?.key === key) return; // get: marks it used
        const fetched = this.fetchedKeys.peek(kid);
        if (fetched?.key !== key) return;
        this.verifiedKeys.set(kid, fetched);
        this.fetchedKeys.delete(kid);
    }

    /** A key in use whose refresh time passed: looked up again in the background, used meanwhile. */
    private refresh(kid: string, known: KnownKey, now: number): void {
        known.refreshAt = now + this.policy.failureTtlMs; // not again before this one settles
        if (this.lookups.has(kid)) return;
        this.lookup(kid).then(
            (key) => {
                if (!key) this.verifiedKeys.delete(kid); // 8x8 withdrew it
            },
            () => undefined // kept; tried again after failureTtlMs
        );
    }

    /** One lookup of `kid` (shared by everyone who needs it meanwhile); remembers what it found. */
    private lookup(kid: string): Promise<KeyObject | undefined> {
        const lookup = this.fetchWithinDeadline(kid)
            .then(
                (key) => {
                    const now = this.now();
                    if (key) {
                        const known = { key, refreshAt: now + this.policy.refreshAfterMs };
                        if (this.verifiedKeys.has(kid)) this.verifiedKeys.set(kid, known);
                        else this.fetchedKeys.set(kid, known);
                        this.refusals.delete(kid);
                    } else {
                        this.refusals.set(kid, { kind: 'unknown', until: now + this.policy.unknownKeyTtlMs, message: '' });
                    }
                    return key;
                },
                (err: unknown) => {
                    const failure =
                        err instanceof WebhookRequestError
                            ? err
                            : new WebhookRequestError(503, `The 8x8 signing key "${kid}" could not be fetched; retry later.`, { cause: err });
                    this.refusals.set(kid, { kind: 'failed', until: this.now() + this.policy.failureTtlMs, message: failure.message });
                    throw failure;
                }
            )
            .finally(() => this.lookups.delete(kid));
        this.lookups.set(kid, lookup);
        return lookup;
    }

    private async fetchWithinDeadline(kid: string): Promise<KeyObject | undefined> {
        const { fetchTimeoutMs } = this.policy;
        const cancelled = { value: false };
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
                cancelled.value = true;
                reject(new WebhookRequestError(503, `The 8x8 key server did not answer within ${fetchTimeoutMs} ms for signing key "${kid}"; retry later.`));
            }, fetchTimeoutMs);
        });
        const fetching = this.fetch(kid, cancelled);
        fetching.catch(() => undefined); // it may settle after the deadline, with nobody left to hear it
        try {
            return await Promise.race([fetching, deadline]);
        } finally {
            clearTimeout(timer);
        }
    }

    private async fetch(kid: string, cancelled: { value: boolean }): Promise<KeyObject | undefined> {
        for (const url of this.options.jwkUrls(kid)) {
            if (cancelled.value) return undefined; // past the deadline: ask no further URL
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

/** `tokens` refill at `perSecond` up to `burst`; each lookup of a new key id takes one. */
class TokenBucket {
    private tokens: number;
    private last: number;

    constructor(
        private readonly perSecond: number,
        private readonly burst: number,
        private readonly now: () => number
    ) {
        this.tokens = burst;
        this.last = now();
    }

    take(): boolean {
        const now = this.now();
        this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) * this.perSecond) / 1000);
        this.last = now;
        if (this.tokens < 1) return false;
        this.tokens -= 1;
        return true;
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

function definedOnly<T extends object>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
