import { z } from 'zod';
import { botAccount, httpUrl, integerFrom, nonEmptyString, pipelineOptionsShape, requiredString, validateOptions } from '../core/optionSchemas';
import { isWellFormedText } from '../core/safeText';
import type { WebhookPipelineOptions } from '../core/webhookOptions';
import { LIVEPERSON_MAX_FILE_BYTES } from './files';

/** How the adapter shows an outbound Adaptive Card to the LivePerson agent. */
export type LivePersonCardRendering = 'structuredContent' | 'text';

/** How the adapter shows the bot's image files to the LivePerson agent. */
export type LivePersonFileRendering = 'hostedFile' | 'text';

/** How the adapter shows the bot's suggested actions to the LivePerson agent. */
export type LivePersonSuggestedActionsRendering = 'text' | 'quickReplies';

/**
 * Options of {@link LivePersonAdapter}.
 *
 * The three credentials come from the LivePerson app installation that carries the webhooks
 * (Connector App Hub, https://developers.liveperson.com/connector-api-webhooks-configuration.html):
 * its `client_id` and `client_secret`, and the brand's account id.
 *
 * @example
 * ```ts
 * const adapter = new LivePersonAdapter({
 *     accountId: process.env.LIVEPERSON_ACCOUNT_ID!,
 *     clientId: process.env.LIVEPERSON_CLIENT_ID!,
 *     clientSecret: process.env.LIVEPERSON_CLIENT_SECRET!,
 *     skillId: '1234567890',
 * });
 * ```
 */
export interface LivePersonAdapterOptions extends WebhookPipelineOptions {
    /** The LivePerson account (brand) id. Webhooks whose `x-liveperson-account-id` differs are refused with 403. */
    accountId: string;
    /**
     * The app installation's `client_id`: used for the AppJWT and checked against `x-liveperson-client-id` (403).
     * https://developers.liveperson.com/connector-api-send-api-authorization-and-authentication.html
     */
    clientId: string;
    /** The app installation's `client_secret`: used for the AppJWT and as the webhook signature key. Never logged. */
    clientSecret: string;
    /**
     * The Domain API (CSDS) that resolves the account's service hosts. Default `https://api.liveperson.net`.
     * Resolved hosts are called over https; over http only when this URL is an http loopback URL (local stand-ins).
     * https://developers.liveperson.com/essential-resources-domain-api.html
     */
    csdsUrl?: string | undefined;
    /** Full base URL of Sentinel (AppJWT), replacing its CSDS lookup (`sentinel`), e.g. for a private cloud or a stand-in. */
    sentinelUrl?: string | undefined;
    /** Full base URL of the IdP (ConsumerJWS), replacing its CSDS lookup (`idp`). */
    idpUrl?: string | undefined;
    /** Full base URL of the messaging service (CONVERSATION and SEND), replacing its CSDS lookup (`asyncMessagingEnt`). */
    messagingUrl?: string | undefined;
    /**
     * Full base URL of the file storage that hosted files go to and come from with temporary URLs, replacing its
     * CSDS lookup (`swift`).
     * https://developers.liveperson.com/messaging-window-api-tutorials-file-sharing.html
     */
    swiftUrl?: string | undefined;
    /**
     * Verify `x-liveperson-signature` (HMAC of the raw body with the client secret, `sha1=` or `sha256=`, Base64 or hex).
     * Default true. Turning it off lets anyone who knows the URL drive the bot; a warning is logged at start-up.
     * https://developers.liveperson.com/connector-api-webhooks-notification-protocol.html
     */
    verifySignatures?: boolean | undefined;
    /** Skill a new conversation is routed to when `openConversation` names none. */
    skillId?: string | undefined;
    /**
     * Skill `handoff.initiate` re-routes the consumer to when the handoff context names none (a human skill). The
     * consumer side cannot transfer, so a handoff closes the conversation and opens one on this skill for the same
     * consumer, with the collected details and the transcript; the bot keeps its conversation id.
     */
    handoffSkillId?: string | undefined;
    /** Campaign a new conversation is routed by when `openConversation` names none (LivePerson's recommended routing). */
    campaignInfo?: { campaignId: string; engagementId: string };
    /**
     * Sent as `Client-Properties` features on CONVERSATION and every SEND, so agents may send this consumer
     * quick replies and structured content. Default `['RICH_CONTENT', 'QUICK_REPLIES']`; `[]` sends no header.
     * https://developers.liveperson.com/connector-api-send-api-examples.html
     */
    clientFeatures?: string[] | undefined;
    /**
     * How the bot's cards reach the agent. `text` (default): as readable text, because the Connector API lets a
     * consumer publish text, files, chat state, metadata, close and CSAT — not structured content
     * (https://developers.liveperson.com/connector-api-overview.html). `structuredContent`: Adaptive and hero cards
     * whose elements all have an equivalent go as a `RichContentEvent` (the others as text) — only for accounts known
     * to accept consumer structured content.
     */
    cardRendering?: LivePersonCardRendering | undefined;
    /**
     * How the bot's suggested actions (prompt choices) reach the agent. `text` (default): a bulleted list under the
     * message, which the agent answers by typing the choice (prompts recognise it). `quickReplies`:
     * LivePerson quick replies on the consumer's ContentEvent — only for accounts known to accept them from consumers.
     */
    suggestedActionsRendering?: LivePersonSuggestedActionsRendering | undefined;
    /**
     * How the bot's image files (attachments with an https or `data:` `contentUrl` of type JPG, JPEG, PNG or GIF)
     * reach the agent. `hostedFile` (default): uploaded to LivePerson's file storage and published as a `hosted/file`
     * message the agent sees as an image (the account needs the site setting `messaging.file.sharing.enabled`).
     * `text`: their name and https URL as text, as for every other file.
     * https://developers.liveperson.com/messaging-window-api-tutorials-file-sharing.html
     */
    fileRendering?: LivePersonFileRendering | undefined;
    /**
     * Largest image the bot may share as a hosted file, in bytes; a larger one is refused with `ActivityMappingError`
     * before any call to LivePerson. Default 3,000,000: LivePerson's limit ("each file can be up to 3MB").
     */
    maxAttachmentBytes?: number | undefined;
    /**
     * Acknowledge each agent message with AcceptStatusEvent ACCEPT then READ, sent while the bot's turn for it runs
     * (they need nothing from the turn; a close in that turn waits for them). Default true.
     */
    sendReadReceipts?: boolean | undefined;
    /** The bot's account in activities (`recipient` of inbound, `from` of outbound). Default `{ id: 'liveperson-connector', name: 'Bot' }`. */
    botAccount?: { id: string; name?: string };
}

