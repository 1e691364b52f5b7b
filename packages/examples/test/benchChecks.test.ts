/**
 * `npm run bench` must fail loudly instead of printing numbers when a contender breaks the webhook contract (issue:
 * every webhook answered 2xx, each with exactly one reply, in order per conversation). Its checks run here against
 * small bots that break one rule each, over real HTTP: the bench's own request builder and `measure()`, and its
 * vendor-side stand-in process (the Bot Connector one, the simplest of the three) counting the replies.
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The bench is plain JavaScript outside the workspace packages.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bench = require('../../../bench/run.js');

type Behaviour = 'correct' | 'fails one' | 'replies twice' | 'replies out of order' | 'says something else too';

/** A bot behind `POST /api/messages` that answers each `m:<conversation>:<n>` with `Echo: …`, breaking one rule. */
async function startBot(behaviour: Behaviour): Promise<{ url: string; server: Server }> {
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk) => chunks.push(chunk));
        req.on('end', async () => {
            const activity = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            const [, conversation, n] = /^m:(.+):(\d+)$/.exec(activity.text)!;
            const say = (text: string) =>
                fetch(`${activity.serviceUrl}/v3/conversations/${encodeURIComponent(conversation)}/activities`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ type: 'message', text }),
                });
            await say(behaviour === 'replies out of order' ? `Echo: m:${conversation}:${100 - Number(n)}` : `Echo: ${activity.text}`);
            if (behaviour === 'replies twice') await say(`Echo: ${activity.text}`);
            if (behaviour === 'says something else too') await say('Hello!');
            res.writeHead(behaviour === 'fails one' && n === '2' ? 500 : 200).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('npm run bench: its correctness checks', function () {
    this.timeout(30000);
    const shape = { name: 'check', conversations: 2, perConversation: 4, connections: 2 };
    let standIn: { info: { url: string }; stop(): Promise<void> };

    before(async () => {
        standIn = await bench.startStandIn('connector');
    });
    after(async () => {
        await standIn?.stop();
    });

    async function measureBot(behaviour: Behaviour) {
        const bot = await startBot(behaviour);
        try {
            const ids = bench.conversationIdsFor(shape, behaviour.replace(/ /g, '-'));
            return await bench.measure(behaviour, bot.url, standIn, bench.cloudRequests(shape, ids, standIn.info.url), ids);
        } finally {
            bot.server.close();
        }
    }

    it('pass a bot that keeps the contract, with its reply count', async () => {
        const result = await measureBot('correct');
        expect(result.total).to.equal(8);
        expect(result.calls).to.deep.equal({ message: 8 });
    });

    const violations: Array<[Behaviour, RegExp]> = [
        ['fails one', /2 webhooks answered non-2xx/], // message 2 of each conversation
        ['replies twice', /16 replies for 8 messages; 8 replies out of order or duplicated/],
        ['replies out of order', /6 replies out of order or duplicated/],
        ['says something else too', /8 unexpected replies \(Hello!/],
    ];
    for (const [behaviour, problem] of violations) {
        it(`fail loudly on a bot that ${behaviour}`, async () => {
            const error = await measureBot(behaviour).then(
                () => undefined,
                (err: Error) => err
            );
            expect(error, 'measure() must reject').to.be.instanceOf(Error);
            expect(error!.message).to.match(/^CORRECTNESS FAILURE in /);
            expect(error!.message).to.match(problem);
        });
    }
});
