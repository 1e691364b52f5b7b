import type { Logger } from './logger';

/** How often lines of one kind are written (see {@link RateLimitedLogger}). */
export interface LogRateLimitOptions {
    /** Lines of one kind written per window; the rest are counted and summed up in one line. Default 10. */
    maxRepeats?: number | undefined;
    /** Length of a window, in ms. Default 60,000. */
    windowMs?: number | undefined;
}

type Level = keyof Logger;

/** What a window knows of one kind of line. */
interface LineKind {
    level: Level;
    written: number;
    suppressed: number;
    /** The last line not written, shown in the summary. */
    last: string;
}

/** Most kinds of line told apart per window; lines of further kinds share one. Bounds memory under a flood of varied lines. */
const MAX_KINDS = 1000;
/** Characters of a line that tell its kind. */
const KIND_CHARS = 300;

/**
 * The kind of a log line: its text with the parts that vary from one occurrence to the next taken out — words that
 * contain a digit (ids, counts, statuses) and quoted text — so `event 7f3a of conversation c-12 dropped` and
 * `event 9b21 of conversation c-40 dropped` are one kind.
 */
export function lineKind(message: string): string {
    return message.slice(0, KIND_CHARS).replace(/"[^"]*"|'[^']*'|[^\s"']*\d[^\s"']*/g, '…');
}

/**
 * Wraps the user's logger so a flood of webhooks cannot become a flood of log lines (8,000 changes for an unknown
 * conversation once wrote 16,000 lines): per window, at most `maxRepeats` lines of each kind (level + {@link lineKind})
 * are written, the first ones, so the first occurrence of anything is always seen; the others are counted, and at
 * the end of the window one line per kind says how many were left out.
 */
export class RateLimitedLogger implements Logger {
    private readonly maxRepeats: number;
    private readonly windowMs: number;
    private kinds = new Map<string, LineKind>();
    private windowEndsAt = 0;
    private summaryTimer: NodeJS.Timeout | undefined;

    constructor(
        private readonly inner: Logger,
        options: LogRateLimitOptions = {}
    ) {
        this.maxRepeats = options.maxRepeats ?? 10;
        this.windowMs = options.windowMs ?? 60_000;
    }

    debug(message: string, ...meta: unknown[]): void {
        this.write('debug', message, meta);
    }

    info(message: string, ...meta: unknown[]): void {
        this.write('info', message, meta);
    }

    warn(message: string, ...meta: unknown[]): void {
        this.write('warn', message, meta);
    }

    error(message: string, ...meta: unknown[]): void {
        this.write('error', message, meta);
    }

    /** Writes the summaries of the lines left out so far and starts a new window (also runs at the end of each window). */
    flush(): void {
        clearTimeout(this.summaryTimer);
        this.summaryTimer = undefined;
        const kinds = this.kinds;
        this.kinds = new Map();
        this.windowEndsAt = 0;
        const seconds = Math.round(this.windowMs / 100) / 10;
        for (const [key, kind] of kinds) {
            if (kind.suppressed === 0) continue;
            const what = key === otherKey(kind.level) ? 'lines of other kinds' : 'lines like this';
            this.inner[kind.level](`${kind.last} (${what} repeated ${kind.suppressed} more times within ${seconds} s, not logged)`);
        }
    }

    private write(level: Level, message: string, meta: unknown[]): void {
        const now = Date.now();
        if (now >= this.windowEndsAt) {
            if (this.kinds.size > 0) this.flush();
            this.windowEndsAt = now + this.windowMs;
        }
        const kind = this.kindOf(level, String(message));
        if (kind.written < this.maxRepeats) {
            kind.written++;
            this.inner[level](message, ...meta);
            return;
        }
        kind.suppressed++;
        kind.last = String(message);
        if (!this.summaryTimer) {
            this.summaryTimer = setTimeout(() => this.flush(), this.windowEndsAt - now);
            this.summaryTimer.unref?.();
        }
    }

    private kindOf(level: Level, message: string): LineKind {
        const key = `${level} ${lineKind(message)}`;
        const known = this.kinds.get(key);
        if (known) return known;
        const counted = this.kinds.size < MAX_KINDS ? key : otherKey(level);
        let kind = this.kinds.get(counted);
        if (!kind) {
            kind = { level, written: 0, suppressed: 0, last: '' };
            this.kinds.set(counted, kind);
        }
        return kind;
    }
}

function otherKey(level: Level): string {
    return `${level} (other kinds)`;
}

/** The logger a connector writes to: `logger` rate-limited as `options` say, or as it is with `false`. */
export function rateLimited(logger: Logger, options: LogRateLimitOptions | false | undefined): Logger {
    return options === false ? logger : new RateLimitedLogger(logger, options);
}
