/** The inspector's knowledge of LivePerson Connector API traffic (see `source.ts`). */
import type { LivePersonSandbox } from '../liveperson/livePersonSandbox';
import type { RecordedRequest } from '../recorder';
import type { SentWebhook } from '../webhookDelivery';
import { livePersonVerdict } from './signatureVerdict';
import { breakSignature, cut, parseJson, type CallFacts, type ReplayEdit, type VendorSource, type WebhookFacts } from './source';

type Json = Record<string, any>;

export class LivePersonSource implements VendorSource {
    readonly vendor = 'liveperson' as const;
    readonly secrets: ReadonlyArray<readonly [string, string]>;

    constructor(readonly standIn: LivePersonSandbox) {
        this.secrets = [[standIn.clientSecret, 'client secret']];
    }

    webhookFacts(webhook: SentWebhook, json: unknown): WebhookFacts {
        const notification = (json ?? {}) as Json;
        const changes: Json[] = Array.isArray(notification.body?.changes) ? notification.body.changes : [];
        const eventType = typeof notification.type === 'string' ? notification.type : '(not JSON)';
        let conversationId: string | undefined;
        let summary: string | undefined;
        let dedupKey = `body ${webhook.body}`;
        if (eventType === 'ms.MessagingEventNotification') {
            conversationId = changes.find((c) => typeof c.conversationId === 'string')?.conversationId ?? changes[0]?.dialogId;
            summary = changes.map(describeChange).join('; ');
            if (changes.length > 0 && changes.every((c) => Number.isInteger(c.sequence))) {
                dedupKey = `dialog ${changes[0].dialogId ?? conversationId} sequences ${changes.map((c) => c.sequence).join(',')}`;
            }
        } else if (eventType === 'cqm.ExConversationChangeNotification') {
            const result = (changes[0]?.result ?? {}) as Json;
            conversationId = result.convId;
            const details = (result.conversationDetails ?? {}) as Json;
            const agent = (details.participants ?? []).find((p: Json) => p.role === 'ASSIGNED_AGENT');
            summary = [
                `conversation ${details.state}`,
                agent ? `agent ${agent.id}` : 'no agent',
                details.closeReason ? `closed by ${details.closeReason}` : undefined,
            ]
                .filter(Boolean)
                .join(', ');
        }
        return { conversationId, eventType, summary, dedupKey };
    }

    callFacts(request: RecordedRequest): CallFacts {
        const { path, method } = request;
        const body = request.body as Json | undefined;
        const service = /\/service\/([^/]+)\/baseURI\.json$/.exec(path);
        if (service) return { operation: `service discovery: ${service[1]}` };
        if (path.endsWith('/app/token')) return { operation: 'AppJWT (Sentinel)' };
        if (path.endsWith('/consumer')) return { operation: 'ConsumerJWS (IdP)' };
        if (path.endsWith('/messaging/consumer/conversation')) {
            const answer = request.response?.body as Json[] | undefined;
            const conversationId = Array.isArray(answer) ? answer.find((a) => a?.body?.conversationId)?.body?.conversationId : undefined;
            return { conversationId, operation: 'open conversation' };
        }
        if (path.endsWith('/messaging/consumer/conversation/send')) {
            const conversationId = body?.body?.conversationId ?? body?.body?.dialogId;
            return { conversationId: typeof conversationId === 'string' ? conversationId : undefined, operation: sendOperation(body) };
        }
        if (method === 'PUT') return { operation: 'upload file (swift)' };
        if (method === 'GET' && !path.startsWith('/api/')) return { operation: 'download file (swift)' };
        return { operation: `${method} ${path}` };
    }

    verdict(webhook: SentWebhook) {
        return livePersonVerdict(this.standIn.clientSecret, webhook.headers, webhook.body, webhook.signedBody);
    }

    async replay(webhook: SentWebhook, edit: ReplayEdit): Promise<number> {
        const lp = this.standIn;
        const signed = webhook.body;
        const sent = edit.body ?? signed;
        const headers: Record<string, string> = {};
        if (edit.breakSignature) headers['x-liveperson-signature'] = breakSignature(lp.sign(signed));
        const result = await lp.deliver((parseJson(signed) ?? {}) as Json, {
            rawBody: signed,
            retries: 0,
            headers,
            ...(sent !== signed ? { tamper: () => sent } : {}),
        });
        return result.status;
    }
}

function describeChange(change: Json): string {
    const event = (change.event ?? {}) as Json;
    const who = change.originatorMetadata?.role === 'ASSIGNED_AGENT' ? 'agent' : change.originatorMetadata?.role === 'CONSUMER' ? 'consumer' : 'someone';
    switch (event.type) {
        case 'ContentEvent':
            return `${who}: ${typeof event.message === 'string' ? (cut(event.message, 60) ?? '') : event.contentType}`;
        case 'ChatStateEvent':
            return `${who} ${event.chatState}`;
        case 'AcceptStatusEvent':
            return `${who} ${event.status} ${Array.isArray(event.sequenceList) ? event.sequenceList.join(',') : ''}`.trim();
        default:
            return `${who} ${event.type ?? 'change'}`;
    }
}

function sendOperation(body: Json | undefined): string {
    const event = (body?.body?.event ?? {}) as Json;
    switch (body?.type) {
        case 'ms.PublishEvent':
            if (event.type === 'ContentEvent') return event.contentType === 'hosted/file' ? 'publish file' : 'publish message';
            if (event.type === 'ChatStateEvent') return `chat state ${event.chatState}`;
            if (event.type === 'AcceptStatusEvent') return `receipt ${event.status}`;
            return `publish ${event.type ?? 'event'}`;
        case 'cm.UpdateConversationField':
            return 'close conversation';
        case 'ms.GenerateURLForUploadFile':
            return 'file upload URL';
        case 'ms.GenerateURLForDownloadFile':
            return 'file download URL';
        default:
            return `send ${body?.type ?? ''}`.trim();
    }
}
