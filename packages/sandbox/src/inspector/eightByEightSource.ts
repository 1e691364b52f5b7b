/** The inspector's knowledge of 8x8 Chat Gateway traffic (see `source.ts`). */
import type { EightByEightSandbox } from '../eightbyeight/eightByEightSandbox';
import type { RecordedRequest } from '../recorder';
import type { SentWebhook } from '../webhookDelivery';
import { EightByEightSignatureCheck } from './signatureVerdict';
import { breakSignature, cut, parseJson, type CallFacts, type ReplayEdit, type VendorSource, type WebhookFacts } from './source';

const OPERATIONS: Record<string, string> = {
    'POST /messages': 'send message',
    'GET /messages': 'read messages',
    'POST /typing': 'typing',
    'POST /thinking': 'thinking',
    'POST /read-receipt': 'read receipt',
    'PATCH ': 'hand off (assignment)',
    'GET ': 'read conversation',
    'PATCH /participants/user': 'end conversation (user removed)',
    'POST /attachments': 'upload attachment',
    'POST /post-agent-assignment': 'after the agent: back to the bot',
};

export class EightByEightSource implements VendorSource {
    readonly vendor = '8x8' as const;
    readonly secrets: ReadonlyArray<readonly [string, string]>;
    private readonly signatures: EightByEightSignatureCheck;

    constructor(readonly standIn: EightByEightSandbox) {
        this.secrets = [[standIn.apiKey, 'API key']];
        this.signatures = new EightByEightSignatureCheck(standIn.signingKey);
    }

    webhookFacts(webhook: SentWebhook, json: unknown): WebhookFacts {
        const event = (json ?? {}) as Record<string, any>;
        const data = (event.data ?? {}) as Record<string, any>;
        const eventId = webhook.headers['x-8x8-event-id'];
        let eventType = typeof event.eventType === 'string' ? event.eventType : '(not JSON)';
        let summary: string | undefined;
        switch (eventType) {
            case 'MESSAGE':
                if (data.isEcho) eventType = 'MESSAGE (echo)';
                summary = [data.sender?.type, cut(data.text) ?? (Array.isArray(data.cards) ? `${data.cards.length} card(s)` : undefined)]
                    .filter(Boolean)
                    .join(': ');
                break;
            case 'ACTIVITY':
                summary = [data.name, data.value?.data?.title ?? (data.value?.data ? cut(JSON.stringify(data.value.data), 60) : undefined)]
                    .filter(Boolean)
                    .join(': ');
                break;
            case 'MEMBERS_CHANGED':
                summary = `${data.memberType} ${data.id} ${data.change}`;
                break;
            case 'CONVERSATION_UPDATE':
                summary = data.assignment ? `assigned to ${data.assignment.type} ${data.assignment.id}` : `state ${data.state}`;
                break;
            case 'QUEUED':
                summary = `queue ${data.queueId}`;
                break;
        }
        const conversationId = typeof event.conversationId === 'string' ? event.conversationId : undefined;
        return { conversationId, eventType, summary, eventId, dedupKey: `event ${eventId}` };
    }

    callFacts(request: RecordedRequest): CallFacts {
        if (/^\/chat-gateway\/v1\/jwk\//.test(request.path)) return { operation: 'fetch signing key (JWK)' };
        const match = /^\/chat-gateway\/v1\/conversations\/([^/]+)(\/.*)?$/.exec(request.path);
        if (!match) return { operation: request.path === '/chat-gateway/v1/conversations' ? 'create conversation' : `${request.method} ${request.path}` };
        const operation = OPERATIONS[`${request.method} ${match[2] ?? ''}`] ?? `${request.method} ${match[2] ?? request.path}`;
        return { conversationId: safeDecode(match[1]), operation };
    }

    verdict(webhook: SentWebhook) {
        return this.signatures.verdict(webhook.headers, webhook.body, webhook.signedBody);
    }

    async replay(webhook: SentWebhook, edit: ReplayEdit): Promise<number> {
        const eight = this.standIn;
        const signed = webhook.body;
        const eventId = webhook.headers['x-8x8-event-id'] ?? '';
        const transmissionTime = Date.now();
        const headers: Record<string, string> = {};
        if (edit.breakSignature) {
            const fields = { customerId: eight.customerId, eventId, retry: edit.retry, tenantId: eight.tenantId, transmissionTime };
            headers['x-8x8-signature'] = breakSignature(eight.signingKey.signDelivery(signed, fields));
        }
        const sent = edit.body ?? signed;
        const result = await eight.deliver((parseJson(signed) ?? {}) as Record<string, unknown>, {
            eventId,
            retry: edit.retry,
            rawBody: signed,
            transmissionTime,
            retries: 0,
            headers,
            ...(sent !== signed ? { tamper: () => sent } : {}),
        });
        return result.status;
    }
}

function safeDecode(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}
