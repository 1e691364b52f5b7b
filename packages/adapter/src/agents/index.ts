/**
 * botbuilder-contact-center/agents: the adapters for the Microsoft 365 Agents SDK (`@microsoft/agents-hosting`), with
 * the same names and options as the botbuilder v4 ones in the main entry, plus the framework-free core.
 * This file is public API and nothing else.
 */
export * from '../protocol';
export { EightByEightAdapter } from './eightByEightAdapter';
export { LivePersonAdapter } from './livePersonAdapter';
export { ContactCenterAgentsAdapter } from './contactCenterAgentsAdapter';
export type { AgentLogic, AgentsHostOptions } from './contactCenterAgentsAdapter';
export { createHandoffInitiation } from './handoff';
