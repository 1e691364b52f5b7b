import { setTimeout as sleep } from 'node:timers/promises';
import { FormData, Pool } from 'undici';
import { withDeadline } from './deadline';
import { VendorApiError } from './errors';
import type { Logger } from './logger';
import type { ContactCenterMetrics } from './metrics';
import { backoffDelay, isRetryableStatus, parseRetryAfter, resolveRetryOptions, type ResolvedRetryOptions, type RetryOptions } from './retryPolicy';

/** Options of {@link VendorHttpClient}. */
export interface VendorHttpClientOptions {
    /** Vendor name used in errors (`8x8`, `liveperson`). */
    vendor: string;
    /** Where each call's outcome (status, or `network_error`) and duration, retries included, are reported. */
    metrics?: ContactCenterMetrics | undefined;
    retry?: RetryOptions;
    /** Deadline of one attempt, connection, headers and whole body included, in ms. Default 10,000. */
    timeoutMs?: number;
    /** Keep-alive connections per vendor host. Default 64. */
    connectionsPerHost?: number;
    /** Shortest wait after a 429, whatever `Retry-After` says, in ms (LivePerson asks for at least 1 s). Default 0. */
    minRateLimitDelayMs?: number;
    /** Reads the vendor's error bodies into code and message. Default {@link describeErrorBody}. */
    describeError?: VendorErrorReader;
    /** Strings that must never appear in an error (API keys, secrets, tokens): replaced by `***`. */
    secrets?: () => string[];
    logger: Logger;
}

/** One vendor call. */
export interface VendorRequest {
    /** What this call does, named in errors and logs (e.g. `sendMessage`). */
    operation: string;
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    /** Headers, or a function giving them per attempt (fresh tokens). */
    headers?: Record<string, string> | (() => Promise<Record<string, string>> | Record<string, string>);
    /** An object is sent as JSON; a string or bytes as they are (set the content-type in `headers`); FormData as multipart. */
    body?: unknown;
    /** Called once after a 401 with the vendor's error body; the call is then repeated (token refresh). */
    onUnauthorized?: (errorBody: unknown) => Promise<void>;
    /**
     * True when doing the call twice does no harm (a token, a typing indicator, an upload to a temporary URL).
     * Default: true for GET, PUT and DELETE; false for POST and PATCH, which are retried only where the failure proves
     * the vendor did not act on them ({@link vendorDidNotAct}), so a message is never posted twice by a retry here.
     */
    idempotent?: boolean | undefined;
}

/** A vendor answer with a 2xx status. */
export interface VendorResponse<T = unknown> {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    /** Parsed JSON when the answer was JSON, the text otherwise, undefined when empty. */
    body: T | undefined;
}

/**
 * The only place an adapter talks HTTP to its vendor: keep-alive connection pooling (undici), retries with
 * backoff + jitter on network errors, 408, 429 (honouring `Retry-After`) and 5xx, one token refresh on 401,
 * and errors ({@link VendorApiError}) that name the operation and status but never a secret. Every attempt has one
 * deadline for connection, headers and whole body, and all attempts of a call fit in its budget (`retry.budgetMs`), so
 * a vendor that stalls, even one that trickles its answer a byte at a time, holds a turn for a bounded time.
 *
 * undici rather than axios: the outbound call dominates a webhook turn's cost, and axios's Node adapter costs
 * several times more per request (see docs/architecture.md, performance notes). The retry loop is written here because it
 * also has to drive the 401 refresh and secret-free errors; undici's RetryHandler does neither and has no jitter.
 */
export class VendorHttpClient {
    /** One keep-alive pool per vendor origin (a vendor has a handful: API, token service, key server). */
    private readonly pools = new Map<string, Pool>();
    private readonly retry: ResolvedRetryOptions;
    private readonly timeoutMs: number;

    constructor(private readonly options: VendorHttpClientOptions) {
        this.retry = resolveRetryOptions(options.retry);
        this.timeoutMs = options.timeoutMs ?? 10_000;
    }

    /**
     * The deadline of a single attempt, `timeoutMs` or the whole budget if that is less: for a one-attempt fetch made
     * outside this client (a file the bot attached, `core/fileContent.ts`), bounded as a vendor call is.
     */
    get attemptDeadlineMs(): number {
        return Math.min(this.timeoutMs, this.retry.budgetMs);
    }

