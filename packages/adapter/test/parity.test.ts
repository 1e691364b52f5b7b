/**
 * Host parity: the same inbound webhooks (from the vendor stand-ins in packages/sandbox) and the same bot logic give
 * the same vendor requests — method, path and body — on the botbuilder host and on the Agents SDK host; every
 * activity the vendor mappers build from the JSON fixtures passes the Agents SDK's `Activity.fromObject`; and vendor
 * payloads with empty strings reach the bot on both hosts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'chai';
import { Activity as AgentsActivity } from '@microsoft/agents-activity';
import { MessageFactory as AgentsMessageFactory } from '@microsoft/agents-hosting';
import { MessageFactory as BotbuilderMessageFactory } from 'botbuilder';
import { EightByEightSandbox, LivePersonSandbox, type RecordedRequest } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes, type PlainActivity } from '../src/core/activity';
import { parseEightByEightEvent } from '../src/eightbyeight/events';
import { EightByEightEventNames, toActivities, type EightByEightConversationRecord } from '../src/eightbyeight/inboundMapper';
import { fromActivity as eightByEightFromActivity } from '../src/eightbyeight/outboundMapper';
import { parseLivePersonNotification } from '../src/liveperson/events';
import { fromActivity as livePersonFromActivity } from '../src/liveperson/outboundMapper';
import { conversationChangeToActivities, messagingChangeToActivities, type LivePersonConversationRecord } from '../src/liveperson/inboundMapper';
import { capturingLogger, listen, waitUntil } from './helpers';
import { hosts, type TestActivity, type TestContext, type TestEightByEightAdapter, type TestHost, type TestLivePersonAdapter, type TestLogic } from './hosts';

/** A vendor request as compared across hosts. */
interface VendorRequest {
    method: string;
    path: string;
    body: unknown;
}

/** What the bot saw of an activity, as compared across hosts. */
type ActivitySummary = Record<string, unknown>;

interface HostRun {
    requests: VendorRequest[];
    received: ActivitySummary[];
}

/** Replaces every occurrence of the given generated strings (conversation ids…) in `value` by stable names. */
function normalise<T>(value: T, replacements: Array<[string, string]>): T {
    let json = JSON.stringify(value);
    for (const [from, to] of replacements) json = json.split(from).join(to);
    return JSON.parse(json) as T;
}

const asRequest = (r: RecordedRequest): VendorRequest => ({ method: r.method, path: r.path, body: r.body });

/** The fields a bot reads, by property access (the Agents SDK's `channelId` is a getter). */
function summarise(activity: TestActivity): ActivitySummary {
    const { type, name, text, channelId, locale, from, recipient, membersAdded, membersRemoved, value, attachments, suggestedActions } = activity;
    return JSON.parse(
        JSON.stringify({
            type,
            name,
            text,
            channelId,
            locale,
            conversation: activity.conversation?.id,
            from,
            recipient,
            membersAdded,
            membersRemoved,
            value,
            attachments,
            suggestedActions,
        })
    );
}

/** Runs `scenario` on each host in turn (never concurrently: the order of requests stays deterministic). */
async function onEachHost(scenario: (host: TestHost) => Promise<HostRun>): Promise<Record<TestHost['name'], HostRun>> {
    const runs = {} as Record<TestHost['name'], HostRun>;
    for (const host of hosts) runs[host.name] = await scenario(host);
    return runs;
}

const EIGHT_BY_EIGHT_KEY = 'parity-8x8-key';
const LIVEPERSON_SECRET = 'parity-lp-secret';

/** An adapter of `host` behind a loopback webhook server, with its vendor stand-in; what the bot received. */
interface Running<TSandbox, TAdapter> {
    sandbox: TSandbox;
    adapter: TAdapter;
    received: TestActivity[];
}

