import { ActivityMappingError, UnsupportedOperationError, type Logger } from 'botbuilder-contact-center';
import type { TurnContext } from 'botbuilder';

/**
 * The examples' `onTurnError`. A failure that a retry can fix (the vendor API was down) is rethrown: the webhook is
 * answered 500, the vendor redelivers the event and the turn runs again, so nothing accepted is lost. A failure no
 * retry can fix (the bot asked for something the channel cannot show or do) is logged and answered with an apology
 * instead, so the vendor does not redeliver the same event over and over.
 */
export function turnErrorHandler(vendor: string, logger: Logger) {
    return async (context: TurnContext, error: Error): Promise<void> => {
        const permanent = error instanceof ActivityMappingError || error instanceof UnsupportedOperationError;
        logger.error(`${vendor} turn failed${permanent ? ' (not retried)' : ''}: ${error instanceof Error ? error.message : String(error)}`);
        if (!permanent) throw error;
        try {
            await context.sendActivity('Sorry, I cannot do that here.');
        } catch (apologyError) {
            logger.warn(`${vendor}: could not send the apology either: ${(apologyError as Error).message}`);
        }
    };
}
