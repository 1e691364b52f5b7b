import type { ContactCenterMetrics } from '../core/metrics';
import type { Attachment } from '../core/activity';
import { ActivityMappingError, VendorApiError } from '../core/errors';
import { readContentUrl } from '../core/fileContent';
import { describeErrorBody, VendorHttpClient } from '../core/httpClient';
import { describeError, type Logger } from '../core/logger';
import type { RetryOptions } from '../core/retryPolicy';
import type { LivePersonClient } from './client';
import {
    contentTypeOfFileType,
    downloadableAttachment,
    hostedFileTypeOf,
    HOSTED_FILE_TYPES,
    isRelativePath,
    maskTempUrlSignature,
    previewOf,
    tempUrl,
    type HostedFileMessage,
    type HostedFileType,
} from './files';
import { HOSTED_FILE_CONTENT_TYPE, type InboundMapping } from './inboundMapper';
import type { LivePersonSendRequest } from './outboundMapper';
import type { LivePersonServiceDirectory } from './serviceDirectory';

/** Options of {@link LivePersonFileSharing}. */
export interface LivePersonFileSharingOptions {
    /** Largest file shared, in bytes (`maxAttachmentBytes`). */
    maxBytes: number;
    /** Deadline of one attempt of a fetch or upload (connection, headers, whole body), in ms (`requestTimeoutMs`). */
    timeoutMs: number;
    retry?: RetryOptions | undefined;
    logger: Logger;
    metrics?: ContactCenterMetrics | undefined;
}

/** A file of the bot's message, read and checked, ready to upload. */
export interface OutboundFileContent {
    bytes: Buffer;
    fileType: HostedFileType;
    preview?: string | undefined;
}

/**
 * LivePerson's file-sharing flow for the consumer the connector acts for
 * (https://developers.liveperson.com/messaging-window-api-tutorials-file-sharing.html):
 *
 * - bot → agent: read the bot's file (`core/fileContent.ts`: a `data:` URL or a credential-free fetch, capped) and check
 *   it, `ms.GenerateURLForUploadFile` (SEND, through {@link LivePersonClient}), `PUT https://{swift}{relativePath}?temp_url_sig=…`
 *   (binary, 201), then the `hosted/file` ContentEvent is complete;
 * - agent → bot: `ms.GenerateURLForDownloadFile` gives the temporary URL the bot's attachment points to.
 *
 * The swift host comes from CSDS (`swift`) or the `swiftUrl` option. The temporary URLs' signature (`temp_url_sig`)
 * grants access to the file: it never appears in an error or a log line.
 */
export class LivePersonFileSharing {
    /**
     * Uploads to the file storage: a client of their own (the storage's own pool, closed with the connector), with the
     * deadline per attempt and the budget of every vendor call. It knows the signatures of the uploads under way, to mask.
     */
    private readonly storage: VendorHttpClient;
    private readonly signatures = new Set<string>();

    constructor(
        private readonly client: LivePersonClient,
        private readonly services: LivePersonServiceDirectory,
        private readonly options: LivePersonFileSharingOptions
    ) {
        this.storage = new VendorHttpClient({
            vendor: 'liveperson',
            retry: options.retry,
            timeoutMs: options.timeoutMs,
            describeError: (body) => {
                const { code, message } = describeErrorBody(body);
                return { code, message: maskTempUrlSignature(message) };
            },
            secrets: () => [...this.signatures],
            logger: options.logger,
            metrics: options.metrics,
        });
    }

    /**
     * Reads and checks every file of a mapped activity, before any of its requests reaches LivePerson: an image that
     * cannot be read, is over the size limit or is not JPG, JPEG, PNG or GIF is an {@link ActivityMappingError}.
     */
    async readAll(requests: readonly LivePersonSendRequest[]): Promise<Map<LivePersonSendRequest, OutboundFileContent>> {
        const files = new Map<LivePersonSendRequest, OutboundFileContent>();
        for (const request of requests) if (request.file) files.set(request, await this.read(request));
        return files;
    }

    /** Uploads a read file and returns its `publishFile` request completed with the file's place, type and preview. */
    async upload(consumerId: string, publish: LivePersonSendRequest, content: OutboundFileContent): Promise<LivePersonSendRequest> {
        const upload = await this.client.generateUploadUrl(consumerId, { fileSize: content.bytes.length, fileType: content.fileType });
        await this.put(tempUrl(await this.services.baseUrl('swift'), upload), content, upload.queryParams.temp_url_sig);
        const event = publish.body.event as { message?: { caption?: unknown } };
        const caption = event.message?.caption;
        const message: HostedFileMessage = {
            ...(typeof caption === 'string' && caption !== '' ? { caption } : {}),
            relativePath: upload.relativePath,
            fileType: content.fileType,
            ...(content.preview ? { preview: content.preview } : {}),
        };
        const { file: _uploaded, ...request } = publish;
        return { ...request, body: { ...publish.body, event: { ...event, message } } };
    }

