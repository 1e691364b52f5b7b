/**
 * Bounded queues over loopback: a webhook that would put more events in a conversation's queue than
 * `maxQueuedEventsPerConversation`, or in all queues than `maxQueuedEvents`, is answered 503 with a message, before any
 * record read or turn, and nothing of it is stored or claimed in the inbox, so the vendor's redelivery runs it.
 */
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import type { EightByEightAdapterOptions } from '../../src/eightbyeight/options';
import type { LivePersonAdapterOptions } from '../../src/liveperson/options';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestActivity, type TestAdapter, type TestContext, type TestLivePersonAdapter, type TestStorage } from '../hosts';

const API_KEY = 'queue-test-key-0c4a';
const SECRET = 'queue-test-secret-e19b';
const host = hosts[0];

/** Turns that wait on a gate per text: `hold(text)` makes a message with that text wait until `release(text)`. */
class Gates {
    /** Texts whose turn finished. */
    readonly finished: string[] = [];
    private readonly gates = new Map<string, { opened: Promise<void>; open: () => void }>();

    hold(text: string): void {
        let open!: () => void;
        const opened = new Promise<void>((resolve) => (open = resolve));
        this.gates.set(text, { opened, open });
    }

    release(text: string): void {
        this.gates.get(text)?.open();
    }

    releaseAll(): void {
        for (const gate of this.gates.values()) gate.open();
    }

    wait(text: string | undefined): Promise<void> {
        return this.gates.get(text ?? '')?.opened ?? Promise.resolve();
    }
}

/** A Storage that remembers which keys were read. */
function readRecordingStorage(storage: TestStorage): TestStorage & { readKeys: string[] } {
    const readKeys: string[] = [];
    return {
        readKeys,
        read: async (keys: string[]) => {
            readKeys.push(...keys);
            return storage.read(keys);
        },
        write: (changes) => storage.write(changes),
        delete: (keys) => storage.delete(keys),
    };
}

describe(`queue bounds: 503 beyond maxQueuedEventsPerConversation / maxQueuedEvents, 8x8 (${host.name})`, function () {
    this.timeout(15000);
    let sandbox: EightByEightSandbox;
    let adapter: TestAdapter;
    let logger: ReturnType<typeof capturingLogger>;
    let storage: ReturnType<typeof readRecordingStorage>;
    let received: TestActivity[];
    let gates: Gates;
    let closeServer: () => Promise<void>;

    async function setup(options: Partial<EightByEightAdapterOptions>) {
        sandbox = new EightByEightSandbox({ apiKey: API_KEY });
        const baseUrl = await sandbox.start();
        logger = capturingLogger();
        storage = readRecordingStorage(new host.MemoryStorage());
        adapter = new host.EightByEightAdapter({ apiKey: API_KEY, baseUrl, logger, store: new MemoryInboxStore({ storage }), ...options });
        received = [];
        gates = new Gates();
        const server = await listen((req, res) =>
            adapter.processOnly(req, res, async (context: TestContext) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                received.push(context.activity);
                await gates.wait(context.activity.text);
                gates.finished.push(context.activity.text ?? '');
            })
        );
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
    }

    afterEach(async () => {
        gates?.releaseAll();
        await closeServer?.();
        await adapter?.close();
        await sandbox?.stop();
    });

    const texts = () => received.map((a) => `${a.conversation?.id}:${a.text}`);

    it('one slow conversation: its third event is refused 503, other conversations go on, and the redelivery is run', async () => {
        await setup({ maxQueuedEventsPerConversation: 2 });
        const slow = sandbox.addConversation('slow').id;
        const other = sandbox.addConversation('other').id;
        gates.hold('first');
        expect((await sandbox.customerSays(slow, 'first')).status).to.equal(200); // stored (200), running, held
        expect((await sandbox.customerSays(slow, 'second')).status).to.equal(200); // queued behind it
        const refused = await sandbox.customerSays(slow, 'third');
        expect(refused.status).to.equal(503);
        expect(JSON.parse(refused.body)).to.deep.equal({
            error:
                'The bot is busy: 2 events of conversation slow waiting or running, and this webhook brings 1 more, ' +
                'over the 2 allowed (maxQueuedEventsPerConversation). Deliver this webhook again later.',
        });
        expect((await sandbox.customerSays(other, 'meanwhile')).status).to.equal(200);
        await waitUntil(() => texts().includes('other:meanwhile'));
        expect(texts()).to.deep.equal(['slow:first', 'other:meanwhile']);

        gates.release('first');
        await waitUntil(() => texts().includes('slow:second'));
        const redelivery = await sandbox.customerSays(slow, 'third', { eventId: refused.eventId });
        expect(redelivery.status).to.equal(200);
        await waitUntil(() => texts().includes('slow:third'));
        expect(texts()).to.deep.equal(['slow:first', 'other:meanwhile', 'slow:second', 'slow:third']);
        // Run once: a further redelivery is a duplicate.
        expect((await sandbox.customerSays(slow, 'third', { eventId: refused.eventId })).status).to.equal(200);
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(texts().filter((t) => t === 'slow:third')).to.have.length(1);
        expect(logger.lines.some((l) => l.startsWith('warn 8x8 webhook refused with 503: The bot is busy'))).to.equal(true);
    });

    it('all conversations: beyond maxQueuedEvents a new conversation is refused 503 before its record is read, then accepted', async () => {
        await setup({ maxQueuedEvents: 3 });
        const held = ['a', 'b', 'c'].map((name) => sandbox.addConversation(name).id);
        const late = sandbox.addConversation('late').id;
        gates.hold('hold');
        for (const id of held) expect((await sandbox.customerSays(id, 'hold')).status).to.equal(200);
        const refused = await sandbox.customerSays(late, 'hello');
        expect(refused.status).to.equal(503);
        expect(JSON.parse(refused.body).error).to.equal(
            'The bot is busy: 3 events in all waiting or running, and this webhook brings 1 more, over the 3 allowed (maxQueuedEvents). ' +
                'Deliver this webhook again later.'
        );
        expect(storage.readKeys).not.to.include('8x8/conversations/late');
        expect(texts()).to.deep.equal(['a:hold', 'b:hold', 'c:hold']);

        gates.release('hold');
        await waitUntil(() => gates.finished.length === 3);
        const redelivery = await sandbox.customerSays(late, 'hello', { eventId: refused.eventId });
        expect(redelivery.status).to.equal(200);
        await waitUntil(() => texts().includes('late:hello'));
        expect(storage.readKeys).to.include('8x8/conversations/late');
    });
});

