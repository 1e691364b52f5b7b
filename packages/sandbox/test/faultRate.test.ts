import { expect } from 'chai';
import { EightByEightSandbox, FAULT_KINDS, type FaultKind } from '../src';

describe('injectFaultRate (probabilistic faults in the REST stand-ins)', function () {
    this.timeout(10000);
    let sandbox: EightByEightSandbox;
    let base: string;
    let conversationId: string;

    beforeEach(async () => {
        sandbox = new EightByEightSandbox({ apiKey: 'k-1', echoBotMessages: false });
        base = await sandbox.start();
        conversationId = sandbox.addConversation('c-1').id;
    });
    afterEach(() => sandbox.stop());

    const postMessage = (text: string, timeoutMs = 2000) =>
        fetch(`${base}/chat-gateway/v1/conversations/${conversationId}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': 'k-1' },
            body: JSON.stringify({ authorType: 'bot', text }),
            signal: AbortSignal.timeout(timeoutMs),
        }).then(
            async (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after'), error: undefined as string | undefined }),
            (err: Error & { cause?: { code?: string } }) => ({ status: 0, retryAfter: null, error: `${err.name} ${err.cause?.code ?? ''}` })
        );
    const texts = () => sandbox.botMessages(conversationId).map((m) => m.text);
    const only = (kind: FaultKind, extra: object = {}) => sandbox.injectFaultRate({ rate: 1, kinds: [kind], ...extra });

    it('503 and 429 (with Retry-After) fail before acting: nothing recorded', async () => {
        only('503');
        expect((await postMessage('a')).status).to.equal(503);
        only('429', { retryAfterSeconds: 2 });
        expect(await postMessage('b')).to.include({ status: 429, retryAfter: '2' });
        expect(texts()).to.deep.equal([]);
        expect(sandbox.injectedFaults.map((f) => [f.kind, f.acted])).to.deep.equal([
            ['503', false],
            ['429', false],
        ]);
    });

    it('500-after-acting and reset-after-acting: the message is there (the customer sees it), the client sees a failure', async () => {
        only('500-after-acting');
        expect((await postMessage('first')).status).to.equal(500);
        only('reset-after-acting');
        const reset = await postMessage('second');
        expect(reset.status).to.equal(0);
        expect(reset.error).to.match(/TypeError/);
        expect(texts()).to.deep.equal(['first', 'second']);
        expect(sandbox.injectedFaults.map((f) => [f.kind, f.acted, (f.body as { text: string }).text])).to.deep.equal([
            ['500-after-acting', true, 'first'],
            ['reset-after-acting', true, 'second'],
        ]);
        expect(sandbox.recorder.requests.map((r) => [r.status, r.fault])).to.deep.equal([
            [500, '500-after-acting'],
            [0, 'reset-after-acting'],
        ]);
    });

    it('an after-acting fault on a request the vendor refuses anyway did not act', async () => {
        only('500-after-acting');
        const response = await fetch(`${base}/chat-gateway/v1/conversations/nope/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': 'k-1' },
            body: JSON.stringify({ authorType: 'bot', text: 'x' }),
        });
        expect(response.status).to.equal(500);
        expect(sandbox.injectedFaults[0]).to.include({ kind: '500-after-acting', acted: false });
    });

    it('reset and hang act on nothing: a reset drops the connection at once, a hang holds it until the client gives up', async () => {
        only('reset');
        expect((await postMessage('a')).status).to.equal(0);
        only('hang');
        const started = Date.now();
        const hung = await postMessage('b', 300);
        expect(hung.status).to.equal(0);
        expect(hung.error).to.match(/TimeoutError/);
        expect(Date.now() - started).to.be.within(250, 2000);
        expect(texts()).to.deep.equal([]);
        expect(sandbox.recorder.requests.map((r) => r.fault)).to.deep.equal(['reset', 'hang']);
    });

    it('fails about `rate` of the matching calls, the same kinds in the same order for the same seed; clearFaultRate stops it', async () => {
        const run = async (seed: number) => {
            sandbox.injectFaultRate({ rate: 0.3, kinds: ['503', '429', '500-after-acting'], seed, path: /\/messages$/ });
            const statuses: number[] = [];
            for (let i = 0; i < 200; i++) statuses.push((await postMessage(`m${i}`)).status);
            return statuses;
        };
        const first = await run(42);
        const failed = first.filter((status) => status !== 202).length;
        expect(failed).to.be.within(35, 85);
        expect(await run(42)).to.deep.equal(first);
        expect(await run(43)).not.to.deep.equal(first);
        // Other paths are not affected by a path filter.
        expect((await fetch(`${base}/chat-gateway/v1/conversations/${conversationId}`, { headers: { 'x-api-key': 'k-1' } })).status).to.equal(200);
        sandbox.clearFaultRate();
        expect((await postMessage('after')).status).to.equal(202);
        expect(FAULT_KINDS).to.have.length(6);
        expect(() => sandbox.injectFaultRate({ rate: 2 })).to.throw(/rate/);
    });

    it('injectFault with match: only the requests whose body it accepts (e.g. one message), for the times given', async () => {
        sandbox.injectFault({ method: 'POST', path: /\/messages$/, status: 503, match: ({ body }) => (body as { text?: string }).text === 'b', times: 5 });
        expect([(await postMessage('a')).status, (await postMessage('b')).status, (await postMessage('c')).status]).to.deep.equal([202, 503, 202]);
        expect(texts()).to.deep.equal(['a', 'c']);
    });
});
