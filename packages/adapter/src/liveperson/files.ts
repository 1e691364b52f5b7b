/**
 * LivePerson hosted files, pure: which of the bot's attachments can be shared as a `hosted/file`, what their bytes
 * are, the message that publishes them, and the attachment a bot receives for a file an agent shared. No I/O: the
 * upload and download flow is in `fileSharing.ts`.
 *
 * Vendor facts (https://developers.liveperson.com/messaging-window-api-tutorials-file-sharing.html, the Connector
 * API's "File sharing"): the supported file types are JPG, JPEG, PNG and GIF; each file can be up to 3 MB and the
 * preview must be under 30 KB; caption and preview (a thumbnail) are optional; the file lives in LivePerson's storage
 * (`swift`) under a `relativePath` and is reached with temporary URLs signed by `temp_url_sig` and `temp_url_expires`.
 */
import type { Attachment } from '../core/activity';

/** The file types LivePerson hosts ("The supported file types are JPG, JPEG, PNG, and GIF"). */
export const HOSTED_FILE_TYPES = ['JPG', 'JPEG', 'PNG', 'GIF'] as const;

/** A file type LivePerson hosts. */
export type HostedFileType = (typeof HOSTED_FILE_TYPES)[number];

/**
 * LivePerson's largest hosted file: "each file can be up to 3MB", read as 3,000,000 bytes (the smaller reading, so the
 * adapter never sends a file LivePerson could refuse). The adapter's default `maxAttachmentBytes`.
 */
export const LIVEPERSON_MAX_FILE_BYTES = 3_000_000;

/** "The preview must be under 30KB": the longest preview (a `data:` URL) sent, in characters, read as 30,000. */
export const PREVIEW_MAX_LENGTH = 30_000;

/** `event.message` of a `hosted/file` ContentEvent, in the order LivePerson's examples give the fields. */
export interface HostedFileMessage {
    caption?: string;
    relativePath: string;
    fileType: string;
    /** A small image as a `data:` URL, under 30 KB. */
    preview?: string;
}

/** The answer of `ms.GenerateURLForUploadFile` / `ms.GenerateURLForDownloadFile`: where the file is and its temporary URL's signature. */
export interface LivePersonTempUrl {
    relativePath: string;
    queryParams: { temp_url_sig: string; temp_url_expires: string };
}

const CONTENT_TYPES: Record<string, string> = {
    JPG: 'image/jpeg',
    JPEG: 'image/jpeg',
    PNG: 'image/png',
    GIF: 'image/gif',
    // Agents' workspaces may share more than consumers may upload.
    PDF: 'application/pdf',
};

/** The media type of a LivePerson `fileType` (`JPG` → `image/jpeg`); `application/octet-stream` when unknown. */
export function contentTypeOfFileType(fileType: string): string {
    return CONTENT_TYPES[fileType.toUpperCase()] ?? 'application/octet-stream';
}

/**
 * The hosted file type an attachment declares, or undefined when it is not a file LivePerson can host: a file is an
 * attachment with an http(s) or `data:` `contentUrl` and no inline `content` (cards have content); its type comes from
 * the `data:` URL's media type, else its `contentType`, else the extension of its name or URL path.
 */
