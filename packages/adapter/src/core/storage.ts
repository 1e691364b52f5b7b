/**
 * The Storage contract the vendor core needs: the structural shape of botbuilder's `Storage` and the Agents SDK's
 * `Storage` (`read`/`write`/`delete`, optimistic concurrency by `eTag`). Either SDK's implementations (Memory, Blob,
 * Cosmos DB…) plug in unchanged.
 */

/** Items by key; an item's `eTag` is the version it was read at (`'*'` or absent writes unconditionally). */
export interface StoreItems {
    [key: string]: any;
}

/** A key-value store with eTags (see the file comment). */
export interface StorageLike {
    read(keys: string[]): Promise<StoreItems>;
    write(changes: StoreItems): Promise<void>;
    delete(keys: string[]): Promise<void>;
}
