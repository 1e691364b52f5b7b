import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { CardFactory, MessageFactory, type Activity, type Attachment } from 'botbuilder';
import { ActivityMappingError } from '../../src/core/errors';
import { parseLivePersonNotification, type LivePersonChange } from '../../src/liveperson/events';
import { inSequenceOrder } from '../../src/liveperson/inboundEvents';
import {
    declaredHostedFileType,
    downloadableAttachment,
    hostedFileTypeOf,
    maskTempUrlSignature,
    previewOf,
    sniffHostedFileType,
    tempUrl,
} from '../../src/liveperson/files';
import {
    HOSTED_FILE_CONTENT_TYPE,
    LivePersonEventNames,
    STRUCTURED_CONTENT_TYPE,
    conversationChangeToActivities,
    messagingChangeToActivities,
    type LivePersonConversationRecord,
} from '../../src/liveperson/inboundMapper';
import { fromActivity } from '../../src/liveperson/outboundMapper';
import { adaptiveCardText, adaptiveCardToStructuredContent } from '../../src/liveperson/structuredContent';

const fixture = (name: string): any => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'liveperson', `${name}.json`), 'utf8'));
const bot = { id: 'liveperson-connector', name: 'Bot' };
const CONV = '5491244f-e462-4c63-bf4e-faf4b2d3e7b5';
const AGENT = '29c3019d-fe0b-5200-afe8-737abfeae4b4';

function changes(body: unknown): LivePersonChange[] {
    const parsed = parseLivePersonNotification(body);
    if (parsed.kind !== 'parsed') throw new Error(`did not parse: ${JSON.stringify(parsed)}`);
    return parsed.value.changes;
}

function map(body: unknown, record: LivePersonConversationRecord = {}) {
    const [item] = changes(body);
    const ctx = { activityId: 'act-1', botAccount: bot, serviceUrl: 'https://lp.example', record };
    if (item.kind === 'messaging') return messagingChangeToActivities(item.change, ctx);
    if (item.kind === 'conversation') return conversationChangeToActivities(item.change, ctx);
    throw new Error('unknown change');
}

