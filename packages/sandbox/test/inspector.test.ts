import { expect } from 'chai';
import {
    EightByEightSandbox,
    EightByEightSource,
    LivePersonSandbox,
    LivePersonSource,
    SecretMasker,
    TrafficLog,
    type CallEntry,
    type WebhookEntry,
} from '../src';
import { startFakeBot, type FakeBot } from './fakeBot';

const GATEWAY = '/chat-gateway/v1';

/** The protocol inspector's record of the stand-ins' traffic, over real HTTP on loopback (a fake bot answers the webhooks). */
describe('TrafficLog (the protocol inspector)', () => {
    let eight: EightByEightSandbox;
    let lp: LivePersonSandbox;
    let bot: FakeBot;
    let log: TrafficLog;

    beforeEach(async () => {
        eight = new EightByEightSandbox({ echoBotMessages: false });
        lp = new LivePersonSandbox({ echoConsumerEvents: false });
        await Promise.all([eight.start(), lp.start()]);
        bot = await startFakeBot();
        eight.webhookUrl = bot.url;
        lp.webhookUrl = bot.url;
        log = new TrafficLog([new EightByEightSource(eight), new LivePersonSource(lp)], { dedupWatchMs: 150 });
    });
    afterEach(async () => {
        log.close();
        await Promise.all([eight.stop(), lp.stop()]);
        await bot.close();
    });

    const webhooks = () => log.entries.filter((e): e is WebhookEntry => e.kind === 'webhook');
    const calls = () => log.entries.filter((e): e is CallEntry => e.kind === 'call');
    const botSays = (conversationId: string, text: string) =>
        fetch(`${eight.url}${GATEWAY}/conversations/${conversationId}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': eight.apiKey },
            body: JSON.stringify({ authorType: 'bot', text }),
        });

    it('keeps each 8x8 webhook (headers, body, signature verdict, the answer and its time) and each API call, per conversation, the API key masked', async () => {
        bot.answer = () => ({ status: 200, body: { ok: true } });
        const id = await eight.startConversation({ user: { name: 'Ada' } });
        await eight.customerSays(id, 'hi there');
        expect((await botSays(id, 'Echo: hi there')).status).to.equal(202);

        const message = webhooks().find((e) => e.eventType === 'MESSAGE')!;
        expect(message).to.include({ vendor: '8x8', conversationId: id, summary: 'user: hi there', status: 200, attempt: 1, url: bot.url });
        expect(message.signature).to.deep.equal({ valid: true, text: 'Valid: RS256 by key "sandbox-key-1" over the body\'s CRC32 and the x-8x8-* headers.' });
        expect(message.eventId)
            .to.equal(message.headers['x-8x8-event-id'])
            .and.match(/^\w{22}$/);
        expect((message.body as { data: { text: string } }).data.text).to.equal('hi there');
        expect(message.response).to.deep.equal({ ok: true });
        expect(message.durationMs).to.be.a('number').at.least(0);
        expect(message.curl).to.match(new RegExp(`^curl -i -X POST '${bot.url}'`));
        expect(message.curl).to.include(`-H 'x-8x8-signature: ${message.headers['x-8x8-signature']}'`).and.include(`--data-binary '${message.bodyText}'`);

        const send = calls().find((e) => e.operation === 'send message')!;
        expect(send).to.include({ vendor: '8x8', conversationId: id, method: 'POST', status: 202, attempt: 1 });
        expect(send.path).to.equal(`${GATEWAY}/conversations/${id}/messages`);
        expect(send.headers['x-api-key']).to.equal('[masked: API key]');
        expect(send.body).to.deep.equal({ authorType: 'bot', text: 'Echo: hi there' });
        expect(JSON.stringify(log.changes())).not.to.include(eight.apiKey);
        expect(log.entries.map((e) => e.id)).to.deep.equal(log.entries.map((_, i) => i + 1));
    });

    it('tells a retry: a call repeating one that failed (503, 429, no answer), and not a repeat of one that succeeded', async () => {
        const id = await eight.startConversation();
        eight.injectFault({ path: /\/messages$/, status: 503 });
        expect((await botSays(id, 'one')).status).to.equal(503);
        expect((await botSays(id, 'one')).status).to.equal(202);
        expect((await botSays(id, 'one')).status).to.equal(202);
        const sends = calls().filter((e) => e.operation === 'send message');
        expect(sends.map((e) => [e.status, e.attempt, e.retryOf, e.injected])).to.deep.equal([
            [503, 1, undefined, '503'],
            [202, 2, sends[0].id, undefined],
            [202, 1, undefined, undefined],
        ]);
    });

    it('masks every LivePerson credential: the client secret in the form, the AppJWT and the ConsumerJWS in headers and answers', async () => {
        const account = `/api/account/${lp.accountId}`;
        const sentinel = await fetch(`${lp.url}/sentinel${account}/app/token?v=1.0&grant_type=client_credentials`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ client_id: lp.clientId, client_secret: lp.clientSecret }).toString(),
        });
        const appJwt = ((await sentinel.json()) as { access_token: string }).access_token;
        const idp = await fetch(`${lp.url}${account}/consumer?v=1.0`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: appJwt },
            body: JSON.stringify({ ext_consumer_id: 'customer-1' }),
        });
        const consumerJws = ((await idp.json()) as { token: string }).token;
        const open = await fetch(`${lp.url}${account}/messaging/consumer/conversation?v=3`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: appJwt, 'x-lp-on-behalf': consumerJws },
            body: JSON.stringify([
                { kind: 'req', id: '1', type: 'userprofile.SetUserProfile', body: {} },
                { kind: 'req', id: '2', type: 'cm.ConsumerRequestConversation', body: { brandId: lp.accountId } },
            ]),
        });
        const conversationId = ((await open.json()) as Array<{ body: { conversationId?: string } }>)[1].body.conversationId;

        expect(calls().map((e) => [e.operation, e.status])).to.deep.equal([
            ['AppJWT (Sentinel)', 200],
            ['ConsumerJWS (IdP)', 201],
            ['open conversation', 200],
        ]);
        const [token, consumer, opened] = calls();
        expect(token.body).to.equal('client_id=sandbox-client-id&client_secret=[masked: client secret]');
        expect(token.response!.body).to.deep.include({ access_token: '[masked: token]' });
        expect(consumer.headers.authorization).to.equal('[masked: token]');
        expect(consumer.response!.body).to.deep.equal({ token: '[masked: token]' });
        expect(opened.headers['x-lp-on-behalf']).to.equal('[masked: ConsumerJWS]');
        expect(opened.conversationId).to.equal(conversationId);
        const everything = JSON.stringify(log.changes());
        for (const secret of [lp.clientSecret, appJwt, consumerJws]) expect(everything).not.to.include(secret);
    });

    it('checks LivePerson signatures itself: valid, a body changed after signing, a forged one, none', async () => {
        const notification = lp.messagingNotification([
            { sequence: 1, conversationId: 'c-1', dialogId: 'c-1', event: { type: 'ContentEvent', message: 'hi' } },
        ]);
        await lp.deliver(notification);
        await lp.deliver(notification, { tamper: (body) => body.replace('hi', 'ho') });
        await lp.deliver(notification, { signature: 'forged' });
        await lp.deliver(notification, { signature: 'none' });
        expect(webhooks().map((e) => [e.conversationId, e.signature.valid, e.signature.text])).to.deep.equal([
            ['c-1', true, "Valid: HMAC-SHA1 of the body with the app's client secret."],
            ['c-1', false, 'Does not match: the body was changed after signing.'],
            ['c-1', false, "Does not match: not an HMAC of this body with the app's client secret (forged or broken)."],
            ['c-1', false, 'No x-liveperson-signature header: the webhook is unsigned.'],
        ]);
        expect(webhooks()[0].summary).to.equal('someone: hi');
    });

    it('checks 8x8 signatures itself: a changed body, another key with the same kid, an unknown kid, none', async () => {
        const id = await eight.startConversation();
        const event = { eventType: 'MESSAGE', conversationId: id, data: { text: 'x' } };
        await eight.deliver(event, { tamper: (body) => body.replace('"x"', '"y"') });
        await eight.deliver(event, { signature: 'forged' });
        await eight.deliver(event, { signature: 'unknownKey' });
        await eight.deliver(event, { signature: 'none' });
        expect(
            webhooks()
                .slice(1)
                .map((e) => e.signature.text)
        ).to.deep.equal([
            'Does not match: the body was changed after signing (its CRC32 differs from the signed one).',
            'Does not match: not a signature of this body and these headers by key "sandbox-key-1" (forged or broken).',
            'Signed with key "no-such-key", which 8x8 does not publish.',
            'No x-8x8-signature header: the webhook is unsigned.',
        ]);
    });

    it('marks a redelivery of an event the bot accepted as a duplicate, and watches whether the bot ran again', async () => {
        const id = await eight.startConversation();
        const first = await eight.customerSays(id, 'once');
        // Delivered again, nothing follows: de-duplicated.
        await eight.deliver({ eventType: 'MESSAGE', conversationId: id, data: { text: 'once' } }, { eventId: first.eventId, retry: 1 });
        const again = webhooks().at(-1)!;
        expect(again.duplicateOf).to.equal(webhooks().find((e) => e.eventId === first.eventId)!.id);
        expect(again.dedup).to.equal('checking');
        await new Promise((resolve) => setTimeout(resolve, 250));
        expect(again.dedup).to.equal('not-run');
        // Delivered a third time, and a vendor call for the conversation follows: the bot may have run it again.
        await eight.deliver({ eventType: 'MESSAGE', conversationId: id, data: { text: 'once' } }, { eventId: first.eventId, retry: 2 });
        await botSays(id, 'Echo: once');
        expect(webhooks().at(-1)!.dedup).to.equal('ran');
        const revision = log.changes().rev;
        expect(log.changes(revision).entries).to.deep.equal([]);
        // An event the bot refused is no duplicate when delivered again.
        bot.answer = () => ({ status: 503 });
        const refused = await eight.customerSays(id, 'twice');
        bot.answer = () => ({ status: 200 });
        await eight.deliver({ eventType: 'MESSAGE', conversationId: id, data: { text: 'twice' } }, { eventId: refused.eventId, retry: 1 });
        expect(webhooks().at(-1)!.duplicateOf).to.equal(undefined);
    });

    it('forgets everything on clear(): a new epoch, no entries', async () => {
        await eight.startConversation();
        const before = log.epoch;
        log.clear();
        expect(log.changes()).to.deep.include({ entries: [] });
        expect(log.epoch).to.be.above(before);
    });
});

describe('SecretMasker', () => {
    it('masks secrets in text (also URL-encoded), JWT-shaped strings, credential keys in JSON and forms, and credential headers', () => {
        const masker = new SecretMasker();
        masker.add('s3cret/+key', 'client secret');
        expect(masker.text('a s3cret/+key b s3cret%2F%2Bkey c')).to.equal('a [masked: client secret] b [masked: client secret] c');
        expect(masker.text('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl')).to.equal('Bearer [masked: token]');
        expect(masker.json({ nested: [{ apiKey: 'k', access_token: 't', note: 'with s3cret/+key inside' }], token: '' })).to.deep.equal({
            nested: [{ apiKey: '[masked: API key]', access_token: '[masked: token]', note: 'with [masked: client secret] inside' }],
            token: '',
        });
        expect(masker.form('grant_type=x&client_secret=abc&client_id=me')).to.equal('grant_type=x&client_secret=[masked: client secret]&client_id=me');
        expect(masker.headers({ 'X-Api-Key': 'k', Authorization: 'Bearer t', 'x-lp-on-behalf': 'j', accept: ['a', 'b'] })).to.deep.equal({
            'X-Api-Key': '[masked: API key]',
            Authorization: '[masked: token]',
            'x-lp-on-behalf': '[masked: ConsumerJWS]',
            accept: 'a, b',
        });
        masker.learn({ body: { token: 'opaque-token-123' } });
        expect(masker.text('x-opaque-token-123-y')).to.equal('x-[masked: token]-y');
        expect(masker.body(Buffer.from('abc'))).to.equal('(3 bytes)');
    });
});
