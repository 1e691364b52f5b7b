/**
 * botbuilder-contact-center-redis: a Redis {@link InboxStore} for botbuilder-contact-center, for several instances
 * behind one webhook URL. This file is public API and nothing else.
 */
export { RedisInboxStore } from './redisInboxStore';
export type { RedisInboxStoreOptions } from './options';
