import { Activity } from '@microsoft/agents-activity';
import { createHandoffInitiation as createPlainHandoffInitiation } from '../core/handoff';

/**
 * A `handoff.initiate` event for an Agents SDK bot (the SDK has no `EventFactory`): `handoffContext` is what the
 * adapter reads (e.g. `{ queueId }` on 8x8, `{ skillId, summary, details }` on LivePerson), `transcript` goes to the
 * agent where the vendor can show it.
 *
 * @example
 * ```ts
 * import { createHandoffInitiation } from 'botbuilder-contact-center/agents';
 * await context.sendActivity(createHandoffInitiation(context, { queueId: '101' }));
 * ```
 */
export function createHandoffInitiation(
    context: { activity: { from?: unknown; conversation?: unknown } },
    handoffContext: unknown,
    transcript?: { activities: unknown[] }
): Activity {
    return Activity.fromObject(createPlainHandoffInitiation(context, handoffContext, transcript));
}
