import type { BaseAdapter } from '@microsoft/agents-hosting';
import type { ContactCenterConnector } from '../core/contactCenterConnector';
import { ConfigurationError } from '../core/errors';
import { startQuickReplyPrompts } from '../core/quickReplyPrompts';
import type { AgentsHostOptions } from './contactCenterAgentsAdapter';

/**
 * The constructor's wiring of `AgentsHostOptions.quickReplyPrompts` (see `core/quickReplyPrompts.ts`): the
 * `@microsoft/agents-hosting-dialogs` copy the agent loaded (0.6.x; another version is left untouched with a warning).
 */
export function useQuickReplyPrompts(
    adapter: BaseAdapter,
    connector: ContactCenterConnector<any, any, any>,
    options: Pick<AgentsHostOptions, 'quickReplyPrompts'>
): void {
    const enabled = options.quickReplyPrompts;
    if (enabled !== undefined && typeof enabled !== 'boolean') {
        throw new ConfigurationError(`${adapter.constructor.name}: option "quickReplyPrompts" must be true or false.`);
    }
    if (enabled === false) return;
    startQuickReplyPrompts(adapter, '@microsoft/agents-hosting-dialogs', connector.vendor, connector.logger);
}
