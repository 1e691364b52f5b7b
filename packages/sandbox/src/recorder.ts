import { EventEmitter } from 'node:events';
import type { FaultKind } from './faultRate';

/** One HTTP request a stand-in received. */
export interface RecordedRequest {
    /** Position in the recording, from 0. */
    index: number;
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    /** Parsed JSON body, or the text when it was not JSON, undefined when empty. */
    body: unknown;
    /** The status the stand-in answered; 0 when it answered nothing (a dropped connection). */
    status: number;
    /** The probabilistic fault applied to it (`injectFaultRate`), if any. */
    fault?: FaultKind;
    /** The fault `injectFault` applied to it, in words (e.g. `503`, `429 Retry-After 1 s`, `hang`), if any. */
    injected?: string;
    /** What the stand-in answered: headers and body (JSON, text, or undefined when empty); undefined when nothing. */
    response?: { headers?: Record<string, string>; body?: unknown };
    /** From the request's arrival to the answer (before a trickled body or a held connection). */
    durationMs?: number;
    at: number;
}

/** A fault to inject into the stand-in's answers. */
export interface FaultSpec {
    /** Only requests with this method. */
    method?: string;
    /** Only requests whose path matches. */
    path?: string | RegExp;
    /** Answer with this status (default 503). */
    status?: number;
    /** Add `Retry-After: <seconds>`. */
    retryAfterSeconds?: number;
    /** Wait this long before answering. */
    delayMs?: number;
    /**
     * Answer the headers at once, then the body one byte every `trickleMs` (a vendor that stalls mid-answer: each
     * byte arrives well within a per-chunk body timeout, the whole never does). Give `status` too for routes that
     * answer without a body.
     */
    trickleMs?: number;
    /** With `trickleMs`: bytes to drip, the body padded with spaces (JSON stays valid). Default 1,000. */
    trickleBytes?: number;
    /** Only requests this function accepts (called with the request's method, path and JSON body when the rest matches). */
    match?: (request: { method: string; path: string; body: unknown }) => boolean;
    /**
     * Answer nothing: hold the connection until the client gives up (or `hangMs` passes, then reset it). Nothing is
     * done. Takes precedence over `status`.
     */
    hang?: boolean;
    /** With `hang`: the longest the connection is held, in ms. Default 60,000. */
    hangMs?: number;
    /** What the fault is, in words, for listings (the sandbox page shows it). */
    description?: string;
    /** How many matching requests it applies to (default 1). */
    times?: number;
    /**
     * The error body to answer with instead of the vendor's usual one, built from the request (e.g. a vendor error
     * that repeats the request's credentials back, as some gateways do): for tests that secrets stay masked.
     */
    body?: (request: { headers: Record<string, string | string[] | undefined>; body: unknown }) => unknown;
}

/** Records requests and lets tests wait for them; holds injected faults. */
export class RequestRecorder {
    readonly requests: RecordedRequest[] = [];
    /**
     * Most requests kept in `requests` (the oldest go first). Default: all. A benchmark sets it low: `onRequest`
     * listeners still see every request.
     */
    maxRequests = Number.POSITIVE_INFINITY;
    private readonly emitter = new EventEmitter();
    private faults: Array<FaultSpec & { remaining: number }> = [];
    private count = 0;

    constructor() {
        this.emitter.setMaxListeners(0);
    }

    /** Keeps a request; `at` (when it arrived) defaults to now. */
    record(request: Omit<RecordedRequest, 'index' | 'at'> & { at?: number }): RecordedRequest {
        const recorded = { ...request, index: this.count++, at: request.at ?? Date.now() };
        if (this.maxRequests > 0) {
            this.requests.push(recorded);
            if (this.requests.length > this.maxRequests) this.requests.shift();
        }
        this.emitter.emit('request', recorded);
        return recorded;
    }

    /** Calls `listener` with every request recorded from now on; returns an unsubscribe function. */
    onRequest(listener: (request: RecordedRequest) => void): () => void {
        this.emitter.on('request', listener);
        return () => this.emitter.removeListener('request', listener);
    }

    /** The index the next request will have: pass it as `after` to wait only for later requests. */
    mark(): number {
        return this.count;
    }

    /** Requests (from index `after` on) matching `predicate`. */
    find(predicate: (request: RecordedRequest) => boolean, after = 0): RecordedRequest[] {
        return this.requests.filter((r) => r.index >= after && predicate(r));
    }

    /** Resolves with the first request (from index `after` on) matching `predicate`; rejects after `timeoutMs`. */
    waitFor(predicate: (request: RecordedRequest) => boolean, options: { after?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
        const found = this.find(predicate, options.after ?? 0)[0];
        if (found) return Promise.resolve(found);
        const timeoutMs = options.timeoutMs ?? 5000;
        return new Promise((resolve, reject) => {
            const onRequest = (request: RecordedRequest) => {
                if (request.index >= (options.after ?? 0) && predicate(request)) {
                    clearTimeout(timer);
                    this.emitter.removeListener('request', onRequest);
                    resolve(request);
                }
            };
            const timer = setTimeout(() => {
                this.emitter.removeListener('request', onRequest);
                reject(new Error(`No matching request within ${timeoutMs} ms.`));
            }, timeoutMs);
            this.emitter.on('request', onRequest);
        });
    }

    /** Injects a fault; it applies to the next `times` matching requests. */
    injectFault(fault: FaultSpec): void {
        this.faults.push({ ...fault, remaining: fault.times ?? 1 });
    }

    clearFaults(): void {
        this.faults = [];
    }

    /** The faults still waiting for matching requests, with how many requests each still applies to. */
    pendingFaults(): Array<FaultSpec & { remaining: number }> {
        return this.faults.filter((f) => f.remaining > 0).map((f) => ({ ...f }));
    }

    /** The fault to apply to this request, if any (consuming one use of it). */
    takeFault(method: string, path: string, body?: unknown): FaultSpec | undefined {
        const fault = this.faults.find(
            (f) =>
                f.remaining > 0 &&
                (!f.method || f.method.toUpperCase() === method) &&
                (!f.path || (typeof f.path === 'string' ? path === f.path || path.startsWith(f.path) : f.path.test(path))) &&
                (!f.match || f.match({ method, path, body }))
        );
        if (fault) fault.remaining--;
        this.faults = this.faults.filter((f) => f.remaining > 0);
        return fault;
    }
}
