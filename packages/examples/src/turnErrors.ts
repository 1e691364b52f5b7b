import type { TurnContext } from 'botbuilder';
import type { TurnContext as AgentsTurnContext } from '@microsoft/agents-hosting';
import { ActivityMappingError, UnsupportedOperationError, type Logger } from 'botbuilder-contact-center/protocol';

/**
 * The examples' `onTurnError`, for botbuilder adapters. A failure that a retry can fix (the vendor API was down) is
 * rethrown: the event stays in the inbox and runs again after a backoff, so nothing accepted is lost. A failure no
 * retry can fix (the bot asked for something the channel cannot show or do) is logged and answered with an apology
 * instead, so the event is done; when even the apology cannot be sent, the failure is rethrown and the event goes to
 * the dead letters (never dropped silently).
 */
export function turnErrorHandler(vendor: string, logger: Logger): (context: TurnContext, error: Error) => Promise<void> {
    return handleTurnError(vendor, logger);
}

/**
 * The same `onTurnError` for the Agents SDK adapters (`botbuilder-contact-center/agents`). Set it on the adapter:
 * `AgentApplication.onError` goes to the application's own CloudAdapter, not to the adapter running the turn.
 */
export function agentsTurnErrorHandler(vendor: string, logger: Logger): (context: AgentsTurnContext, error: Error) => Promise<void> {
    return handleTurnError(vendor, logger);
}

/** Both SDKs' TurnContext, as far as the handler uses it. */
export interface ApologisingContext {
    sendActivity(text: string): Promise<unknown>;
}

function handleTurnError(vendor: string, logger: Logger) {
    return async (context: ApologisingContext, error: Error): Promise<void> => {
        const permanent = error instanceof ActivityMappingError || error instanceof UnsupportedOperationError;
        logger.error(`${vendor} turn failed${permanent ? ' (not retried)' : ''}: ${error instanceof Error ? error.message : String(error)}`);
        if (!permanent) throw error;
        try {
            await context.sendActivity('Sorry, I cannot do that here.');
        } catch (apologyError) {
            // Nobody was told: the event fails after all, so the library dead-letters it (logged, counted, kept in the
            // store) instead of counting it done.
            logger.warn(`${vendor}: could not send the apology either: ${(apologyError as Error).message}`);
            throw error;
        }
    };
}

/**
 * The `onTurnError` of `POST /api/messages` (both SDKs' CloudAdapter). There is no inbox behind that route to run a
 * turn again, and the channel does not redeliver: every failure is logged and answered with an apology, so the
 * customer knows; the request is answered 200. Only when the apology fails too is the failure rethrown (the
 * CloudAdapter answers 500).
 */
export function channelTurnErrorHandler(logger: Logger): (context: ApologisingContext, error: Error) => Promise<void> {
    return async (context, error) => {
        logger.error(`Bot Framework channel: turn failed: ${error instanceof Error ? error.message : String(error)}`);
        try {
            await context.sendActivity('Sorry, something went wrong. Please try again.');
        } catch (apologyError) {
            logger.warn(`Bot Framework channel: could not send the apology either: ${(apologyError as Error).message}`);
            throw error;
        }
    };
}
