/**
 * botbuilder-contact-center/protocol: the vendor protocol core, usable alone — it imports no bot framework.
 * Signature verification, event parsing, pure mappers, vendor clients, stores and errors; both hosts
 * (`botbuilder-contact-center` for botbuilder v4, `botbuilder-contact-center/agents` for the Agents SDK) re-export it.
 * This file is public API and nothing else.
 */
export { EightByEightConnector } from './eightbyeight/connector';
export type { EightByEightInboundEvent } from './eightbyeight/connector';
export type { EightByEightAdapterOptions, EightByEightHandBackOptions } from './eightbyeight/options';
export {
    EIGHT_BY_EIGHT_CHANNEL_ID,
    QUICK_REPLIES_CONTENT_TYPE,
    EightByEightEventNames,
    toActivities as eightByEightToActivities,
} from './eightbyeight/inboundMapper';
export { fromActivity as eightByEightFromActivity } from './eightbyeight/outboundMapper';
export type { EightByEightConversationRecord, ConversationOwner } from './eightbyeight/inboundMapper';
export type { EightByEightHandoffContext, EightByEightRequest } from './eightbyeight/outboundMapper';
export { parseEightByEightEvent } from './eightbyeight/events';
export type { EightByEightEvent } from './eightbyeight/events';
export { EightByEightClient } from './eightbyeight/client';
export { EightByEightSignatureVerifier, signedPayload as eightByEightSignedPayload } from './eightbyeight/signature';

export { LivePersonConnector } from './liveperson/connector';
export type { OpenConversationOptions } from './liveperson/connector';
export type { LivePersonInboundEvent } from './liveperson/inboundEvents';
export type { LivePersonAdapterOptions, LivePersonCardRendering, LivePersonSuggestedActionsRendering, LivePersonFileRendering } from './liveperson/options';
export type { ConversationRequestOptions } from './liveperson/client';
export {
    LIVEPERSON_CHANNEL_ID,
    STRUCTURED_CONTENT_TYPE,
    HOSTED_FILE_CONTENT_TYPE,
    LivePersonEventNames,
    messagingChangeToActivities as livePersonMessagingChangeToActivities,
    conversationChangeToActivities as livePersonConversationChangeToActivities,
} from './liveperson/inboundMapper';
export { fromActivity as livePersonFromActivity } from './liveperson/outboundMapper';
export type { LivePersonConversationRecord } from './liveperson/inboundMapper';
export type { LivePersonSendRequest } from './liveperson/outboundMapper';
export type { LivePersonHandoffContext } from './liveperson/handoffPlan';
export { parseLivePersonNotification } from './liveperson/events';
export type { LivePersonChange, LivePersonMessagingChange, LivePersonConversationChange } from './liveperson/events';
export { LivePersonClient } from './liveperson/client';
export { livePersonSignature, verifyLivePersonSignature } from './liveperson/signature';
export { adaptiveCardToStructuredContent, adaptiveCardText } from './liveperson/structuredContent';

export { LivePersonEscalation } from './escalation/livePersonEscalation';
export type { EscalationMiddlewareOptions } from './escalation/livePersonEscalation';
export type { LivePersonEscalationOptions, EscalationCardRendering } from './escalation/options';
export type { EscalationHandoffContext } from './escalation/handoffRequest';
export type { EscalationMiddleware, EscalationTurnContext, CustomerAdapter } from './escalation/customerChannel';
export { LivePersonEscalationEvents, EscalationFailures } from './escalation/botEvents';
export type { EscalationFailure } from './escalation/botEvents';

export { ContactCenterConnector } from './core/contactCenterConnector';
export { TurnScope } from './core/turn';
export type { TurnRunner, VendorEvent, EventMapping } from './core/turn';
export type { PlainActivity, ChannelAccount, ConversationAccount, CardAction, Attachment, ConversationReference, ResourceResponse } from './core/activity';
export { createHandoffInitiation, createHandoffStatus, isHandoffInitiation, HandoffEventNames, HandoffStatusStates } from './core/handoff';
export type { HandoffState } from './core/handoff';
export type { StorageLike, StoreItems } from './core/storage';
export type { WebhookPipelineOptions } from './core/webhookOptions';
export type { WebhookRequest, WebhookResponse } from './core/http';
export type { InboxStore, InboxEvent, NewInboxEvent, AppendOptions, AppendResult, AppendRefusal, SendRecord, DeadLetter, InboxStats } from './core/inboxStore';
export { TAKEOVER_ERROR } from './core/inboxStore';
export { MemoryInboxStore } from './core/memoryInboxStore';
export { SqliteInboxStore } from './stores/sqliteInboxStore';
export type { SqliteInboxStoreOptions } from './stores/sqliteInboxStore';
export type { MemoryInboxStoreOptions } from './core/memoryInboxStore';
export type { InboxProcessingOptions } from './core/inboxProcessor';
export { openTelemetryMetrics } from './core/metrics';
export type { ContactCenterMetrics, MetricName, MetricAttributes, MeterLike } from './core/metrics';
export { BoundedMemoryStorage } from './core/boundedMemoryStorage';
export type { BoundedMemoryStorageOptions } from './core/boundedMemoryStorage';
export type { RetryOptions } from './core/retryPolicy';
export type { Logger, LogFields, PinoLike } from './core/logger';
export { consoleLogger, silentLogger, pinoLogger } from './core/logger';
export { findAdaptiveCardProblems, ADAPTIVE_CARD_CONTENT_TYPE } from './core/adaptiveCards';
export { toAdaptiveCard, submittedText, CARD_BUTTON_TEXT_KEY } from './core/cardConversion';
export type { AdaptiveCardConversion } from './core/cardConversion';
export { cardText } from './core/cardText';
export { enableQuickReplyPrompts, disableQuickReplyPrompts, QUICK_REPLY_PROMPT_CHANNELS } from './core/quickReplyPrompts';
export type { DialogsPackageName, DialogsCopyResult, EnableQuickReplyPromptsOptions, QuickReplyPromptLimits } from './core/quickReplyPrompts';
export {
    ContactCenterError,
    ConfigurationError,
    WebhookRequestError,
    VendorApiError,
    UnsupportedOperationError,
    ActivityMappingError,
    ConversationClosedError,
    ConversationNotReadyError,
} from './core/errors';
export { isPermanentFailure } from './core/eventFailures';
export type { EventFailure, EventFailureCounts } from './core/eventFailures';
