import { describeErrorBody, type VendorErrorDescription } from '../core/httpClient';

/**
 * Reads an 8x8 error body: the API gateway's `fault` bodies for rejected keys (`{fault: {faultstring, detail:
 * {errorcode}}}`), else the problem+json shapes the Chat Gateway answers with ({@link describeErrorBody}).
 */
export function describeEightByEightError(body: unknown): VendorErrorDescription {
    const fault = (body as { fault?: { faultstring?: unknown; detail?: { errorcode?: unknown } } } | undefined)?.fault;
    if (fault && typeof fault === 'object') {
        const code = fault.detail?.errorcode;
        return { code: code === undefined ? undefined : String(code), message: String(fault.faultstring ?? '') };
    }
    return describeErrorBody(body);
}
