/** Copy-as-curl for the inspector's webhooks. */

/** `curl` that posts the same bytes with the same headers (the vendor's signature included; credentials never are). */
export function curlCommand(url: string, headers: Record<string, string>, body: string): string {
    const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
    const skip = new Set(['content-length', 'host', 'connection']);
    return [
        `curl -i -X POST ${quote(url)}`,
        ...Object.entries(headers)
            .filter(([name]) => !skip.has(name.toLowerCase()))
            .map(([name, value]) => `-H ${quote(`${name}: ${value}`)}`),
        `--data-binary ${quote(body)}`,
    ].join(' \\\n  ');
}