describe('LivePerson mapper: notifications → activities (every seed payload)', () => {
    it('consumer created a conversation: no activity (only the consumer, no agent yet); the record learns the dialog', () => {
        const { activities, record } = map(fixture('seed-consumer-created-conversation'));
        expect(activities).to.deep.equal([]);
        expect(record).to.deep.equal({ lastChangeTs: 1528371161882, dialogId: CONV, agentIds: [] });
    });

    it('consumer sent a text: the connector’s own echo (role CONSUMER) maps to nothing, no receipt', () => {
        const mapped = map(fixture('seed-consumer-sent-text'));
        expect(mapped.activities).to.deep.equal([]);
        expect(mapped.receipt).to.equal(undefined);
    });

    it('agent assigned → conversationUpdate with the agent in membersAdded, once', () => {
        const { activities, record } = map(fixture('seed-agent-assigned'), { lastChangeTs: 1528371161882, agentIds: [] });
        expect(activities).to.have.length(1);
        const [update] = activities;
        expect(update.type).to.equal('conversationUpdate');
        expect(update.channelId).to.equal('liveperson');
        expect(update.conversation!.id).to.equal(CONV);
        expect(update.recipient).to.deep.include({ id: bot.id, role: 'bot' });
        expect(update.membersAdded).to.deep.equal([{ id: AGENT, name: 'Agent', role: 'user' }]);
        expect(record.agentIds).to.deep.equal([AGENT]);
        // The same state again (a redelivery with a new timestamp) adds nobody.
        const again = fixture('seed-agent-assigned');
        again.body.changes[0].result.conversationDetails.metaDataLastUpdateTs += 1;
        expect(map(again, record).activities).to.deep.equal([]);
    });

    it('a conversation change older than the last one applied is stale: nothing', () => {
        const { activities, record } = map(fixture('seed-agent-assigned'), { lastChangeTs: 1528371195521 + 1 });
        expect(activities).to.deep.equal([]);
        expect(record.agentIds).to.equal(undefined);
    });

    it('agent read the message → event liveperson.acceptStatus with status and sequences', () => {
        const { activities } = map(fixture('seed-agent-read-message'));
        expect(activities).to.have.length(1);
        expect(activities[0]).to.deep.include({ type: 'event', name: LivePersonEventNames.AcceptStatus, value: { status: 'READ', sequenceList: [0] } });
        expect(activities[0].from).to.deep.equal({ id: AGENT, name: 'Agent', role: 'user' });
    });

    it('agent is typing (COMPOSING) → typing; ACTIVE → nothing', () => {
        const typing = map(fixture('seed-agent-typing')).activities;
        expect(typing.map((a) => a.type)).to.deep.equal(['typing']);
        expect(typing[0].conversation!.id).to.equal(CONV);
        expect(map(fixture('seed-agent-active')).activities).to.deep.equal([]);
    });

    it('agent sent a text → message with the text, and a receipt for its sequence (older payloads: dialogId only)', () => {
        const mapped = map(fixture('seed-agent-sent-text'));
        expect(mapped.activities).to.have.length(1);
        const [message] = mapped.activities;
        // The trailing newline LivePerson adds is trimmed, so a typed "Yellow\n" answers a prompt; the raw text stays in channelData.
        expect(message).to.deep.include({ type: 'message', text: 'Hello from the Agent', textFormat: 'plain', id: 'act-1' });
        expect((message.channelData as { event: { message: string } }).event.message).to.equal('Hello from the Agent\n');
        expect(message.conversation!.id).to.equal(CONV);
        expect(message.from!.id).to.equal(AGENT);
        expect(message.timestamp).to.deep.equal(new Date(1528371199686));
        expect(mapped.receipt).to.deep.equal({ dialogId: CONV, sequence: 2 });
        const another = map(fixture('seed-agent-sent-another-text'));
        expect(another.activities[0].text).to.equal('Hello from Agent');
        expect(another.receipt).to.deep.equal({ dialogId: CONV, sequence: 3 });
    });

    it('agent quick replies → suggestedActions (imBack with the published text); the offer is remembered', () => {
        const body = fixture('seed-agent-sent-text');
        body.body.changes[0].event.quickReplies = {
            type: 'quickReplies',
            itemsPerRow: 8,
            replies: [
                {
                    type: 'button',
                    title: 'Yes',
                    tooltip: 'Yes!',
                    click: { actions: [{ type: 'publishText', text: 'yep' }], metadata: [{ type: 'ExternalId', id: 'Yes-1234' }] },
                },
                { type: 'button', title: 'No', click: { actions: [{ type: 'publishText', text: 'nope' }] } },
            ],
        };
        const { activities, record } = map(body);
        expect(activities[0].suggestedActions).to.deep.equal({
            actions: [
                { type: 'imBack', title: 'Yes', value: 'yep' },
                { type: 'imBack', title: 'No', value: 'nope' },
            ],
            to: [bot.id],
        });
        expect(record.offered).to.deep.equal({
            dialogId: CONV,
            sequence: 2,
            replies: [
                { title: 'Yes', text: 'yep', metadata: [{ type: 'ExternalId', id: 'Yes-1234' }] },
                { title: 'No', text: 'nope' },
            ],
        });
    });

    it('RichContentEvent → message with the structured content attachment and its texts; buttons become offered replies', () => {
        const content = {
            type: 'vertical',
            elements: [
                { type: 'text', text: 'Product Name', tooltip: 'text tooltip', style: { bold: true } },
                { type: 'image', url: 'https://example.com/p.jpg' },
                {
                    type: 'button',
                    title: 'Buy',
                    click: { actions: [{ type: 'publishText', text: 'buy it' }], metadata: [{ type: 'ExternalId', id: 'buy-1' }] },
                },
                { type: 'button', title: 'Site', click: { actions: [{ type: 'link', uri: 'https://example.com' }] } },
            ],
        };
        const body = fixture('seed-agent-sent-text');
        body.body.changes[0].event = { type: 'RichContentEvent', content };
        const { activities, record, receipt } = map(body);
        expect(activities[0]).to.deep.include({ type: 'message', text: 'Product Name' });
        expect(activities[0].attachments).to.deep.equal([{ contentType: STRUCTURED_CONTENT_TYPE, content }]);
        expect(record.offered!.replies).to.deep.equal([{ title: 'Buy', text: 'buy it', metadata: [{ type: 'ExternalId', id: 'buy-1' }] }]);
        expect(receipt).to.deep.equal({ dialogId: CONV, sequence: 2 });
    });

    it('agent shared a file (hosted/file) → message with the caption and the file descriptor; the connector adds the download URL', () => {
        const descriptor = {
            caption: 'Your label',
            relativePath: '/v1/AUTH_async-images/64467156/abc.JPG',
            fileType: 'JPG',
            preview: 'data:image/jpeg;base64,/9j/',
        };
        const notification = fixture('seed-agent-sent-text');
        notification.body.changes[0].event = { type: 'ContentEvent', contentType: 'hosted/file', message: descriptor };
        const [activity] = map(notification).activities;
        expect(activity).to.deep.include({ type: 'message', text: 'Your label' });
        expect(activity.attachments).to.deep.equal([
            { contentType: HOSTED_FILE_CONTENT_TYPE, name: 'abc.JPG', content: descriptor, thumbnailUrl: descriptor.preview },
        ]);
    });

    it('a message for agents and managers only is not shown to the bot', () => {
        const body = fixture('seed-agent-sent-text');
        body.body.changes[0].messageAudience = 'AGENTS_AND_MANAGERS';
        expect(map(body).activities).to.deep.equal([]);
    });

    it('conversation CLOSE → endOfConversation once (the signature test vector payload)', () => {
        const close = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'liveperson', 'vector-conversation-close.json'), 'utf8'));
        const first = map(close, { dialogId: 'b8b83fe9-75f0-46f2-baaa-2930f7192cfb' });
        expect(first.activities.map((a) => a.type)).to.deep.equal(['endOfConversation']);
        expect(first.activities[0]).to.deep.include({ code: 'completedSuccessfully', value: { closeReason: 'CONSUMER' } });
        expect(first.record.closed).to.equal(true);
        const redelivered = JSON.parse(JSON.stringify(close));
        redelivered.body.changes[0].result.conversationDetails.metaDataLastUpdateTs += 5;
        expect(map(redelivered, first.record).activities).to.deep.equal([]);
    });

    it('an agent joining in the same notification that closes the conversation starts no greeting turn', () => {
        const close = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'liveperson', 'vector-conversation-close.json'), 'utf8'));
        const details = close.body.changes[0].result.conversationDetails;
        details.participants = [...details.participants, { id: 'agent-77', role: 'ASSIGNED_AGENT' }];
        const { activities } = map(close, { handoff: {} });
        expect(activities.map((a) => `${a.type}${a.name ? ` ${a.name}` : ''}`)).to.deep.equal(['event handoff.status', 'endOfConversation']);
        expect((activities[0].value as { state: string }).state).to.equal('completed');
    });

    it('an agent who leaves → conversationUpdate membersRemoved', () => {
        const body = fixture('seed-consumer-created-conversation');
        body.body.changes[0].result.conversationDetails.metaDataLastUpdateTs = 1528371199999;
        const { activities } = map(body, { agentIds: [AGENT], lastChangeTs: 1528371195521 });
        expect(activities.map((a) => a.type)).to.deep.equal(['conversationUpdate']);
        expect(activities[0].membersRemoved).to.deep.equal([{ id: AGENT, name: 'Agent', role: 'user' }]);
    });

    it('an open post-conversation survey dialog becomes the dialog to publish to', () => {
        const body = fixture('seed-agent-assigned');
        body.body.changes[0].result.conversationDetails.dialogs = [
            { dialogId: CONV, dialogType: 'MAIN', state: 'CLOSE' },
            { dialogId: 'survey-1', dialogType: 'POST_SURVEY', state: 'OPEN' },
        ];
        expect(map(body).record.dialogId).to.equal('survey-1');
    });
});

