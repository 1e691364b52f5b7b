/**
 * Secrets stay masked when a vendor echoes them: a LivePerson error body that repeats the client secret, the AppJWT
 * and the ConsumerJWS (long after the first 200 characters, where cutting before masking would leak a token's start)
 * reaches neither the error the bot sees nor any log line. Over loopback against the LivePerson stand-in.
 */
import { expect } from 'chai';
import { LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { VendorApiError } from '../../src/core/errors';
import { capturingLogger, listen } from '../helpers';
import { hosts } from '../hosts';

const SECRET = 'lp-masking-secret-0c4b1a9e7f';

for (const host of hosts) {
    describe(`secrets are masked before any cut, LivePerson (${host.name})`, function () {
        this.timeout(15000);

        it('an error body repeating the client secret, the AppJWT and the ConsumerJWS leaves none of them in the error or the logs', async () => {
            const sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            const csdsUrl = await sandbox.start();
            const logger = capturingLogger();
            const adapter = new host.LivePersonAdapter({
                accountId: sandbox.accountId,
                clientId: sandbox.clientId,
                clientSecret: SECRET,
                csdsUrl,
                logger,
                retry: { maxAttempts: 1 },
            });
            const server = await listen((req, res) => void adapter.process(req, res, async () => undefined));
            sandbox.webhookUrl = `${server.url}/api/liveperson/webhook`;
            try {
                const reference = await adapter.openConversation({ consumerId: 'masked-consumer' });
                let tokens: string[] = [];
                // A gateway that repeats the request's credentials back, after 300 characters of padding.
                sandbox.injectFault({
                    path: /\/conversation\/send/,
                    status: 400,
                    body: ({ headers }) => {
                        tokens = [String(headers.authorization), String(headers['x-lp-on-behalf'])];
                        const echoed = `${'x'.repeat(300)} auth=${tokens[0]} jws=${tokens[1]} secret=${SECRET}`;
                        return { kind: 'resp', reqId: '1', code: 400, body: { title: echoed, details: echoed, errorCode: 400 } };
                    },
                });
                let error: unknown;
                await host.continueConversation(adapter, reference, async (context) => {
                    await context.sendActivity('hello').catch((err: unknown) => (error = err));
                });
                expect(error).to.be.instanceOf(VendorApiError);
                expect(tokens.every((token) => token.length > 20)).to.equal(true);
                const seen = [String((error as Error).message), JSON.stringify(error), ...logger.lines];
                for (const secret of [SECRET, ...tokens]) {
                    for (const text of seen) expect(text).not.to.include(secret);
                    // Nor its first 20 characters (what cutting before masking would leave).
                    for (const text of seen) expect(text).not.to.include(secret.slice(0, 20));
                }
            } finally {
                await server.close();
                await adapter.close();
                await sandbox.stop();
            }
        });
    });
}
