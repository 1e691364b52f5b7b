/**
 * End to end in a real browser: `npm start` with no vendor variables (the echo bot with the embedded 8x8 and
 * LivePerson stand-ins), driven through the sandbox page with playwright-core and Debian's chromium. Screenshots go
 * to test-output/e2e/ at the repository root.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, freePort, startNpmScript, type StartedScript } from '../helpers';

const SHOTS = join(ROOT, 'test-output', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags this machine needs (no sandbox as root, no background network: the network is closed).
const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

describe('sandbox page in a real browser (npm start, no vendor variables)', function () {
    this.timeout(90_000);
    let started: StartedScript;
    let browser: Browser;
    let page: Page;
    const pageErrors: string[] = [];

    before(async () => {
        if (!existsSync(CHROMIUM)) {
            throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH.`);
        }
        mkdirSync(SHOTS, { recursive: true });
        started = await startNpmScript(['start'], await freePort());
        browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
        page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        page.on('pageerror', (err) => pageErrors.push(err.message));
        await page.goto(started.url);
        await page.getByText('Live: the page follows both stand-ins.').waitFor();
    });

    after(async () => {
        await browser?.close();
        await started?.stop();
        expect(pageErrors, 'errors in the page').to.deep.equal([]);
    });

    const eightChat = () => page.locator('#eight-chat');
    const lpChat = () => page.locator('#lp-chat');
    const sayAsCustomer = async (text: string) => {
        await page.locator('#eight-input').fill(text);
        await page.locator('#eight-input').press('Enter');
    };

    it('runs on the default host, botbuilder, and says so on its start-up line', () => {
        expect(started.output()).to.match(
            /^Echo bot \(botbuilder v4 host\) listening on http:\/\/127\.0\.0\.1:\d+, with an embedded 8x8 and LivePerson sandbox/m
        );
    });

    it('says where it listens: 127.0.0.1, loopback only (HOST unset, no vendor variables), on the port of its URL', () => {
        const port = new URL(started.url).port;
        expect(started.output()).to.match(new RegExp(`^  Bound to 127\\.0\\.0\\.1:${port} \\(loopback: this machine only; set HOST to change it\\)\\.$`, 'm'));
    });

    it('8x8: the bot greets, echoes a message, and shows typing first', async () => {
        await page.locator('#eight-new').click();
        await eightChat().locator('.message.bot', { hasText: 'Hello! I echo what you say.' }).waitFor();
        await sayAsCustomer('hello from the browser');
        await eightChat().locator('.message.user', { hasText: 'hello from the browser' }).waitFor();
        await eightChat().locator('.message.bot', { hasText: 'Echo: hello from the browser' }).waitFor();
        await page.screenshot({ path: join(SHOTS, '1-8x8-echo.png') });
    });

    it('8x8: asks for the card, fills it, submits it and sees the reply', async () => {
        await sayAsCustomer('card');
        const card = eightChat().locator('[data-testid=adaptive-card]').last();
        await card.getByText('What is your name?').waitFor();
        await card.locator('input').fill('Ada Lovelace');
        await card.getByRole('button', { name: 'Send' }).click();
        await eightChat().locator('.message.bot', { hasText: 'You sent: {"name":"Ada Lovelace"}' }).waitFor();
        await page.screenshot({ path: join(SHOTS, '2-8x8-card.png') });
    });

    it('8x8: clicks a quick reply', async () => {
        await sayAsCustomer('options');
        const replies = eightChat().locator('[data-testid=quick-replies]').last();
        await replies.getByRole('button', { name: 'Green' }).click();
        await eightChat().locator('.message.bot', { hasText: 'Echo: Green' }).waitFor();
    });

    it('8x8: asks for an agent, sees the handoff notice, and the agent answers from the desk', async () => {
        await sayAsCustomer('agent');
        await page.locator('#eight-notice', { hasText: 'handed over to a human agent (queue sandbox-queue)' }).waitFor();
        await page.locator('#eight-accept').click();
        await page.locator('#eight-desk-status', { hasText: 'You are agent-1' }).waitFor();
        await page.locator('#eight-agent-input').fill('Hi, I am Alex from support.');
        await page.locator('#eight-agent-send').click();
        await eightChat().locator('.message.agent', { hasText: 'Hi, I am Alex from support.' }).waitFor();
        const botMessages = await eightChat().locator('.message.bot').count();
        await sayAsCustomer('thanks Alex');
        await eightChat().locator('.message.user', { hasText: 'thanks Alex' }).waitFor();
        expect(await eightChat().locator('.message.bot').count(), 'the bot stays silent while the agent owns the chat').to.equal(botMessages);
        await page.screenshot({ path: join(SHOTS, '3-8x8-handoff.png') });
    });

    it('LivePerson: the bot opens a conversation, the agent accepts and talks with the bot', async () => {
        await page.locator('#lp-consumer').fill('e2e-customer');
        await page.locator('#lp-first').fill('Hi, my parcel is late.');
        await page.locator('#lp-open').click();
        await page.locator('#lp-tabs .tab', { hasText: 'e2e-customer' }).waitFor();
        await lpChat().locator('.message.bot', { hasText: 'Hi, my parcel is late.' }).waitFor();
        await page.locator('#lp-accept').click();
        await lpChat().locator('.message.bot', { hasText: 'Hello! I echo what you say.' }).waitFor();
        await page.locator('#lp-input').fill('Hello, this is Sam. How can I help?');
        await page.locator('#lp-input').press('Enter');
        await lpChat().locator('.message.bot', { hasText: 'Echo: Hello, this is Sam. How can I help?' }).waitFor();
        // The connector acknowledged the agent's message (ACCEPT, READ).
        await lpChat().locator('.message.user .receipt', { hasText: 'Read' }).last().waitFor();
        await page.locator('#lp-input').fill('options');
        await page.locator('#lp-input').press('Enter');
        // The bot's choices reach the agent as a bulleted list (a consumer may not send quick replies): the agent types one.
        await lpChat().locator('.message.bot', { hasText: '• Blue' }).waitFor();
        expect(await lpChat().locator('[data-testid=quick-replies]').count(), 'no consumer quick replies').to.equal(0);
        await page.locator('#lp-input').fill('Blue');
        await page.locator('#lp-input').press('Enter');
        await lpChat().locator('.message.bot', { hasText: 'Echo: Blue' }).waitFor();
        await page.screenshot({ path: join(SHOTS, '4-liveperson.png'), fullPage: true });
    });

    it('LivePerson: the agent closes the conversation', async () => {
        await page.locator('#lp-close').click();
        await page.locator('#lp-notice', { hasText: 'This conversation is closed.' }).waitFor();
        await page.screenshot({ path: join(SHOTS, '5-full-page.png'), fullPage: true });
    });
});
