/**
 * botbuilder-contact-center: Bot Framework (botbuilder-js v4) adapters for contact-center chat.
 * This file is the public API and nothing else.
 */
export { EightByEightAdapter } from './eightbyeight/adapter';
export type { EightByEightAdapterOptions, EightByEightHandBackOptions } from './eightbyeight/options';
export {
    EIGHT_BY_EIGHT_CHANNEL_ID,
    QUICK_REPLIES_CONTENT_TYPE,
    EightByEightEventNames,
    toActivities as eightByEightToActivities,
    fromActivity as eightByEightFromActivity,
} from './eightbyeight/mapper';
export type { EightByEightConversationRecord, EightByEightHandoffContext, EightByEightRequest, ConversationOwner } from './eightbyeight/mapper';
export { parseEightByEightEvent } from './eightbyeight/events';
export type { EightByEightEvent } from './eightbyeight/events';
export { EightByEightClient } from './eightbyeight/client';
export { EightByEightSignatureVerifier, signedPayload as eightByEightSignedPayload } from './eightbyeight/signature';

export { LivePersonAdapter } from './liveperson/adapter';
export type { OpenConversationOptions } from './liveperson/adapter';
export type { LivePersonAdapterOptions, LivePersonCardRendering } from './liveperson/options';
export type { ConversationRequestOptions } from './liveperson/client';
export {
    LIVEPERSON_CHANNEL_ID,
    STRUCTURED_CONTENT_TYPE,
    HOSTED_FILE_CONTENT_TYPE,
    LivePersonEventNames,
    messagingChangeToActivities as livePersonMessagingChangeToActivities,
    conversationChangeToActivities as livePersonConversationChangeToActivities,
    fromActivity as livePersonFromActivity,
} from './liveperson/mapper';
export type { LivePersonConversationRecord, LivePersonSendRequest } from './liveperson/mapper';
export { parseLivePersonNotification } from './liveperson/events';
export type { LivePersonChange, LivePersonMessagingChange, LivePersonConversationChange } from './liveperson/events';
export { LivePersonClient } from './liveperson/client';
export { livePersonSignature, verifyLivePersonSignature } from './liveperson/signature';
export { adaptiveCardToStructuredContent, adaptiveCardText } from './liveperson/structuredContent';

export { ContactCenterAdapter } from './core/contactCenterAdapter';
export type { BotLogic, InboundWork } from './core/contactCenterAdapter';
export type { WebhookPipelineOptions } from './core/webhookOptions';
export type { WebhookRequest, WebhookResponse } from './core/http';
export { MemoryDeduplicationStore } from './core/deduplicationStore';
export type { DeduplicationStore, MemoryDeduplicationStoreOptions } from './core/deduplicationStore';
export { BoundedMemoryStorage } from './core/boundedMemoryStorage';
export type { BoundedMemoryStorageOptions } from './core/boundedMemoryStorage';
export type { RetryOptions } from './core/retryPolicy';
export type { Logger } from './core/logger';
export { consoleLogger, silentLogger } from './core/logger';
export { findAdaptiveCardProblems, ADAPTIVE_CARD_CONTENT_TYPE } from './core/adaptiveCards';
export {
    ContactCenterError,
    ConfigurationError,
    WebhookRequestError,
    VendorApiError,
    UnsupportedOperationError,
    ActivityMappingError,
} from './core/errors';
