/** The options of bounded work are checked up front, like every other option: a ConfigurationError naming the option. */
import { expect } from 'chai';
import { ConfigurationError } from '../../src/core/errors';
import { hosts } from '../hosts';

const host = hosts[0];

describe(`bounded-work options are validated (${host.name})`, () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
        ['bodyTimeoutMs', { bodyTimeoutMs: 0 }, 'option "bodyTimeoutMs" must be a positive integer.'],
        ['maxQueuedEventsPerConversation', { maxQueuedEventsPerConversation: 1.5 }, 'option "maxQueuedEventsPerConversation" must be a positive integer.'],
        ['maxQueuedEvents', { maxQueuedEvents: '10' }, 'option "maxQueuedEvents" must be a positive integer.'],
        ['retry.budgetMs', { retry: { budgetMs: 0 } }, 'option "retry.budgetMs" must be a positive integer.'],
    ];
    for (const [name, options, message] of cases) {
        it(`${name}, on both vendors`, () => {
            expect(() => new host.EightByEightAdapter({ apiKey: 'k', ...options } as never)).to.throw(ConfigurationError, `EightByEightAdapter: ${message}`);
            expect(() => new host.LivePersonAdapter({ accountId: 'a', clientId: 'c', clientSecret: 's', ...options } as never)).to.throw(
                ConfigurationError,
                `LivePersonAdapter: ${message}`
            );
        });
    }

    it('the valid ones are accepted', async () => {
        const adapter = new host.EightByEightAdapter({
            apiKey: 'k',
            bodyTimeoutMs: 5000,
            maxQueuedEventsPerConversation: 20,
            maxQueuedEvents: 2000,
            retry: { budgetMs: 15_000 },
            logRateLimit: { maxRepeats: 5, windowMs: 10_000 },
        });
        await adapter.close();
    });
});