describe('LivePerson notification parsing', () => {
    it('a body without changes, or a change without a conversation, is invalid and names the field', () => {
        expect(parseLivePersonNotification({ type: 'ms.MessagingEventNotification', body: {} })).to.deep.equal({
            kind: 'invalid',
            problem: 'body.changes is required',
        });
        const parsed = parseLivePersonNotification({
            type: 'ms.MessagingEventNotification',
            body: { changes: [{ sequence: 1, event: { type: 'ContentEvent', message: 'x' } }] },
        });
        expect(parsed).to.deep.equal({ kind: 'invalid', problem: 'body.changes[0].dialogId: needs conversationId or dialogId' });
        const badEvent = parseLivePersonNotification({
            type: 'ms.MessagingEventNotification',
            body: { changes: [{ dialogId: 'd', event: { type: 'ContentEvent' } }] },
        });
        expect(badEvent.kind).to.equal('invalid');
        expect((badEvent as { problem: string }).problem).to.match(/^body\.changes\[0\]\.event\.message/);
    });

    it('unknown notification and event types are not errors', () => {
        expect(parseLivePersonNotification({ type: 'ms.SomethingNew', body: { changes: [] } })).to.deep.equal({ kind: 'unknown', type: 'ms.SomethingNew' });
        const parsed = parseLivePersonNotification({
            type: 'ms.MessagingEventNotification',
            body: { changes: [{ dialogId: 'd', event: { type: 'NewEvent' } }] },
        });
        expect(parsed).to.deep.equal({
            kind: 'parsed',
            value: { type: 'ms.MessagingEventNotification', changes: [{ kind: 'unknown', description: 'body.changes[0].event.type "NewEvent"' }] },
        });
    });

    it('inSequenceOrder sorts sequenced changes and leaves chat states where they were', () => {
        const change = (sequence?: number) => ({
            ...(sequence !== undefined ? { sequence } : {}),
            dialogId: 'd',
            event: sequence === undefined ? { type: 'ChatStateEvent', chatState: 'COMPOSING' } : { type: 'ContentEvent', message: `m${sequence}` },
        });
        const parsed = changes({ type: 'ms.MessagingEventNotification', body: { changes: [change(7), change(), change(5), change(6)] } });
        const order = inSequenceOrder(parsed).map((c) => (c.kind === 'messaging' ? (c.change.sequence ?? 'typing') : '?'));
        expect(order).to.deep.equal([5, 'typing', 6, 7]);
    });
});

