import type { Request, Response } from 'express';
import { VendorApiError, type Logger } from 'botbuilder-contact-center/protocol';
import type { HostedLivePerson } from './host';

/**
 * `POST /api/liveperson/conversations` `{ consumerId, skillId?, text?, firstName?, lastName? }` → `201 { conversationId }`: opens a
 * LivePerson conversation for a consumer and, with `text`, says it as the consumer's first message. Example-only: a
 * real bot opens conversations from its own logic (e.g. when a customer elsewhere asks for a human). It opens real
 * conversations, so `server.ts` mounts it behind `EXAMPLE_API_TOKEN` (a bearer token) and leaves it off without one,
 * except for the embedded sandbox on loopback. The same on both hosts: `livePerson` opens it with that host's
 * adapter (`openConversation`, then `continueConversation`).
 */
export function openLivePersonConversation(livePerson: Pick<HostedLivePerson<unknown>, 'openConversation'>, logger: Logger, defaultSkillId?: string) {
    return async (req: Request, res: Response): Promise<void> => {
        const body = req.body as Record<string, unknown> | undefined;
        const problem = validate(body);
        if (problem) {
            res.status(400).json({ error: problem });
            return;
        }
        const { consumerId, skillId, text, firstName, lastName } = body as Record<string, string | undefined> & { consumerId: string };
        // The consumer's name reaches the agent through SetUserProfile.
        const userProfile = firstName || lastName ? { ...(firstName ? { firstName } : {}), ...(lastName ? { lastName } : {}) } : undefined;
        try {
            const conversationId = await livePerson.openConversation({ consumerId, skillId: skillId ?? defaultSkillId, userProfile }, text);
            res.status(201).json({ conversationId });
        } catch (err) {
            logger.error(`liveperson: could not open a conversation for ${consumerId}: ${(err as Error).message}`);
            const status = err instanceof VendorApiError ? 502 : 500;
            res.status(status).json({ error: err instanceof VendorApiError ? `LivePerson refused: ${err.message}` : 'Could not open the conversation.' });
        }
    };
}

function validate(body: Record<string, unknown> | undefined): string | undefined {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Send a JSON object: { "consumerId": "...", "skillId"?: "...", "text"?: "..." }.';
    if (typeof body.consumerId !== 'string' || body.consumerId.trim() === '') return '"consumerId" is required (a non-empty string).';
    if (body.consumerId.length > 256) return '"consumerId" is longer than 256 characters.';
    for (const name of ['skillId', 'text', 'firstName', 'lastName'] as const) {
        if (body[name] !== undefined && (typeof body[name] !== 'string' || body[name] === '')) return `"${name}" must be a non-empty string when given.`;
    }
    for (const name of ['firstName', 'lastName'] as const) {
        if (typeof body[name] === 'string' && body[name].length > 100) return `"${name}" is longer than 100 characters.`;
    }
    // Ids go into URLs and storage keys, where a lone surrogate (e.g. "\ud800" in the JSON) throws a URIError.
    for (const name of ['consumerId', 'skillId'] as const) {
        if (typeof body[name] === 'string' && !isWellFormed(body[name])) return `"${name}" must be well-formed Unicode (it has a lone surrogate).`;
    }
    return undefined;
}

/** `String.prototype.isWellFormed` (Node 20+; not in the ES2022 typings). */
function isWellFormed(value: string): boolean {
    return (value as string & { isWellFormed(): boolean }).isWellFormed();
}
