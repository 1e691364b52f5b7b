/** Local stand-ins for the vendors' servers: used by tests, the benchmark and people without an account. */
export { EightByEightSandbox, EIGHTBYEIGHT_REDELIVERY } from './eightbyeight/eightByEightSandbox';
export type {
    EightByEightSandboxOptions,
    SandboxConversation,
    SandboxMessage,
    DeliverOptions,
    DeliveryResult,
    SignatureMode,
} from './eightbyeight/eightByEightSandbox';
export { SigningKey } from './eightbyeight/webhookSigner';
export { RequestRecorder } from './recorder';
export type { RecordedRequest, FaultSpec } from './recorder';
export { StandInServer } from './httpServer';
export type { StandInRequest, StandInResponse, StandInHandler } from './httpServer';
export { LivePersonSandbox, LIVEPERSON_REDELIVERY } from './liveperson/livePersonSandbox';
export type {
    LivePersonSandboxOptions,
    LivePersonSandboxConversation,
    LivePersonSandboxEvent,
    LivePersonSandboxFile,
    LivePersonDeliverOptions,
    LivePersonDeliveryResult,
    LivePersonSignatureMode,
} from './liveperson/livePersonSandbox';
export { VendorStandIn } from './vendorStandIn';
export type { RedeliveryOptions, RedeliveryPolicy, SentWebhook, WebhookTag } from './webhookDelivery';
export { FAULT_KINDS, AFTER_ACTING_KINDS } from './faultRate';
export type { FaultKind, FaultRateOptions, InjectedFault } from './faultRate';
export { SandboxPage } from './page/sandboxPage';
export type { SandboxPageOptions } from './page/sandboxPage';
export { WebChatStandIn } from './page/webChat';
export type { WebChatConversation, WebChatEntry, WebChatOptions } from './page/webChat';
export { TrafficLog, DEDUP_WATCH_MS } from './inspector/trafficLog';
export type { TrafficEntry, WebhookEntry, CallEntry } from './inspector/trafficLog';
export { SecretMasker } from './inspector/masking';
export { EightByEightSource } from './inspector/eightByEightSource';
export { LivePersonSource } from './inspector/livePersonSource';
export type { VendorSource } from './inspector/source';
export { listenOnLoopback, closeServer } from './httpServer';
export { BotConnectorStandIn } from './botConnector/botConnectorStandIn';
export type { PostedActivity } from './botConnector/botConnectorStandIn';
