/**
 * The sandbox page's protocol inspector, end to end in a real browser against `npm start` (the echo bot behind both
 * adapters, the embedded stand-ins): the webhooks and vendor calls of a conversation, a replay the bot de-duplicates,
 * a tampered webhook it refuses with 401, an injected 503 the adapter retries, and no credential anywhere on the page.
 *
 * `SANDBOX_DOCS_SCREENSHOT=1` also writes the inspector's screenshot to docs/images/sandbox-inspector.png (the README's).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ROOT } from '../helpers';
import { SHOTS, openSandbox, type OpenSandbox } from './browser';

describe('sandbox page: the protocol inspector in a real browser (npm start)', function () {
    this.timeout(90_000);
    let sandbox: OpenSandbox;
    let page: Page;
    /** The inspector's id of the customer's "hello inspector" MESSAGE webhook. */
    let messageId: string;

    before(async () => {
        sandbox = await openSandbox();
        page = sandbox.page;
    });

    after(async () => {
        await sandbox?.close();
        expect(sandbox?.problems, 'errors, console warnings and failed requests in the page').to.deep.equal([]);
    });

    const eightChat = () => page.locator('#eight-chat');
    const entries = () => page.locator('#inspector-list [data-testid=inspector-entry]');
    const entry = (what: string, status: string) =>
        entries()
            .filter({ has: page.locator('.what', { hasText: what }) })
            .filter({ has: page.locator('.status', { hasText: status }) });
    const sayAsCustomer = async (text: string) => {
        await page.locator('#eight-input').fill(text);
        await page.locator('#eight-input').press('Enter');
    };
    const selectedConversation = () => page.locator('#eight-tabs .tab.active').getAttribute('data-conversation');

    it("lists the conversation's webhooks and the vendor calls the bot made, live, with the detail of each", async () => {
        await page.locator('#eight-new').click();
        await eightChat().locator('.message.bot', { hasText: 'Hello! I echo what you say.' }).waitFor();
        await sayAsCustomer('hello inspector');
        await eightChat().locator('.message.bot', { hasText: 'Echo: hello inspector' }).waitFor();
        const conversationId = (await selectedConversation())!;
        await page.locator('#inspector-conversation').selectOption(conversationId);

        const webhook = entries().filter({ hasText: 'user: hello inspector' });
        await webhook.waitFor();
        expect(await webhook.locator('.what').textContent()).to.equal('MESSAGE');
        expect(await webhook.locator('.status').textContent()).to.equal('200');
        await entry('typing', '204').first().waitFor();
        await entry('send message', '202').first().waitFor();
        messageId = (await webhook.getAttribute('data-id'))!;

        await webhook.click();
        const detail = page.locator('#inspector-detail');
        await detail.locator('[data-testid=signature-verdict]', { hasText: '✓ Valid: RS256' }).waitFor();
        expect(await detail.locator('[data-testid=bot-answer]').textContent()).to.match(/^200 in \d+ ms$/);
        await detail.locator('.json-string', { hasText: '"hello inspector"' }).waitFor();
        await detail.locator('#copy-curl').click();
        const curl = (await detail.locator('[data-testid=curl]').textContent())!;
        expect(curl).to.match(/^curl -i -X POST 'http:\/\/127\.0\.0\.1:\d+\/api\/8x8\/webhook'/);
        expect(curl).to.include("-H 'x-8x8-event-id: ").and.include("-H 'x-8x8-signature: ").and.include('hello inspector');

        await entry('send message', '202').first().click();
        await detail.locator('.json-key', { hasText: 'x-api-key' }).waitFor();
        expect(await detail.locator('.json-row', { hasText: 'x-api-key' }).textContent()).to.equal('x-api-key: "[masked: API key]"');
    });

    it('replays the webhook as 8x8 would (same event id): shown as de-duplicated, and the bot does not answer again', async () => {
        const botMessages = await eightChat().locator('.message.bot').count();
        await page.locator(`#inspector-list [data-id="${messageId}"]`).click();
        await page.locator('#replay').click();
        const detail = page.locator('#inspector-detail');
        await detail.locator('dd', { hasText: `replay of #${messageId}` }).waitFor();
        await detail.locator('[data-testid=bot-answer]', { hasText: /^200 in/ }).waitFor();
        await detail.locator('[data-testid=dedup]', { hasText: `Duplicate of #${messageId}` }).waitFor();
        await detail.locator('[data-testid=dedup]', { hasText: 'de-duplicated: the bot answered 200 and did not run again' }).waitFor({ timeout: 6000 });
        await entries()
            .locator('.tag', { hasText: `duplicate of #${messageId}: de-duplicated` })
            .waitFor();
        expect(await eightChat().locator('.message.bot').count(), 'bot messages after the replay').to.equal(botMessages);
    });

    it('sends a tampered copy (edited body, original signature): shown as 401 with the reason, and the signature check says why', async () => {
        await page.locator(`#inspector-list [data-id="${messageId}"]`).click();
        const detail = page.locator('#inspector-detail');
        await detail.locator('#tamper').click();
        const body = detail.locator('#tamper-body');
        await body.fill(((await body.inputValue()) as string).replace('hello inspector', 'transfer all the money'));
        await detail.locator('#tamper-send').click();
        await detail.locator('[data-testid=bot-answer]', { hasText: /^401 in/ }).waitFor();
        expect(await detail.locator('[data-testid=answer-why]').textContent()).to.equal('x-8x8-signature does not match the request.');
        expect(await detail.locator('[data-testid=signature-verdict]').textContent()).to.equal(
            '✗ Does not match: the body was changed after signing (its CRC32 differs from the signed one).'
        );
        await entries()
            .filter({ has: page.locator('.status', { hasText: '401' }) })
            .locator('.tag', { hasText: `tampered replay of #${messageId}` })
            .waitFor();
        await page.waitForTimeout(300);
        expect(await eightChat().locator('.message', { hasText: 'transfer all the money' }).count(), 'the tampered text reached no one').to.equal(0);
    });

    it('injects a 503 into the next 8x8 message send: the inspector shows it, then the retry that succeeded, and the customer gets the reply', async () => {
        await page.locator('#fault-count').fill('1');
        await page.locator('#fault-calls').selectOption('messages');
        await page.locator('#fault-vendor').selectOption('8x8');
        await page.locator('#fault-kind').selectOption('503');
        await page.locator('#fault-inject').click();
        await page.locator('[data-testid=pending-faults]', { hasText: '1 × 503 Service Unavailable (message sends) on 8x8' }).waitFor();
        await sayAsCustomer('despite the fault');
        await eightChat().locator('.message.bot', { hasText: 'Echo: despite the fault' }).waitFor();
        const failed = entry('send message', '503').filter({ has: page.locator('.tag', { hasText: 'injected: 503' }) });
        await failed.waitFor();
        const failedId = await failed.getAttribute('data-id');
        const retried = entry('send message', '202').filter({ has: page.locator('.tag', { hasText: `retry 1 of #${failedId}` }) });
        await retried.waitFor();
        await page.locator('[data-testid=pending-faults]', { hasText: 'No fault pending.' }).waitFor();
        await retried.click();
        await page.locator('#inspector-detail dd', { hasText: `attempt 2: repeats #${failedId}, which failed` }).waitFor();

        // The picture of the README: the replayed duplicate selected, the fault, the retry and the 401 in the list.
        await entries()
            .filter({ has: page.locator('.tag', { hasText: 'de-duplicated' }) })
            .click();
        await page.locator('#inspector-detail [data-testid=dedup]').waitFor();
        await page.locator('#inspector').screenshot({ path: join(SHOTS, 'inspector.png') });
        if (process.env.SANDBOX_DOCS_SCREENSHOT === '1') {
            mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
            await page.locator('#inspector').screenshot({ path: join(ROOT, 'docs', 'images', 'sandbox-inspector.png') });
        }
    });

    it('shows LivePerson traffic too (tokens, the conversation opened, the publishes) and no credential anywhere', async () => {
        await page.locator('#lp-open').click();
        await page.locator('#lp-chat .message.bot', { hasText: 'Hi, I need help with my order.' }).waitFor();
        await page.locator('#inspector-conversation').selectOption('');
        await entry('AppJWT (Sentinel)', '200').first().waitFor();
        await entry('open conversation', '200').first().waitFor();
        await entry('cqm.ExConversationChangeNotification', '200').first().waitFor();
        await entry('AppJWT (Sentinel)', '200').first().click();
        await page.locator('#inspector-detail .json-text', { hasText: 'client_secret=[masked: client secret]' }).waitFor();
        // Neither the page nor the inspector's API ever shows a credential: API key, client secret, AppJWT, ConsumerJWS.
        const everything =
            (await page.evaluate(async () => JSON.stringify(await (await fetch('api/inspector')).json()))) + (await page.locator('body').innerText());
        for (const secret of ['sandbox-8x8-api-key', 'sandbox-client-secret']) expect(everything, secret).not.to.include(secret);
        expect(everything).not.to.match(/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/);
        expect(everything).to.include('[masked: token]').and.include('[masked: ConsumerJWS]');
    });

    it('starts over on Reset: no conversation, an empty inspector', async () => {
        await page.locator('#reset').click();
        await page.locator('#inspector-list', { hasText: 'Nothing yet' }).waitFor();
        await page.locator('#eight-chat .empty').waitFor();
        expect(await page.locator('#eight-tabs .tab').count()).to.equal(0);
        expect(await page.locator('#lp-tabs .tab').count()).to.equal(0);
    });
});
