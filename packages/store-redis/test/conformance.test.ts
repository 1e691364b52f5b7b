// The shared suite of every InboxStore rule, from the adapter's tests (test code, not part of its published API).
import { describeInboxStoreConformance } from '../../adapter/test/stores/conformance';
import { storeOn } from './helpers';
import { RedisServer } from './redisServer';

describe('RedisInboxStore', () => {
    let server: RedisServer;

    before(async () => {
        server = await RedisServer.start();
    });
    after(async () => {
        await server.dispose();
    });

    // Each test gets a fresh key prefix on the one server: an empty store, without a FLUSHDB between tests.
    describeInboxStoreConformance('RedisInboxStore', async () => {
        const store = storeOn(server);
        return { store, cleanup: () => store.close() };
    });
});
