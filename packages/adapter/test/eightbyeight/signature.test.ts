import { expect } from 'chai';
import { SigningKey } from 'botbuilder-contact-center-sandbox';
import { WebhookRequestError } from '../../src/core/errors';
import { generateKeyPairSync, sign } from 'node:crypto';
import { EightByEightSignatureVerifier, importRs256Key, signedPayload, type EightByEightDeliveryHeaders } from '../../src/eightbyeight/signature';

describe('8x8 webhook signature (detached JWS, RS256, b64:false)', () => {
    const key = new SigningKey('key1');
    const body = Buffer.from('{"eventType":"MESSAGE","conversationId":"c-1","data":{"text":"héllo"}}', 'utf8');
    const now = 1_700_000_000_000;
    const fields = { customerId: 'cust', eventId: 'evt-1', retry: 0, tenantId: 'ten', transmissionTime: now };
    const headers = (overrides: Partial<EightByEightDeliveryHeaders> = {}): EightByEightDeliveryHeaders => ({
        signature: key.signDelivery(body, fields),
        eventId: 'evt-1',
        tenantId: 'ten',
        customerId: 'cust',
        retry: '0',
        transmissionTime: String(now),
        ...overrides,
    });
    let fetches: string[];
    const verifier = (maxClockSkewMs = 300_000) =>
        new EightByEightSignatureVerifier({
            jwkUrls: (kid) => [`https://keys/new/${kid}`, `https://keys/legacy/${kid}`],
            fetchJwk: async (url) => {
                fetches.push(url);
                return url === 'https://keys/legacy/key1' ? key.publicJwk : undefined;
            },
            maxClockSkewMs,
            now: () => now + 1000,
        });

    beforeEach(() => {
        fetches = [];
    });

    async function rejection(promise: Promise<unknown>): Promise<WebhookRequestError> {
        try {
            await promise;
        } catch (err) {
            expect(err).to.be.instanceOf(WebhookRequestError);
            return err as WebhookRequestError;
        }
        throw new Error('expected a rejection');
    }

    it('signs exactly the documented compact JSON, keys in order, checksum = unsigned CRC32 of the raw bytes', () => {
        // The example in 8x8's "Validating webhook events" page, with a body whose CRC32 we control.
        const payload = signedPayload(Buffer.from('The quick brown fox jumps over the lazy dog'), {
            customerId: 'vccC8ProdChecksUS',
            eventId: 'g4nqGuj8TpCa6tiZ3DeeNw',
            retry: '0',
            tenantId: 'vccC8ProdChecksUS',
            transmissionTime: '1629804577296',
        });
        // CRC32("The quick brown fox…") = 0x414FA339 = 1095738169.
        expect(payload).to.equal(
            '{"checksum":1095738169,"cid":"vccC8ProdChecksUS","eid":"g4nqGuj8TpCa6tiZ3DeeNw","retry":0,"tid":"vccC8ProdChecksUS","tt":1629804577296}'
        );
        // A body whose CRC32 has the top bit set stays positive (unsigned, like Java's CRC32.getValue() and PHP's %u):
        // CRC32("123456789") is the standard check value 0xCBF43926 = 3421780262.
        const high = signedPayload(Buffer.from('123456789'), { customerId: 'c', eventId: 'e', retry: '1', tenantId: 't', transmissionTime: '2' });
        expect(high).to.equal('{"checksum":3421780262,"cid":"c","eid":"e","retry":1,"tid":"t","tt":2}');
    });

    it('accepts a genuine signature, fetching the key by kid (falling back to the legacy URL) once', async () => {
        const v = verifier();
        await v.verify(body, headers());
        await v.verify(body, headers());
        expect(fetches).to.deep.equal(['https://keys/new/key1', 'https://keys/legacy/key1']);
    });

    it('refuses a changed body, a changed signed header, a forged key and a bad format with 401', async () => {
        const v = verifier();
        const changedBody = Buffer.from(body.toString().replace('héllo', 'hello'));
        expect((await rejection(v.verify(changedBody, headers()))).status).to.equal(401);
        for (const override of [{ eventId: 'evt-2' }, { retry: '1' }, { tenantId: 'other' }, { customerId: 'other' }, { transmissionTime: String(now + 1) }]) {
            const err = await rejection(v.verify(body, headers(override)));
            expect(err.message, JSON.stringify(override)).to.equal('x-8x8-signature does not match the request.');
        }
        const forged = new SigningKey('key1').signDelivery(body, fields);
        expect((await rejection(v.verify(body, headers({ signature: forged })))).message).to.equal('x-8x8-signature does not match the request.');
        const [h, , s] = key.signDelivery(body, fields).split('.');
        expect((await rejection(v.verify(body, headers({ signature: `${h}.${Buffer.from('{}').toString('base64url')}.${s}` })))).message).to.match(
            /not a detached compact JWS/
        );
        const hs256 = Buffer.from(JSON.stringify({ alg: 'HS256', b64: false, crit: ['b64'], kid: 'key1' })).toString('base64url');
        expect((await rejection(v.verify(body, headers({ signature: `${hs256}..${s}` })))).message).to.match(/must be RS256/);
        const noB64 = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'key1' })).toString('base64url');
        expect((await rejection(v.verify(body, headers({ signature: `${noB64}..${s}` })))).message).to.match(/b64: false/);
        expect((await rejection(v.verify(body, headers({ signature: 'garbage' })))).message).to.match(/not a detached compact JWS/);
        const unknownCrit = Buffer.from(JSON.stringify({ alg: 'RS256', b64: false, crit: ['b64', 'exp'], kid: 'key1' })).toString('base64url');
        expect((await rejection(v.verify(body, headers({ signature: `${unknownCrit}..${s}` })))).message).to.match(/critical header parameters/);
        // The genuine header with one signature byte changed, and with the signature cut short.
        const flipped = Buffer.from(s, 'base64url');
        flipped[10] ^= 1;
        expect((await rejection(v.verify(body, headers({ signature: `${h}..${flipped.toString('base64url')}` })))).message).to.equal(
            'x-8x8-signature does not match the request.'
        );
        expect((await rejection(v.verify(body, headers({ signature: `${h}..${s.slice(0, 40)}` })))).message).to.equal(
            'x-8x8-signature does not match the request.'
        );
    });

    it('uses only RSA keys of 2048 bits or more, allowed for RS256 signatures, and only their public part', () => {
        expect(importRs256Key(key.publicJwk, 'key1').type).to.equal('public');
        const unusable = (jwk: Record<string, unknown>) => {
            try {
                importRs256Key(jwk, 'k');
            } catch (err) {
                expect(err).to.be.instanceOf(WebhookRequestError);
                expect((err as WebhookRequestError).status).to.equal(503);
                return (err as WebhookRequestError).message;
            }
            throw new Error('expected the key to be refused');
        };
        const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
        expect(unusable(ec)).to.match(/kty is "EC", not "RSA"/);
        const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
        expect(unusable(small)).to.match(/1024-bit modulus, 2048 required/);
        expect(unusable({ ...key.publicJwk, alg: 'RS512' })).to.match(/alg is "RS512"/);
        expect(unusable({ ...key.publicJwk, use: 'enc' })).to.match(/use is "enc"/);
        expect(unusable({ kty: 'RSA', n: 'not base64!', e: 7 })).to.match(/unreadable n \/ e/);
        const full = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
        expect(importRs256Key(full, 'k').type).to.equal('public');
    });

    it('refuses missing headers, naming them', async () => {
        const v = verifier();
        expect((await rejection(v.verify(body, headers({ signature: undefined })))).message).to.equal('Missing x-8x8-signature header.');
        expect((await rejection(v.verify(body, headers({ eventId: undefined })))).message).to.equal('Missing x-8x8-event-id header (part of the signed data).');
        expect((await rejection(v.verify(body, headers({ retry: 'one' })))).message).to.equal(
            'Header x-8x8-retry must be an integer (part of the signed data).'
        );
    });

    it('refuses an unknown kid with 401, and remembers it instead of fetching again', async () => {
        const v = verifier();
        const other = new SigningKey('nope');
        const signature = other.signDelivery(body, fields);
        expect((await rejection(v.verify(body, headers({ signature })))).message).to.equal('x-8x8-signature names an unknown key id "nope".');
        await rejection(v.verify(body, headers({ signature })));
        expect(fetches).to.deep.equal(['https://keys/new/nope', 'https://keys/legacy/nope']);
    });

    it('answers 503 (so 8x8 retries) when the key cannot be fetched, remembers the failure for failureTtlMs, then tries again', async () => {
        let failing = true;
        let clock = now;
        let attempts = 0;
        const v = new EightByEightSignatureVerifier({
            jwkUrls: (kid) => [`https://keys/${kid}`],
            fetchJwk: async () => {
                attempts++;
                if (failing) throw new Error('ECONNREFUSED');
                return key.publicJwk;
            },
            maxClockSkewMs: 0,
            signingKeys: { failureTtlMs: 10_000 },
            now: () => clock,
        });
        expect((await rejection(v.verify(body, headers()))).status).to.equal(503);
        failing = false;
        clock += 9_999;
        expect((await rejection(v.verify(body, headers()))).status).to.equal(503);
        expect(attempts).to.equal(1);
        clock += 1;
        await v.verify(body, headers());
        expect(attempts).to.equal(2);
    });

    it('applies the JWS header rules of RFC 7515 / RFC 7797: b64:false needs crit ["b64"], RS256 only, an object, no unknown crit', async () => {
        const v = verifier();
        /** A header signed with the real key over the real payload: only the header rule can refuse it. */
        const signedWith = (protectedHeader: Record<string, unknown> | unknown[] | null) => {
            const h = Buffer.from(JSON.stringify(protectedHeader)).toString('base64url');
            const payload = signedPayload(body, headers() as Required<EightByEightDeliveryHeaders>);
            return `${h}..${sign('sha256', Buffer.from(`${h}.${payload}`), key.privateKey).toString('base64url')}`;
        };
        // The genuine header, built the same way, verifies: the refusals below are the header's doing.
        await v.verify(body, headers({ signature: signedWith({ b64: false, crit: ['b64'], kid: 'key1', alg: 'RS256' }) }));
        const refusal = async (protectedHeader: Record<string, unknown> | unknown[] | null) =>
            (await rejection(v.verify(body, headers({ signature: signedWith(protectedHeader) })))).message;
        const crit = 'x-8x8-signature has b64: false without "b64" in crit (RFC 7797 §6 requires it).';
        expect(await refusal({ alg: 'RS256', b64: false, kid: 'key1' })).to.equal(crit);
        expect(await refusal({ alg: 'RS256', b64: false, crit: [], kid: 'key1' })).to.equal(crit);
        expect(await refusal({ alg: 'RS256', b64: false, crit: 'b64', kid: 'key1' })).to.equal(crit);
        expect(await refusal({ alg: 'RS256', b64: false, crit: ['exp'], kid: 'key1' })).to.equal(crit);
        const unknown = 'x-8x8-signature lists critical header parameters this server does not understand (only "b64", once).';
        expect(await refusal({ alg: 'RS256', b64: false, crit: ['b64', 'b64'], kid: 'key1' })).to.equal(unknown);
        expect(await refusal({ alg: 'RS256', b64: false, crit: ['b64', 'alg'], kid: 'key1' })).to.equal(unknown);
        expect(await refusal({ alg: 'RS256', b64: false, crit: ['b64', 7], kid: 'key1' })).to.equal(unknown);
        const rs256 = 'x-8x8-signature must be RS256 with an unencoded payload (b64: false).';
        for (const alg of ['none', 'rs256', 'RS512', 'PS256', 'HS256', ['RS256']]) {
            expect(await refusal({ alg, b64: false, crit: ['b64'], kid: 'key1' }), JSON.stringify(alg)).to.equal(rs256);
        }
        expect(await refusal({ alg: 'RS256', b64: 'false', crit: ['b64'], kid: 'key1' })).to.equal(rs256);
        expect(await refusal({ alg: 'RS256', b64: true, crit: ['b64'], kid: 'key1' })).to.equal(rs256);
        const notObject = 'x-8x8-signature has a protected header that is not a JSON object.';
        expect(await refusal(null)).to.equal(notObject);
        expect(await refusal(['RS256'])).to.equal(notObject);
        expect(await refusal({ alg: 'RS256', b64: false, crit: ['b64'], kid: 7 })).to.match(/no usable key id/);
        expect(fetches).to.deep.equal(['https://keys/new/key1', 'https://keys/legacy/key1']);
    });

    it('takes the key only from 8x8 by kid: a key or key URL carried in the header (jwk, jku, x5u) is ignored', async () => {
        const v = verifier();
        const attacker = new SigningKey('key1');
        const h = Buffer.from(
            JSON.stringify({ alg: 'RS256', b64: false, crit: ['b64'], kid: 'key1', jwk: attacker.publicJwk, jku: 'https://evil/keys', x5u: 'https://evil/x5u' })
        ).toString('base64url');
        const payload = signedPayload(body, headers() as Required<EightByEightDeliveryHeaders>);
        const signature = `${h}..${sign('sha256', Buffer.from(`${h}.${payload}`), attacker.privateKey).toString('base64url')}`;
        expect((await rejection(v.verify(body, headers({ signature })))).message).to.equal('x-8x8-signature does not match the request.');
        expect(fetches).to.deep.equal(['https://keys/new/key1', 'https://keys/legacy/key1']);
    });

    it('refuses a stale transmission time (replay) unless the check is off', async () => {
        const staleFields = { ...fields, transmissionTime: now - 10 * 60 * 1000 };
        const stale = headers({ signature: key.signDelivery(body, staleFields), transmissionTime: String(staleFields.transmissionTime) });
        expect((await rejection(verifier().verify(body, stale))).message).to.match(/is 601 s away from this server's clock \(limit 300 s\)/);
        await verifier(0).verify(body, stale);
    });
});
