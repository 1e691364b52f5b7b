/**
 * The bridge's state is all in the store: two instances sharing it serve one escalation alternately (any instance
 * takes any webhook and any customer message), each transition happens once, and a restart in the middle (a new
 * bridge on the same MemoryInboxStore object, or on the same SQLite file) loses nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import type { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import type { InboxStore } from '../../src/core/inboxStore';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { SqliteInboxStore } from '../../src/stores/sqliteInboxStore';
import { waitUntil } from '../helpers';
import type { BotConnectorStandIn } from 'botbuilder-contact-center-sandbox';
import { Customer, startApp, startWorld, type AppOptions, type BotLog, type EscalationApp, type World } from './harness';

describe('LivePersonEscalation: several instances, restarts', function () {
    this.timeout(15000);
    let world: World;
    let sandbox: LivePersonSandbox;
    let connector: BotConnectorStandIn;
    let log: BotLog;
    let apps: EscalationApp[];
    let stores: InboxStore[];
    const conversationId = 'conversation-1';

    beforeEach(async () => {
        world = await startWorld();
        ({ sandbox, connector, log } = world);
        apps = [];
        stores = [];
    });

    afterEach(async () => {
        for (const app of apps) await app.close();
        for (const store of stores) await store.close();
        await world.stop();
    });

    async function start(store: InboxStore, bridge: AppOptions['bridge'] = {}): Promise<EscalationApp> {
        const app = await startApp({ store, sandbox, log, logger: world.logger, bridge });
        apps.push(app);
        return app;
    }

    const webhookOf = (app: EscalationApp) => `${app.url}/api/liveperson/webhook`;
    const settle = () => Promise.all(apps.map((app) => app.bridge.whenIdle()));
    const statuses = () => log.events.filter((e) => e.name === 'handoff.status').map((e) => e.value.state);

    it('two instances on one store serve the same escalation alternately: every message once, in order, accepted and completed once', async () => {
        const store = new MemoryInboxStore();
        const [a, b] = [await start(store), await start(store)];
        const customer = new Customer(a.url, connector.url, conversationId);
        await customer.says('agent', a.url);
        const [conversation] = [...sandbox.conversations.values()];

        sandbox.webhookUrl = webhookOf(b);
        await sandbox.agentJoins(conversation.id);
        await settle();
        await customer.says('hello from b', b.url);
        sandbox.webhookUrl = webhookOf(a);
        await sandbox.agentSays(conversation.id, 'agent via a');
        await settle();
        await customer.says('hello from a', a.url);
        sandbox.webhookUrl = webhookOf(b);
        await sandbox.agentSays(conversation.id, 'agent via b');
        // The same close delivered to both instances: one completion.
        await sandbox.agentCloses(conversation.id);
        sandbox.webhookUrl = webhookOf(a);
        await sandbox.deliver(sandbox.conversationNotification(conversation.id));
        await settle();
        await customer.says('back with the bot?', b.url);

        expect(statuses()).to.deep.equal(['accepted', 'completed']);
        expect(sandbox.consumerTexts(conversation.id).slice(1)).to.deep.equal(['hello from b', 'hello from a']);
        expect(connector.texts(conversationId)).to.deep.equal([
            'Connecting you to an agent.',
            'Please wait while I connect you to an agent. Type "cancel" to stop waiting.',
            'agent via a',
            'agent via b',
            'You are back with the bot.',
            'Echo: back with the bot?',
        ]);
    });

    it('two instances sweeping at once: the timeout is reported once', async () => {
        const store = new MemoryInboxStore();
        const [a, b] = [await start(store, { noAgentTimeoutMs: 50 }), await start(store, { noAgentTimeoutMs: 50 })];
        const customer = new Customer(a.url, connector.url, conversationId);
        await customer.says('agent');
        await new Promise((resolve) => setTimeout(resolve, 80));
        await Promise.all([a.bridge.sweep(), b.bridge.sweep(), a.bridge.sweep()]);
        await settle();
        expect(log.events.map((e) => [e.value.state, e.value.reason])).to.deep.include.members([['failed', 'timeout']]);
        expect(statuses()).to.deep.equal(['failed']);
        expect(connector.texts(conversationId).filter((t) => t.startsWith('Sorry'))).to.have.length(1);
    });

    it('an agent joining before the opening instance recorded the conversation (linked, still "opening") is handled once it is recorded', async () => {
        const store = new MemoryInboxStore();
        const app = await start(store);
        sandbox.webhookUrl = webhookOf(app);
        await new Customer(app.url, connector.url, conversationId).says('agent');
        const [conversation] = [...sandbox.conversations.values()];
        const key = `liveperson-escalation/customers/default/emulator/${conversationId}`;
        const { eTag: _eTag, ...waiting } = (await store.storage.read([key]))[key];
        await store.storage.write({ [key]: { ...waiting, state: 'opening', eTag: '*' } });
        await sandbox.agentJoins(conversation.id);
        await waitUntil(() => world.logger.lines.some((line) => line.includes('is still being opened')));
        expect(statuses()).to.deep.equal([]);
        await store.storage.write({ [key]: { ...waiting, eTag: '*' } });
        await app.bridge.whenIdle();
        expect(statuses()).to.deep.equal(['accepted']);
    });

    it('an escalation whose opening instance died (still "opening" after 2 minutes) is failed by the sweep (notOpened)', async () => {
        const store = new MemoryInboxStore();
        const app = await start(store);
        const customerKey = `default/emulator/${conversationId}`;
        const reference = {
            channelId: 'emulator',
            serviceUrl: connector.url,
            conversation: { id: conversationId },
            user: { id: 'customer-1', role: 'user' },
            bot: { id: 'bot', role: 'bot' },
        };
        const createdAt = Date.now() - 3 * 60_000;
        const request = { skillId: '1', userProfile: {}, firstMessage: 'Handoff from the bot.' };
        const record = { escalationId: 'e-1', state: 'opening', adapter: 'default', reference, consumerId: 'bf-x', request, createdAt, notices: [] };
        await store.storage.write({
            [`liveperson-escalation/customers/${customerKey}`]: { ...record, eTag: '*' },
            'liveperson-escalation/due': { due: { [customerKey]: createdAt + 2 * 60_000 }, eTag: '*' },
        });
        await app.bridge.sweep();
        expect(log.events.map((e) => [e.value.state, e.value.reason])).to.deep.equal([['failed', 'notOpened']]);
        expect(connector.texts(conversationId)).to.deep.equal([
            'Sorry, no agent could take the conversation. The LivePerson conversation could not be opened.',
        ]);
        expect((await store.storage.read(['liveperson-escalation/due']))['liveperson-escalation/due'].due).to.deep.equal({});
    });

    for (const kind of ['the same MemoryInboxStore object', 'the same SQLite file'] as const) {
        it(`a restart in the middle loses nothing (${kind}): an agent message that could not be relayed yet is relayed by the new instance`, async () => {
            let dir: string | undefined;
            const open = (): InboxStore => {
                if (kind === 'the same MemoryInboxStore object') return (stores[0] ??= new MemoryInboxStore());
                dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'escalation-'));
                const store = new SqliteInboxStore({ path: path.join(dir, 'state.sqlite') });
                stores.push(store);
                return store;
            };
            const first = await start(open());
            const customer = new Customer(first.url, connector.url, conversationId);
            sandbox.webhookUrl = webhookOf(first);
            await customer.says('agent');
            const [conversation] = [...sandbox.conversations.values()];
            await sandbox.agentJoins(conversation.id);
            await first.bridge.whenIdle();

            // The customer's channel is down: the agent's message is stored (200 to LivePerson) but not relayed yet.
            connector.failNext(1000, 501);
            expect((await sandbox.agentSays(conversation.id, 'Sent while the channel was down')).status).to.equal(200);
            await waitUntil(() => connector.attempts.some((a) => a.status === 501));
            await first.close();
            apps.splice(apps.indexOf(first), 1);
            if (kind === 'the same SQLite file') await stores.pop()!.close();

            connector.failNext(0);
            const second = await start(open());
            await second.bridge.whenIdle();
            expect(connector.texts(conversationId).at(-1)).to.equal('Sent while the channel was down');

            sandbox.webhookUrl = webhookOf(second);
            customer.appUrl = second.url;
            await customer.says('got it');
            expect(sandbox.consumerTexts(conversation.id).at(-1)).to.equal('got it');
            await sandbox.agentCloses(conversation.id);
            await second.bridge.whenIdle();
            expect(statuses()).to.deep.equal(['accepted', 'completed']);
            expect(connector.texts(conversationId).filter((t) => t === 'Sent while the channel was down')).to.have.length(1);
            if (dir) fs.rmSync(dir, { recursive: true, force: true });
        });
    }
});
