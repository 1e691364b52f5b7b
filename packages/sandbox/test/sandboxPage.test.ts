import { expect } from 'chai';
import { EightByEightSandbox, LivePersonSandbox, SandboxPage } from '../src';

/** The page's own HTTP surface (the browser test drives it end to end from packages/examples). */
describe('SandboxPage (the browser page and its API)', () => {
    let eight: EightByEightSandbox;
    let lp: LivePersonSandbox;
    let page: SandboxPage;
    let url: string;

    beforeEach(async () => {
        eight = new EightByEightSandbox();
        lp = new LivePersonSandbox();
        await Promise.all([eight.start(), lp.start()]);
        page = new SandboxPage({ eightByEight: eight, livePerson: lp });
        url = await page.start();
    });
    afterEach(async () => {
        await page.stop();
        await Promise.all([eight.stop(), lp.stop()]);
    });

    const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    it('serves the page, its script, its styles and the adaptivecards bundle', async () => {
        for (const [path, type] of [
            ['', 'text/html'],
            ['app.js', 'text/javascript'],
            ['styles.css', 'text/css'],
            ['vendor/adaptivecards.js', 'text/javascript'],
        ]) {
            const response = await fetch(`${url}${path}`);
            expect(response.status, path).to.equal(200);
            expect(response.headers.get('content-type'), path).to.match(new RegExp(`^${type}`));
        }
        expect(await (await fetch(`${url}api/state`)).json()).to.deep.equal({ eightByEight: { conversations: [] }, livePerson: { conversations: [] } });
    });

    it('answers bad actions with a status and a message', async () => {
        expect((await post('api/8x8/conversations/nope/messages', '{"text":"hi"}')).status).to.equal(404);
        const notJson = await post('api/8x8/conversations', '{nope');
        expect(notJson.status).to.equal(400);
        expect(await notJson.json()).to.deep.equal({ error: 'Send a JSON object.' });
        const noBot = await post('api/liveperson/conversations', '{"consumerId":"c"}');
        expect(noBot.status).to.equal(501);
        expect((await fetch(`${url}api/state`, { method: 'DELETE' })).status).to.equal(405);
        expect((await post('api/unknown', '{}')).status).to.equal(404);
    });

    it('streams a change event when a stand-in changes', async () => {
        const controller = new AbortController();
        const response = await fetch(`${url}api/events`, { signal: controller.signal });
        expect(response.headers.get('content-type')).to.equal('text/event-stream');
        const reader = response.body!.getReader();
        let text = '';
        const started = Date.now();
        await fetch(`${eight.url}/chat-gateway/v1/conversations`, { method: 'POST' }); // any request is a change
        while (!text.includes('data: {"version"') && Date.now() - started < 3000) text += new TextDecoder().decode((await reader.read()).value);
        controller.abort();
        expect(text).to.include('data: {"version"');
    });
});
