/** Local stand-ins for the vendors' servers: used by tests, the benchmark and people without an account. */
export { EightByEightSandbox } from './eightbyeight/eightByEightSandbox';
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
export { LivePersonSandbox } from './liveperson/livePersonSandbox';
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
export { SandboxPage } from './page/sandboxPage';
export type { SandboxPageOptions } from './page/sandboxPage';
export { listenOnLoopback, closeServer } from './httpServer';