    /**
     * Sends `req`, retrying as described above; resolves with a 2xx answer or rejects with {@link VendorApiError}.
     * Each attempt has one deadline for everything (connection, headers, body): `timeoutMs`, or what is left of the
     * call's budget (`retry.budgetMs`) if that is less; no backoff or `Retry-After` wait starts that would end past the budget.
     */
    async send<T = unknown>(req: VendorRequest): Promise<VendorResponse<T>> {
        const metrics = this.options.metrics;
        if (!metrics) return this.sendWithRetries<T>(req);
        const started = performance.now();
        let status: number | string = 'network_error';
        try {
            const response = await this.sendWithRetries<T>(req);
            status = response.status;
            return response;
        } catch (error) {
            if (error instanceof VendorApiError && error.status !== undefined) status = error.status;
            throw error;
        } finally {
            const attributes = { vendor: this.options.vendor, operation: req.operation, status };
            metrics.count('contact_center.vendor_calls', 1, attributes);
            metrics.record('contact_center.vendor_call.duration', performance.now() - started, attributes);
        }
    }

    private async sendWithRetries<T>(req: VendorRequest): Promise<VendorResponse<T>> {
        const budgetEndsAt = Date.now() + this.retry.budgetMs;
        const outOfBudget = `no time left for another attempt within the call's ${this.retry.budgetMs} ms budget (retry.budgetMs)`;
        let refreshed = false;
        let outcome: AttemptOutcome | undefined;
        let networkError: unknown;
        let attemptsMade = 0;
        for (let attempt = 1; ; attempt++) {
            // Outside the try: a failure to get credentials (e.g. a token request that failed) is that call's own
            // error, already retried there, not a network error of this one.
            const headers = { ...(typeof req.headers === 'function' ? await req.headers() : req.headers) };
            const timeLeft = budgetEndsAt - Date.now();
            if (timeLeft <= 0) throw this.failure(req, outcome, attemptsMade, networkError, outOfBudget);
            outcome = undefined;
            networkError = undefined;
            attemptsMade++;
            try {
                outcome = await withDeadline(Math.min(this.timeoutMs, timeLeft), (signal) => this.attempt(req, headers, signal));
            } catch (err) {
                networkError = err;
            }
            if (outcome && outcome.status >= 200 && outcome.status < 300) {
                return outcome as VendorResponse<T>;
            }
            if (outcome?.status === 401 && req.onUnauthorized && !refreshed) {
                refreshed = true;
                this.options.logger.debug(`${this.options.vendor} ${req.operation}: 401, refreshing credentials and retrying`);
                await req.onUnauthorized(outcome.body);
                attempt--; // the refresh retry does not use up a backoff attempt
                continue;
            }
            const idempotent = req.idempotent ?? !['POST', 'PATCH'].includes(req.method);
            const retryable = idempotent ? (outcome ? isRetryableStatus(outcome.status) : true) : vendorDidNotAct(outcome?.status, networkError);
            let wait = backoffDelay(attempt, this.retry);
            if (outcome) {
                const retryAfter = parseRetryAfter(firstHeader(outcome.headers['retry-after']));
                if (retryAfter !== undefined) {
                    if (retryAfter > this.retry.maxRetryAfterMs)
                        throw this.failure(
                            req,
                            outcome,
                            attempt,
                            networkError,
                            `Retry-After of ${retryAfter} ms is longer than the ${this.retry.maxRetryAfterMs} ms allowed`
                        );
                    wait = retryAfter;
                }
                if (outcome.status === 429) wait = Math.max(wait, this.options.minRateLimitDelayMs ?? 0);
            }
            if (!retryable || attempt >= this.retry.maxAttempts) {
                throw this.failure(req, outcome, attempt, networkError);
            }
            if (Date.now() + wait >= budgetEndsAt) throw this.failure(req, outcome, attempt, networkError, outOfBudget);
            this.options.logger.debug(
                `${this.options.vendor} ${req.operation}: attempt ${attempt} failed (${outcome ? `HTTP ${outcome.status}` : 'network error'}), retrying in ${wait} ms`
            );
            await sleep(wait);
        }
    }

    /** Closes pooled connections. */
    /**
     * Closes pooled connections. A call still under way is let finish, unless `force`: then it is aborted (graceful
     * shutdown after its bound, so no call outlives it).
     */
    async close(force = false): Promise<void> {
        const pools = [...this.pools.values()];
        this.pools.clear();
        await Promise.all(pools.map((pool) => (force ? pool.destroy() : pool.close())));
    }

    private pool(origin: string): Pool {
        let pool = this.pools.get(origin);
        if (!pool) {
            pool = new Pool(origin, {
                connections: this.options.connectionsPerHost ?? 64,
                keepAliveTimeout: 30_000,
                headersTimeout: this.timeoutMs,
                bodyTimeout: this.timeoutMs,
            });
            this.pools.set(origin, pool);
        }
        return pool;
    }