/** Runs `run` against an 8x8 stand-in and `host`'s EightByEightAdapter running `bot`; stops everything after. */
async function withEightByEight<T>(
    host: TestHost,
    bot: TestLogic,
    run: (env: Running<EightByEightSandbox, TestEightByEightAdapter>) => Promise<T>
): Promise<T> {
    const sandbox = new EightByEightSandbox({ apiKey: EIGHT_BY_EIGHT_KEY });
    const baseUrl = await sandbox.start();
    const adapter = new host.EightByEightAdapter({ apiKey: EIGHT_BY_EIGHT_KEY, baseUrl, logger: capturingLogger() });
    const received: TestActivity[] = [];
    const server = await listen((req, res) => {
        void adapter.process(req, res, async (context) => {
            received.push(context.activity);
            await bot(context);
        });
    });
    sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
    try {
        return await run({ sandbox, adapter, received });
    } finally {
        await server.close();
        await adapter.close();
        await sandbox.stop();
    }
}

/** Runs `run` against a LivePerson stand-in and `host`'s LivePersonAdapter running `bot`; stops everything after. */
async function withLivePerson<T>(host: TestHost, bot: TestLogic, run: (env: Running<LivePersonSandbox, TestLivePersonAdapter>) => Promise<T>): Promise<T> {
    const sandbox = new LivePersonSandbox({ clientSecret: LIVEPERSON_SECRET });
    const url = await sandbox.start();
    const adapter = new host.LivePersonAdapter({
        accountId: sandbox.accountId,
        clientId: sandbox.clientId,
        clientSecret: LIVEPERSON_SECRET,
        csdsUrl: url,
        logger: capturingLogger(),
    });
    const received: TestActivity[] = [];
    const server = await listen((req, res) => {
        void adapter.process(req, res, async (context) => {
            received.push(context.activity);
            await bot(context);
        });
    });
    sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
    try {
        return await run({ sandbox, adapter, received });
    } finally {
        await server.close();
        await adapter.close();
        await sandbox.stop();
    }
}

/** Opens a LivePerson conversation and waits for the stand-in's "conversation created" notification. */
async function openConversation({ sandbox, adapter }: Running<LivePersonSandbox, TestLivePersonAdapter>, consumerId: string): Promise<string> {
    const deliveries = sandbox.deliveries.length;
    const reference = await adapter.openConversation({ consumerId });
    await waitUntil(() => sandbox.deliveries.length > deliveries);
    return reference.conversation!.id;
}

