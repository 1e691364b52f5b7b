/**
 * The bridge's pure parts and its guards: option validation, what a handoff asks for, what an agent's message becomes
 * for the customer, the consumer id, and the middleware's arguments.
 */
import { expect } from 'chai';
import { ConfigurationError } from '../../src/core/errors';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { silentLogger } from '../../src/core/logger';
import { structuredContentCards, toCustomerMessage } from '../../src/escalation/agentMessages';
import { consumerIdOf } from '../../src/escalation/customerChannel';
import { escalationRequest } from '../../src/escalation/handoffRequest';
import { LivePersonEscalation } from '../../src/escalation/livePersonEscalation';
import { resolveEscalationOptions, type LivePersonEscalationOptions } from '../../src/escalation/options';
import { HOSTED_FILE_CONTENT_TYPE, STRUCTURED_CONTENT_TYPE } from '../../src/liveperson/inboundMapper';

const CREDENTIALS = { accountId: '123', clientId: 'client', clientSecret: 'secret-never-shown' };

describe('LivePersonEscalation options', () => {
    const resolve = (options: Record<string, unknown>) => () => resolveEscalationOptions({ ...CREDENTIALS, ...options } as LivePersonEscalationOptions);

    it('validates up front, naming LivePersonEscalation and the option', () => {
        expect(() => resolveEscalationOptions(undefined as never)).to.throw(ConfigurationError, 'LivePersonEscalation: options are required');
        expect(resolve({ clientSecret: '' })).to.throw(ConfigurationError, 'LivePersonEscalation: option "clientSecret" is required');
        expect(resolve({ noAgentTimeoutMs: -5 })).to.throw(ConfigurationError, 'option "noAgentTimeoutMs" must be a positive integer (ms) or false');
        expect(resolve({ customerIdleTimeoutMs: 0 })).to.throw(ConfigurationError, 'option "customerIdleTimeoutMs" must be a positive integer (ms)');
        expect(resolve({ customerIdleTimeoutMs: false })).to.throw(ConfigurationError, 'option "customerIdleTimeoutMs"');
        expect(resolve({ forwardCustomerMessagesToBot: 'yes' })).to.throw(ConfigurationError, 'option "forwardCustomerMessagesToBot" must be true or false');
        expect(resolve({ cancelWords: ['stop', ''] })).to.throw(ConfigurationError, 'option "cancelWords" (item 1)');
        expect(resolve({ cardRendering: 'html' })).to.throw(ConfigurationError, 'option "cardRendering" must be "card" or "text"');
        expect(resolve({ sweepIntervalMs: 'often' })).to.throw(ConfigurationError, 'option "sweepIntervalMs"');
        expect(resolve({ csdsUrl: 'ftp://x' })).to.throw(ConfigurationError, 'option "csdsUrl" must be an http(s) URL');
        expect(resolve({ campaignInfo: { campaignId: '1' } })).to.throw(ConfigurationError, 'option "campaignInfo.engagementId"');
        try {
            resolve({ clientId: 7 })();
        } catch (err) {
            expect((err as Error).message).not.to.include('secret-never-shown');
        }
    });

    it('defaults: 10 minutes for an agent, "cancel", a waiting message naming it, cards, receipts, a 30 s sweep, a longer-retrying inbox', () => {
        const resolved = resolveEscalationOptions({ ...CREDENTIALS, inbox: { pollMs: 50 } });
        expect(resolved).to.deep.include({
            noAgentTimeoutMs: 600_000,
            customerIdleTimeoutMs: undefined,
            forwardCustomerMessagesToBot: false,
            cancelWords: ['cancel'],
            waitingMessage: 'Please wait while I connect you to an agent. Type "cancel" to stop waiting.',
            cardRendering: 'card',
            sendReadReceipts: true,
            sweepIntervalMs: 30_000,
        });
        expect(resolved.livePerson.inbox).to.deep.equal({ maxAttempts: 20, maxRetryDelayMs: 60_000, pollMs: 50 });
        const custom = resolveEscalationOptions({
            ...CREDENTIALS,
            noAgentTimeoutMs: false,
            cancelWords: [' Stop '],
            waitingMessage: false,
            sweepIntervalMs: false,
        });
        expect(custom).to.deep.include({ noAgentTimeoutMs: undefined, cancelWords: ['stop'], waitingMessage: undefined, sweepIntervalMs: undefined });
        expect(resolveEscalationOptions({ ...CREDENTIALS, cancelWords: [] }).waitingMessage).to.equal('Please wait while I connect you to an agent.');
    });

    it('middleware() checks its arguments, naming the method', async () => {
        const bridge = new LivePersonEscalation({ ...CREDENTIALS, store: new MemoryInboxStore(), logger: silentLogger, sweepIntervalMs: false });
        const adapter = { continueConversationAsync: async () => undefined };
        try {
            expect(() => bridge.middleware({} as never, { logic: async () => undefined })).to.throw(
                TypeError,
                'LivePersonEscalation.middleware(): adapter must be'
            );
            expect(() => bridge.middleware(adapter, {} as never)).to.throw(TypeError, 'LivePersonEscalation.middleware(): options.logic');
            bridge.middleware(adapter, { logic: async () => undefined });
            const other = { continueConversation: async () => undefined };
            expect(() => bridge.middleware(other, { logic: async () => undefined })).to.throw(ConfigurationError, 'another adapter is already named "default"');
            expect(() => bridge.middleware(other, { logic: async () => undefined, name: 'teams' })).not.to.throw();
        } finally {
            await bridge.close();
        }
    });
});

