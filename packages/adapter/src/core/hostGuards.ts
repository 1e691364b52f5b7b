import type { ConversationReference } from './activity';
import { UnsupportedOperationError } from './errors';
import { writeResponse, type WebhookResponse } from './http';
import type { Logger } from './logger';

/**
 * Input guards shared by both hosts, with errors that name the adapter and the method (as botbuilder's CloudAdapter
 * does), so a misuse says where it happened.
 */
export const hostGuards = {
    /** `logic` must be the bot's turn handler. */
    logic(owner: string, method: string, logic: unknown): void {
        if (typeof logic !== 'function') throw new TypeError(`${owner}.${method}(): logic must be a function (context) => Promise<void>.`);
    },
    /** For `process()`, which never throws: false (after a log line and a 500) when `logic` is not a function. */
    processLogic(owner: string, logic: unknown, logger: Logger, res: WebhookResponse): boolean {
        if (typeof logic === 'function') return true;
        logger.error(`${owner}.process(): logic must be a function (context) => Promise<void>.`);
        writeResponse(res, 500, { error: 'The bot is misconfigured.' });
        return false;
    },
    /** A proactive turn needs the conversation it continues. */
    reference(owner: string, method: string, reference: Partial<ConversationReference> | undefined): void {
        if (!reference?.conversation?.id) throw new TypeError(`${owner}.${method}(): reference.conversation.id is required.`);
    },
    /** The arguments of `sendActivities`. */
    sendActivities(owner: string, context: unknown, activities: unknown): void {
        if (!context) throw new TypeError(`${owner}.sendActivities(): missing context.`);
        if (!Array.isArray(activities)) throw new TypeError(`${owner}.sendActivities(): activities must be an array.`);
    },
    /** What `updateActivity` / `deleteActivity` reject with: neither vendor can change a sent message. */
    cannotChangeSent(owner: string, method: 'updateActivity' | 'deleteActivity', vendor: string): UnsupportedOperationError {
        const verb = method === 'updateActivity' ? 'edit' : 'delete';
        return new UnsupportedOperationError(`${owner}.${method}(): ${vendor} cannot ${verb} a message once sent.`);
    },
};
