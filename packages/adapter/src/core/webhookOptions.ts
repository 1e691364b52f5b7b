import type { StorageLike } from './storage';
import type { DeduplicationStore } from './deduplicationStore';
import { ConfigurationError } from './errors';
import type { Logger } from './logger';
import type { RetryOptions } from './retryPolicy';

/** Options every adapter of this library takes, for its webhook pipeline and its vendor client. */
export interface WebhookPipelineOptions {
    /** Largest webhook body accepted, in bytes; larger ones get 413. Default 1 MiB. */
    maxBodyBytes?: number | undefined;
    /**
     * How long a webhook request may wait for its turn before it is answered 200 anyway, in ms; the turn goes on
     * and its de-duplication entry is kept, so a vendor retry does not run it twice. Default 2,500.
     */
    ackDeadlineMs?: number | undefined;
    /** Turns running at once across conversations (each conversation runs one at a time). Default 32. */
    maxConcurrentTurns?: number | undefined;
    /** Where accepted vendor event ids are remembered. Default: {@link MemoryDeduplicationStore} (this process). */
    deduplicationStore?: DeduplicationStore | undefined;
    /** How long an event id is remembered, in ms. Default 24 hours. */
    deduplicationTtlMs?: number | undefined;
    /**
     * Where the adapter keeps its small per-conversation records (who owns the conversation, whether it was
     * greeted). Default: a bounded, expiring in-memory store. Use a shared `Storage` of either bot SDK (Blob, Cosmos DB…) for several instances.
     */
    storage?: StorageLike | undefined;
    /** Retries of vendor API calls. */
    retry?: RetryOptions | undefined;
    /** Per-attempt timeout of vendor API calls, in ms. Default 10,000. */
    requestTimeoutMs?: number | undefined;
    /** Where to log. Default: warnings and errors to the console. */
    logger?: Logger | undefined;
}

/** Checks the shared options up front, with messages prefixed by the constructor that got them. */
export function validatePipelineOptions(owner: string, options: WebhookPipelineOptions): void {
    const positiveInteger = (name: keyof WebhookPipelineOptions) => {
        const value = options[name];
        if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)) {
            throw new ConfigurationError(`${owner}: option "${name}" must be a positive integer (got ${JSON.stringify(value)}).`);
        }
    };
    positiveInteger('maxBodyBytes');
    positiveInteger('ackDeadlineMs');
    positiveInteger('maxConcurrentTurns');
    positiveInteger('deduplicationTtlMs');
    positiveInteger('requestTimeoutMs');
    const retry = options.retry;
    if (retry !== undefined) {
        for (const [name, value] of Object.entries(retry)) {
            if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < (name === 'maxAttempts' ? 1 : 0))) {
                throw new ConfigurationError(`${owner}: option "retry.${name}" must be a non-negative integer${name === 'maxAttempts' ? ' of at least 1' : ''}.`);
            }
        }
    }
    if (options.deduplicationStore && (typeof options.deduplicationStore.claim !== 'function' || typeof options.deduplicationStore.release !== 'function')) {
        throw new ConfigurationError(`${owner}: option "deduplicationStore" must have claim() and release() methods.`);
    }
    if (options.storage && (typeof options.storage.read !== 'function' || typeof options.storage.write !== 'function' || typeof options.storage.delete !== 'function')) {
        throw new ConfigurationError(`${owner}: option "storage" must be a Storage (read(), write() and delete()).`);
    }
    if (options.logger && ['debug', 'info', 'warn', 'error'].some((m) => typeof (options.logger as any)[m] !== 'function')) {
        throw new ConfigurationError(`${owner}: option "logger" must have debug(), info(), warn() and error() methods.`);
    }
}
