import { request } from 'undici';
import { withDeadline } from './deadline';
import { ActivityMappingError } from './errors';

/** Bytes and type of a file an outbound attachment points to. */
export interface FileContent {
    bytes: Buffer;
    contentType: string;
}

/**
 * Reads the file behind an attachment's `contentUrl`: a `data:` URL is decoded, an http(s) URL is fetched with no
 * credentials (the vendor's API key is never sent to it). Other schemes are refused.
 *
 * Bounded like a vendor call: the fetch has one deadline, `deadlineMs`, for the connection, the headers and the whole
 * body ({@link withDeadline}), so a file server that hangs or trickles its answer a byte at a time is cut off at it; and
 * at most `maxBytes` are read: a declared `content-length` over the cap is refused before the body, an undeclared one
 * as soon as the bytes read pass it (the connection is closed, the rest never read). Errors name the URL's host only:
 * its path and query may be a pre-signed URL's signature.
 */
export async function readContentUrl(contentUrl: string, maxBytes: number, deadlineMs = 10_000): Promise<FileContent> {
    const data = contentUrl.match(/^data:([^;,]*)(;base64)?,(.*)$/s);
    if (data) {
        const bytes = data[2] ? Buffer.from(data[3], 'base64') : Buffer.from(decodeURIComponent(data[3]), 'utf8');
        if (bytes.length > maxBytes) throw new ActivityMappingError(`The attachment is ${bytes.length} bytes, over the ${maxBytes}-byte limit.`);
        return { bytes, contentType: data[1] || 'application/octet-stream' };
    }
    const url = httpUrl(contentUrl);
    if (!url) throw new ActivityMappingError('An attachment contentUrl must be an http(s) or data: URL.');
    try {
        return await withDeadline(deadlineMs, (signal) => fetchCapped(contentUrl, url.host, maxBytes, signal));
    } catch (err) {
        if (err instanceof ActivityMappingError) throw err;
        // The deadline's reason ("no complete answer within … ms") or a network error; never the URL beyond its host.
        const e = err as { code?: unknown; message?: unknown };
        const why = [typeof e?.code === 'string' ? e.code : '', String(e?.message ?? err)].filter(Boolean).join(' ');
        const safe = why.split(contentUrl).join(url.host).split(url.href).join(url.host);
        throw new ActivityMappingError(`The attachment at ${url.host} could not be fetched: ${safe}`);
    }
}

/** One GET of `contentUrl`, its body read within `signal` and the byte cap. */
async function fetchCapped(contentUrl: string, host: string, maxBytes: number, signal: AbortSignal): Promise<FileContent> {
    const response = await request(contentUrl, { method: 'GET', signal });
    if (response.statusCode < 200 || response.statusCode >= 300) {
        // dump() reads at most 128 KB of it, within the same deadline.
        await response.body.dump();
        throw new ActivityMappingError(`The attachment at ${host} could not be fetched: HTTP ${response.statusCode}.`);
    }
    const overLimit = () => new ActivityMappingError(`The attachment at ${host} is over the ${maxBytes}-byte limit.`);
    if (Number(firstHeader(response.headers['content-length'])) > maxBytes) {
        response.body.destroy();
        throw overLimit();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
            response.body.destroy();
            throw overLimit();
        }
        chunks.push(chunk as Buffer);
    }
    return { bytes: Buffer.concat(chunks, size), contentType: firstHeader(response.headers['content-type']) ?? 'application/octet-stream' };
}

function httpUrl(text: string): URL | undefined {
    if (!/^https?:\/\//i.test(text)) return undefined;
    try {
        return new URL(text);
    } catch {
        return undefined;
    }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
    return Array.isArray(value) ? value[0] : value;
}
