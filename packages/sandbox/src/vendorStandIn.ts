import { EventEmitter } from 'node:events';
import { StandInServer, type StandInRequest, type StandInResponse } from './httpServer';
import { AFTER_ACTING_KINDS, FaultDice, type FaultKind, type FaultRateOptions, type InjectedFault } from './faultRate';
import { RequestRecorder, type FaultSpec } from './recorder';

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

    /** Keeps a background delivery so `stop()` waits for it; it must not reject. */
    protected track(delivery: Promise<unknown>): void {
        this.pending.add(delivery);
        void delivery.finally(() => this.pending.delete(delivery));
    }

    private async route(request: StandInRequest): Promise<StandInResponse> {
        const fault = this.recorder.takeFault(request.method, request.path, request.json);
        if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        const random = fault ? undefined : this.dice?.draw(request.method, request.path);
        let answer: StandInResponse;
        if (random) {
            answer = await this.randomFault(random, request);
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