describe('LivePersonEscalation: what a handoff asks for', () => {
    const handoff = (value: unknown, attachments?: unknown[]) =>
        ({ type: 'event', name: 'handoff.initiate', value, ...(attachments ? { attachments } : {}) }) as never;

    it('routing from the context, else the bridge defaults; campaign (engagement) routing; SDEs to the user profile', () => {
        expect(escalationRequest(handoff({ skillId: '1' }), { skillId: '9' })).to.deep.equal({
            request: { skillId: '1', userProfile: {}, firstMessage: 'Handoff from the bot.' },
        });
        expect(escalationRequest(handoff({}), { skillId: '9' })).to.deep.nested.include({ 'request.skillId': '9' });
        const campaignInfo = { campaignId: 'c', engagementId: 'e' };
        expect(escalationRequest(handoff({ campaignInfo, sdes: [{ type: 'personal' }] }), { skillId: '9' })).to.deep.equal({
            request: { campaignInfo, userProfile: { authenticatedData: { lp_sdes: [{ type: 'personal' }] } }, firstMessage: 'Handoff from the bot.' },
        });
        expect(escalationRequest(handoff({}), {}))
            .to.have.property('problem')
            .that.matches(/No LivePerson skill/);
        expect(escalationRequest(handoff({ skillId: ' ' }), {}))
            .to.have.property('problem')
            .that.matches(/"skillId" must be a non-empty string/);
    });

    it('one first message: the summary, the details and the transcript', () => {
        const transcript = {
            name: 'Transcript',
            contentType: 'application/json',
            content: { activities: [{ type: 'message', from: { role: 'user' }, text: 'hi' }] },
        };
        const result = escalationRequest(handoff({ skillId: '1', summary: 'Refund', details: { order: 7 } }, [transcript]), {});
        expect(result).to.deep.nested.include({ 'request.firstMessage': 'Refund\norder: 7\n\nTranscript:\nCustomer: hi' });
    });
});

describe("LivePersonEscalation: an agent's message for the customer", () => {
    const structured = {
        type: 'carousel',
        elements: [
            {
                type: 'vertical',
                elements: [
                    { type: 'text', text: 'Blue' },
                    { type: 'button', title: 'Pick', click: { actions: [{ type: 'publishText', text: 'blue' }] } },
                ],
            },
            {
                type: 'vertical',
                elements: [
                    { type: 'image', url: 'http://insecure.example/x.png' },
                    { type: 'text', text: 'Red' },
                ],
            },
        ],
    };
    const agentMessage = (attachments: unknown[], text = '') => ({ type: 'message', text, attachments }) as never;

    it('a carousel → one hero card per item (https images only), shown as a carousel; with "text", the texts', () => {
        expect(structuredContentCards(structured)).to.deep.equal([
            { contentType: 'application/vnd.microsoft.card.hero', content: { title: 'Blue', buttons: [{ type: 'imBack', title: 'Pick', value: 'blue' }] } },
            { contentType: 'application/vnd.microsoft.card.hero', content: { title: 'Red' } },
        ]);
        const asCards = toCustomerMessage(agentMessage([{ contentType: STRUCTURED_CONTENT_TYPE, content: structured }], 'Blue\nRed'), 'card', 'c1');
        expect(asCards).to.deep.include({ attachmentLayout: 'carousel' });
        expect(asCards).not.to.have.property('text');
        const asText = toCustomerMessage(agentMessage([{ contentType: STRUCTURED_CONTENT_TYPE, content: structured }], 'Blue\nRed'), 'text', 'c1');
        expect(asText).to.deep.equal({ type: 'message', text: 'Blue\nRed', textFormat: 'plain' });
    });

    it('a file without a download URL is named in the text; an empty message is nothing', () => {
        const file = { contentType: HOSTED_FILE_CONTENT_TYPE, name: 'label.png', content: { relativePath: '/x' } };
        expect(toCustomerMessage(agentMessage([file], 'Here'), 'card', 'c1')).to.deep.equal({
            type: 'message',
            text: 'Here\n[label.png]',
            textFormat: 'plain',
        });
        expect(toCustomerMessage(agentMessage([]), 'card', 'c1')).to.equal(undefined);
    });

    it('the consumer id is stable per channel and user, and does not contain the user id', () => {
        expect(consumerIdOf('webchat', 'u-1')).to.equal(consumerIdOf('webchat', 'u-1'));
        expect(consumerIdOf('webchat', 'u-1')).not.to.equal(consumerIdOf('msteams', 'u-1'));
        expect(consumerIdOf('webchat', 'u-1')).to.match(/^bf-[0-9a-f]{40}$/);
    });
});
