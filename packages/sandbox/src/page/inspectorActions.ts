/**
 * The page's emulator actions: replay a webhook as the vendor would or tampered with (`POST
 * api/inspector/webhooks/<id>/replay`), inject faults into the next vendor calls (`POST api/faults`, `POST
 * api/faults/clear`), and start over (`POST api/reset`).
 */
import type { EightByEightSandbox } from '../eightbyeight/eightByEightSandbox';
import type { LivePersonSandbox } from '../liveperson/livePersonSandbox';
import type { FaultSpec } from '../recorder';
import type { TrafficLog } from '../inspector/trafficLog';
import { badRequest, type Answer, type Json } from './pageHttp';
import type { UsedMessages } from './pageState';

export interface EmulatorTargets {
    eightByEight?: EightByEightSandbox | undefined;
    livePerson?: LivePersonSandbox | undefined;
    log: TrafficLog;
    used: UsedMessages;
}

/** The faults the page injects, by name. */
export const PAGE_FAULTS = {
    '503': { status: 503, description: '503 Service Unavailable' },
    '429': { status: 429, retryAfterSeconds: 1, description: '429 Too Many Requests, Retry-After 1 s' },
    hang: { hang: true, description: 'no answer (hang) until the bot gives up' },
} satisfies Record<string, FaultSpec>;

/** The answer to an emulator action, or undefined when `path` is none. */
export async function emulatorAction(targets: EmulatorTargets, path: string, body: Json): Promise<Answer | undefined> {
    const replay = /^\/api\/inspector\/webhooks\/(\d+)\/replay$/.exec(path);
    if (replay) return replayWebhook(targets.log, Number(replay[1]), body);
    if (path === '/api/faults') return injectFaults(targets, body);
    if (path === '/api/faults/clear') {
        for (const standIn of [targets.eightByEight, targets.livePerson]) {
            standIn?.recorder.clearFaults();
            standIn?.clearFaultRate();
        }
        return { status: 200, body: {} };
    }
    if (path === '/api/reset') {
        for (const standIn of [targets.eightByEight, targets.livePerson]) {
            standIn?.recorder.clearFaults();
            standIn?.clearFaultRate();
            standIn?.conversations.clear();
        }
        targets.used.clear();
        targets.log.clear();
        return { status: 200, body: {} };
    }
    return undefined;
}

/**
 * `{}`: the same bytes again, signed as the vendor signs a redelivery (8x8: the same `x-8x8-event-id`, the next
 * `x-8x8-retry`). `{ body }`: that body sent under the original's signature (tampered). `{ breakSignature: true }`: a
 * signature with one character changed. Answers the bot's status and the new entry's id.
 */
async function replayWebhook(log: TrafficLog, id: number, body: Json): Promise<Answer> {
    const sent = log.sentWebhook(id);
    if (!sent) return { status: 404, body: { error: `No webhook #${id} in the inspector.` } };
    if (body.body !== undefined && typeof body.body !== 'string') return badRequest('"body" must be a string (the bytes to send).');
    if (body.breakSignature !== undefined && typeof body.breakSignature !== 'boolean') return badRequest('"breakSignature" must be true or false.');
    const edited = typeof body.body === 'string' && body.body !== sent.webhook.body ? body.body : undefined;
    const tampered = edited !== undefined || body.breakSignature === true;
    const retry = log.deliveriesOf(id);
    const status = await sent.source.standIn.withWebhookTag({ replayOf: id, tampered }, () =>
        sent.source.replay(sent.webhook, { body: edited, breakSignature: body.breakSignature === true, retry })
    );
    const entry = [...log.entries].reverse().find((e) => e.kind === 'webhook' && e.replayOf === id);
    return { status: 200, body: { status, entryId: entry?.id } };
}

/** `{ vendor: '8x8' | 'liveperson', kind: '503' | '429' | 'hang', count: 1…20, calls: 'all' | 'messages' }`. */
function injectFaults(targets: EmulatorTargets, body: Json): Answer {
    const standIn = body.vendor === '8x8' ? targets.eightByEight : body.vendor === 'liveperson' ? targets.livePerson : undefined;
    if (!standIn) return badRequest('"vendor" must be "8x8" or "liveperson" (a stand-in the page runs).');
    const kind = PAGE_FAULTS[body.kind as keyof typeof PAGE_FAULTS];
    if (!kind || !Object.hasOwn(PAGE_FAULTS, body.kind)) return badRequest(`"kind" must be one of ${Object.keys(PAGE_FAULTS).join(', ')}.`);
    const count = body.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 20) return badRequest('"count" must be a whole number from 1 to 20.');
    const calls = body.calls ?? 'all';
    if (calls !== 'all' && calls !== 'messages') return badRequest('"calls" must be "all" or "messages".');
    const scope: FaultSpec =
        calls === 'all'
            ? {}
            : body.vendor === '8x8'
              ? { method: 'POST', path: /^\/chat-gateway\/v1\/conversations\/[^/]+\/messages$/ }
              : {
                    method: 'POST',
                    path: /\/messaging\/consumer\/conversation\/send$/,
                    match: ({ body: request }) => {
                        const event = (request as Json | undefined)?.body?.event;
                        return (
                            (request as Json | undefined)?.type === 'ms.PublishEvent' && (event?.type === 'ContentEvent' || event?.type === 'RichContentEvent')
                        );
                    },
                };
    const description = `${kind.description} (${calls === 'all' ? 'any call' : 'message sends'})`;
    standIn.injectFault({ ...kind, ...scope, times: count, description });
    return { status: 201, body: { pending: standIn.recorder.pendingFaults().map((f) => ({ remaining: f.remaining, description: f.description })) } };
}