describe('host parity: the same webhooks and bot logic give the same vendor requests on botbuilder and the Agents SDK', function () {
    this.timeout(20000);

    // ---- 8x8 ---------------------------------------------------------------------------------------------------

    const orderCard = {
        type: 'AdaptiveCard',
        version: '1.3',
        body: [
            { type: 'TextBlock', text: 'Order #42', weight: 'Bolder' },
            { type: 'FactSet', facts: [{ title: 'Status', value: 'Shipped' }] },
        ],
        actions: [{ type: 'Action.Submit', title: 'Track it', data: { action: 'track', orderId: 42 } }],
    };

    /** The example bot: greets, echoes with typing, sends a card, offers choices, answers a card submit, hands off. */
    function eightByEightBot(host: TestHost): TestLogic {
        return async (context: TestContext) => {
            const activity = context.activity;
            if (activity.type === ActivityTypes.ConversationUpdate) {
                if (activity.membersAdded?.some((m) => m.id !== activity.recipient?.id)) await context.sendActivity('Hi! I am the order bot.');
                return;
            }
            if (activity.type !== ActivityTypes.Message) return;
            if (activity.value !== undefined) {
                await context.sendActivity(`Tracking order ${(activity.value as { orderId: number }).orderId}`);
            } else if (activity.text === 'card') {
                await context.sendActivity({ type: ActivityTypes.Typing });
                await context.sendActivity({ type: ActivityTypes.Message, text: 'Your order:', attachments: [host.CardFactory.adaptiveCard(orderCard)] });
            } else if (activity.text === 'choices') {
                const actions = ['Red', 'Green', 'Blue'].map((c) => ({ type: 'imBack', title: c, value: c }));
                await context.sendActivity({ type: ActivityTypes.Message, text: 'Pick a color', suggestedActions: { actions, to: [] } });
            } else if (activity.text === 'agent') {
                const transcript = { activities: [{ type: ActivityTypes.Message, text: 'Where is my order?', from: { id: 'user-1', role: 'user' } }] };
                await context.sendActivity(
                    host.handoffInitiation(context, { queueId: 'q-parity', user: { additionalProperties: [{ key: 'topic', value: 'order' }] } }, transcript)
                );
            } else {
                await context.sendActivity({ type: ActivityTypes.Typing });
                await context.sendActivity(`Echo: ${activity.text}`);
            }
        };
    }

    async function runEightByEight(host: TestHost): Promise<HostRun> {
        return withEightByEight(host, eightByEightBot(host), async ({ sandbox, received }) => {
            const id = await sandbox.startConversation({ conversationId: 'parity-conversation', user: { userId: 'user-1', name: 'Ada' } });
            const statuses = [
                await sandbox.customerSays(id, 'hello'),
                await sandbox.customerSays(id, 'card'),
                await sandbox.customerSubmitsCard(id, { action: 'track', orderId: 42 }),
                await sandbox.customerSays(id, 'choices'),
                await sandbox.customerClicksQuickReply(id, 'Green', 'Green'),
                await sandbox.customerSays(id, 'agent'),
            ].map((r) => r.status);
            expect(statuses, `${host.name}: every webhook answered 200`).to.deep.equal([200, 200, 200, 200, 200, 200]);
            await waitUntil(() => received.some((a) => a.name === EightByEightEventNames.Queued));
            return { requests: sandbox.recorder.requests.map(asRequest), received: received.map(summarise) };
        });
    }

    it('8x8: greeting, echo with typing, Adaptive Card, card submit, suggested actions (quick replies) and handoff', async () => {
        const runs = await onEachHost(runEightByEight);
        const requests = runs.botbuilder.requests;
        // The scenario did what it says (on botbuilder, the reference host)...
        const conversation = '/chat-gateway/v1/conversations/parity-conversation';
        const messages = requests.filter((r) => r.method === 'POST' && r.path === `${conversation}/messages`).map((r) => r.body as Record<string, unknown>);
        expect(messages.map((m) => m.text)).to.deep.equal([
            'Hi! I am the order bot.',
            'Echo: hello',
            'Your order:',
            'Tracking order 42',
            'Pick a color',
            'Echo: Green',
        ]);
        expect(messages[2].cards).to.deep.equal([{ contentType: 'application/vnd.microsoft.card.adaptive', content: orderCard }]);
        expect(messages[4].cards).to.deep.equal([
            { contentType: 'application/8x8.quick.replies', content: { options: ['Red', 'Green', 'Blue'].map((c) => ({ title: c, data: { postback: c } })) } },
        ]);
        expect(
            requests.filter((r) => r.path !== `${conversation}/messages` && !r.path.includes('/jwk/')).map((r) => `${r.method} ${r.path}`)
        ).to.include.members([`PATCH ${conversation}`]);
        expect(requests.find((r) => r.method === 'PATCH')!.body).to.deep.equal({
            assignment: { type: 'queue', id: 'q-parity' },
            user: { additionalProperties: [{ key: 'topic', value: 'order' }] },
        });
        expect(requests.length, 'typing indicators were sent too').to.be.greaterThan(messages.length + 2);
        // ...and the Agents SDK host sent exactly the same requests, in the same order, and its bot saw the same.
        expect(runs.agents.requests).to.deep.equal(runs.botbuilder.requests);
        expect(runs.agents.received).to.deep.equal(runs.botbuilder.received);
    });

    // ---- LivePerson ------------------------------------------------------------------------------------------

    /** The example bot: echoes agent messages with typing, answers a quick reply with its first option, closes on "bye". */
    function livePersonBot(host: TestHost): TestLogic {
        return async (context: TestContext) => {
            const activity = context.activity;
            if (activity.type !== ActivityTypes.Message) return;
            if (activity.text === 'bye') {
                await context.sendActivity({ type: ActivityTypes.EndOfConversation });
            } else if (activity.text === 'human please') {
                const transcript = { activities: [{ type: ActivityTypes.Message, text: 'My parcel is late', from: { id: 'agent-1', role: 'user' } }] };
                await context.sendActivity(host.handoffInitiation(context, { skillId: 'human-skill', details: { name: 'Ada', topic: 'Returns' } }, transcript));
            } else if (activity.suggestedActions) {
                await context.sendActivity(String(activity.suggestedActions.actions[0].value));
            } else {
                await context.sendActivity({ type: ActivityTypes.Typing });
                await context.sendActivity(`Echo: ${activity.text}`);
            }
        };
    }

    /**
     * The connector numbers its UMS requests (`"id": "bcc-7"`) in the order they leave; receipts leave alongside the
     * turn's sends, so the numbers differ from run to run: they are left out of the comparison.
     */
    const withoutRequestIds = (request: VendorRequest): VendorRequest => {
        const strip = (body: unknown): unknown =>
            body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'req' ? { ...body, id: '<request-id>' } : body;
        return { ...request, body: Array.isArray(request.body) ? request.body.map(strip) : strip(request.body) };
    };

    /**
     * Runs a LivePerson scenario on one host. The receipts (ACCEPT, READ) go out alongside the bot's turn, so they are
     * compared apart from the other requests, each list in its own order.
     */
    async function runLivePerson(
        host: TestHost,
        scenario: (env: Running<LivePersonSandbox, TestLivePersonAdapter>) => Promise<void>
    ): Promise<HostRun & { receipts: VendorRequest[] }> {
        return withLivePerson(host, livePersonBot(host), async (env) => {
            await scenario(env);
            const ids = [...env.sandbox.conversations.keys()].map((id, i): [string, string] => [id, `<conversation-${i}>`]);
            const isReceipt = (r: VendorRequest) =>
                ['ACCEPT', 'READ'].includes((r.body as { body?: { event?: { status?: string } } })?.body?.event?.status ?? '');
            const requests = normalise(env.sandbox.recorder.requests.map(asRequest), ids).map(withoutRequestIds);
            return {
                requests: requests.filter((r) => !isReceipt(r)),
                receipts: requests.filter(isReceipt),
                received: normalise(env.received.map(summarise), ids),
            };
        });
    }

    const events = (requests: VendorRequest[]) =>
        requests
            .filter((r) => r.path.endsWith('/conversation/send'))
            .map((r) => {
                const body = r.body as { type: string; body: { event?: { type: string; chatState?: string; status?: string; message?: string } } };
                const event = body.body.event;
                if (!event) return body.type;
                return [event.type, event.chatState ?? event.status ?? event.message].join(' ');
            });

    it('LivePerson: open a conversation, a proactive message, agent messages → replies with typing, a quick reply answered, a close', async () => {
        const runs: Record<string, HostRun & { receipts: VendorRequest[] }> = {};
        for (const host of hosts) {
            runs[host.name] = await runLivePerson(host, async (env) => {
                const { sandbox, adapter } = env;
                const id = await openConversation(env, 'parity-consumer');
                await host.continueConversation(adapter, adapter.reference(id), (context) => context.sendActivity('Hello, I need help with my order.'));
                await sandbox.agentJoins(id);
                expect((await sandbox.agentSays(id, 'Where is my parcel?')).status).to.equal(200);
                const quickReplies = {
                    type: 'quickReplies',
                    itemsPerRow: 8,
                    replies: [
                        {
                            type: 'button',
                            title: 'Yes',
                            click: { actions: [{ type: 'publishText', text: 'yep' }], metadata: [{ type: 'ExternalId', id: 'Yes-1' }] },
                        },
                    ],
                };
                expect((await sandbox.agentSays(id, 'Shall I refund it?', { quickReplies })).status).to.equal(200);
                expect((await sandbox.agentSays(id, 'bye')).status).to.equal(200);
                expect(sandbox.conversation(id).state).to.equal('CLOSE');
            });
        }
        expect(events(runs.botbuilder.requests)).to.deep.equal([
            'ContentEvent Hello, I need help with my order.',
            'ChatStateEvent COMPOSING',
            'ContentEvent Echo: Where is my parcel?',
            'ChatStateEvent ACTIVE',
            'ContentEvent yep',
            'AcceptStatusEvent ACTION',
            'cm.UpdateConversationField',
        ]);
        expect(events(runs.botbuilder.receipts)).to.deep.equal([
            'AcceptStatusEvent ACCEPT',
            'AcceptStatusEvent READ',
            'AcceptStatusEvent ACCEPT',
            'AcceptStatusEvent READ',
            'AcceptStatusEvent ACCEPT',
            'AcceptStatusEvent READ',
        ]);
        expect(runs.agents.requests).to.deep.equal(runs.botbuilder.requests);
        expect(runs.agents.receipts).to.deep.equal(runs.botbuilder.receipts);
        expect(runs.agents.received).to.deep.equal(runs.botbuilder.received);
    });

    it('LivePerson: handoff.initiate (botbuilder EventFactory / the library’s createHandoffInitiation) re-routes the same way', async () => {
        const runs: Record<string, HostRun & { receipts: VendorRequest[] }> = {};
        for (const host of hosts) {
            runs[host.name] = await runLivePerson(host, async (env) => {
                const { sandbox } = env;
                const id = await openConversation(env, 'parity-handoff');
                await sandbox.agentJoins(id);
                expect((await sandbox.agentSays(id, 'human please')).status).to.equal(200);
                expect(sandbox.conversation(id).state).to.equal('CLOSE');
                const next = [...sandbox.conversations.values()].find((c) => c.id !== id)!;
                expect(next.skillId).to.equal('human-skill');
                expect(sandbox.consumerTexts(next.id)).to.deep.equal([
                    'Handoff from the bot.\nname: Ada\ntopic: Returns',
                    'Transcript:\nCustomer: My parcel is late',
                ]);
            });
        }
        expect(runs.agents.requests).to.deep.equal(runs.botbuilder.requests);
        expect(runs.agents.receipts).to.deep.equal(runs.botbuilder.receipts);
        expect(runs.agents.received).to.deep.equal(runs.botbuilder.received);
    });
});

