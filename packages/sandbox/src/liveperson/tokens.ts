import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Issues and checks the stand-in's AppJWTs and ConsumerJWSs: JWT-shaped (header.payload.signature, base64url), so
 * a client can read `exp` as it would from LivePerson's tokens. Signed with a per-sandbox HMAC key (LivePerson signs
 * with RS256; clients never verify these tokens, they only pass them back).
 */
export class TokenIssuer {
    private readonly key = randomBytes(32);
    private readonly revoked = new Set<string>();
    private readonly issued: string[] = [];

    /** A signed token carrying `claims`. */
    issue(claims: Record<string, unknown>, kid: string): string {
        const header = base64url(JSON.stringify({ kid, typ: 'JWT', alg: 'HS256' }));
        const payload = base64url(JSON.stringify(claims));
        const signature = createHmac('sha256', this.key).update(`${header}.${payload}`).digest('base64url');
        const token = `${header}.${payload}.${signature}`;
        this.issued.push(token);
        return token;
    }

    /** The claims of a token this issuer signed and did not revoke; undefined otherwise (expiry is the caller's check). */
    read(token: string | undefined): Record<string, any> | undefined {
        if (!token || this.revoked.has(token)) return undefined;
        const [header, payload, signature] = token.split('.');
        if (!header || !payload || !signature) return undefined;
        const expected = createHmac('sha256', this.key).update(`${header}.${payload}`).digest();
        const given = Buffer.from(signature, 'base64url');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
        try {
            return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        } catch {
            return undefined;
        }
    }

    /** Revokes every token issued so far whose kid starts with `kidPrefix` (e.g. all AppJWTs: "appjwt"). */
    revokeAll(kidPrefix: string): void {
        for (const token of this.issued) {
            const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).kid as string;
            if (kid.startsWith(kidPrefix)) this.revoked.add(token);
        }
    }
}

/** LivePerson's consumer id for an external consumer id: 64 hex characters, stable per account. */
export function lpConsumerId(accountId: string, externalId: string): string {
    return createHash('sha256').update(`${accountId}:${externalId}`).digest('hex');
}

function base64url(text: string): string {
    return Buffer.from(text, 'utf8').toString('base64url');
}
