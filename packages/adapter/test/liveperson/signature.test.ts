import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { WebhookRequestError } from '../../src/core/errors';
import { livePersonSignature, verifyLivePersonSignature } from '../../src/liveperson/signature';

/** Test vectors from LivePerson's own demo connector (lp-demo-app-connector-api test/notifications.test.js). */
const SECRET = 'rl9hacst6kqilbofup64n11ga3';
const vector = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'liveperson', `${name}.json`));

function rejection(fn: () => void): WebhookRequestError {
    try {
        fn();
    } catch (err) {
        expect(err).to.be.instanceOf(WebhookRequestError);
        return err as WebhookRequestError;
    }
    throw new Error('expected a rejection');
}

describe('LivePerson webhook signature', () => {
    it('documented vector 1: ChatStateEvent PAUSE body → sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=', () => {
        const body = vector('vector-chat-state-pause');
        expect(livePersonSignature(body, SECRET)).to.equal('sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=');
        expect(() => verifyLivePersonSignature(body, 'sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=', SECRET)).not.to.throw();
        // The same digest in hexadecimal (installations configured for hex).
        expect(() => verifyLivePersonSignature(body, 'sha1=7bf4df4b4c2fd476ef12c32a70132614b70cb252', SECRET)).not.to.throw();
    });

    it('documented vector 2: conversation CLOSE body → sha1=CKiT6u4nb4Mpi0tdbCbgBXKAF1E=', () => {
        const body = vector('vector-conversation-close');
        expect(livePersonSignature(body, SECRET)).to.equal('sha1=CKiT6u4nb4Mpi0tdbCbgBXKAF1E=');
        expect(() => verifyLivePersonSignature(body, 'sha1=CKiT6u4nb4Mpi0tdbCbgBXKAF1E=', SECRET)).not.to.throw();
    });

    it('sha256, in Base64 and in hex', () => {
        const body = vector('vector-conversation-close');
        for (const encoding of ['base64', 'hex'] as const) {
            const header = livePersonSignature(body, SECRET, 'sha256', encoding);
            expect(header.startsWith('sha256=')).to.equal(true);
            expect(() => verifyLivePersonSignature(body, header, SECRET)).not.to.throw();
        }
    });

    it('hashes the raw bytes: non-ASCII text verifies, a re-serialised body does not', () => {
        const raw = Buffer.from(
            '{"kind":"notification","body":{"changes":[{"event":{"type":"ContentEvent","message":"Grüße 👋 — ¿qué tal?"}}]},"type":"ms.MessagingEventNotification"}',
            'utf8'
        );
        const header = livePersonSignature(raw, SECRET);
        expect(() => verifyLivePersonSignature(raw, header, SECRET)).not.to.throw();
        const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8')), null, 1), 'utf8');
        expect(rejection(() => verifyLivePersonSignature(reserialised, header, SECRET)).status).to.equal(401);
    });

    it('only the exact encodings of the digest: Base64 with trailing junk, stray characters or no padding, hex with extra characters → 401', () => {
        const pause = vector('vector-chat-state-pause');
        const close = vector('vector-conversation-close');
        const notADigest = 'x-liveperson-signature is not a sha1 digest in hexadecimal or Base64.';
        const base64 = 'e/TfS0wv1HbvEsMqcBMmFLcMslI=';
        const hex = '7bf4df4b4c2fd476ef12c32a70132614b70cb252';
        for (const digest of [
            `${base64}junk`,
            `${base64}=`,
            `${base64}AAAA`,
            `${base64}==`,
            base64.slice(0, -1), // no padding
            `${base64.slice(0, 10)} ${base64.slice(10)}`,
            `${base64.slice(0, 10)}.${base64.slice(10)}`,
            'e_TfS0wv1HbvEsMqcBMmFLcMslI=', // base64url
            'e/TfS0wv1HbvEsMqcBMmFLcMslJ=', // same bytes, non-zero unused bits: not canonical
            `${hex}00`,
            `${hex}zz`,
            `${hex}=`,
            `${hex.slice(0, 20)} ${hex.slice(20)}`,
            hex.slice(0, -2),
            `0x${hex}`,
        ]) {
            const err = rejection(() => verifyLivePersonSignature(pause, `sha1=${digest}`, SECRET));
            expect(err.status, digest).to.equal(401);
            expect(err.message, digest).to.equal(notADigest);
        }
        expect(rejection(() => verifyLivePersonSignature(pause, `sha1=${base64.slice(0, 10)}\n${base64.slice(10)}`, SECRET)).status).to.equal(401);
        // The exact encodings still pass: documented vectors, hex in either case, sha256 both ways.
        expect(() => verifyLivePersonSignature(pause, `sha1=${base64}`, SECRET)).not.to.throw();
        expect(() => verifyLivePersonSignature(pause, `sha1=${hex}`, SECRET)).not.to.throw();
        expect(() => verifyLivePersonSignature(pause, `sha1=${hex.toUpperCase()}`, SECRET)).not.to.throw();
        expect(() => verifyLivePersonSignature(close, 'sha1=CKiT6u4nb4Mpi0tdbCbgBXKAF1E=', SECRET)).not.to.throw();
        const sha256 = livePersonSignature(close, SECRET, 'sha256').slice('sha256='.length);
        expect(rejection(() => verifyLivePersonSignature(close, `sha256=${sha256}x`, SECRET)).message).to.equal(
            'x-liveperson-signature is not a sha256 digest in hexadecimal or Base64.'
        );
        // A sha1 digest under sha256= (or the reverse) is the wrong length for that algorithm.
        expect(rejection(() => verifyLivePersonSignature(pause, `sha256=${base64}`, SECRET)).status).to.equal(401);
    });

    it('missing, malformed, wrong-secret and tampered signatures → 401 with a reason, never the expected value', () => {
        const body = vector('vector-chat-state-pause');
        expect(rejection(() => verifyLivePersonSignature(body, undefined, SECRET)).message).to.equal('Missing x-liveperson-signature header.');
        expect(rejection(() => verifyLivePersonSignature(body, 'md5=abc', SECRET)).message).to.match(/must look like "sha1=<digest>"/);
        const wrong = rejection(() => verifyLivePersonSignature(body, livePersonSignature(body, 'other-secret'), SECRET));
        expect(wrong.status).to.equal(401);
        expect(wrong.message).to.equal('x-liveperson-signature does not match the request body.');
        const tampered = Buffer.from(body.toString('utf8').replace('PAUSE', 'ACTIVE'));
        expect(rejection(() => verifyLivePersonSignature(tampered, 'sha1=e/TfS0wv1HbvEsMqcBMmFLcMslI=', SECRET)).status).to.equal(401);
    });
});