    /** The temporary URL (LivePerson's default lifetime: 1 minute) a hosted file can be downloaded from. */
    async downloadUrl(consumerId: string, relativePath: string): Promise<string> {
        const download = await this.client.generateDownloadUrl(consumerId, relativePath);
        return tempUrl(await this.services.baseUrl('swift'), download);
    }

    /**
     * The mapping with every file an agent shared made downloadable: the descriptor attachment becomes one with a
     * temporary `contentUrl`, its media type and name. When no URL can be generated (the conversation was not opened
     * by this connector, LivePerson refused) the descriptor stays and a warning is logged: the message is delivered.
     */
    async withDownloadUrls(mapping: InboundMapping, consumerId: string | undefined, conversationId: string): Promise<InboundMapping> {
        if (!mapping.activities.some((activity) => activity.attachments?.some(isHostedFile))) return mapping;
        const resolve = async (attachment: Attachment): Promise<Attachment> => {
            const descriptor = attachment.content as Record<string, unknown>;
            const relativePath = descriptor.relativePath;
            if (!consumerId || !isRelativePath(relativePath)) {
                const why = consumerId ? 'its relativePath is not usable' : 'this connector did not open the conversation, so it has no consumer to ask for it';
                this.options.logger.warn(
                    `liveperson: a file the agent shared in conversation ${conversationId} reaches the bot without a download URL: ${why}.`
                );
                return attachment;
            }
            try {
                return downloadableAttachment(descriptor, await this.downloadUrl(consumerId, relativePath));
            } catch (err) {
                this.options.logger.warn(
                    `liveperson: the agent's file ${relativePath} in conversation ${conversationId} reaches the bot without a download URL: ` +
                        maskTempUrlSignature(describeError(err))
                );
                return attachment;
            }
        };
        const activities = await Promise.all(
            mapping.activities.map(async (activity) =>
                activity.attachments?.some(isHostedFile)
                    ? { ...activity, attachments: await Promise.all(activity.attachments.map((a) => (isHostedFile(a) ? resolve(a) : a))) }
                    : activity
            )
        );
        return { ...mapping, activities };
    }

    /** Closes the connections to the file storage. */
    close(force = false): Promise<void> {
        return this.storage.close(force);
    }

    private async read(request: LivePersonSendRequest): Promise<OutboundFileContent> {
        const file = request.file!;
        const what = `LivePerson: attachment ${file.index}${file.name ? ` ("${file.name}")` : ''}`;
        let bytes: Buffer;
        try {
            ({ bytes } = await readContentUrl(file.contentUrl, this.options.maxBytes, this.storage.attemptDeadlineMs));
        } catch (err) {
            if (!(err instanceof ActivityMappingError)) throw err;
            const limit = /limit/.test(err.message) ? ' (maxAttachmentBytes; LivePerson hosts files up to 3 MB)' : '';
            throw new ActivityMappingError(`${what} cannot be shared: ${err.message.replace(/\.$/, '')}${limit}.`, { cause: err });
        }
        if (bytes.length === 0) throw new ActivityMappingError(`${what} is empty.`);
        const fileType = hostedFileTypeOf(bytes, file.declaredType);
        if (!fileType) {
            throw new ActivityMappingError(
                `${what} is declared as ${file.declaredType} but is not a ${HOSTED_FILE_TYPES.join(', ')} image; LivePerson hosts only these types.`
            );
        }
        return { bytes, fileType, preview: previewOf(bytes, fileType, file.thumbnailUrl) };
    }

    /**
     * PUT the bytes to the temporary upload URL (201), retrying network errors, 408, 429 and 5xx, each attempt within
     * `requestTimeoutMs` and all of them within `retry.budgetMs`. A failure names the storage's host, never the URL:
     * its query is the signature.
     */
    private async put(url: string, content: OutboundFileContent, signature: string): Promise<void> {
        this.signatures.add(signature);
        try {
            await this.storage.send({
                operation: 'uploadFile',
                method: 'PUT',
                url,
                headers: { 'content-type': contentTypeOfFileType(content.fileType) },
                body: content.bytes,
            });
        } catch (err) {
            if (err instanceof VendorApiError) err.message = `${err.message} (file storage ${new URL(url).host})`;
            throw err;
        } finally {
            this.signatures.delete(signature);
        }
    }
}

function isHostedFile(attachment: Attachment): boolean {
    return attachment.contentType === HOSTED_FILE_CONTENT_TYPE && !!attachment.content && typeof attachment.content === 'object';
}
