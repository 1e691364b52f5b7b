/**
 * Poison events over loopback HTTP, on both hosts: webhooks signed like the vendor's (the stand-ins sign whatever
 * they deliver), so they reach the parsers, yet hostile — nested thousands of levels deep, keys that name
 * Object.prototype's members, ids with lone surrogates, a LivePerson notification with 1,000 changes. Each must get a
 * 4xx or a logged drop, never a 500 the vendor redelivers forever; none may leave an unhandled rejection behind (the
 * root hook fails the test); and the bot answers the next valid message.
 */
import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import { ActivityMappingError } from '../../src/core/errors';
import { MAX_ARRAY_ITEMS, MAX_BODY_NESTING } from '../../src/core/nestingDepth';
import { MAX_CHANGES_PER_NOTIFICATION } from '../../src/liveperson/events';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestActivity, type TestContext, type TestEightByEightAdapter, type TestLivePersonAdapter, type TestReference } from '../hosts';

const API_KEY = 'poison-test-key-51c0e2';
const SECRET = 'poison-test-secret-7d2a94';
/** Keys a plain-object lookup finds on Object.prototype. */
const PROTOTYPE_KEYS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
/** Ids that are not well-formed Unicode: lone high and low surrogates, and a pair in the wrong order. */
const LONE_SURROGATE_IDS = ['conv-\uD800', '\uDC00-conv', 'conv-\uDC00\uD800'];

/** Where {@link withNesting} puts the nested arrays. */
const NESTED = '@@nested@@';

/** The JSON of `value` with the string {@link NESTED} replaced by arrays nested `levels` deep (too deep to stringify). */
function withNesting(value: unknown, levels: number): string {
    const json = JSON.stringify(value);
    expect(json).to.include(`"${NESTED}"`);
    return json.replace(`"${NESTED}"`, '['.repeat(levels) + ']'.repeat(levels));
}

/** The example bot's answers: `Echo: <text>`, and `You sent: <JSON of value>` for a card submit (JSON.stringify). */
async function exampleBot(context: TestContext): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message) return;
    if (context.activity.text) await context.sendActivity(`Echo: ${context.activity.text}`);
    else await context.sendActivity(`You sent: ${JSON.stringify(context.activity.value)}`);
}