// ---- every mapped fixture is a valid Agents SDK activity --------------------------------------------------------

describe('host parity: every activity the mappers build from the JSON fixtures passes the Agents SDK’s Activity.fromObject', () => {
    const fixturesDir = join(__dirname, 'fixtures');
    const files = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) =>
            statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith('.json') ? [join(dir, name)] : []
        );
    const fixtures = files(fixturesDir).map((path) => ({
        name: relative(fixturesDir, path).split(sep).join('/'),
        body: JSON.parse(readFileSync(path, 'utf8')) as unknown,
    }));

    // Conversation records that take the mappers down their different paths (bot, queue or agent owns it; handoffs).
    const eightByEightRecords: Record<string, EightByEightConversationRecord> = {
        'new conversation': {},
        'bot owns it': { greeted: true, userId: 'user-1', userName: 'Ada', locale: 'en' },
        queued: { greeted: true, owner: 'queue', userId: 'user-1' },
        'agent owns it': { greeted: true, owner: 'agent', userId: 'user-1' },
        transferring: { greeted: true, owner: 'agent', transferring: true },
    };
    const livePersonRecords: Record<string, LivePersonConversationRecord> = {
        'unknown conversation': {},
        'opened by the connector': { consumerId: 'consumer-1', agentIds: [] },
        'agent joined': { consumerId: 'consumer-1', agentIds: ['29c3019d-fe0b-5200-afe8-737abfeae4b4'], lastChangeTs: 1 },
        'opened by a handoff': { consumerId: 'consumer-1', agentIds: [], botConversationId: 'bot-conversation', handoff: {} },
        'handoff accepted': {
            consumerId: 'consumer-1',
            agentIds: ['29c3019d-fe0b-5200-afe8-737abfeae4b4'],
            botConversationId: 'bot-conversation',
            handoff: { accepted: true },
            lastChangeTs: 1,
        },
    };

    /** Every activity mapped from one fixture under every record, with where it came from. */
    function mapFixture(name: string, body: unknown): Array<{ where: string; activity: PlainActivity }> {
        const mapped: Array<{ where: string; activity: PlainActivity }> = [];
        const add = (where: string, activities: PlainActivity[]) => {
            activities.forEach((activity, i) => {
                mapped.push({ where: `${where} #${i}`, activity });
                // 8x8 hands a user's message during a handoff to the bot as an event carrying the activity.
                if (activity.name === EightByEightEventNames.UserMessageDuringHandoff)
                    mapped.push({ where: `${where} #${i} value`, activity: activity.value as PlainActivity });
            });
        };
        if (name.startsWith('eightbyeight/')) {
            const parsed = parseEightByEightEvent(body);
            if (parsed.kind !== 'parsed') return mapped;
            for (const [label, record] of Object.entries(eightByEightRecords)) {
                add(
                    `${name} (${label})`,
                    toActivities(parsed.value, { eventId: 'evt-1', botAccount: { id: '8x8-bot', name: 'Bot' }, serviceUrl: 'https://api.8x8.com', record })
                        .activities
                );
            }
        } else if (name.startsWith('liveperson/')) {
            const parsed = parseLivePersonNotification(body);
            if (parsed.kind !== 'parsed') return mapped;
            for (const [label, record] of Object.entries(livePersonRecords)) {
                for (const item of parsed.value.changes) {
                    const ctx = { activityId: 'act-1', botAccount: { id: 'liveperson-connector', name: 'Bot' }, serviceUrl: 'https://lp.example', record };
                    if (item.kind === 'messaging') add(`${name} (${label})`, messagingChangeToActivities(item.change, ctx).activities);
                    if (item.kind === 'conversation') add(`${name} (${label})`, conversationChangeToActivities(item.change, ctx).activities);
                }
            }
        } else {
            throw new Error(`fixture ${name}: no mapper for this directory`);
        }
        return mapped;
    }

    it('finds the fixtures of both vendors', () => {
        expect(fixtures.filter((f) => f.name.startsWith('eightbyeight/'))).to.have.length.above(10);
        expect(fixtures.filter((f) => f.name.startsWith('liveperson/'))).to.have.length.above(5);
    });

    for (const vendor of ['eightbyeight', 'liveperson']) {
        it(`${vendor}: every mapped activity is accepted, and keeps its content through Activity.fromObject`, () => {
            const mapped = fixtures.filter((f) => f.name.startsWith(`${vendor}/`)).flatMap((f) => mapFixture(f.name, f.body));
            expect(mapped.length, 'the fixtures map to activities').to.be.above(10);
            const types = new Set(mapped.map((m) => m.activity.type));
            expect([...types].sort(), 'activity types covered').to.include.members(
                vendor === 'eightbyeight'
                    ? ['conversationUpdate', 'event', 'invoke', 'message', 'typing']
                    : ['conversationUpdate', 'endOfConversation', 'event', 'message', 'typing']
            );
            const refused: string[] = [];
            const changed: string[] = [];
            for (const { where, activity } of mapped) {
                let parsed: AgentsActivity;
                try {
                    parsed = AgentsActivity.fromObject(activity);
                } catch (err) {
                    refused.push(`${where}: ${(err as Error).message.replace(/\s+/g, ' ').slice(0, 400)}`);
                    continue;
                }
                const before = JSON.parse(JSON.stringify(activity));
                const after = JSON.parse(parsed.toJsonString());
                if (!isDeepStrictEqual(after, before)) changed.push(`${where}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
            }
            expect(refused, 'activities Activity.fromObject refused').to.deep.equal([]);
            expect(changed, 'activities Activity.fromObject changed').to.deep.equal([]);
        });
    }
});

// ---- vendor payloads with empty strings -------------------------------------------------------------------------

/**
 * Vendors send `""` for values they do not have. botbuilder takes such activities as they are; the Agents SDK's
 * `Activity.fromObject` refuses empty strings in many fields (from.id, attachment name / contentUrl, CardAction title…),
 * so the Agents host would fail the turn, answer 500, and the vendor would redeliver the same event for ever.
 */
describe('host parity: vendor payloads with empty strings reach the bot on both hosts', function () {
    this.timeout(20000);
    const bot: TestLogic = async () => undefined;

    for (const host of hosts) {
        it(`8x8: a customer's file with an empty fileName and preSignedUrl (${host.name})`, async () => {
            await withEightByEight(host, bot, async ({ sandbox, received }) => {
                const id = await sandbox.startConversation({ user: { userId: 'user-1' } });
                const data = {
                    isEcho: false,
                    sender: { id: 'user-1', type: 'user' },
                    text: 'my receipt',
                    attachments: [{ id: 'att-1', type: 'file', fileName: '', preSignedUrl: '' }],
                };
                const result = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: id, timestamp: Date.now(), data });
                expect(result.status, result.body).to.equal(200);
                const message = received.find((a) => a.type === ActivityTypes.Message);
                expect(message?.text).to.equal('my receipt');
                expect(message?.attachments).to.have.length(1);
            });
        });

        it(`LivePerson: an agent's quick reply with an empty title (${host.name})`, async () => {
            await withLivePerson(host, bot, async (env) => {
                const id = await openConversation(env, 'empty-title');
                const quickReplies = {
                    type: 'quickReplies',
                    itemsPerRow: 8,
                    replies: [{ type: 'button', title: '', click: { actions: [{ type: 'publishText', text: 'yes' }] } }],
                };
                const result = await env.sandbox.agentSays(id, 'Shall I refund it?', { quickReplies });
                expect(result.status, result.body).to.equal(200);
                const message = env.received.find((a) => a.type === ActivityTypes.Message);
                expect(message?.text).to.equal('Shall I refund it?');
                expect(message?.suggestedActions?.actions.map((a) => a.value)).to.deep.equal(['yes']);
            });
        });
    }
});

