import { setMaxListeners } from 'node:events';

/** Why an attempt was cut off: no complete answer (connection, headers and body) within its deadline. */
export class DeadlineExceededError extends Error {
    readonly code = 'DEADLINE_EXCEEDED';

    constructor(readonly deadlineMs: number) {
        super(`no complete answer within ${deadlineMs} ms`);
        this.name = 'DeadlineExceededError';
    }
}

/** Attempts whose deadlines fall in one window of this many ms share one AbortController (and timer). */
const WINDOW_MS = 100;

/** One shared controller: the attempts with the same deadline length whose deadlines end in the same window. */
interface Window {
    controller: AbortController;
    timer: NodeJS.Timeout;
    running: number;
}

const windows = new Map<string, Window>();

/**
 * Runs `work` with a signal that aborts it after `deadlineMs` (at most {@link WINDOW_MS} later), with a
 * {@link DeadlineExceededError} as the reason. Given to undici, the signal ends the connect, the wait for headers and
 * the reading of the body alike: undici's own `headersTimeout` and `bodyTimeout` are per phase and per chunk, so a
 * vendor that answers its headers and then sends one byte now and then would otherwise hold the call for as long as
 * it likes.
 *
 * Why shared: an AbortController per attempt (its signal, its listeners, its timer) was most of what these deadlines
 * cost the webhook path (profiled: several percent of the CPU under load). Attempts whose deadlines end in the same
 * 100 ms window share one controller; it aborts them all at the window's end, when every one of them is past its own.
 */
export async function withDeadline<T>(deadlineMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const endsAt = Math.ceil((Date.now() + deadlineMs) / WINDOW_MS) * WINDOW_MS;
    const key = `${deadlineMs}:${endsAt}`;
    let window = windows.get(key);
    if (!window) {
        const controller = new AbortController();
        // Many attempts listen to one signal: that is the point, not a leak.
        setMaxListeners(0, controller.signal);
        const timer = setTimeout(() => {
            windows.delete(key);
            controller.abort(new DeadlineExceededError(deadlineMs));
        }, endsAt - Date.now());
        window = { controller, timer, running: 0 };
        windows.set(key, window);
    }
    window.running++;
    const joined = window;
    try {
        return await work(joined.controller.signal);
    } finally {
        if (--joined.running === 0 && !joined.controller.signal.aborted) {
            clearTimeout(joined.timer);
            if (windows.get(key) === joined) windows.delete(key);
        }
    }
}
