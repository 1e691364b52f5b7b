import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Express middleware: the request must carry `Authorization: Bearer <token>`, else 401 with a JSON `{ error }` and
 * `WWW-Authenticate: Bearer` (RFC 6750). The comparison takes the same time whatever the token given: both sides are
 * hashed to 32 bytes (so their lengths are equal, and the length of `token` does not leak) and compared with
 * `timingSafeEqual`. Neither token is ever logged or repeated in an answer.
 */
export function requireBearerToken(token: string, variable = 'EXAMPLE_API_TOKEN') {
    const expected = digest(token);
    return (req: Request, res: Response, next: NextFunction): void => {
        const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(req.headers.authorization ?? '');
        if (!match) {
            refuse(res, undefined, `Send the API token: "Authorization: Bearer <${variable}>".`);
            return;
        }
        if (!timingSafeEqual(digest(match[1]), expected)) {
            refuse(res, 'invalid_token', `The bearer token is not ${variable}.`);
            return;
        }
        next();
    };
}

function digest(value: string): Buffer {
    return createHash('sha256').update(value, 'utf8').digest();
}

/** 401; `code` only when a token was given (RFC 6750 §3.1: none for a request without credentials). */
function refuse(res: Response, code: 'invalid_token' | undefined, error: string): void {
    res.setHeader('WWW-Authenticate', code ? `Bearer realm="example", error="${code}"` : 'Bearer realm="example"');
    res.status(401).json({ error });
}
