/**
 * What the browser tests share: `npm start` (or another script) with no vendor variables, Debian's chromium driven by
 * playwright-core, and a watch on the page: uncaught errors, console warnings and errors, and failed requests (a 404
 * favicon included) are all problems the tests fail on.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, freePort, startNpmScript, type StartedScript } from '../helpers';

export const SHOTS = join(ROOT, 'test-output', 'e2e');
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

export interface OpenSandbox {
    started: StartedScript;
    browser: Browser;
    page: Page;
    /** Errors, console warnings and errors, failed requests: the tests expect none. */
    problems: string[];
    close(): Promise<void>;
}

/** Starts `npm <script>` and opens its sandbox page (1280×900) once it is live. */
export async function openSandbox(script: string[] = ['start']): Promise<OpenSandbox> {
    if (!existsSync(CHROMIUM)) {
        throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH.`);
    }
    mkdirSync(SHOTS, { recursive: true });
    const started = await startNpmScript(script, await freePort());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }).catch(async (err: unknown) => {
        await started.stop();
        throw err;
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Everything the tests wait for happens within a few seconds: fail fast rather than at playwright's 30 s.
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (message) => {
        if (message.type() === 'warning' || message.type() === 'error') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => {
        // The event stream is cut when the page closes: not a problem.
        if (!request.url().endsWith('/api/events')) problems.push(`failed ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    });
    await page.goto(started.url);
    await page.getByText('Live: the page follows both stand-ins.').waitFor();
    return {
        started,
        browser,
        page,
        problems,
        async close() {
            await browser.close();
            await started.stop();
        },
    };
}

/** How far (px) a scrolling list is from showing its bottom. */
export function distanceFromBottom(page: Page, selector: string): Promise<number> {
    return page.locator(selector).evaluate((node) => node.scrollHeight - node.scrollTop - node.clientHeight);
}

/**
 * Starts timing a chat in the page: when its "typing" line is shown and hidden, and when each message is appended
 * (ms, the page's clock). Read it back with {@link typingTimeline}.
 */
export async function watchTyping(page: Page, typingId: string, chatId: string): Promise<void> {
    await page.evaluate(`(() => {
        const typing = document.getElementById(${JSON.stringify(typingId)});
        const chat = document.getElementById(${JSON.stringify(chatId)});
        const events = (window.__typingTimeline = [{ at: performance.now(), typing: !typing.hidden }]);
        // One observer on their common parent: its records come in the order the changes were made.
        new MutationObserver((changes) => {
            for (const change of changes) {
                if (change.type === 'attributes' && change.target === typing) events.push({ at: performance.now(), typing: !typing.hidden });
                if (change.type === 'childList' && change.target === chat)
                    for (const node of change.addedNodes) events.push({ at: performance.now(), message: node.textContent });
            }
        }).observe(typing.parentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden'] });
    })()`);
}

/** What {@link watchTyping} saw: `{ at, typing }` when the line changed, `{ at, message }` when a message was appended. */
export function typingTimeline(page: Page): Promise<Array<{ at: number; typing?: boolean; message?: string }>> {
    return page.evaluate('window.__typingTimeline');
}

/** How long (ms) the typing line was up before the message containing `text` was appended; -1 when it was not up just before. */
export async function typingShownBefore(page: Page, text: string): Promise<number> {
    const timeline = await typingTimeline(page);
    const reply = timeline.findIndex((e) => e.message?.includes(text));
    if (reply < 0) return -1;
    const before = timeline.slice(0, reply).filter((e) => e.typing !== undefined);
    const last = before.at(-1);
    return last?.typing ? timeline[reply].at - last.at : -1;
}
