/**
 * botbuilder-contact-center: Bot Framework adapters for contact-center chat (8x8 Chat Gateway, LivePerson Connector
 * API). This entry is the botbuilder v4 host; `botbuilder-contact-center/agents` is the same for the Microsoft 365
 * Agents SDK, and `botbuilder-contact-center/protocol` the framework-free core both re-export.
 * This file is public API and nothing else.
 */
export * from './protocol';
export { EightByEightAdapter } from './botbuilder/eightByEightAdapter';
export { LivePersonAdapter } from './botbuilder/livePersonAdapter';
export { ContactCenterBotAdapter } from './botbuilder/contactCenterBotAdapter';
export type { BotLogic } from './botbuilder/contactCenterBotAdapter';
export type { BotbuilderHostOptions } from './botbuilder/hostOptions';