describe('LivePerson mapper: activities → SEND requests', () => {
    const conversation = { id: 'conv-1' };
    const out = (
        activity: Partial<Activity>,
        record: LivePersonConversationRecord = {},
        cardRendering: 'structuredContent' | 'text' = 'structuredContent',
        suggestedActionsRendering: 'text' | 'quickReplies' = 'quickReplies'
    ) => fromActivity({ conversation: conversation as any, ...activity }, { record, cardRendering, suggestedActionsRendering });

    it('text → ms.PublishEvent ContentEvent with dialogId and conversationId', () => {
        expect(out({ type: 'message', text: 'Hello' }).requests).to.deep.equal([
            {
                operation: 'publishContent',
                type: 'ms.PublishEvent',
                body: { dialogId: 'conv-1', conversationId: 'conv-1', event: { type: 'ContentEvent', contentType: 'text/plain', message: 'Hello' } },
            },
        ]);
    });

    it('typing → ChatStateEvent COMPOSING; endOfConversation → ConversationStateField CLOSE', () => {
        expect(out({ type: 'typing' }).requests[0].body).to.deep.equal({
            dialogId: 'conv-1',
            conversationId: 'conv-1',
            event: { type: 'ChatStateEvent', chatState: 'COMPOSING' },
        });
        expect(out({ type: 'endOfConversation' }).requests).to.deep.equal([
            {
                operation: 'closeConversation',
                type: 'cm.UpdateConversationField',
                body: { conversationId: 'conv-1', conversationField: { field: 'ConversationStateField', conversationState: 'CLOSE' } },
            },
        ]);
    });

    describe('files', () => {
        const PNG_URL = 'data:image/png;base64,iVBORw0KGgo=';
        const message = (text: string | undefined, ...attachments: Attachment[]): Partial<Activity> => ({
            type: 'message',
            ...(text !== undefined ? { text } : {}),
            attachments,
        });

        it('a data: PNG and an https JPEG → publishFile (hosted/file) requests in order, the text as the first one’s caption', () => {
            const mapped = out(
                message(
                    'Here are your photos',
                    { contentType: 'image/png', contentUrl: PNG_URL, name: 'receipt.png' },
                    { contentType: 'image/jpeg', contentUrl: 'https://files.example/label.jpg' }
                )
            );
            expect(mapped.requests).to.deep.equal([
                {
                    operation: 'publishFile',
                    type: 'ms.PublishEvent',
                    body: {
                        dialogId: 'conv-1',
                        conversationId: 'conv-1',
                        event: { type: 'ContentEvent', contentType: 'hosted/file', message: { caption: 'Here are your photos' } },
                    },
                    file: { index: 0, contentUrl: PNG_URL, declaredType: 'PNG', name: 'receipt.png', thumbnailUrl: undefined },
                },
                {
                    operation: 'publishFile',
                    type: 'ms.PublishEvent',
                    body: { dialogId: 'conv-1', conversationId: 'conv-1', event: { type: 'ContentEvent', contentType: 'hosted/file', message: {} } },
                    file: { index: 1, contentUrl: 'https://files.example/label.jpg', declaredType: 'JPG', name: undefined, thumbnailUrl: undefined },
                },
            ]);
            // No text: the file alone, without caption.
            expect(
                out(message(undefined, { contentType: 'image/gif', contentUrl: 'https://x.example/a.gif' })).requests.map((r) => r.body.event)
            ).to.deep.equal([{ type: 'ContentEvent', contentType: 'hosted/file', message: {} }]);
        });

        it('text that goes with more than the files (suggested actions, a card as text) is its own ContentEvent after them', () => {
            const withChoices = {
                ...message('Which one?', { contentType: 'image/png', contentUrl: PNG_URL }),
                suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'This', value: 'This' }] },
            };
            const mapped = fromActivity({ conversation: conversation as any, ...withChoices }, { record: {}, cardRendering: 'text' });
            expect(mapped.requests.map((r) => [r.operation, r.body.event])).to.deep.equal([
                ['publishFile', { type: 'ContentEvent', contentType: 'hosted/file', message: {} }],
                ['publishContent', { type: 'ContentEvent', contentType: 'text/plain', message: 'Which one?\n\n• This' }],
            ]);
            const withCard = message('Look', { contentType: 'image/png', contentUrl: PNG_URL }, CardFactory.heroCard('Title'));
            const requests = fromActivity({ conversation: conversation as any, ...withCard }, { record: {}, cardRendering: 'text' }).requests;
            expect(requests.map((r) => r.operation)).to.deep.equal(['publishFile', 'publishContent']);
            expect((requests[1].body.event as { message: string }).message).to.equal('Look\n\nTitle');
        });

        it('other files keep their name and URL as text; fileRendering "text" sends images so too; a data: URL LivePerson cannot host is refused', () => {
            const pdf = out(
                message('The invoice', { contentType: 'application/pdf', contentUrl: 'https://files.example/invoice.pdf', name: 'invoice.pdf' }),
                {},
                'text'
            );
            expect(pdf.requests.map((r) => r.body.event)).to.deep.equal([
                { type: 'ContentEvent', contentType: 'text/plain', message: 'The invoice\n\ninvoice.pdf: https://files.example/invoice.pdf' },
            ]);
            const webp = out(message(undefined, { contentType: 'image/webp', contentUrl: 'https://files.example/a.webp', name: 'a.webp' }), {}, 'text');
            expect((webp.requests[0].body.event as { message: string }).message).to.equal('a.webp: https://files.example/a.webp');
            const asText = fromActivity(
                {
                    conversation: conversation as any,
                    ...message(undefined, { contentType: 'image/png', contentUrl: 'https://files.example/a.png', name: 'a.png' }),
                },
                { record: {}, cardRendering: 'text', fileRendering: 'text' }
            );
            expect(asText.requests.map((r) => r.operation)).to.deep.equal(['publishContent']);
            expect(() => out(message(undefined, { contentType: 'image/webp', contentUrl: 'data:image/webp;base64,UklGRg==' }))).to.throw(
                ActivityMappingError,
                /attachment 0 of type "image\/webp" is not supported; .* or a JPG, JPEG, PNG, GIF image as a data: URL/
            );
        });
    });

    it('by default (what a consumer may send) suggestedActions are a bulleted list the agent answers by typing', () => {
        const activity = { conversation: conversation as any, ...MessageFactory.suggestedActions(['Red', 'Green'], 'Pick a color') };
        const [request] = fromActivity(activity, { record: {}, cardRendering: 'text' }).requests;
        expect(request.body.event).to.deep.equal({ type: 'ContentEvent', contentType: 'text/plain', message: 'Pick a color\n\n• Red\n• Green' });
        const postBack = { type: 'message', text: 'Size?', suggestedActions: { to: [], actions: [{ type: 'postBack', title: 'Large', value: 'size_l' }] } };
        const [withValue] = fromActivity({ conversation: conversation as any, ...postBack }, { record: {}, cardRendering: 'text' }).requests;
        expect((withValue.body.event as { message: string }).message).to.equal('Size?\n\n• Large (reply "size_l")');
    });

    it('with suggestedActionsRendering "quickReplies": quickReplies with publishText', () => {
        const [request] = out(MessageFactory.suggestedActions(['Red', 'Green'], 'Pick a color')).requests;
        expect(request.body.event).to.deep.equal({
            type: 'ContentEvent',
            contentType: 'text/plain',
            message: 'Pick a color',
            quickReplies: {
                type: 'quickReplies',
                itemsPerRow: 2,
                replies: [
                    { type: 'button', title: 'Red', tooltip: 'Red', click: { actions: [{ type: 'publishText', text: 'Red' }] } },
                    { type: 'button', title: 'Green', tooltip: 'Green', click: { actions: [{ type: 'publishText', text: 'Green' }] } },
                ],
            },
        });
    });

    it('answering with an offered quick reply reports the click: metadata on the ContentEvent, then AcceptStatusEvent ACTION', () => {
        const offered = { dialogId: 'conv-1', sequence: 4, replies: [{ title: 'Yes', text: 'yep', metadata: [{ type: 'ExternalId', id: 'Yes-1234' }] }] };
        const mapped = out({ type: 'message', text: 'yep' }, { offered });
        expect(mapped.requests).to.deep.equal([
            {
                operation: 'publishContent',
                type: 'ms.PublishEvent',
                body: { dialogId: 'conv-1', conversationId: 'conv-1', event: { type: 'ContentEvent', contentType: 'text/plain', message: 'yep' } },
                metadata: [{ type: 'ExternalId', id: 'Yes-1234' }],
            },
            {
                operation: 'publishAcceptStatus',
                type: 'ms.PublishEvent',
                body: { dialogId: 'conv-1', conversationId: 'conv-1', event: { type: 'AcceptStatusEvent', status: 'ACTION', sequenceList: [4] } },
                metadata: [{ type: 'ExternalId', id: 'Yes-1234' }],
            },
        ]);
        expect(mapped.record.offered).to.equal(undefined);
        // Any other text is a plain message and keeps the offer.
        expect(out({ type: 'message', text: 'maybe' }, { offered }).requests).to.have.length(1);
    });

    it('an Adaptive Card with an equivalent → RichContentEvent structured content', () => {
        const card = {
            type: 'AdaptiveCard',
            version: '1.3',
            body: [
                { type: 'TextBlock', text: 'Your order', weight: 'Bolder' },
                { type: 'Image', url: 'https://example.com/a.png', altText: 'A' },
                { type: 'FactSet', facts: [{ title: 'Total', value: '$5' }] },
            ],
            actions: [
                { type: 'Action.OpenUrl', title: 'Track', url: 'https://example.com/t' },
                { type: 'Action.Submit', title: 'Done' },
            ],
        };
        const [request] = out(MessageFactory.attachment(CardFactory.adaptiveCard(card))).requests;
        expect(request.operation).to.equal('publishRichContent');
        expect(request.body.event).to.deep.equal({
            type: 'RichContentEvent',
            content: {
                type: 'vertical',
                elements: [
                    { type: 'text', text: 'Your order', style: { bold: true } },
                    { type: 'image', url: 'https://example.com/a.png', caption: 'A', tooltip: 'A' },
                    { type: 'vertical', elements: [{ type: 'text', text: 'Total: $5' }] },
                    { type: 'button', title: 'Track', tooltip: 'Track', click: { actions: [{ type: 'link', name: 'Track', uri: 'https://example.com/t' }] } },
                    { type: 'button', title: 'Done', tooltip: 'Done', click: { actions: [{ type: 'publishText', text: 'Done' }] } },
                ],
            },
        });
    });

    it('an Adaptive Card with inputs has no equivalent → its text fallback as a ContentEvent', () => {
        const card = {
            type: 'AdaptiveCard',
            version: '1.3',
            body: [
                { type: 'TextBlock', text: 'What is your name?' },
                { type: 'Input.Text', id: 'name', placeholder: 'Your name' },
            ],
            actions: [{ type: 'Action.Submit', title: 'Send' }],
        };
        const mapped = out(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
        expect(mapped.requests.map((r) => r.operation)).to.deep.equal(['publishContent']);
        expect(mapped.requests[0].body.event).to.deep.include({ message: 'What is your name?\n[Your name]\n[Send]' });
        expect(mapped.textFallbacks[0]).to.match(/Input\.Text/);
        expect(adaptiveCardText({ ...card, fallbackText: 'Tell me your name.' })).to.equal('Tell me your name.');
        expect(adaptiveCardToStructuredContent(card).kind).to.equal('text');
    });

    it('cardRendering "text" sends even convertible cards as text', () => {
        const card = { type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: 'Hi there' }] };
        const mapped = out(MessageFactory.attachment(CardFactory.adaptiveCard(card)), {}, 'text');
        expect(mapped.requests[0].body.event).to.deep.include({ type: 'ContentEvent', message: 'Hi there' });
    });

    it('publishes to an open survey dialog, and sends no chat state there', () => {
        expect(out({ type: 'message', text: '5' }, { dialogId: 'survey-1' }).requests[0].body.dialogId).to.equal('survey-1');
        expect(out({ type: 'typing' }, { dialogId: 'survey-1' }).requests).to.deep.equal([]);
    });

    it('refuses what LivePerson cannot carry, with a clear error', () => {
        expect(() => out({ type: 'message' })).to.throw(ActivityMappingError, /nothing to send/);
        expect(() => out({ type: 'event', name: 'handoff.initiate' })).to.throw(ActivityMappingError, /no equivalent for an outbound "event handoff.initiate"/);
        expect(() => out({ type: 'message', attachments: [{ contentType: 'application/pdf', contentUrl: 'data:application/pdf;base64,AAAA' }] })).to.throw(
            ActivityMappingError,
            /not supported/
        );
        expect(() => out(MessageFactory.attachment(CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.3', body: [{ type: 'Bogus' }] })))).to.throw(
            ActivityMappingError,
            /not a valid Adaptive Card/
        );
    });
});

