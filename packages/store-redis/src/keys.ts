/**
 * Key layout. Every key starts with the store's `keyPrefix` (default `bcc:`):
 *
 * | key | type | holds | lives |
 * |---|---|---|---|
 * | `i:<inbox>:ready` | sorted set | conversations with events; score = head due time, or lease expiry while leased (µs) | while any conversation has events |
 * | `i:<inbox>:pending` | string | events waiting or running | while > 0 |
 * | `i:<inbox>:seq` | string | last event id | always (a few bytes), so ids are never reused |
 * | `i:<inbox>:dead` | stream | dead letters (entry id = when) | `deadLetterTtlMs` after the last one; older entries trimmed |
 * | `i:<inbox>:q:<conversation>` | list | the conversation's event ids, head first | while it has events |
 * | `i:<inbox>:e:<conversation>` | hash | each event's body, meta and last error | while it has events |
 * | `i:<inbox>:l:<conversation>` | string | the lease holder | `leaseMs` unless renewed |
 * | `i:<inbox>:o:<owner>` | set | conversations the owner may hold (for `release(inbox, owner)`) | the longest lease |
 * | `i:<inbox>:d:<deduplication key>` | string | a claimed key | `deduplicationTtlMs` |
 * | `i:<inbox>:s:<event id>` | hash | send records by index | until the event settles, at most `storageTtlMs` |
 * | `st:<key>` | string | a Storage item `{"eTag","value"}` | `storageTtlMs` after its last write |
 * | `etag` | string | eTag counter | always |
 *
 * The inbox name is URI-encoded so it cannot contain `:`; conversation ids, owners and de-duplication keys come last
 * in their key, so any string is safe there.
 */
export class KeyLayout {
    constructor(readonly prefix: string) {}

    /** The base every key of one inbox starts with (`ARGV[1]` of the inbox scripts). */
    inboxBase(inbox: string): string {
        return `${this.prefix}i:${encodeURIComponent(inbox)}:`;
    }

    /** The five keys every inbox script takes (see `scripts/index.ts`). */
    inboxKeys(inbox: string): string[] {
        const base = this.inboxBase(inbox);
        return [`${base}ready`, `${base}pending`, `${base}seq`, `${base}dead`, this.etagCounter];
    }

    sendRecords(inbox: string, eventId: string): string {
        return `${this.inboxBase(inbox)}s:${eventId}`;
    }

    /** What precedes a Storage item's key. */
    get storagePrefix(): string {
        return `${this.prefix}st:`;
    }

    get etagCounter(): string {
        return `${this.prefix}etag`;
    }
}
