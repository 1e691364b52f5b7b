import { request } from 'undici';
import { ActivityMappingError } from './errors';

/** Bytes and type of a file an outbound attachment points to. */
export interface FileContent {
    bytes: Buffer;
    contentType: string;
}

/**
 * Reads the file behind an attachment's `contentUrl`: a `data:` URL is decoded, an http(s) URL is fetched with no
 * credentials (the vendor's API key is never sent to it). At most `maxBytes`; other schemes are refused.
 */
export async function readContentUrl(contentUrl: string, maxBytes: number, timeoutMs = 10_000): Promise<FileContent> {
    const data = contentUrl.match(/^data:([^;,]*)(;base64)?,(.*)$/s);
    if (data) {
        const bytes = data[2] ? Buffer.from(data[3], 'base64') : Buffer.from(decodeURIComponent(data[3]), 'utf8');
        if (bytes.length > maxBytes) throw new ActivityMappingError(`The attachment is ${bytes.length} bytes, over the ${maxBytes}-byte limit.`);
        return { bytes, contentType: data[1] || 'application/octet-stream' };
    }
    if (!/^https?:\/\//i.test(contentUrl)) {
        throw new ActivityMappingError('An attachment contentUrl must be an http(s) or data: URL.');
    }
    const host = new URL(contentUrl).host;
    let response;
    try {
        response = await request(contentUrl, { method: 'GET', headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    } catch (err) {
        throw new ActivityMappingError(`The attachment at ${host} could not be fetched: ${(err as Error).message}`);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        throw new ActivityMappingError(`The attachment at ${host} could not be fetched: HTTP ${response.statusCode}.`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
            response.body.destroy();
            throw new ActivityMappingError(`The attachment at ${host} is over the ${maxBytes}-byte limit.`);
        }
        chunks.push(chunk as Buffer);
    }
    const type = response.headers['content-type'];
    return { bytes: Buffer.concat(chunks, size), contentType: (Array.isArray(type) ? type[0] : type) ?? 'application/octet-stream' };
}