describe('LivePerson hosted files (pure helpers)', () => {
    const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const JPEG = Buffer.from('ffd8ffe000104a464946', 'hex');
    const GIF = Buffer.from('GIF89a\x01\x00', 'latin1');

    it('the declared type: data: media type, else contentType, else the extension; cards and other schemes are no files', () => {
        expect(declaredHostedFileType({ contentType: 'application/octet-stream', contentUrl: 'data:image/png;base64,AAAA' })).to.equal('PNG');
        expect(declaredHostedFileType({ contentType: 'image/png', contentUrl: 'data:application/pdf;base64,AAAA' })).to.equal(undefined);
        expect(declaredHostedFileType({ contentType: 'image/jpeg', contentUrl: 'https://x.example/photo' })).to.equal('JPEG');
        expect(declaredHostedFileType({ contentType: 'image/jpeg', contentUrl: 'https://x.example/photo.jpg' })).to.equal('JPG');
        expect(declaredHostedFileType({ contentType: 'application/octet-stream', contentUrl: 'https://x.example/p', name: 'p.gif' })).to.equal('GIF');
        expect(declaredHostedFileType({ contentType: '', contentUrl: 'https://x.example/dir/a.PNG?x=1' })).to.equal('PNG');
        expect(declaredHostedFileType({ contentType: 'application/pdf', contentUrl: 'https://x.example/a.png' })).to.equal(undefined);
        expect(declaredHostedFileType({ contentType: 'image/webp', contentUrl: 'https://x.example/a.webp' })).to.equal(undefined);
        expect(declaredHostedFileType({ contentType: 'image/png', contentUrl: 'ftp://x.example/a.png' })).to.equal(undefined);
        expect(declaredHostedFileType({ contentType: 'image/png', contentUrl: 'https://x.example/a.png', content: {} })).to.equal(undefined);
    });

    it('the bytes decide the type (magic numbers); a JPEG keeps the bot’s word for it', () => {
        expect([PNG, JPEG, GIF, Buffer.from('<html>')].map(sniffHostedFileType)).to.deep.equal(['PNG', 'JPEG', 'GIF', undefined]);
        expect(hostedFileTypeOf(JPEG, 'JPG')).to.equal('JPG');
        expect(hostedFileTypeOf(JPEG, 'PNG')).to.equal('JPEG');
        expect(hostedFileTypeOf(Buffer.from('not an image'), 'PNG')).to.equal(undefined);
    });

    it('the preview: a small data: thumbnailUrl, else the image itself under 30 KB, else none', () => {
        expect(previewOf(PNG, 'PNG')).to.equal(`data:image/png;base64,${PNG.toString('base64')}`);
        expect(previewOf(PNG, 'PNG', 'data:image/jpeg;base64,/9j/')).to.equal('data:image/jpeg;base64,/9j/');
        expect(previewOf(PNG, 'PNG', 'https://x.example/thumb.png')).to.equal(`data:image/png;base64,${PNG.toString('base64')}`);
        const big = Buffer.concat([PNG, Buffer.alloc(22_500)]);
        expect(previewOf(big, 'PNG')).to.equal(undefined);
        const justUnder = Buffer.concat([PNG, Buffer.alloc(22_470 - PNG.length)]);
        expect(previewOf(justUnder, 'PNG')!.length).to.be.below(30_000);
    });

    it('temporary URLs: built from swift + relativePath + queryParams; the signature is masked in any text', () => {
        const url = tempUrl('https://swift.example', {
            relativePath: '/v1/AUTH_async-images/1/a.PNG',
            queryParams: { temp_url_sig: 'abc123', temp_url_expires: '1474973420' },
        });
        expect(url).to.equal('https://swift.example/v1/AUTH_async-images/1/a.PNG?temp_url_sig=abc123&temp_url_expires=1474973420');
        expect(maskTempUrlSignature(`failed: ${url}`)).to.equal(
            'failed: https://swift.example/v1/AUTH_async-images/1/a.PNG?temp_url_sig=***&temp_url_expires=1474973420'
        );
    });

    it('the agent’s file as the bot receives it: media type from fileType, name from relativePath, the temporary URL, the preview', () => {
        const url = 'https://swift.example/v1/AUTH_async-images/1/b.JPG?temp_url_sig=s&temp_url_expires=1';
        expect(
            downloadableAttachment({ relativePath: '/v1/AUTH_async-images/1/b.JPG', fileType: 'JPG', preview: 'data:image/jpeg;base64,/9j/' }, url)
        ).to.deep.equal({
            contentType: 'image/jpeg',
            contentUrl: url,
            name: 'b.JPG',
            thumbnailUrl: 'data:image/jpeg;base64,/9j/',
        });
        expect(downloadableAttachment({ relativePath: '/v1/x/c.PNG', fileType: 'PNG' }, url)).to.deep.equal({
            contentType: 'image/png',
            contentUrl: url,
            name: 'c.PNG',
        });
    });
});
