import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ActionTypes, CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { parseEightByEightEvent, type EightByEightEvent } from '../../src/eightbyeight/events';
import { EightByEightEventNames, mediaType, toActivities, type EightByEightConversationRecord } from '../../src/eightbyeight/inboundMapper';
import { fromActivity, fromInvokeResponse } from '../../src/eightbyeight/outboundMapper';
import { ActivityMappingError } from '../../src/core/errors';
import { CARD_BUTTON_TEXT_KEY } from '../../src/core/cardConversion';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'eightbyeight', `${name}.json`), 'utf8'));
const bot = { id: '8x8-bot', name: 'Bot' };

function event(name: string): EightByEightEvent {
    const parsed = parseEightByEightEvent(fixture(name));
    if (parsed.kind !== 'parsed') throw new Error(`fixture ${name} did not parse: ${JSON.stringify(parsed)}`);
    return parsed.value;
}

function map(name: string | EightByEightEvent, record: EightByEightConversationRecord = {}) {
    return toActivities(typeof name === 'string' ? event(name) : name, { eventId: 'evt-1', botAccount: bot, serviceUrl: 'https://api.8x8.com', record });
}

describe('8x8 mapper: webhook → activities (seed and vendor-notes payloads)', () => {
    it('WEB_HOOK_VERIFY maps to nothing', () => {
        expect(map('seed-web-hook-verify').activities).to.deep.equal([]);
    });

    it('first CONVERSATION_UPDATE → conversationUpdate with membersAdded [user, bot]; agent assignment → handoff.status accepted', () => {
        const { activities, record } = map('seed-conversation-update');
        expect(activities.map((a) => a.type)).to.deep.equal(['conversationUpdate', 'event']);
        const [update, status] = activities;
        expect(update.id).to.equal('evt-1');
        expect(update.channelId).to.equal('8x8');
        expect(update.conversation!.id).to.equal('ID-0');
        expect(update.membersAdded).to.deep.equal([
            { id: 'string', name: 'string', role: 'user' },
            { id: '8x8-bot', name: 'Bot', role: 'bot' },
        ]);
        expect(update.recipient).to.deep.include({ id: '8x8-bot', role: 'bot' });
        expect(update.locale).to.equal('en');
        expect(update.channelData).to.deep.equal(fixture('seed-conversation-update'));
        expect(status.id).to.equal('evt-1:1');
        expect(status.name).to.equal('handoff.status');
        expect(status.value).to.deep.include({ state: 'accepted' });
        expect(record).to.deep.include({ greeted: true, owner: 'agent', userId: 'string', locale: 'en' });
    });

    it('a later CONVERSATION_UPDATE is an 8x8.conversationUpdate event, not a second greeting', () => {
        const { activities } = map('notes-conversation-update-whatsapp', { greeted: true, owner: 'agent' });
        expect(activities).to.have.length(1);
        expect(activities[0]).to.deep.include({ type: 'event', name: EightByEightEventNames.ConversationUpdate });
        expect((activities[0].value as { channel: string }).channel).to.equal('WhatsApp');
    });

    it('QUEUED → 8x8.queued event carrying queueId and queueName', () => {
        const [queued] = map('seed-queued').activities;
        expect(queued).to.deep.include({ type: 'event', name: '8x8.queued', value: { queueId: 'string', queueName: 'string' } });
    });

    it('MEMBERS_CHANGED user joined → 8x8.membersChanged event only', () => {
        const { activities } = map('seed-members-changed');
        expect(activities.map((a) => a.name)).to.deep.equal(['8x8.membersChanged']);
        expect(activities[0].value).to.deep.equal({ memberType: 'user', change: 'joined', id: 'string' });
    });

    it('MEMBERS_CHANGED user left → the conversation is closed: 8x8.membersChanged and endOfConversation, once', () => {
        const left: EightByEightEvent = { eventType: 'MEMBERS_CHANGED', conversationId: 'c-9', data: { memberType: 'user', change: 'left', id: 'u-1' } };
        const first = map(left, { greeted: true });
        expect(first.activities.map((a) => a.type)).to.deep.equal(['event', 'endOfConversation']);
        expect(first.activities[1]).to.deep.include({ code: 'userLeft' });
        expect(first.record.closed).to.equal(true);
        expect(map(left, first.record).activities.map((a) => a.type)).to.deep.equal(['event']);
    });

    it('MEMBERS_CHANGED agent left while an agent owns it → handoff.status completed and the bot owns it again', () => {
        const { activities, record } = map('notes-members-changed-agent-left', { greeted: true, owner: 'agent' });
        expect(activities.map((a) => a.name)).to.deep.equal(['8x8.membersChanged', 'handoff.status']);
        expect(activities[1].value).to.deep.include({ state: 'completed' });
        expect(record.owner).to.equal('bot');
    });

    it('TRANSFER → 8x8.transfer; the agent leaving after it is not a completion', () => {
        const afterTransfer = map('seed-transfer', { greeted: true, owner: 'agent' });
        expect(afterTransfer.activities.map((a) => a.name)).to.deep.equal(['8x8.transfer']);
        expect(afterTransfer.record.transferring).to.equal(true);
        const left = map('notes-members-changed-agent-left', afterTransfer.record);
        expect(left.activities.map((a) => a.name)).to.deep.equal(['8x8.membersChanged']);
        expect(left.record.owner).to.equal('queue');
    });

    it('MESSAGE with isEcho (the seed) → nothing', () => {
        expect(map('seed-message').activities).to.deep.equal([]);
    });

    it('MESSAGE from the user while the bot owns it → message with text and file attachments (contentUrl)', () => {
        const { activities, record } = map('notes-message-user-attachment');
        expect(activities).to.have.length(1);
        const [message] = activities;
        expect(message.type).to.equal('message');
        expect(message.text).to.equal('Here is my receipt');
        expect(message.from).to.deep.equal({ id: 'user-77', role: 'user' }); // no empty name: the Agents SDK refuses empty strings
        expect(message.attachments).to.deep.equal([
            { contentType: 'application/pdf', contentUrl: 'https://files.example.com/att-002?sig=def', name: 'receipt.pdf' },
            { contentType: 'image/*', contentUrl: 'https://api.8x8.com/chat-gateway/v1/conversations/ID-0/attachments/att-003/content', name: 'att-003' },
        ]);
        expect(record.userId).to.equal('user-77');
    });

    it('MESSAGE with cards from the user → Adaptive Card attachments', () => {
        const seed = fixture('seed-message') as any;
        seed.data.isEcho = false;
        seed.data.sender = { id: 'u1', type: 'user' };
        const [message] = map(parseOk(seed)).activities;
        expect(message.attachments).to.deep.include({ contentType: 'application/vnd.microsoft.card.adaptive', content: {} });
        expect(message.attachments).to.have.length(2);
    });

    it('MESSAGE from an agent → 8x8.agentMessage event (never a message), attachments mapped', () => {
        const { activities } = map('notes-message-agent-attachment', { greeted: true, owner: 'agent' });
        expect(activities).to.have.length(1);
        const [agentMessage] = activities;
        expect(agentMessage).to.deep.include({ type: 'event', name: '8x8.agentMessage' });
        expect(agentMessage.from).to.deep.equal({ id: 'agent-abc-123', name: 'agent' });
        const value = agentMessage.value as { text: string; attachments: Array<{ contentUrl: string; contentType: string }> };
        expect(value.text).to.equal('Hello, how can I help you?');
        expect(value.attachments[0]).to.deep.include({ contentType: 'image/png', contentUrl: 'https://files.example.com/att-001?sig=abc' });
    });

    it('a user MESSAGE while an agent (or the queue) owns the conversation → 8x8.userMessage event carrying it', () => {
        for (const owner of ['agent', 'queue'] as const) {
            const { activities } = map('notes-message-user-attachment', { greeted: true, owner });
            expect(activities.map((a) => a.type)).to.deep.equal(['event']);
            expect(activities[0].name).to.equal('8x8.userMessage');
            expect((activities[0].value as Partial<Activity>).text).to.equal('Here is my receipt');
        }
    });

    it('ACTIVITY typing with users → typing per user; empty list → nothing', () => {
        const [typing] = map('seed-activity-typing').activities;
        expect(typing).to.deep.include({ type: 'typing' });
        expect(typing.from).to.deep.equal({ id: 'string', name: 'agent' });
        expect(map('notes-activity-typing-stopped').activities).to.deep.equal([]);
    });

    it('ACTIVITY adaptiveCard/action Action.Submit → message with value = submitted data and no text', () => {
        const [submit] = map('seed-activity-card-submit').activities;
        expect(submit.type).to.equal('message');
        expect(submit.text).to.equal(undefined);
        expect(submit.value).to.deep.equal({ name: 'Ada' });
    });

    it('ACTIVITY adaptiveCard/action Action.Execute → invoke adaptiveCard/action with the verb', () => {
        const [invoke] = map('notes-activity-card-execute').activities;
        expect(invoke).to.deep.include({ type: 'invoke', name: 'adaptiveCard/action' });
        expect(invoke.value).to.deep.equal({ action: { type: 'Action.Execute', verb: 'approve', data: { verb: 'approve', orderId: 7 } }, trigger: 'manual' });
    });

    it('ACTIVITY quickReply/action → message whose text is the postback payload', () => {
        const [reply] = map('seed-activity-quick-reply').activities;
        expect(reply).to.deep.include({ type: 'message', text: '1' });
        expect(reply.value).to.equal(undefined);
    });

    it('other ACTIVITY names (read-receipts, CPaaS interactive/reply) → event named after them', () => {
        const [receipt] = map('notes-activity-read-receipts').activities;
        expect(receipt).to.deep.include({ type: 'event', name: 'read-receipts' });
        const [interactive] = map('notes-activity-interactive-reply').activities;
        expect(interactive).to.deep.include({ type: 'event', name: 'interactive/reply' });
        expect(interactive.value).to.deep.equal({ type: 'button_reply', button_reply: { id: 'b1', title: 'Yes' } });
    });

    it('from.id stays the first user id seen, so UserState keys do not change between events', () => {
        const first = map('notes-message-user-attachment');
        const [submit] = map('seed-activity-card-submit', first.record).activities;
        expect(submit.from!.id).to.equal('user-77');
        const [unknown] = map('seed-activity-card-submit').activities;
        expect(unknown.from!.id).to.equal('8x8-user:ID-0');
    });

    it('mediaType: by extension, then by 8x8 type', () => {
        expect(mediaType('a.JPG', 'file')).to.equal('image/jpeg');
        expect(mediaType(undefined, 'video')).to.equal('video/*');
        expect(mediaType('noext', 'file')).to.equal('application/octet-stream');
    });
});