    private async attempt(req: VendorRequest, headers: Record<string, string>, signal: AbortSignal): Promise<AttemptOutcome> {
        let body: string | Uint8Array | FormData | undefined;
        if (req.body !== undefined) {
            if (typeof req.body === 'string' || req.body instanceof Uint8Array || req.body instanceof FormData) {
                // undici sets the multipart boundary for FormData itself.
                body = req.body;
            } else {
                body = JSON.stringify(req.body);
                headers['content-type'] ??= 'application/json';
            }
        }
        // The origin's pool directly: undici's top-level request() (and an Agent) parse and dispatch more per call.
        const { origin, path } = splitUrl(req.url);
        const response = await this.pool(origin).request({ path, method: req.method, headers, body, signal });
        const text = await response.body.text();
        const contentType = firstHeader(response.headers['content-type']) ?? '';
        let parsed: unknown = text === '' ? undefined : text;
        if (text !== '' && contentType.includes('json')) {
            try {
                parsed = JSON.parse(text);
            } catch {
                parsed = text;
            }
        }
        return { status: response.statusCode, headers: response.headers, body: parsed };
    }

    private failure(req: VendorRequest, outcome: AttemptOutcome | undefined, attempts: number, networkError: unknown, note?: string): VendorApiError {
        const { code, message } = outcome
            ? (this.options.describeError ?? describeErrorBody)(outcome.body)
            : { code: undefined, message: networkErrorText(networkError) };
        return this.vendorError(req.operation, outcome?.status, { code, message: [note, message].filter(Boolean).join('; ') }, attempts);
    }

    /**
     * A {@link VendorApiError} from what the vendor said, with every secret and token masked **before** the text is cut
     * to length (cutting first could leave the start of a token in a log line).
     */
    vendorError(operation: string, status: number | undefined, said: VendorErrorDescription, attempts: number): VendorApiError {
        const detail = cutToLength(this.scrub(said.message), 300);
        const code = said.code === undefined ? undefined : cutToLength(this.scrub(said.code), 100);
        return new VendorApiError(this.options.vendor, operation, status, code, detail, attempts);
    }

    private scrub(text: string): string {
        let clean = text;
        for (const secret of this.options.secrets?.() ?? []) {
            if (secret && secret.length >= 4) clean = clean.split(secret).join('***');
        }
        return clean;
    }
}

/** `text`, cut to `max` characters with an ellipsis. */
function cutToLength(text: string, max: number): string {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What one attempt got back, whatever its status. */
interface AttemptOutcome {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: unknown;
}

/** `https://host:port/a/b?c` → origin `https://host:port`, path `/a/b?c`. */
function splitUrl(url: string): { origin: string; path: string } {
    const slash = url.indexOf('/', url.indexOf('://') + 3);
    return slash < 0 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}

function networkErrorText(err: unknown): string {
    if (err && typeof err === 'object') {
        const e = err as { code?: string; message?: string };
        return [e.code, e.message].filter(Boolean).join(' ');
    }
    return String(err);
}

/** What a vendor's error body says: its error code, and a message for the error text. */
export interface VendorErrorDescription {
    code?: string | undefined;
    message: string;
}

/** A vendor's reader of its error bodies (each vendor documents its own shape). */
export type VendorErrorReader = (body: unknown) => VendorErrorDescription;

/**
 * Reads the error body shapes that are not any one vendor's: RFC 7807 problem+json and its common variants
 * (`message` or `title`, `errors` as objects, strings or one object, `code`) and OAuth errors (`error`,
 * `error_description`); other bodies give their text, bounded. A vendor's reader handles its own shapes first.
 */
export function describeErrorBody(body: unknown): VendorErrorDescription {
    if (body === undefined || body === null) return { message: '' };
    if (typeof body !== 'object') return { message: String(body) };
    const b = body as Record<string, any>;
    const errors = Array.isArray(b.errors) ? b.errors : b.errors ? [b.errors] : [];
    const first = errors[0];
    const code: unknown = (first && typeof first === 'object' ? first.code : undefined) ?? b.code ?? b.error;
    const message: unknown = b.message ?? b.title ?? b.detail ?? b.error_description ?? (typeof first === 'string' ? first : first?.message);
    return { code: code === undefined ? undefined : String(code), message: String(message ?? JSON.stringify(body)) };
}

/** Network errors raised before a request could reach the vendor: no connection was made. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * True when a failed call certainly had no effect at the vendor, so even a non-idempotent request (posting a message)
 * may be repeated: the vendor answered 429 (rate limited), 503 (not taking requests) or 408 (it gave up waiting for the
 * request), or no connection could be made. A 500, a timeout or a reset after the request was written are ambiguous —
 * the vendor may have acted — and fail the call; the event it belongs to runs again later, erring on a possible
 * duplicate rather than a lost reply (docs/architecture.md, "Sends and the ambiguous case").
 */
export function vendorDidNotAct(status: number | undefined, networkError: unknown): boolean {
    if (status !== undefined) return status === 429 || status === 503 || status === 408;
    let error = networkError as { code?: unknown; cause?: unknown } | undefined;
    for (let depth = 0; error && depth < 3; depth++, error = error.cause as typeof error) {
        if (typeof error.code === 'string' && NOT_CONNECTED.has(error.code)) return true;
    }
    return false;
}
