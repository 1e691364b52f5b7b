import { describeErrorBody, type VendorErrorDescription } from '../core/httpClient';

/**
 * Reads a LivePerson error body: UMS / SEND API responses (`{kind:'resp', code, body:{errorCode, title, details}}` or
 * `{code, body:'…'}`), else the shapes {@link describeErrorBody} reads (Sentinel's OAuth errors, `{code, message}`).
 */
export function describeLivePersonError(body: unknown): VendorErrorDescription {
    if (!body || typeof body !== 'object') return describeErrorBody(body);
    const b = body as Record<string, any>;
    if (b.kind === 'resp' || (b.reqId !== undefined && b.code !== undefined)) {
        const inner = b.body;
        if (inner && typeof inner === 'object') {
            const text = [inner.title, inner.details ?? inner.msg].filter(Boolean).join(': ');
            return { code: String(inner.errorCode ?? b.code), message: String(text) };
        }
        return { code: String(b.code), message: typeof inner === 'string' ? inner : '' };
    }
    return describeErrorBody(body);
}