function parseOk(body: unknown): EightByEightEvent {
    const parsed = parseEightByEightEvent(body);
    if (parsed.kind !== 'parsed') throw new Error(JSON.stringify(parsed));
    return parsed.value;
}

describe('8x8 events: parsing and validation', () => {
    it('accepts every seed and vendor-notes payload', () => {
        for (const name of [
            'seed-conversation-update',
            'seed-queued',
            'seed-members-changed',
            'seed-transfer',
            'seed-message',
            'seed-activity-card-submit',
            'seed-activity-typing',
            'seed-activity-quick-reply',
            'seed-web-hook-verify',
            'notes-conversation-update-whatsapp',
            'notes-message-agent-attachment',
            'notes-message-user-attachment',
            'notes-activity-card-execute',
            'notes-activity-read-receipts',
            'notes-activity-interactive-reply',
            'notes-activity-typing-stopped',
            'notes-members-changed-agent-left',
        ]) {
            expect(parseEightByEightEvent(fixture(name)).kind, name).to.equal('parsed');
        }
    });

    it('legacy Chat API v2 shapes (AGENT_JOINED) are unknown, not invalid', () => {
        expect(parseEightByEightEvent(fixture('notes-legacy-agent-joined'))).to.deep.equal({ kind: 'unknown', type: 'AGENT_JOINED' });
    });

    it('names the missing or wrong field', () => {
        expect(parseEightByEightEvent([])).to.deep.equal({ kind: 'invalid', problem: 'the body must be a JSON object' });
        expect(parseEightByEightEvent({})).to.deep.equal({ kind: 'invalid', problem: 'eventType is required (a string)' });
        expect(parseEightByEightEvent({ eventType: 'MESSAGE', data: { text: 'x' } })).to.deep.equal({
            kind: 'invalid',
            problem: 'MESSAGE event: conversationId is required',
        });
        expect(parseEightByEightEvent({ eventType: 'MESSAGE', conversationId: 'c', data: { text: 5 } })).to.deep.equal({
            kind: 'invalid',
            problem: 'MESSAGE event: data.text: Expected string, received number',
        });
        expect(
            parseEightByEightEvent({ eventType: 'ACTIVITY', conversationId: 'c', data: { name: 'quickReply/action', value: { data: { title: 't' } } } })
        ).to.deep.equal({
            kind: 'invalid',
            problem: 'ACTIVITY quickReply/action event: data.value.data.payload is required',
        });
        expect(parseEightByEightEvent({ eventType: 'MEMBERS_CHANGED', conversationId: 'c' })).to.deep.equal({
            kind: 'invalid',
            problem: 'MEMBERS_CHANGED event: data is required',
        });
    });
});

