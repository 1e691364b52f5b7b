/**
 * Signs webhooks the way the 8x8 Chat Gateway does
 * (https://developer.8x8.com/actions-events/docs/validating-webhook-events): a compact JWS with a detached,
 * unencoded payload (`b64:false`, `crit:["b64"]`), RS256, over `{"checksum","cid","eid","retry","tid","tt"}`.
 * Written with node:crypto only, independently of the adapter's jose-based verifier, so each checks the other.
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The values of the `x-8x8-*` headers that are signed. */
export interface DeliveryFields {
    customerId: string;
    eventId: string;
    retry: number;
    tenantId: string;
    transmissionTime: number;
}

/** An RSA key pair with a key id, as 8x8 publishes it at `/chat-gateway/v1/jwk/{kid}/public`. */
export class SigningKey {
    readonly privateKey: KeyObject;
    readonly publicJwk: Record<string, unknown>;

    constructor(
        readonly kid: string,
        privateKeyPem?: string
    ) {
        if (privateKeyPem) {
            this.privateKey = createPrivateKey(privateKeyPem);
        } else {
            this.privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
        }
        const { n, e, kty } = this.privateKey.export({ format: 'jwk' }) as Record<string, string>;
        this.publicJwk = { kty, e, n, kid };
    }

    /** The detached JWS (`<protected>..<signature>`) for a raw body delivered with these header values. */
    signDelivery(rawBody: Buffer | string, fields: DeliveryFields): string {
        const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
        const payload = JSON.stringify({
            checksum: crc32(body),
            cid: fields.customerId,
            eid: fields.eventId,
            retry: fields.retry,
            tid: fields.tenantId,
            tt: fields.transmissionTime,
        });
        const protectedHeader = Buffer.from(JSON.stringify({ b64: false, crit: ['b64'], kid: this.kid, alg: 'RS256' })).toString('base64url');
        const signature = sign('sha256', Buffer.from(`${protectedHeader}.${payload}`, 'utf8'), this.privateKey).toString('base64url');
        return `${protectedHeader}..${signature}`;
    }
}
