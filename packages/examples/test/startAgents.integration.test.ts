/**
 * `npm run start:agents` (`node lib/main.js` with `BOT_HOST=agents`): the echo bot on the Microsoft 365 Agents SDK
 * host starts with the embedded sandbox and answers through it, on both vendors. Driven over the sandbox page's own
 * HTTP API (what its buttons call), without a browser: the browser test covers the page on the default host.
 */
import { expect } from 'chai';
import { GREETING } from '../src/echoReplies';
import { freePort, startNpmScript, type StartedScript } from './helpers';

/** Polls `read` every 20 ms until `done` holds for what it gives (the bot answers after the webhook's 200); resolves with it. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const start = Date.now();
    for (;;) {
        const value = await read();
        if (done(value) || Date.now() - start > timeoutMs) return value;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe('npm run start:agents (echo bot on the Agents SDK host, embedded sandbox)', function () {
    this.timeout(60_000);
    let started: StartedScript;

    before(async () => {
        started = await startNpmScript(['run', 'start:agents'], await freePort());
    });
    after(async () => {
        await started?.stop();
    });

    async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
        const response = await fetch(`${started.url}api/${path}`, {
            method,
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: response.status, body: await response.json() };
    }

    it('says on its start-up line that the Agents SDK host runs the echo bot', () => {
        expect(started.output()).to.match(
            /^Echo bot \(Microsoft 365 Agents SDK host\) listening on http:\/\/127\.0\.0\.1:\d+, with an embedded 8x8 and LivePerson sandbox/m
        );
    });

    it('8x8: greets the customer and echoes a message', async () => {
        const { status, body } = await call('POST', '8x8/conversations', { name: 'Agents Check' });
        expect(status).to.equal(201);
        expect((await call('POST', `8x8/conversations/${body.id}/messages`, { text: 'hello from start:agents' })).status).to.equal(200);
        const botTexts = await eventually(
            async () => {
                const state = (await call('GET', 'state')).body;
                const conversation = state.eightByEight.conversations.find((c: { id: string }) => c.id === body.id);
                return conversation.messages.filter((m: { authorType: string }) => m.authorType === 'bot').map((m: { text: string }) => m.text) as string[];
            },
            (texts) => texts.length >= 2
        );
        expect(botTexts).to.deep.equal([GREETING, 'Echo: hello from start:agents']);
    });

    it('LivePerson: opens a conversation, greets the agent who joins and echoes the agent', async () => {
        const opened = await call('POST', 'liveperson/conversations', { consumerId: 'agents-check', text: 'Hi, my parcel is late.' });
        expect(opened.status).to.equal(201);
        const id = opened.body.conversationId;
        expect((await call('POST', `liveperson/conversations/${id}/join`, {})).status).to.equal(200);
        expect((await call('POST', `liveperson/conversations/${id}/messages`, { text: 'Hello, this is Sam.' })).status).to.equal(200);
        const consumerTexts = await eventually(
            async () => {
                const state = (await call('GET', 'state')).body;
                const conversation = state.livePerson.conversations.find((c: { id: string }) => c.id === id);
                return conversation.events
                    .filter((e: { role: string; event: { type: string } }) => e.role === 'CONSUMER' && e.event.type === 'ContentEvent')
                    .map((e: { event: { message: string } }) => e.event.message) as string[];
            },
            (texts) => texts.length >= 3
        );
        expect(consumerTexts).to.deep.equal(['Hi, my parcel is late.', GREETING, 'Echo: Hello, this is Sam.']);
    });
});
