import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { StandInServer, type StandInRequest, type StandInResponse } from './httpServer';
import { AFTER_ACTING_KINDS, FaultDice, type FaultKind, type FaultRateOptions, type InjectedFault } from './faultRate';
import { RequestRecorder, type FaultSpec } from './recorder';
import { postOnce, type AttemptOutcome, type SentWebhook, type WebhookTag } from './webhookDelivery';

const webhookTags = new AsyncLocalStorage<WebhookTag>();

/**
 * What every vendor stand-in shares: a loopback server, a recorder of every request it answered, injected faults
 * (status, `Retry-After`, delay, a trickled answer; or at a rate, of random kinds: `injectFaultRate`) applied around
 * the vendor logic, and background deliveries that `stop()` waits for.
 * A vendor adds its routes (`handle`) and how its errors look (`faultBody`).
 */
export abstract class VendorStandIn {
    /** Every REST request received, with the status answered. */
    readonly recorder = new RequestRecorder();
    private readonly server = new StandInServer((request) => this.route(request));
    private readonly pending = new Set<Promise<unknown>>();
    private readonly events = new EventEmitter().setMaxListeners(0);
    private changeCount = 0;
    private dice: FaultDice | undefined;
    private readonly injected: InjectedFault[] = [];
    private stopRequested = false;

    /** Calls `listener` after every change of the stand-in's state (a request answered, a delivery made); returns an unsubscribe function. */
    onChange(listener: (version: number) => void): () => void {
        this.events.on('change', listener);
        return () => this.events.removeListener('change', listener);
    }

    /** Calls `listener` with every webhook delivery attempt from now on (the bot's answer included); returns an unsubscribe function. */
    onWebhook(listener: (webhook: SentWebhook) => void): () => void {
        this.events.on('webhook', listener);
        return () => this.events.removeListener('webhook', listener);
    }

    /** Runs `deliver`, the webhooks it delivers tagged with `tag` for {@link onWebhook} listeners (e.g. a replay). */
    withWebhookTag<T>(tag: WebhookTag, deliver: () => Promise<T>): Promise<T> {
        return webhookTags.run(tag, deliver);
    }

    /** How many changes happened so far (grows with every request and delivery). */
    get version(): number {
        return this.changeCount;
    }

    /** Tells `onChange` listeners that the state changed. */
    protected changed(): void {
        this.changeCount++;
        this.events.emit('change', this.changeCount);
    }

    /** Starts on 127.0.0.1 (port 0 = any free port); resolves with the base URL. */
    start(port = 0): Promise<string> {
        this.stopRequested = false;
        return this.server.start(port);
    }

    /** Stops, after in-flight background deliveries finish (their attempt under way; no further redelivery starts). */
    async stop(): Promise<void> {
        this.stopRequested = true;
        await Promise.allSettled([...this.pending]);
        await this.server.stop();
    }

    get url(): string {
        return this.server.url;
    }

    /** Injects a fault into the REST answers (e.g. `{ path: /messages$/, status: 503, times: 2 }`). */
    injectFault(fault: FaultSpec): void {
        this.recorder.injectFault(fault);
    }

    /**
     * From now on a share `rate` of the REST calls (those matching `method` / `path`) fail, each with a kind drawn
     * from `kinds` (default all): 503, 429 with `Retry-After`, 500 after acting, a hang, a reset, a reset after acting.
     * Replaces an earlier rate. The faults injected (by every rate so far) are in {@link injectedFaults}.
     *
     * @example
     * ```ts
     * sandbox.injectFaultRate({ rate: 0.3, kinds: ['503', '429', '500-after-acting', 'hang', 'reset', 'reset-after-acting'], seed: 7 });
     * ```
     */
    injectFaultRate(options: FaultRateOptions): void {
        this.dice = new FaultDice(options, this.injected);
    }

    /** Stops injecting faults at a rate (what was injected stays in {@link injectedFaults}). */
    clearFaultRate(): void {
        this.dice?.pause();
    }

    /** Every fault `injectFaultRate` injected so far, in order. */
    get injectedFaults(): readonly InjectedFault[] {
        return this.injected;
    }

    /** True once `stop()` was called: redeliveries stop. */
    protected get stopping(): boolean {
        return this.stopRequested;
    }

    /** The vendor's answer to one request. */
    protected abstract handle(request: StandInRequest): Promise<StandInResponse> | StandInResponse;

    /** The vendor's error body for an injected fault status. */
    protected abstract faultBody(status: number): { body: unknown; headers?: Record<string, string> };