/** Options with defaults applied. */
export type ResolvedLivePersonOptions = LivePersonAdapterOptions & {
    csdsUrl: string;
    verifySignatures: boolean;
    clientFeatures: string[];
    cardRendering: LivePersonCardRendering;
    suggestedActionsRendering: LivePersonSuggestedActionsRendering;
    fileRendering: LivePersonFileRendering;
    maxAttachmentBytes: number;
    sendReadReceipts: boolean;
    botAccount: { id: string; name?: string };
};

const credential = requiredString('is required (from the LivePerson app installation)').refine(isWellFormedText, 'must be well-formed Unicode text');

const optionsSchema = z
    .object({
        ...pipelineOptionsShape,
        accountId: credential,
        clientId: credential,
        clientSecret: credential,
        csdsUrl: httpUrl.optional(),
        sentinelUrl: httpUrl.optional(),
        idpUrl: httpUrl.optional(),
        messagingUrl: httpUrl.optional(),
        swiftUrl: httpUrl.optional(),
        skillId: nonEmptyString.optional(),
        handoffSkillId: nonEmptyString.optional(),
        campaignInfo: z
            .object(
                { campaignId: requiredString('is required (a string)'), engagementId: requiredString('is required (a string)') },
                { invalid_type_error: 'must be { campaignId, engagementId } (strings)' }
            )
            .passthrough()
            .optional(),
        verifySignatures: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
        clientFeatures: z.array(z.string().min(1), { invalid_type_error: 'must be a list of feature names' }).optional(),
        cardRendering: z.enum(['structuredContent', 'text'], { errorMap: () => ({ message: 'must be "structuredContent" or "text"' }) }).optional(),
        suggestedActionsRendering: z.enum(['text', 'quickReplies'], { errorMap: () => ({ message: 'must be "text" or "quickReplies"' }) }).optional(),
        fileRendering: z.enum(['hostedFile', 'text'], { errorMap: () => ({ message: 'must be "hostedFile" or "text"' }) }).optional(),
        maxAttachmentBytes: integerFrom(1).optional(),
        sendReadReceipts: z.boolean({ invalid_type_error: 'must be true or false' }).optional(),
        botAccount: botAccount.optional(),
    })
    .passthrough();

const trimSlashes = (url: string | undefined) => url?.replace(/\/+$/, '');

/** Validates the options (throwing {@link ConfigurationError} naming the option) and applies defaults. */
export function resolveLivePersonOptions(options: LivePersonAdapterOptions): ResolvedLivePersonOptions {
    validateOptions('LivePersonAdapter', optionsSchema, options, '{ accountId, clientId, clientSecret, ... }');
    return {
        ...options,
        csdsUrl: trimSlashes(options.csdsUrl) ?? 'https://api.liveperson.net',
        sentinelUrl: trimSlashes(options.sentinelUrl),
        idpUrl: trimSlashes(options.idpUrl),
        messagingUrl: trimSlashes(options.messagingUrl),
        swiftUrl: trimSlashes(options.swiftUrl),
        verifySignatures: options.verifySignatures ?? true,
        clientFeatures: options.clientFeatures ?? ['RICH_CONTENT', 'QUICK_REPLIES'],
        cardRendering: options.cardRendering ?? 'text',
        suggestedActionsRendering: options.suggestedActionsRendering ?? 'text',
        fileRendering: options.fileRendering ?? 'hostedFile',
        maxAttachmentBytes: options.maxAttachmentBytes ?? LIVEPERSON_MAX_FILE_BYTES,
        sendReadReceipts: options.sendReadReceipts ?? true,
        botAccount: options.botAccount ?? { id: 'liveperson-connector', name: 'Bot' },
    };
}