describe('8x8 mapper: activity → Chat Gateway requests', () => {
    const conversation = { id: 'conv/1', isGroup: false, conversationType: 'personal', name: '' };
    const path = '/chat-gateway/v1/conversations/conv%2F1';

    it('text → POST messages {authorType: bot, text}', () => {
        expect(fromActivity({ type: 'message', text: 'Grüße 👋', conversation })).to.deep.equal([
            { operation: 'sendMessage', method: 'POST', path: `${path}/messages`, body: { authorType: 'bot', text: 'Grüße 👋' } },
        ]);
    });

    it('Adaptive Card attachment → cards[], validated', () => {
        const card = { type: 'AdaptiveCard', version: '1.3', body: [{ type: 'Input.Text', id: 'name' }], actions: [{ type: 'Action.Submit', title: 'Send' }] };
        const [request] = fromActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), conversation });
        expect(request.body).to.deep.equal({ authorType: 'bot', cards: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
    });

    it('an invalid Adaptive Card is an ActivityMappingError that says what is wrong', () => {
        const bad = { type: 'AdaptiveCard', version: '1.3', body: [{ type: 'Input.Text' }], actions: [{ type: 'Action.OpenUrl', title: 'x' }] };
        expect(() => fromActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(bad)), conversation })).to.throw(
            ActivityMappingError,
            /attachment 0 is not a valid Adaptive Card: .*unique Id.*Property "url" must be set/
        );
        expect(() =>
            fromActivity({
                type: 'message',
                attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'Nope' } }],
                conversation,
            })
        ).to.throw(/"type" must be "AdaptiveCard"/);
    });

    it('suggestedActions → an 8x8 quick-replies card (postback = value)', () => {
        const [request] = fromActivity({ ...MessageFactory.suggestedActions(['Red', 'Green'], 'Pick a color'), conversation });
        expect(request.body).to.deep.equal({
            authorType: 'bot',
            text: 'Pick a color',
            cards: [
                {
                    contentType: 'application/8x8.quick.replies',
                    content: {
                        options: [
                            { title: 'Red', data: { postback: 'Red' } },
                            { title: 'Green', data: { postback: 'Green' } },
                        ],
                    },
                },
            ],
        });
    });

    it('postBack and messageBack actions use their value / text as postback; openUrl is refused', () => {
        const [request] = fromActivity({
            type: 'message',
            conversation,
            suggestedActions: {
                to: [],
                actions: [
                    { type: ActionTypes.PostBack, title: 'One', value: '1' },
                    { type: ActionTypes.MessageBack, title: 'Two', text: 'two', value: { n: 2 } },
                ],
            },
        });
        expect((request.body.cards as any)[0].content.options).to.deep.equal([
            { title: 'One', data: { postback: '1' } },
            { title: 'Two', data: { postback: 'two' } },
        ]);
        expect(() =>
            fromActivity({
                type: 'message',
                conversation,
                suggestedActions: { to: [], actions: [{ type: ActionTypes.OpenUrl, title: 'Site', value: 'https://x' }] },
            })
        ).to.throw(ActivityMappingError, /suggested action 0 of type "openUrl" is not supported/);
    });

    it('unsupported attachments and empty messages are refused, not dropped', () => {
        expect(() => fromActivity({ ...MessageFactory.attachment(CardFactory.o365ConnectorCard({ title: 'Hi' } as any)), conversation })).to.throw(
            ActivityMappingError,
            /application\/vnd.microsoft.teams.card.o365connector" is not supported; send an Adaptive Card \(CardFactory.adaptiveCard\), a Bot Framework card \(hero, thumbnail, animation, audio, video, receipt, OAuth, sign-in: converted to an Adaptive Card\), a file \(contentUrl\) or a native 8x8 card type/
        );
        expect(() => fromActivity({ type: 'message', conversation })).to.throw(ActivityMappingError, /nothing to send/);
    });

    it('a Hero card → an Adaptive Card in cards[], next to the text; its buttons carry their value under the marker', () => {
        const hero = CardFactory.heroCard('Welcome!', 'What would you like to do?', ['https://cdn.example/logo.png'], ['Order', 'Track']);
        const [request] = fromActivity({ ...MessageFactory.attachment(hero, 'Hello'), conversation });
        expect(request).to.deep.include({ operation: 'sendMessage', method: 'POST', path: `${path}/messages` });
        expect(request.body).to.deep.equal({
            authorType: 'bot',
            text: 'Hello',
            cards: [
                {
                    contentType: 'application/vnd.microsoft.card.adaptive',
                    content: {
                        type: 'AdaptiveCard',
                        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
                        version: '1.3',
                        body: [
                            { type: 'Image', url: 'https://cdn.example/logo.png', altText: 'Welcome!', size: 'Stretch' },
                            { type: 'TextBlock', text: 'Welcome!', weight: 'Bolder', size: 'Medium', wrap: true },
                            { type: 'TextBlock', text: 'What would you like to do?', wrap: true },
                        ],
                        actions: [
                            { type: 'Action.Submit', title: 'Order', data: { [CARD_BUTTON_TEXT_KEY]: 'Order' } },
                            { type: 'Action.Submit', title: 'Track', data: { [CARD_BUTTON_TEXT_KEY]: 'Track' } },
                        ],
                    },
                },
            ],
        });
    });

    it('every other Bot Framework card (thumbnail, media, receipt, OAuth, sign-in) goes as an Adaptive Card, in order with the other cards', () => {
        const attachments = [
            CardFactory.thumbnailCard('Thumb', ['https://cdn.example/t.png']),
            CardFactory.animationCard('Anim', ['https://cdn.example/a.gif']),
            CardFactory.audioCard('Audio', ['https://cdn.example/a.mp3']),
            CardFactory.videoCard('Video', ['https://cdn.example/v.mp4']),
            CardFactory.receiptCard({ title: 'Receipt', total: '$3' } as any),
            CardFactory.oauthCard('aad', 'Sign in', 'Sign in please', 'https://token.example/s'),
            CardFactory.signinCard('Log in', 'https://login.example', 'Log in first'),
            CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: 'native AC' }] }),
        ];
        const [request] = fromActivity({ ...MessageFactory.carousel(attachments), conversation });
        const cards = request.body.cards as Array<{ contentType: string; content: any }>;
        expect(cards.map((c) => c.contentType)).to.deep.equal(attachments.map(() => 'application/vnd.microsoft.card.adaptive'));
        expect(cards.map((c) => c.content.body[0].text ?? c.content.body[0].url)).to.deep.equal([
            'Thumb',
            'Anim',
            'Audio',
            'Video',
            'Receipt',
            'Sign in please',
            'Log in first',
            'native AC',
        ]);
        expect(cards[3].content.actions).to.deep.equal([{ type: 'Action.OpenUrl', title: 'Play', url: 'https://cdn.example/v.mp4' }]);
        expect(cards[5].content.actions).to.deep.equal([{ type: 'Action.OpenUrl', title: 'Sign in', url: 'https://token.example/s' }]);
    });

    it('a Bot Framework card with nothing 8x8 can show is refused, saying what was left out', () => {
        expect(() => fromActivity({ ...MessageFactory.attachment(CardFactory.oauthCard('aad', 'Sign in')), conversation })).to.throw(
            ActivityMappingError,
            'attachment 0 of type "application/vnd.microsoft.card.oauth" has nothing 8x8 can show: the signin button "Sign in" has no sign-in link.'
        );
        expect(() =>
            fromActivity({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: {} }], conversation })
        ).to.throw(ActivityMappingError, 'has nothing 8x8 can show (no title, text, image or button).');
    });

    it('a file attachment (contentUrl) → an upload before the message, whose attachments the client fills with the id', () => {
        const requests = fromActivity({
            ...MessageFactory.contentUrl('https://files.example/r.pdf', 'application/pdf', 'receipt.pdf', 'Your receipt'),
            conversation,
        });
        expect(requests).to.deep.equal([
            {
                operation: 'uploadAttachment',
                method: 'POST',
                path: `${path}/attachments`,
                body: { authorType: 'bot' },
                file: { contentUrl: 'https://files.example/r.pdf', name: 'receipt.pdf', contentType: 'application/pdf' },
            },
            { operation: 'sendMessage', method: 'POST', path: `${path}/messages`, body: { authorType: 'bot', text: 'Your receipt' } },
        ]);
    });

    it('native 8x8 card types pass through', () => {
        const [request] = fromActivity({ type: 'message', conversation, attachments: [{ contentType: 'Location', content: { lat: 1, lng: 2 } }] });
        expect(request.body).to.deep.equal({ authorType: 'bot', cards: [{ contentType: 'Location', content: { lat: 1, lng: 2 } }] });
    });

    it('typing → POST typing {authorType: bot}', () => {
        expect(fromActivity({ type: 'typing', conversation })).to.deep.equal([
            { operation: 'sendTypingIndicator', method: 'POST', path: `${path}/typing`, body: { authorType: 'bot' } },
        ]);
    });

    it('endOfConversation → PATCH participants/user {removed: true} (+ displayMessage from text)', () => {
        expect(fromActivity({ type: 'endOfConversation', conversation })[0]).to.deep.equal({
            operation: 'removeUserParticipant',
            method: 'PATCH',
            path: `${path}/participants/user`,
            body: { removed: true },
        });
        expect(fromActivity({ type: 'endOfConversation', text: 'Bye', conversation })[0].body).to.deep.equal({ removed: true, displayMessage: 'Bye' });
    });

    it('handoff.initiate → PATCH assignment to the queue from the handoff context, else the default', () => {
        const handoff = { type: 'event', name: 'handoff.initiate', conversation };
        expect(fromActivity({ ...handoff, value: { queueId: 'q-7', user: { additionalProperties: [{ key: 'topic', value: 'billing' }] } } })).to.deep.equal([
            {
                operation: 'assignConversation',
                method: 'PATCH',
                path,
                body: { assignment: { type: 'queue', id: 'q-7' }, user: { additionalProperties: [{ key: 'topic', value: 'billing' }] } },
            },
        ]);
        expect(fromActivity({ ...handoff, value: {} }, { handoffQueueId: 'q-1' })[0].body).to.deep.equal({ assignment: { type: 'queue', id: 'q-1' } });
        expect(() => fromActivity({ ...handoff, value: {} })).to.throw(ActivityMappingError, /needs a queue id/);
    });

    it('handoff with hand-back scheduled → post-agent-assignment first, then the assignment', () => {
        const requests = fromActivity(
            { type: 'event', name: 'handoff.initiate', conversation },
            { handoffQueueId: 'q-1', handBack: { webhookId: 'wh-1', maxTotalMinutes: 60 } }
        );
        expect(requests.map((r) => r.operation)).to.deep.equal(['schedulePostAgentAssignment', 'assignConversation']);
        expect(requests[0]).to.deep.include({
            method: 'POST',
            path: `${path}/post-agent-assignment`,
            body: { type: 'webhook', id: 'wh-1', configuration: { notifyChannelWebhookIfExists: 'false', maxTotalMinutes: 60, userTimeoutInMinutes: 150 } },
        });
        const without = fromActivity(
            { type: 'event', name: 'handoff.initiate', value: { handBack: false }, conversation },
            { handoffQueueId: 'q-1', handBack: { webhookId: 'wh-1' } }
        );
        expect(without.map((r) => r.operation)).to.deep.equal(['assignConversation']);
    });

    it('other outbound types are refused with a clear error', () => {
        expect(() => fromActivity({ type: 'event', name: 'custom', conversation })).to.throw(ActivityMappingError, /event named "custom"/);
        expect(() => fromActivity({ type: 'messageReaction', conversation })).to.throw(ActivityMappingError, /"messageReaction"/);
        expect(() => fromActivity({ type: 'message', text: 'x' })).to.throw(ActivityMappingError, /no conversation.id/);
    });

    it('invoke responses with a card or message become a new bot message; others nothing', () => {
        const card = { type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: 'Done' }] };
        const shown = fromInvokeResponse({
            type: 'invokeResponse',
            conversation,
            value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
        });
        expect(shown).to.deep.include({ type: 'message' });
        expect(shown!.attachments).to.deep.equal([{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }]);
        expect(
            fromInvokeResponse({
                type: 'invokeResponse',
                conversation,
                value: { status: 200, body: { type: 'application/vnd.microsoft.activity.message', value: 'Approved' } },
            })!.text
        ).to.equal('Approved');
        expect(fromInvokeResponse({ type: 'invokeResponse', conversation, value: { status: 200 } })).to.equal(undefined);
    });
});