describe("host parity: each SDK's MessageFactory.suggestedActions posts back the choice's text", () => {
    // botbuilder gives each imBack the value 'Red'; the Agents SDK gives { text: 'Red' }. A click must come back as "Red".
    const factories: Array<{ name: string; build: () => PlainActivity }> = [
        { name: 'botbuilder', build: () => BotbuilderMessageFactory.suggestedActions(['Red', 'Green'], 'Pick a color') as PlainActivity },
        { name: 'agents', build: () => JSON.parse(AgentsMessageFactory.suggestedActions(['Red', 'Green'], 'Pick a color').toJsonString()) as PlainActivity },
    ];
    for (const { name, build } of factories) {
        it(`${name}: 8x8 quick replies and LivePerson publishText carry "Red" and "Green"`, () => {
            const activity = { ...build(), conversation: { id: 'c1' } };
            const [message] = eightByEightFromActivity(activity);
            expect(message.body.cards).to.deep.equal([
                {
                    contentType: 'application/8x8.quick.replies',
                    content: {
                        options: [
                            { title: 'Red', data: { postback: 'Red' } },
                            { title: 'Green', data: { postback: 'Green' } },
                        ],
                    },
                },
            ]);
            const { requests } = livePersonFromActivity(activity, { record: {}, cardRendering: 'text', suggestedActionsRendering: 'quickReplies' });
            const replies = (requests[0].body.event as { quickReplies: { replies: Array<{ click: { actions: Array<{ text: string }> } }> } }).quickReplies
                .replies;
            expect(replies.map((reply) => reply.click.actions[0].text)).to.deep.equal(['Red', 'Green']);
            // The default (what a consumer may send): a bulleted list with the same choices.
            const [listed] = livePersonFromActivity(activity, { record: {}, cardRendering: 'text' }).requests;
            expect((listed.body.event as { message: string }).message).to.equal('Pick a color\n\n• Red\n• Green');
        });
    }
});