describe(`queue bounds: a LivePerson notification with several changes is refused whole and redelivered whole (${host.name})`, function () {
    this.timeout(15000);
    let sandbox: LivePersonSandbox;
    let adapter: TestLivePersonAdapter;
    let received: TestActivity[];
    let gates: Gates;
    let closeServer: () => Promise<void>;

    async function setup(options: Partial<LivePersonAdapterOptions>) {
        sandbox = new LivePersonSandbox({ clientSecret: SECRET });
        const csdsUrl = await sandbox.start();
        adapter = new host.LivePersonAdapter({
            accountId: sandbox.accountId,
            clientId: sandbox.clientId,
            clientSecret: SECRET,
            csdsUrl,
            logger: capturingLogger(),
            sendReadReceipts: false,
            ...options,
        });
        received = [];
        gates = new Gates();
        const server = await listen((req, res) =>
            adapter.processOnly(req, res, async (context: TestContext) => {
                if (context.activity.type !== ActivityTypes.Message) return;
                received.push(context.activity);
                await gates.wait(context.activity.text);
                gates.finished.push(context.activity.text ?? '');
            })
        );
        closeServer = server.close;
        sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
    }

    afterEach(async () => {
        gates?.releaseAll();
        await closeServer?.();
        await adapter?.close();
        await sandbox?.stop();
    });

    it('two messages that would overfill the conversation: 503, no turn; the same notification later runs both, in order', async () => {
        await setup({ maxQueuedEventsPerConversation: 2 });
        const id = (await adapter.openConversation({ consumerId: 'consumer-queue' })).conversation!.id;
        await waitUntil(() => sandbox.deliveries.length > 0);
        gates.hold('busy');
        expect((await sandbox.agentSays(id, 'busy')).status).to.equal(200);
        const notification = sandbox.messagingNotification([sandbox.agentMessageChange(id, 'one'), sandbox.agentMessageChange(id, 'two')]);
        const refused = await sandbox.deliver(notification);
        expect(refused.status).to.equal(503);
        expect(JSON.parse(refused.body).error).to.equal(
            `The bot is busy: 1 event of conversation ${id} waiting or running, and this webhook brings 2 more, ` +
                'over the 2 allowed (maxQueuedEventsPerConversation). Deliver this webhook again later.'
        );
        gates.release('busy');
        await waitUntil(() => gates.finished.includes('busy'));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(received.map((a) => a.text)).to.deep.equal(['busy']); // the refused changes ran no turn
        // Both claims were released: the same notification delivered again runs both changes.
        expect((await sandbox.deliver(notification)).status).to.equal(200);
        await waitUntil(() => received.length === 3);
        expect(received.map((a) => a.text)).to.deep.equal(['busy', 'one', 'two']);
    });
});