    /** One POST of a webhook (see `postOnce`), reported to {@link onWebhook} listeners. */
    protected async postWebhook(delivery: {
        url: string;
        headers: Record<string, string>;
        body: string;
        signedBody: string;
        attempt: number;
        timeoutMs: number | undefined;
    }): Promise<AttemptOutcome> {
        const at = Date.now();
        const outcome = await postOnce(delivery.url, delivery.headers, delivery.body, delivery.timeoutMs);
        const { timeoutMs: _timeout, ...sent } = delivery;
        const webhook: SentWebhook = { ...sent, status: outcome.status, response: outcome.body, at, durationMs: Date.now() - at, tag: webhookTags.getStore() };
        this.events.emit('webhook', webhook);
        return outcome;
    }

    /** Keeps a background delivery so `stop()` waits for it; it must not reject. */
    protected track(delivery: Promise<unknown>): void {
        this.pending.add(delivery);
        void delivery.finally(() => this.pending.delete(delivery));
    }

    private async route(request: StandInRequest): Promise<StandInResponse> {
        const started = Date.now();
        const fault = this.recorder.takeFault(request.method, request.path, request.json);
        if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        const random = fault ? undefined : this.dice?.draw(request.method, request.path);
        let answer: StandInResponse;
        if (random) {
            answer = await this.randomFault(random, request);
        } else if (fault?.hang) {
            answer = { status: 0, drop: { afterMs: fault.hangMs ?? 60_000 } };
        } else if (fault && fault.status !== undefined) {
            const { body, headers } = this.faultBody(fault.status);
            answer = {
                status: fault.status,
                body: fault.body ? fault.body({ headers: request.headers, body: request.json }) : body,
                headers: { ...headers, ...(fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {}) },
            };
        } else {
            answer = await this.handle(request);
        }
        if (fault?.trickleMs !== undefined) answer = { ...answer, trickle: { intervalMs: fault.trickleMs, bytes: fault.trickleBytes ?? 1000 } };
        this.recorder.record({
            method: request.method,
            path: request.path,
            headers: request.headers,
            body: request.json ?? (request.rawBody.length ? request.rawBody.toString() : undefined),
            status: answer.drop ? 0 : answer.status,
            ...(random ? { fault: random } : {}),
            ...(fault ? { injected: describeFault(fault) } : {}),
            ...(answer.drop ? {} : { response: { ...(answer.headers ? { headers: answer.headers } : {}), body: withoutCredentials(answer.body) } }),
            durationMs: Date.now() - started,
            at: started,
        });
        this.changed();
        return answer;
    }

    /** The answer of a call `injectFaultRate` picked to fail, acting first for the after-acting kinds. */
    private async randomFault(kind: FaultKind, request: StandInRequest): Promise<StandInResponse> {
        const dice = this.dice!;
        let acted = false;
        if (AFTER_ACTING_KINDS.includes(kind)) {
            const own = await this.handle(request);
            acted = own.status >= 200 && own.status < 300;
        }
        dice.record({ kind, method: request.method, path: request.path, body: request.json, acted });
        switch (kind) {
            case '503':
            case '429':
            case '500-after-acting': {
                const status = kind === '500-after-acting' ? 500 : Number(kind);
                const { body, headers } = this.faultBody(status);
                const retryAfter: Record<string, string> = kind === '429' ? { 'retry-after': String(dice.options.retryAfterSeconds ?? 1) } : {};
                return { status, body, headers: { ...headers, ...retryAfter } };
            }
            case 'hang':
                return { status: 0, drop: { afterMs: dice.options.hangMs ?? 60_000 } };
            default:
                return { status: 0, drop: { afterMs: 0 } };
        }
    }
}

/** Keys of answers whose values are credentials the stand-in hands out: left out of the recording, as signed URLs' signatures are. */
const CREDENTIAL_KEYS = new Set(['access_token', 'refresh_token', 'token', 'temp_url_sig']);

/** A copy of an answer's body with the credentials it hands out replaced by `[not recorded]`. */
function withoutCredentials(body: unknown, depth = 0): unknown {
    if (depth > 20 || body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return body;
    if (Array.isArray(body)) return body.map((item) => withoutCredentials(item, depth + 1));
    return Object.fromEntries(
        Object.entries(body).map(([key, value]) => [
            key,
            CREDENTIAL_KEYS.has(key) && typeof value === 'string' ? '[not recorded]' : withoutCredentials(value, depth + 1),
        ])
    );
}

/** An injected fault in words, for the recording: `503`, `429 Retry-After 2 s`, `hang`, `delay 500 ms`… */
function describeFault(fault: FaultSpec): string {
    if (fault.hang) return 'hang';
    const parts: string[] = [];
    if (fault.status !== undefined) parts.push(String(fault.status));
    if (fault.retryAfterSeconds !== undefined) parts.push(`Retry-After ${fault.retryAfterSeconds} s`);
    if (fault.delayMs) parts.push(`delay ${fault.delayMs} ms`);
    if (fault.trickleMs !== undefined) parts.push('trickled answer');
    return parts.join(', ') || 'fault';
}
