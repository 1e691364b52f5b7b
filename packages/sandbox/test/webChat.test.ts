import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SandboxPage } from '../src';

/**
 * A bot's Bot Framework channel endpoint, as botbuilder's CloudAdapter serves it without credentials: it records each
 * activity, and answers a message by posting `typing` and `Echo: <text>` (with suggested actions) to the activity's
 * `serviceUrl` from the server (no Origin), then 200; or `status` when set.
 */
class ChannelBot {
    readonly received: Array<Record<string, any>> = [];
    readonly connectorAnswers: Array<{ status: number; body: any }> = [];
    status = 200;
    private server?: Server;

    async start(): Promise<string> {
        this.server = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (chunk: Buffer) => chunks.push(chunk));
            req.on('end', async () => {
                const activity = JSON.parse(Buffer.concat(chunks).toString('utf8'));
                this.received.push(activity);
                if (this.status !== 200) return res.writeHead(this.status).end('broken');
                if (activity.type === 'message') {
                    const url = `${activity.serviceUrl}/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities/${encodeURIComponent(activity.id)}`;
                    for (const reply of [
                        { type: 'typing' },
                        { type: 'message', text: `Echo: ${activity.text}`, suggestedActions: { actions: [{ type: 'imBack', title: 'Yes', value: 'yes' }] } },
                    ]) {
                        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reply) });
                        this.connectorAnswers.push({ status: response.status, body: await response.json() });
                    }
                }
                res.writeHead(200).end();
            });
        });
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/messages`;
    }

    async stop(): Promise<void> {
        await new Promise((resolve) => this.server?.close(resolve));
    }
}

describe('SandboxPage Web Chat (a Bot Framework channel customer and the Bot Connector stand-in)', () => {
    let bot: ChannelBot;
    let page: SandboxPage;
    let url: string;

    beforeEach(async () => {
        bot = new ChannelBot();
        const messagesUrl = await bot.start();
        page = new SandboxPage({ webChat: { messagesUrl, serviceUrl: 'http://127.0.0.1:1/unset' } });
        url = await page.start();
        // The page's URL is known once it listens: the bot's replies go to its botconnector/ routes.
        page.webChat!.serviceUrl = `${url}botconnector`;
    });
    afterEach(async () => {
        await page.stop();
        await bot.stop();
    });

    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const state = async () => ((await (await fetch(`${url}api/state`)).json()) as any).webChat;

    it('opens a conversation with an Emulator-style conversationUpdate, posts messages, and shows the replies the bot posted', async () => {
        const opened = await post('api/webchat/conversations', { name: 'Grace' });
        expect(opened.status).to.equal(201);
        const { id } = (await opened.json()) as any;
        expect(bot.received).to.have.length(1);
        const update = bot.received[0];
        expect(update).to.include({ type: 'conversationUpdate', channelId: 'emulator', serviceUrl: `${url}botconnector` });
        expect(update.conversation).to.deep.equal({ id });
        expect(update.recipient).to.include({ id: 'bot' });
        expect(update.membersAdded).to.deep.equal([{ id: update.from.id, name: 'Grace' }]);
        expect(update.from).to.include({ name: 'Grace' });

        expect((await post(`api/webchat/conversations/${encodeURIComponent(id)}/messages`, { text: 'hi' })).status).to.equal(200);
        const message = bot.received[1];
        expect(message).to.include({ type: 'message', text: 'hi', channelId: 'emulator' });
        expect(message.id).to.be.a('string');
        expect(bot.connectorAnswers.map((a) => a.status)).to.deep.equal([200, 200]);
        expect(bot.connectorAnswers[1].body.id).to.be.a('string');

        const [conversation] = (await state()).conversations;
        expect(conversation.id).to.equal(id);
        expect(conversation.entries.map((e: any) => [e.from, e.activity.type, e.activity.text])).to.deep.equal([
            ['user', 'message', 'hi'],
            ['bot', 'typing', undefined],
            ['bot', 'message', 'Echo: hi'],
        ]);
        expect(conversation.entries[2].activity.id).to.equal(bot.connectorAnswers[1].body.id);
        expect(conversation.entries[2].activity.suggestedActions.actions[0]).to.include({ value: 'yes' });

        // A click on a suggested action: its value as the text, the message marked used.
        const messageId = conversation.entries[2].id;
        expect((await post(`api/webchat/conversations/${encodeURIComponent(id)}/messages`, { text: 'yes', messageId })).status).to.equal(200);
        expect(bot.received[2]).to.include({ type: 'message', text: 'yes' });
        expect((await state()).conversations[0].used).to.deep.equal([messageId]);
    });

    it("takes the Bot Connector stand-in's posts from a server only: a browser's Origin or Sec-Fetch-Site is refused, and non-JSON", async () => {
        const connector = 'botconnector/v3/conversations/c1/activities';
        const fromBrowser = await post(connector, { type: 'message', text: 'forged' }, { origin: url.replace(/\/$/, '') });
        expect(fromBrowser.status).to.equal(403);
        expect((await post(connector, { type: 'message', text: 'forged' }, { 'sec-fetch-site': 'same-origin' })).status).to.equal(403);
        const notJson = await fetch(`${url}${connector}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
        expect(notJson.status).to.equal(415);
        expect((await state()).conversations).to.deep.equal([]);
        // From a server (no Origin): recorded, even for a conversation the page did not open (a proactive message).
        const proactive = await post(connector, { type: 'message', text: 'An agent joined.' });
        expect(proactive.status).to.equal(200);
        const { id } = (await proactive.json()) as any;
        const [conversation] = (await state()).conversations;
        expect(conversation.id).to.equal('c1');
        expect(conversation.entries.map((e: any) => [e.id, e.activity.text])).to.deep.equal([[id, 'An agent joined.']]);
    });

    it("answers 502 with the bot's status when /api/messages refuses the activity, 404 for an unknown conversation, and forgets all on reset", async () => {
        const { id } = (await (await post('api/webchat/conversations', {})).json()) as any;
        bot.status = 500;
        const refused = await post(`api/webchat/conversations/${encodeURIComponent(id)}/messages`, { text: 'hi' });
        expect(refused.status).to.equal(502);
        expect(((await refused.json()) as any).error).to.equal("The bot's /api/messages answered 500: broken");
        expect((await post('api/webchat/conversations/nope/messages', { text: 'hi' })).status).to.equal(404);
        expect((await post(`api/webchat/conversations/${encodeURIComponent(id)}/messages`, {})).status).to.equal(400);
        expect((await post('api/reset', {})).status).to.equal(200);
        expect((await state()).conversations).to.deep.equal([]);
    });
});
