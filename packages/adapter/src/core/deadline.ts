/** Why an attempt was cut off: no complete answer (connection, headers and body) within its deadline. */
export class DeadlineExceededError extends Error {
    readonly code = 'DEADLINE_EXCEEDED';

    constructor(readonly deadlineMs: number) {
        super(`no complete answer within ${deadlineMs} ms`);
        this.name = 'DeadlineExceededError';
    }
}

/**
 * Runs `work` with a signal that aborts it after `deadlineMs`, with a {@link DeadlineExceededError} as the reason.
 * Given to undici, the signal ends the connect, the wait for headers and the reading of the body alike: undici's own
 * `headersTimeout` and `bodyTimeout` are per phase and per chunk, so a vendor that answers its headers and then sends
 * one byte now and then would otherwise hold the call for as long as it likes.
 */
export async function withDeadline<T>(deadlineMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlineExceededError(deadlineMs)), deadlineMs);
    try {
        return await work(controller.signal);
    } finally {
        clearTimeout(timer);
    }
}
