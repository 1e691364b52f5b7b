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
