import { EventEmitter } from 'node:events';
import { StandInServer, type StandInRequest, type StandInResponse } from './httpServer';
import { RequestRecorder, type FaultSpec } from './recorder';

/**
 * What every vendor stand-in shares: a loopback server, a recorder of every request it answered, injected faults
 * (status, `Retry-After`, delay, a trickled answer) applied around the vendor logic, and background deliveries that `stop()` waits for.
 * A vendor adds its routes (`handle`) and how its errors look (`faultBody`).
 */
export abstract class VendorStandIn {
    /** Every REST request received, with the status answered. */
    readonly recorder = new RequestRecorder();
    private readonly server = new StandInServer((request) => this.route(request));
    private readonly pending = new Set<Promise<unknown>>();
    private readonly events = new EventEmitter().setMaxListeners(0);
    private changeCount = 0;

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
        return this.server.start(port);
    }

    /** Stops, after in-flight background deliveries finish. */
    async stop(): Promise<void> {
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
        const fault = this.recorder.takeFault(request.method, request.path);
        if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        let answer: StandInResponse;
        if (fault && fault.status !== undefined) {
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
            status: answer.status,
        });
        this.changed();
        return answer;
    }
}
