/** Where the adapters write what they notice. Any object with these four methods works (console, pino, winston). */
export interface Logger {
    debug(message: string, ...meta: unknown[]): void;
    info(message: string, ...meta: unknown[]): void;
    warn(message: string, ...meta: unknown[]): void;
    error(message: string, ...meta: unknown[]): void;
}

/** The default logger: warnings and errors to the console, nothing else. */
export const consoleLogger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message, ...meta) => console.warn(message, ...meta),
    error: (message, ...meta) => console.error(message, ...meta),
};

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
};

/** Text of an unknown thrown value, for a log line. */
export function describeError(err: unknown): string {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * The fields of a log line about a webhook or an event, passed as its last argument (winston and `console` print them
 * with the message; for pino wrap it with {@link pinoLogger}).
 */
export interface LogFields {
    vendor: string;
    /** The vendor's id of the event (its de-duplication key), when there is one. */
    eventId?: string | undefined;
    conversationId?: string | undefined;
    /** How long the work took, in ms. */
    durationMs?: number | undefined;
    /** `completed`, `retried`, `dead_lettered`, `refused`… */
    outcome?: string | undefined;
    /** The HTTP status answered. */
    status?: number | undefined;
    /** Attempts of the event so far. */
    attempts?: number | undefined;
}

/** What {@link pinoLogger} needs of a pino logger: its level methods, which take the fields first. */
export interface PinoLike {
    debug(fields: object, message: string): void;
    info(fields: object, message: string): void;
    warn(fields: object, message: string): void;
    error(fields: object, message: string): void;
}

/**
 * A {@link Logger} over pino (or any logger that takes `(fields, message)`): the fields the adapters pass last become
 * pino's merged object, so `vendor`, `eventId`, `conversationId`, `durationMs`, `outcome` are searchable.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * new EightByEightAdapter({ apiKey, logger: pinoLogger(pino()) });
 * ```
 */
export function pinoLogger(pino: PinoLike): Logger {
    const level =
        (name: keyof PinoLike) =>
        (message: string, ...meta: unknown[]) => {
            const last = meta[meta.length - 1];
            pino[name](last && typeof last === 'object' && !(last instanceof Error) ? last : {}, message);
        };
    return { debug: level('debug'), info: level('info'), warn: level('warn'), error: level('error') };
}
