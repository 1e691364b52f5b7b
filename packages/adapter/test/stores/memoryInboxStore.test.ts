import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { describeInboxStoreConformance } from './conformance';

describeInboxStoreConformance('MemoryInboxStore', async () => {
    const store = new MemoryInboxStore();
    return { store, cleanup: () => store.close() };
});
