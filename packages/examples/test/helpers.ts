import type { Logger } from 'botbuilder-contact-center';

/** A logger that keeps every line, so tests can look for secrets and expected warnings. */
export function capturingLogger(): Logger & { lines: string[] } {
    const lines: string[] = [];
    const keep = (level: string) => (message: string, ...meta: unknown[]) => {
        lines.push(`${level} ${message} ${meta.map((m) => (m instanceof Error ? `${m.message} ${m.stack}` : JSON.stringify(m))).join(' ')}`);
    };
    return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}
