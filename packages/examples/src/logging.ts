import type { Logger } from 'botbuilder-contact-center/protocol';

/**
 * The example's log: the console, without debug lines (the adapters write one per event completed, and one per vendor
 * call retried) unless `LOG_LEVEL=debug`.
 */
export function exampleLogger(env: NodeJS.ProcessEnv): Logger {
    const debug = env.LOG_LEVEL?.trim().toLowerCase() === 'debug';
    return {
        debug: debug ? console.debug.bind(console) : () => undefined,
        info: console.info.bind(console),
        warn: console.warn.bind(console),
        error: console.error.bind(console),
    };
}
