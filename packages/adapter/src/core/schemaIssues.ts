import type { z } from 'zod';

/**
 * Says what is wrong with a webhook body in a few words, naming each field (`data.text: Expected string`,
 * `body.changes[0].event.message is required`), for the 400 answer. At most `limit` problems; `prefix` is where
 * the checked value sits in the body.
 */
export function describeSchemaIssues(error: z.ZodError, limit = 3, prefix = ''): string {
    return error.issues
        .slice(0, limit)
        .map((issue) => {
            const path = fieldPath(issue.path, prefix) || '(body)';
            const missing = issue.code === 'invalid_type' && issue.received === 'undefined';
            return missing ? `${path} is required` : `${path}: ${issue.message}`;
        })
        .join('; ');
}

/** A field's path as the 400 answers name it: `data.value`, `body.changes[3].event`; `prefix` goes first. */
export function fieldPath(path: ReadonlyArray<string | number>, prefix = ''): string {
    return path.reduce<string>((at, part) => (typeof part === 'number' ? `${at}[${part}]` : at ? `${at}.${part}` : String(part)), prefix);
}
