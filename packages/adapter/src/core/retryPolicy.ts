/** How an adapter retries a failed vendor call. */
export interface RetryOptions {
    /** Attempts in total, the first one included. Default 4; 1 disables retries. */
    maxAttempts?: number | undefined;
    /** First backoff step in ms; doubles per attempt. Default 250. */
    baseDelayMs?: number | undefined;
    /** Longest backoff in ms. Default 8,000. */
    maxDelayMs?: number | undefined;
    /** Longest `Retry-After` honoured, in ms; a longer one fails the call at once. Default 30,000. */
    maxRetryAfterMs?: number | undefined;
    /**
     * Longest time one vendor call may take, all its attempts and the waits between them included, in ms. Each attempt
     * ends at `requestTimeoutMs` or at what is left of this budget, whichever comes first, and no wait starts that would
     * end past it: the call fails instead. Bounds how long one turn slot can be held by a vendor that stalls. Default 30,000.
     */
    budgetMs?: number | undefined;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
    return {
        maxAttempts: options.maxAttempts ?? 4,
        baseDelayMs: options.baseDelayMs ?? 250,
        maxDelayMs: options.maxDelayMs ?? 8_000,
        maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
        budgetMs: options.budgetMs ?? 30_000,
    };
}

/** Statuses worth another attempt: 408, 429 and every 5xx. Other 4xx mean the request itself is wrong. */
export function isRetryableStatus(status: number): boolean {
    return status === 408 || status === 429 || status >= 500;
}

/**
 * Backoff before attempt `attempt + 1` (attempt counts from 1): exponential with "equal jitter", i.e. half
 * the step fixed and half random, so concurrent clients spread out without ever retrying instantly.
 */
export function backoffDelay(attempt: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
    const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step / 2 + random() * (step / 2));
}

/** Parses a `Retry-After` header (delta-seconds or HTTP-date) into ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
    if (value === undefined || value.trim() === '') return undefined;
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