export function declaredHostedFileType(attachment: Attachment): HostedFileType | undefined {
    const url = attachment.contentUrl;
    if (typeof url !== 'string' || attachment.content !== undefined) return undefined;
    const data = url.match(/^data:([^;,]*)/i);
    if (!data && !/^https?:\/\//i.test(url)) return undefined;
    const mediaType = (data ? data[1] : (attachment.contentType ?? '')).trim().toLowerCase();
    const extension = (attachment.name ?? (data ? '' : pathOf(url))).match(/\.([a-z0-9]+)$/i)?.[1]?.toUpperCase();
    const byMediaType = fileTypeOfMediaType(mediaType);
    // A JPEG's name says "jpg" or "jpeg": keep the bot's word for it.
    if (byMediaType === 'JPEG' && (extension === 'JPG' || extension === 'JPEG')) return extension;
    if (byMediaType || data) return byMediaType;
    // No media type to go by: the extension.
    if (mediaType === '' || mediaType === 'application/octet-stream') return HOSTED_FILE_TYPES.find((t) => t === extension);
    return undefined;
}

function fileTypeOfMediaType(mediaType: string): HostedFileType | undefined {
    switch (mediaType) {
        case 'image/jpeg':
        case 'image/jpg':
        case 'image/pjpeg':
            return 'JPEG';
        case 'image/png':
            return 'PNG';
        case 'image/gif':
            return 'GIF';
        default:
            return undefined;
    }
}

function pathOf(url: string): string {
    try {
        return new URL(url).pathname;
    } catch {
        return '';
    }
}

/** The type the bytes really are (their magic numbers): PNG, JPEG or GIF; undefined for anything else. */
export function sniffHostedFileType(bytes: Buffer): 'PNG' | 'JPEG' | 'GIF' | undefined {
    if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'PNG';
    if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
    if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'GIF';
    return undefined;
}

/**
 * The `fileType` to publish: what the bytes are, in the attachment's own words for a JPEG (`JPG` or `JPEG`).
 * Undefined when the bytes are no image LivePerson hosts.
 */
export function hostedFileTypeOf(bytes: Buffer, declared: HostedFileType): HostedFileType | undefined {
    const actual = sniffHostedFileType(bytes);
    if (actual === 'JPEG' && (declared === 'JPG' || declared === 'JPEG')) return declared;
    return actual;
}

/**
 * The preview of a hosted file: the attachment's `thumbnailUrl` when it is a `data:` image URL under the limit, else
 * the image itself as a `data:` URL when that is under the limit, else none (LivePerson's preview is optional, and
 * the adapter does not resize images).
 */
export function previewOf(bytes: Buffer, fileType: HostedFileType, thumbnailUrl?: string): string | undefined {
    if (typeof thumbnailUrl === 'string' && /^data:image\/[a-z.+-]+;base64,/i.test(thumbnailUrl) && thumbnailUrl.length < PREVIEW_MAX_LENGTH) {
        return thumbnailUrl;
    }
    // Base64 makes 4 characters of 3 bytes: skip the encoding when it cannot fit.
    if (Math.ceil(bytes.length / 3) * 4 >= PREVIEW_MAX_LENGTH) return undefined;
    const preview = `data:${contentTypeOfFileType(fileType)};base64,${bytes.toString('base64')}`;
    return preview.length < PREVIEW_MAX_LENGTH ? preview : undefined;
}

/** A relative path as LivePerson gives them (`/v1/AUTH_async-images/…/name.PNG`): absolute, no query, no `..`. */
export function isRelativePath(path: unknown): path is string {
    return typeof path === 'string' && /^\/[^?#\s\\]+$/.test(path) && !path.split('/').includes('..');
}

/** The temporary URL of a file: `{swift}{relativePath}?temp_url_sig=…&temp_url_expires=…`. */
export function tempUrl(swiftBaseUrl: string, temp: LivePersonTempUrl): string {
    const { temp_url_sig: sig, temp_url_expires: expires } = temp.queryParams;
    return `${swiftBaseUrl}${temp.relativePath}?temp_url_sig=${encodeURIComponent(sig)}&temp_url_expires=${encodeURIComponent(expires)}`;
}

/** `text` with every temporary URL signature replaced by `***` (the signature grants access to the file). */
export function maskTempUrlSignature(text: string): string {
    return text.replace(/(temp_url_sig=)[^&\s"']+/gi, '$1***');
}

/** The file name of a relative path (its last segment), or `file.<type>` when it has none. */
export function fileNameOf(relativePath: string, fileType: string): string {
    return relativePath.split('/').pop() || `file.${fileType.toLowerCase() || 'bin'}`;
}

/**
 * The attachment a bot receives for a file an agent shared, once its temporary download URL is known: `contentType`
 * from the file type (`image/jpeg`…), `contentUrl` the temporary URL (LivePerson's default lifetime: 1 minute), `name`
 * from the relative path, the preview as `thumbnailUrl`. LivePerson's descriptor stays in the activity's `channelData`.
 */
export function downloadableAttachment(descriptor: Record<string, unknown>, contentUrl: string): Attachment {
    const fileType = typeof descriptor.fileType === 'string' ? descriptor.fileType : '';
    const relativePath = typeof descriptor.relativePath === 'string' ? descriptor.relativePath : '';
    return {
        contentType: contentTypeOfFileType(fileType),
        contentUrl,
        name: fileNameOf(relativePath, fileType),
        ...(typeof descriptor.preview === 'string' && descriptor.preview.startsWith('data:') ? { thumbnailUrl: descriptor.preview } : {}),
    };
}
