/**
 * End to end in a real browser: `npm start` with no vendor variables (the echo bot with the embedded 8x8 and
 * LivePerson stand-ins), driven through the sandbox page's two chats with playwright-core and Debian's chromium. The
 * protocol inspector has its own test (inspector.e2e.test.ts). Screenshots go to test-output/e2e/ at the repository
 * root.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ROOT } from '../helpers';
import { SHOTS, distanceFromBottom, openSandbox, typingShownBefore, watchTyping, type OpenSandbox } from './browser';

describe('sandbox page in a real browser (npm start, no vendor variables)', function () {
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

    const eightChat = () => page.locator('#eight-chat');
    const lpChat = () => page.locator('#lp-chat');
    const sayAsCustomer = async (text: string) => {
        await page.locator('#eight-input').fill(text);
        await page.locator('#eight-input').press('Enter');
    };

    it('runs on the default host, botbuilder, and says so on its start-up line', () => {
        expect(sandbox.started.output()).to.match(
            /^Echo bot \(botbuilder v4 host\) listening on http:\/\/127\.0\.0\.1:\d+, with an embedded 8x8 and LivePerson sandbox/m
        );
    });

    it('says where it listens: 127.0.0.1, loopback only (HOST unset, no vendor variables), on the port of its URL', () => {
        const port = new URL(sandbox.started.url).port;
        expect(sandbox.started.output()).to.match(
            new RegExp(`^  Bound to 127\\.0\\.0\\.1:${port} \\(loopback: this machine only; set HOST to change it\\)\\.$`, 'm')
        );
    });

    it("shows the running bot's hint in the header: the echo bot's words as keys", async () => {
        await page.locator('#hint kbd', { hasText: 'bye' }).waitFor();
        expect(await page.locator('#hint kbd').allTextContents()).to.deep.equal(['card', 'options', 'agent', 'bye']);
    });

    it('8x8: the bot greets, then shows "typing" before its echo, and hides it after', async () => {
        await page.locator('#eight-name').fill('Ada');
        await page.locator('#eight-locale').fill('en-GB');
        await page.locator('#eight-new').click();
        await eightChat().locator('.message.bot', { hasText: 'Hello! I echo what you say.' }).waitFor();
        await page.locator('#eight-tabs .tab.active', { hasText: 'Ada' }).waitFor();
        await watchTyping(page, 'eight-typing', 'eight-chat');
        await sayAsCustomer('hello from the browser');
        await eightChat().locator('.message.user', { hasText: 'hello from the browser' }).waitFor();
        // The bot sends typing, then its reply (milliseconds apart): the indicator is up long enough to be seen first.
        await eightChat().locator('.message.bot', { hasText: 'Echo: hello from the browser' }).waitFor();
        expect(await typingShownBefore(page, 'Echo: hello from the browser'), 'ms the typing line was up before the reply').to.be.at.least(500);
        await page.locator('#eight-typing').waitFor({ state: 'hidden' });
        await page.screenshot({ path: join(SHOTS, '1-8x8-echo.png') });
    });

    it('8x8: asks for the card, fills it, submits it, sees the reply, and the used card is disabled', async () => {
        await sayAsCustomer('card');
        const card = eightChat().locator('[data-testid=adaptive-card]').last();
        await card.getByText('What is your name?').waitFor();
        await card.locator('input').fill('Ada Lovelace');
        await card.getByRole('button', { name: 'Send' }).click();
        await eightChat().locator('.message.bot', { hasText: 'You sent: {"name":"Ada Lovelace"}' }).waitFor();
        await card.locator('input:disabled').waitFor();
        expect(await card.getByRole('button', { name: 'Send' }).isDisabled(), 'the used card submits no more').to.equal(true);
        await page.screenshot({ path: join(SHOTS, '2-8x8-card.png') });
    });

    it('8x8: clicks a quick reply, and its chips are disabled after use', async () => {
        await sayAsCustomer('options');
        const replies = eightChat().locator('[data-testid=quick-replies]').last();
        await replies.getByRole('button', { name: 'Green' }).click();
        await eightChat().locator('.message.bot', { hasText: 'Echo: Green' }).waitFor();
        for (const color of ['Red', 'Green', 'Blue']) await replies.getByRole('button', { name: color, disabled: true }).waitFor();
    });

    it('8x8: hands off to an agent (chips disabled meanwhile), the agent answers from the desk, leaves, and the bot is back', async () => {
        await sayAsCustomer('options');
        await eightChat().locator('.message.bot', { hasText: 'Pick a color' }).nth(1).waitFor();
        const fresh = eightChat().locator('[data-testid=quick-replies]').last();
        expect(await fresh.getByRole('button', { name: 'Red' }).isEnabled(), 'unused chips while the bot has the chat').to.equal(true);
        await sayAsCustomer('agent');
        await page.locator('#eight-notice', { hasText: 'handed over to a human agent (queue sandbox-queue)' }).waitFor();
        await fresh.getByRole('button', { name: 'Red', disabled: true }).waitFor();
        await page.locator('#eight-accept').click();
        await page.locator('#eight-desk-status', { hasText: 'You are agent-1' }).waitFor();
        await page.locator('#eight-notice', { hasText: 'agent-1 joined the chat' }).waitFor();
        expect(await page.locator('#eight-notice').textContent()).not.to.match(/agent agent-1/i);
        await page.locator('#eight-agent-input').fill('Hi, I am Alex from support.');
        await page.locator('#eight-agent-send').click();
        await eightChat().locator('.message.agent', { hasText: 'Hi, I am Alex from support.' }).waitFor();
        const botMessages = await eightChat().locator('.message.bot').count();
        await sayAsCustomer('thanks Alex');
        await eightChat().locator('.message.user', { hasText: 'thanks Alex' }).waitFor();
        expect(await eightChat().locator('.message.bot').count(), 'the bot stays silent while the agent owns the chat').to.equal(botMessages);
        expect(await fresh.getByRole('button', { name: 'Red' }).isDisabled(), 'chips while the agent owns the chat').to.equal(true);
        await page.screenshot({ path: join(SHOTS, '3-8x8-handoff.png') });

        await page.locator('#eight-leave').click();
        await page.locator('#eight-notice', { hasText: 'agent-1 left the chat: the bot is back.' }).waitFor();
        await eightChat().locator('[data-testid=chat-notice]', { hasText: 'the bot is back' }).waitFor();
        await sayAsCustomer('are you back?');
        await eightChat().locator('.message.bot', { hasText: 'Echo: are you back?' }).waitFor();
        await fresh.getByRole('button', { name: 'Red', disabled: false }).waitFor();
    });

    it('8x8: at 420 px wide the chat still follows the newest message', async () => {
        await page.setViewportSize({ width: 420, height: 800 });
        await page.waitForTimeout(100);
        expect(await distanceFromBottom(page, '#eight-chat'), 'after narrowing the window').to.be.at.most(2);
        await sayAsCustomer('a longer message that wraps over several lines in a narrow window, as on a phone');
        await eightChat().locator('.message.bot', { hasText: 'Echo: a longer message that wraps' }).waitFor();
        await page.waitForTimeout(100);
        expect(await distanceFromBottom(page, '#eight-chat'), 'after a reply').to.be.at.most(2);
        await page.locator('#eight-chat').screenshot({ path: join(SHOTS, '3b-8x8-420px.png') });
        await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('LivePerson: the bot opens a conversation, the agent accepts, sees the bot typing, and talks with it', async () => {
        await page.locator('#lp-consumer').fill('e2e-customer');
        await page.locator('#lp-first').fill('Hi, my parcel is late.');
        await page.locator('#lp-open').click();
        await page.locator('#lp-tabs .tab', { hasText: 'e2e-customer' }).waitFor();
        await lpChat().locator('.message.bot', { hasText: 'Hi, my parcel is late.' }).waitFor();
        expect(await page.locator('#lp-replies').isDisabled(), 'quick replies before the agent accepted').to.equal(true);
        await page.locator('#lp-accept').click();
        await lpChat().locator('.message.bot', { hasText: 'Hello! I echo what you say.' }).waitFor();
        await watchTyping(page, 'lp-typing', 'lp-chat');
        await page.locator('#lp-input').fill('Hello, this is Sam. How can I help?');
        await page.locator('#lp-input').press('Enter');
        await lpChat().locator('.message.bot', { hasText: 'Echo: Hello, this is Sam. How can I help?' }).waitFor();
        expect(await typingShownBefore(page, 'Echo: Hello, this is Sam.'), 'ms the typing line was up before the reply').to.be.at.least(500);
        await page.locator('#lp-typing').waitFor({ state: 'hidden' });
        // The connector acknowledged the agent's message (ACCEPT, READ).
        await lpChat().locator('.message.user .receipt', { hasText: 'Read' }).last().waitFor();
        await page.locator('#lp-input').fill('options');
        await page.locator('#lp-input').press('Enter');
        // The bot's choices reach the agent as a bulleted list (a consumer may not send quick replies): the agent types one.
        await lpChat().locator('.message.bot', { hasText: '• Blue' }).waitFor();
        expect(await lpChat().locator('.message.bot [data-testid=quick-replies]').count(), 'no consumer quick replies').to.equal(0);
        await page.locator('#lp-input').fill('Blue');
        await page.locator('#lp-input').press('Enter');
        await lpChat().locator('.message.bot', { hasText: 'Echo: Blue' }).waitFor();
        await page.screenshot({ path: join(SHOTS, '4-liveperson.png'), fullPage: true });
    });

    it("LivePerson: the agent's own quick replies are shown to it, never clickable by it", async () => {
        expect(await page.locator('#lp-replies').getAttribute('placeholder')).to.match(/^none — e\.g\./);
        await page.locator('#lp-replies').fill('Yes, No');
        await page.locator('#lp-input').fill('Shall I refund it?');
        await page.locator('#lp-input').press('Enter');
        const offered = lpChat().locator('.message.user', { hasText: 'Shall I refund it?' }).locator('[data-testid=quick-replies]');
        await offered.getByRole('button', { name: 'Yes', disabled: true }).waitFor();
        expect(await offered.getByRole('button', { disabled: false }).count(), 'clickable chips on the agent message').to.equal(0);
        await lpChat().locator('.message.bot', { hasText: 'Echo: Shall I refund it?' }).waitFor();
        if (process.env.SANDBOX_DOCS_SCREENSHOT === '1') {
            // The README's picture of the two chats.
            mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
            await page.locator('#lp-input').blur();
            await page.evaluate('window.scrollTo(0, 0)');
            await page.screenshot({ path: join(ROOT, 'docs', 'images', 'sandbox-page.png') });
        }
    });

    it('LivePerson: the agent closes the conversation, and every field to write in is disabled', async () => {
        await page.locator('#lp-close').click();
        await page.locator('#lp-notice', { hasText: 'This conversation is closed.' }).waitFor();
        for (const field of ['#lp-input', '#lp-send', '#lp-replies']) expect(await page.locator(field).isDisabled(), field).to.equal(true);
        await page.screenshot({ path: join(SHOTS, '5-full-page.png'), fullPage: true });
    });
});
