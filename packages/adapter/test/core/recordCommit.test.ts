/**
 * An event commits only what it changed in a conversation record, over the latest stored record: a write made while
 * it ran, outside it (another instance opening the conversation, `openConversation` here), is kept.
 */
import { expect } from 'chai';
import { EightByEightSandbox } from 'botbuilder-contact-center-sandbox';
import { mergeChanges } from '../../src/core/conversationRecords';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestContext } from '../hosts';

const host = hosts[0];

describe('conversation records: an event commits its changes over the latest record', function () {
    this.timeout(15000);

    it('mergeChanges applies the fields the event changed, added or removed, and keeps the others', () => {
        const base = { owner: 'bot', greeted: false, gone: 1 };
        const current = { owner: 'queue', greeted: false, added: 'x' };
        const latest = { owner: 'bot', greeted: false, gone: 1, consumerId: 'from-elsewhere', eTag: '7' };
        expect(mergeChanges(latest, base, current)).to.deep.equal({ owner: 'queue', greeted: false, added: 'x', consumerId: 'from-elsewhere' });
        expect(mergeChanges(undefined, {}, { owner: 'bot' })).to.deep.equal({ owner: 'bot' });
    });

    it('a record written outside the event while it ran survives the event’s commit (8x8 over loopback)', async () => {
        const sandbox = new EightByEightSandbox();
        const baseUrl = await sandbox.start();
        const store = new MemoryInboxStore();
        const adapter = new host.EightByEightAdapter({ apiKey: sandbox.apiKey, baseUrl, logger: capturingLogger(), store });
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let started = false;
        const server = await listen((req, res) => {
            void adapter.processOnly(req, res, async (context: TestContext) => {
                started = true;
                await gate;
                void context;
            });
        });
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
        try {
            const id = await sandbox.startConversation(); // the first event of the conversation writes its record
            await waitUntil(() => started);
            const key = `8x8/conversations/${id}`;
            // Meanwhile, outside the event (another instance, an operator tool): a field the event never touches.
            await store.storage.write({ [key]: { note: 'written meanwhile', eTag: '*' } });
            release();
            await adapter.whenIdle();
            const stored = (await store.storage.read([key]))[key];
            expect(stored.note).to.equal('written meanwhile');
            expect(Object.keys(stored).length, JSON.stringify(stored)).to.be.greaterThan(2); // the event's own fields too
        } finally {
            release();
            await server.close();
            await adapter.close();
            await sandbox.stop();
        }
    });
});
