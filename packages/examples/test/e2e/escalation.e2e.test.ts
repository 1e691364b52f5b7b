/**
 * End to end in a real browser: `npm start` with no vendor variables, the sandbox page's Web Chat customer (a Bot
 * Framework channel on the example's `POST /api/messages`, Emulator-style, the replies coming back to the page's Bot
 * Connector stand-in) escalated by the echo bot to the LivePerson agent console of the same page, through
 * `LivePersonEscalation` and the LivePerson stand-in. Screenshots go to test-output/e2e/ at the repository root.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { SHOTS, openSandbox, type OpenSandbox } from './browser';

describe('escalation demo in a real browser (npm start: Web Chat customer → LivePerson agent console)', function () {
    this.timeout(90_000);
    let sandbox: OpenSandbox;
    let page: Page;

    before(async () => {
        sandbox = await openSandbox();
        page = sandbox.page;
    });

    after(async () => {
        await sandbox?.close();
        expect(sandbox?.problems, 'errors, console warnings and failed requests in the page').to.deep.equal([]);
    });

    const webChat = () => page.locator('#webchat-chat');
    const lpChat = () => page.locator('#lp-chat');
    const sayAsCustomer = async (text: string) => {
        await page.locator('#webchat-input').fill(text);
        await page.locator('#webchat-input').press('Enter');
    };
    const botSays = (text: string) => webChat().locator('.message.bot', { hasText: text }).last().waitFor();

    it('Web Chat: the bot greets the customer, echoes, and shows suggested actions and an Adaptive Card', async () => {
        await page.locator('#webchat-name').fill('Grace');
        await page.locator('#webchat-new').click();
        await page.locator('#webchat-tabs .tab.active', { hasText: 'Grace' }).waitFor();
        await botSays('Hello! I echo what you say.');
        await sayAsCustomer('my parcel is late');
        await botSays('Echo: my parcel is late');
        await sayAsCustomer('options');
        const chips = webChat().locator('[data-testid=suggested-actions]').last();
        await chips.locator('button', { hasText: 'Blue' }).click();
        await webChat().locator('.message.user', { hasText: 'Blue' }).waitFor();
        await botSays('Echo: Blue');
        expect(await chips.locator('button', { hasText: 'Red' }).isDisabled(), 'used suggested actions').to.equal(true);
        await sayAsCustomer('card');
        await webChat().locator('[data-testid=adaptive-card]').last().waitFor();
    });

    it("'agent' escalates: the agent console shows the conversation with the summary of the customer's messages", async () => {
        const before = Date.now();
        await sayAsCustomer('agent');
        await botSays('Please wait while I connect you to an agent.');
        const tab = page.locator('#lp-tabs .tab', { hasText: /^bf-/ });
        await tab.waitFor();
        await tab.click();
        const summary = lpChat().locator('.message.bot', { hasText: 'The customer asked for an agent.' });
        await summary.waitFor();
        expect(await summary.textContent()).to.include('my parcel is late');
        console.log(`      (escalation to the console: ${Date.now() - before} ms)`);
        await page.locator('#lp-notice', { hasText: 'Waiting in the queue' }).waitFor();
    });

    it('the agent accepts and says hi; the customer sees it; the customer answers and the agent sees it', async () => {
        await page.locator('#lp-accept').click();
        await page.locator('#lp-input:enabled').waitFor();
        await page.locator('#lp-input').fill('Hi, this is Sam from support.');
        await page.locator('#lp-input').press('Enter');
        await botSays('Hi, this is Sam from support.');
        await sayAsCustomer('It was due on Monday.');
        await lpChat().locator('.message.bot', { hasText: 'It was due on Monday.' }).waitFor();
        await page.screenshot({ path: join(SHOTS, 'escalation.png'), fullPage: true });
    });

    it('the agent closes: the customer is told "You are back with the bot." and the echo resumes', async () => {
        await page.locator('#lp-close').click();
        await page.locator('#lp-notice', { hasText: 'This conversation is closed.' }).waitFor();
        await botSays('You are back with the bot.');
        await sayAsCustomer('hello again');
        await botSays('Echo: hello again');
        // The agent saw nothing of it: the escalation is over.
        expect(await lpChat().locator('.message', { hasText: 'hello again' }).count()).to.equal(0);
    });
});