for (const host of hosts) {
    describe(`poison events: 8x8 over loopback HTTP (${host.name})`, function () {
        this.timeout(20000);
        let sandbox: EightByEightSandbox;
        let adapter: TestEightByEightAdapter;
        let logger: ReturnType<typeof capturingLogger>;
        let received: TestActivity[];
        let failures: number;
        let closeServer: () => Promise<void>;
        let id: string;

        beforeEach(async () => {
            sandbox = new EightByEightSandbox({ apiKey: API_KEY });
            const baseUrl = await sandbox.start();
            logger = capturingLogger();
            failures = 0;
            adapter = new host.EightByEightAdapter({
                apiKey: API_KEY,
                baseUrl,
                logger,
                retry: { baseDelayMs: 10, maxDelayMs: 50 },
                onEventFailure: () => failures++,
            });
            received = [];
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context) => {
                    received.push(context.activity);
                    await exampleBot(context);
                });
            });
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/8x8/webhook`;
            id = await sandbox.startConversation();
        });

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
            for (const line of logger?.lines ?? []) expect(line).not.to.include(API_KEY);
        });

        /** What the bot received and the stand-in was called with since `mark`, besides the delivery itself. */
        const since = (mark: { activities: number; requests: number }) => ({
            activities: received.slice(mark.activities),
            calls: sandbox.recorder.find(() => true, mark.requests),
        });
        const mark = () => ({ activities: received.length, requests: sandbox.recorder.mark() });

        /** The bot still answers: a valid message gets its echo. */
        async function expectStillAnswers(): Promise<void> {
            const result = await sandbox.customerSays(id, 'still there?');
            expect(result.status).to.equal(200);
            expect(sandbox.botMessages(id).at(-1)?.text).to.equal('Echo: still there?');
            expect(failures, 'failed events').to.equal(0);
        }

        const submit = (data: unknown) => ({
            eventType: 'ACTIVITY',
            conversationId: id,
            timestamp: Date.now(),
            data: { name: 'adaptiveCard/action', value: { type: 'Action.Submit', data } },
        });

        it('refuses an Action.Submit value nested 5,000 (and 400,000) levels deep with a 400 naming data.value, before any turn', async () => {
            for (const levels of [5000, 400_000]) {
                const before = mark();
                const result = await sandbox.deliver(submit(NESTED), { rawBody: withNesting(submit(NESTED), levels) });
                expect(result.status, `${levels} levels`).to.equal(400);
                expect(JSON.parse(result.body)).to.deep.equal({
                    error: `Invalid 8x8 webhook: the body nests objects and arrays deeper than ${MAX_BODY_NESTING} levels (in data.value).`,
                });
                expect(since(before)).to.deep.equal({ activities: [], calls: [] });
            }
            expect(logger.lines.filter((line) => line.startsWith('warn 8x8 webhook refused with 400: Invalid 8x8 webhook: the body nests'))).to.have.length(2);
            await expectStillAnswers();
        });

        it(`refuses an array of more than ${MAX_ARRAY_ITEMS} items with a 400 naming it, cheaply (schema errors per item cost ~600 ms for 240k)`, async () => {
            const before = mark();
            const cards = Array.from({ length: 240_000 }, () => 1);
            const started = Date.now();
            const result = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: id, timestamp: Date.now(), data: { text: 'x', cards } });
            expect(Date.now() - started, 'refused without validating each item').to.be.below(2000);
            expect(result.status).to.equal(400);
            expect(JSON.parse(result.body)).to.deep.equal({
                error: `Invalid 8x8 webhook: the body has an array of more than ${MAX_ARRAY_ITEMS} items (in data.cards).`,
            });
            expect(since(before)).to.deep.equal({ activities: [], calls: [] });
            await expectStillAnswers();
        });

        it(`takes a body nested exactly ${MAX_BODY_NESTING} levels (the bot echoes it) and refuses one level more, wherever it is`, async () => {
            // body → data → value → data: the submitted data is the body's 4th level.
            const atLimit = await sandbox.deliver(submit(NESTED), { rawBody: withNesting(submit(NESTED), MAX_BODY_NESTING - 3) });
            expect(atLimit.status).to.equal(200);
            expect(sandbox.botMessages(id).at(-1)?.text).to.equal(`You sent: ${'['.repeat(MAX_BODY_NESTING - 3)}${']'.repeat(MAX_BODY_NESTING - 3)}`);
            const overLimit = await sandbox.deliver(submit(NESTED), { rawBody: withNesting(submit(NESTED), MAX_BODY_NESTING - 2) });
            expect(overLimit.status).to.equal(400);
            const message = { eventType: 'MESSAGE', conversationId: id, data: { text: 'hi', cards: [{ contentType: 'Template', content: NESTED }] } };
            const inCard = await sandbox.deliver(message, { rawBody: withNesting(message, 200) });
            expect(inCard.status).to.equal(400);
            expect(JSON.parse(inCard.body).error).to.match(/deeper than 64 levels \(in data\.cards\)\.$/);
            const unknownField = { eventType: 'MESSAGE', conversationId: id, extra: NESTED, data: { text: 'hi' } };
            const inExtra = await sandbox.deliver(unknownField, { rawBody: withNesting(unknownField, 200) });
            expect(inExtra.status).to.equal(400);
            expect(JSON.parse(inExtra.body).error).to.match(/deeper than 64 levels \(in extra\[0\]\)\.$/);
            await expectStillAnswers();
        });

        it('treats an eventType naming an Object.prototype member as an unknown type: 200, logged, no turn', async () => {
            for (const eventType of PROTOTYPE_KEYS) {
                const before = mark();
                const result = await sandbox.deliver({ eventType, conversationId: id, timestamp: Date.now(), data: {} });
                expect(result.status, eventType).to.equal(200);
                expect(since(before), eventType).to.deep.equal({ activities: [], calls: [] });
                expect(logger.lines, eventType).to.include(`info 8x8: ignored a webhook of unknown type "${eventType}". `);
            }
            await expectStillAnswers();
        });

        it('delivers an ACTIVITY named after an Object.prototype member as an event of that name, like any other name', async () => {
            for (const name of PROTOTYPE_KEYS) {
                const before = mark();
                const result = await sandbox.deliver({ eventType: 'ACTIVITY', conversationId: id, timestamp: Date.now(), data: { name, value: { n: 1 } } });
                expect(result.status, name).to.equal(200);
                const { activities, calls } = since(before);
                expect(
                    activities.map((a) => ({ type: a.type, name: a.name, value: a.value })),
                    name
                ).to.deep.equal([{ type: ActivityTypes.Event, name, value: { n: 1 } }]);
                expect(calls, name).to.deep.equal([]);
            }
            await expectStillAnswers();
        });

        it('gives a file named "….constructor" the generic media type, not a function (the Agents SDK refused that turn)', async () => {
            const result = await sandbox.deliver({
                eventType: 'MESSAGE',
                conversationId: id,
                timestamp: Date.now(),
                data: {
                    sender: { id: 'customer-1', type: 'user' },
                    text: 'my file',
                    attachments: [
                        { id: 'f-1', fileName: 'report.constructor', preSignedUrl: 'https://files.example/f-1' },
                        { id: 'f-2', fileName: 'notes.__proto__', preSignedUrl: 'https://files.example/f-2' },
                    ],
                },
            });
            expect(result.status).to.equal(200);
            const message = received.find((a) => a.type === ActivityTypes.Message && a.text === 'my file')!;
            expect(message.attachments).to.deep.equal([
                { contentType: 'application/octet-stream', contentUrl: 'https://files.example/f-1', name: 'report.constructor' },
                { contentType: 'application/octet-stream', contentUrl: 'https://files.example/f-2', name: 'notes.__proto__' },
            ]);
            expect(sandbox.botMessages(id).at(-1)?.text).to.equal('Echo: my file');
            await expectStillAnswers();
        });

        it('refuses ids that are not well-formed Unicode with a 400 naming the field, before any turn or vendor call', async () => {
            const cases: Array<[string, (bad: string) => Record<string, unknown>]> = [
                ['MESSAGE event: conversationId', (bad) => ({ eventType: 'MESSAGE', conversationId: bad, data: { text: 'hi' } })],
                ['ACTIVITY event: conversationId', (bad) => ({ eventType: 'ACTIVITY', conversationId: bad, data: { name: 'typing', value: { users: [] } } })],
                ['CONVERSATION_UPDATE event: conversationId', (bad) => ({ eventType: 'CONVERSATION_UPDATE', conversationId: bad, data: {} })],
                [
                    'MESSAGE event: data.sender.id',
                    (bad) => ({ eventType: 'MESSAGE', conversationId: id, data: { sender: { id: bad, type: 'user' }, text: 'hi' } }),
                ],
                [
                    'MESSAGE event: data.attachments[0].id',
                    (bad) => ({ eventType: 'MESSAGE', conversationId: id, data: { text: 'hi', attachments: [{ id: bad }] } }),
                ],
                [
                    'CONVERSATION_UPDATE event: data.user.userId',
                    (bad) => ({ eventType: 'CONVERSATION_UPDATE', conversationId: id, data: { user: { userId: bad } } }),
                ],
            ];
            for (const [field, event] of cases) {
                for (const bad of LONE_SURROGATE_IDS) {
                    const before = mark();
                    const result = await sandbox.deliver(event(bad));
                    expect(result.status, `${field} ${JSON.stringify(bad)}`).to.equal(400);
                    expect(JSON.parse(result.body)).to.deep.equal({
                        error: `Invalid 8x8 webhook: ${field}: must be well-formed Unicode (it has a lone surrogate).`,
                    });
                    expect(since(before)).to.deep.equal({ activities: [], calls: [] });
                }
            }
            await expectStillAnswers();
        });

        it('refuses a send to a conversation id with a lone surrogate with ActivityMappingError, not a URIError, before any HTTP call', async () => {
            await sandbox.customerSays(id, 'remember me');
            const activity = received.find((a) => a.type === ActivityTypes.Message && a.text === 'remember me')!;
            const reference = host.referenceOf(host.newTurnContext(adapter, activity));
            const bad: TestReference = { ...reference, conversation: { ...reference.conversation!, id: 'conv-\uD800' } };
            const before = sandbox.recorder.mark();
            let error: unknown;
            await host.continueConversation(adapter, bad, (context) => context.sendActivity('hello')).catch((err: unknown) => (error = err));
            expect(error).to.be.instanceOf(ActivityMappingError);
            expect((error as Error).message).to.equal(
                '8x8: the conversation id "conv-\\ud800" is not well-formed Unicode (it has a lone surrogate): it cannot be put in a URL.'
            );
            expect(sandbox.recorder.find(() => true, before)).to.deep.equal([]);
            await expectStillAnswers();
        });
    });

    describe(`poison events: LivePerson over loopback HTTP (${host.name})`, function () {
        this.timeout(20000);
        let sandbox: LivePersonSandbox;
        let adapter: TestLivePersonAdapter;
        let logger: ReturnType<typeof capturingLogger>;
        let received: TestActivity[];
        let failures: number;
        let closeServer: () => Promise<void>;
        let id: string;

        beforeEach(async () => {
            sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            const url = await sandbox.start();
            logger = capturingLogger();
            failures = 0;
            adapter = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: SECRET,
                csdsUrl: url,
                logger,
                retry: { baseDelayMs: 10, maxDelayMs: 50 },
                onEventFailure: () => failures++,
            });
            received = [];
            const server = await listen((req, res) => {
                void adapter.process(req, res, async (context) => {
                    received.push(context.activity);
                    await exampleBot(context);
                });
            });
            closeServer = server.close;
            sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
            id = (await adapter.openConversation({ consumerId: 'consumer-1' })).conversation!.id;
            await sandbox.agentJoins(id);
            await waitUntil(() => received.some((a) => a.type === ActivityTypes.ConversationUpdate));
        });

        afterEach(async () => {
            await closeServer?.();
            await adapter?.close();
            await sandbox?.stop();
            for (const line of logger?.lines ?? []) expect(line).not.to.include(SECRET);
        });

        const mark = () => ({ activities: received.length, requests: sandbox.recorder.mark() });
        const since = (at: { activities: number; requests: number }) => ({
            activities: received.slice(at.activities),
            calls: sandbox.recorder.find(() => true, at.requests),
        });

        /** The bot still answers: a valid agent message gets its echo. */
        async function expectStillAnswers(): Promise<void> {
            const result = await sandbox.agentSays(id, 'still there?');
            expect(result.status).to.equal(200);
            await waitUntil(() => sandbox.consumerTexts(id).includes('Echo: still there?'));
            expect(failures, 'failed events').to.equal(0);
        }

        /** An agent's text change for the conversation, as LivePerson sends it, with `overrides`; not recorded by the stand-in. */
        const agentChange = (overrides: Record<string, unknown> = {}, sequence = 1000) => ({
            sequence,
            originatorId: 'agent-1',
            originatorMetadata: { id: 'agent-1', role: 'ASSIGNED_AGENT' },
            serverTimestamp: Date.now(),
            event: { type: 'ContentEvent', message: 'hello', contentType: 'text/plain' },
            conversationId: id,
            dialogId: id,
            messageAudience: 'ALL',
            ...overrides,
        });

        it('treats notification and event types naming Object.prototype members as unknown: 200, logged, no turn', async () => {
            for (const type of PROTOTYPE_KEYS) {
                let before = mark();
                const notification = await sandbox.deliver({ kind: 'notification', type, body: { changes: [agentChange()] } });
                expect(notification.status, type).to.equal(200);
                expect(since(before), type).to.deep.equal({ activities: [], calls: [] });
                expect(logger.lines, type).to.include(`info liveperson: ignored a webhook of unknown type "${type}". `);

                before = mark();
                const event = await sandbox.deliver(sandbox.messagingNotification([agentChange({ event: { type, message: 'x' } })]));
                expect(event.status, type).to.equal(200);
                expect(since(before), type).to.deep.equal({ activities: [], calls: [] });
                expect(logger.lines, type).to.include(`info liveperson: ignored body.changes[0].event.type "${type}". `);
            }
            await expectStillAnswers();
        });

        // A role looked up in a plain object would name the agent with a function for role "toString", which the Agents
        // SDK's Activity.fromObject refuses (a ZodError: a 500 LivePerson redelivers).
        it('names an agent whose role is an Object.prototype member "Agent", and answers it', async () => {
            for (const [index, role] of PROTOTYPE_KEYS.entries()) {
                const text = `from ${role}`;
                const change = agentChange({
                    originatorMetadata: { id: 'agent-1', role },
                    event: { type: 'ContentEvent', message: text, contentType: 'text/plain' },
                    sequence: 2000 + index,
                });
                const result = await sandbox.deliver(sandbox.messagingNotification([change]));
                expect(result.status, role).to.equal(200);
                const message = received.find((a) => a.type === ActivityTypes.Message && a.text === text);
                expect(message?.from, role).to.deep.include({ id: 'agent-1', name: 'Agent' });
                await waitUntil(() => sandbox.consumerTexts(id).includes(`Echo: ${text}`));
            }
            await expectStillAnswers();
        });

        it('refuses a notification nested 5,000 levels deep with a 400 naming the change, before any turn or vendor call', async () => {
            const notification = sandbox.messagingNotification([agentChange({ event: { type: 'ContentEvent', message: NESTED } })]);
            const before = mark();
            const result = await sandbox.deliver(notification, { rawBody: withNesting(notification, 5000) });
            expect(result.status).to.equal(400);
            expect(JSON.parse(result.body)).to.deep.equal({
                error: `Invalid LivePerson notification: the body nests objects and arrays deeper than ${MAX_BODY_NESTING} levels (in body.changes[0].event.message).`,
            });
            expect(since(before)).to.deep.equal({ activities: [], calls: [] });
            await expectStillAnswers();
        });

        it('refuses conversation, dialog and participant ids that are not well-formed Unicode with a 400 naming the field', async () => {
            const conversationChange = (convId: string, participantId = 'agent-1') => {
                const notification = sandbox.conversationNotification(id);
                const result = notification.body.changes[0].result;
                result.convId = convId;
                result.conversationDetails.participants = [{ id: participantId, role: 'ASSIGNED_AGENT' }];
                return notification;
            };
            const cases: Array<[string, (bad: string) => Record<string, unknown>]> = [
                ['body.changes[0].conversationId', (bad) => sandbox.messagingNotification([agentChange({ conversationId: bad })])],
                ['body.changes[0].dialogId', (bad) => sandbox.messagingNotification([agentChange({ dialogId: bad })])],
                ['body.changes[0].originatorId', (bad) => sandbox.messagingNotification([agentChange({ originatorId: bad })])],
                ['body.changes[0].result.convId', (bad) => conversationChange(bad)],
                ['body.changes[0].result.conversationDetails.participants[0].id', (bad) => conversationChange(id, bad)],
            ];
            for (const [field, notification] of cases) {
                for (const bad of LONE_SURROGATE_IDS) {
                    const before = mark();
                    const result = await sandbox.deliver(notification(bad));
                    expect(result.status, `${field} ${JSON.stringify(bad)}`).to.equal(400);
                    expect(JSON.parse(result.body)).to.deep.equal({
                        error: `Invalid LivePerson notification: ${field}: must be well-formed Unicode (it has a lone surrogate).`,
                    });
                    expect(since(before)).to.deep.equal({ activities: [], calls: [] });
                }
            }
            await expectStillAnswers();
        });

        it(`refuses a notification of 1,000 changes with a 400 and makes no vendor call; ${MAX_CHANGES_PER_NOTIFICATION} pass`, async () => {
            const changes = (count: number, first: number) => Array.from({ length: count }, (_, i) => agentChange({}, first + i));
            let before = mark();
            const flood = await sandbox.deliver(sandbox.messagingNotification(changes(1000, 3000)));
            expect(flood.status).to.equal(400);
            expect(JSON.parse(flood.body)).to.deep.equal({
                error:
                    `Invalid LivePerson notification: body.changes has 1000 changes, more than the ${MAX_CHANGES_PER_NOTIFICATION} ` +
                    'one notification may carry (nothing was handled).',
            });
            // Given time to make the 5,000 calls it once made.
            await new Promise((resolve) => setTimeout(resolve, 300));
            expect(since(before)).to.deep.equal({ activities: [], calls: [] });

            before = mark();
            const oneOver = await sandbox.deliver(sandbox.messagingNotification(changes(MAX_CHANGES_PER_NOTIFICATION + 1, 5000)));
            expect(oneOver.status).to.equal(400);
            expect(since(before)).to.deep.equal({ activities: [], calls: [] });

            // At the limit the notification is handled: here, changes that need no turn (the consumer's own echoes).
            const echoes = changes(MAX_CHANGES_PER_NOTIFICATION, 6000).map((change) => ({
                ...change,
                originatorId: 'consumer-1',
                originatorMetadata: { id: 'consumer-1', role: 'CONSUMER' },
            }));
            before = mark();
            const atLimit = await sandbox.deliver(sandbox.messagingNotification(echoes));
            expect(atLimit.status).to.equal(200);
            expect(since(before)).to.deep.equal({ activities: [], calls: [] });
            await expectStillAnswers();
        });
    });
}
