/**
 * One LivePerson app installation has one webhook URL: a bot that is itself a LivePerson consumer (LivePersonAdapter)
 * and the escalation bridge share it, and one store. `bridge.handles(body)` hands each notification to the one that
 * opened its conversation; their inboxes stay apart.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import express from 'express';
import type { TurnContext } from 'botbuilder';
import { LivePersonAdapter } from '../../src/botbuilder/livePersonAdapter';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { Customer, SECRET, startApp, startWorld, type EscalationApp, type World } from './harness';

describe('LivePersonEscalation on a webhook route shared with a LivePersonAdapter', function () {
    this.timeout(15000);
    let world: World;
    let app: EscalationApp;
    let adapter: LivePersonAdapter;
    let server: Server;

    afterEach(async () => {
        server?.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
        await app?.close();
        await adapter?.close();
        await world?.stop();
    });

    it("each notification goes to the one that opened its conversation: the bot's own to the adapter, the escalation's to the bridge", async () => {
        world = await startWorld();
        const { sandbox, connector, log } = world;
        const store = new MemoryInboxStore();
        app = await startApp({ store, sandbox, log, logger: world.logger });
        adapter = new LivePersonAdapter({
            accountId: sandbox.accountId,
            clientId: sandbox.clientId,
            clientSecret: SECRET,
            csdsUrl: sandbox.url,
            store,
            logger: world.logger,
            inbox: { pollMs: 20 },
        });
        const botSaw: string[] = [];
        const botLogic = async (context: TurnContext) => {
            if (context.activity.type === 'message') botSaw.push(context.activity.text ?? '');
        };
        const shared = express();
        shared.post('/api/liveperson/webhook', express.raw({ type: () => true }), async (req, res) => {
            if (await app.bridge.handles(req.body)) await app.bridge.process(req, res);
            else await adapter.process(req, res, botLogic);
        });
        server = await new Promise((resolve) => {
            const listening = shared.listen(0, '127.0.0.1', () => resolve(listening));
        });
        sandbox.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/liveperson/webhook`;

        const own = (await adapter.openConversation({ consumerId: 'the-bot-itself' })).conversation!.id;
        await new Customer(app.url, connector.url).says('agent');
        const escalated = [...sandbox.conversations.values()].find((c) => c.id !== own)!.id;
        await sandbox.agentJoins(escalated);
        await sandbox.agentSays(own, 'for the bot');
        await sandbox.agentSays(escalated, 'for the customer');
        await app.bridge.whenIdle();
        await adapter.whenIdle();

        expect(botSaw).to.deep.equal(['for the bot']);
        expect(connector.texts('conversation-1').at(-1)).to.equal('for the customer');
        expect(connector.texts('conversation-1')).not.to.include('for the bot');
        expect(log.events.filter((e) => e.name === 'handoff.status').map((e) => e.value.state)).to.deep.equal(['accepted']);
        expect(await app.bridge.handles('not json')).to.equal(false);
    });
});
