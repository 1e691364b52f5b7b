/**
 * Vendor faults: the example as a real process on SQLite, the 8x8 and LivePerson stand-ins (redelivering vendors)
 * failing 30 % of the bot's REST calls — 503, 429 with Retry-After, hangs, resets, and the two ambiguous kinds where the
 * vendor acts and then answers 500 or drops the connection. No message may be lost (each gets a reply). A reply may come
 * twice only where the vendor acted on a call the bot saw fail: the library retries a failed send and re-runs a failed
 * event, and cannot tell "failed" from "done, answer lost" (see docs/deploy.md). So the test counts the duplicates,
 * prints them, and checks each message's extra replies against the after-acting faults that hit its reply.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FAULT_KINDS, type InjectedFault } from 'botbuilder-contact-center-sandbox';
import { freePort } from './helpers';
import { ExampleProcess } from './support/exampleProcess';
import {
    openConversations,
    replyCounts,
    sendMessages,
    startStandIns,
    sum,
    waitForQuiet,
    waitUntil,
    type SentMessage,
    type StandIns,
} from './support/vendorWorkload';

const CONVERSATIONS = 20;
const MESSAGES_PER_CONVERSATION = 5;
const RATE = 0.3;
/** The draws are seeded: FAULT_SEED=<n> repeats a run's faults (in the order the calls come). */
const SEED = Number(process.env.FAULT_SEED ?? 1312);

describe('vendor faults: 30 % of the REST calls fail, of every kind (real process, SQLite)', function () {
    this.timeout(120_000);
    let folder: string;
    let standIns: StandIns;
    let example: ExampleProcess;

    before(async () => {
        folder = mkdtempSync(join(tmpdir(), 'cc-faults-'));
        standIns = await startStandIns({ attempts: 30, delayMs: 100, factor: 2, maxDelayMs: 1000, timeoutMs: 5000 });
        example = new ExampleProcess(
            await freePort(),
            {
                ...standIns.env,
                CONTACT_CENTER_STORE: 'sqlite:data/state.sqlite',
                // A hung call costs 1 s instead of the default 10 s.
                CONTACT_CENTER_REQUEST_TIMEOUT_MS: '1000',
                // A reply fails one attempt in five here (the ambiguous kinds and hangs fail the event, which runs again):
                // retries from 200 ms, and 12 attempts, so that giving up on one (1 in 5^12) is not what the run measures.
                CONTACT_CENTER_RETRY_DELAY_MS: '200',
                CONTACT_CENTER_MAX_ATTEMPTS: '12',
            },
            folder
        );
        standIns.deliverTo(example.url);
        await example.start();
    });

    after(async () => {
        await example.kill();
        await standIns.stop();
        rmSync(folder, { recursive: true, force: true });
    });

    it('loses no message; duplicates only where the vendor acted on a call that failed, at most one per such fault', async () => {
        const conversations = await openConversations(standIns, example.url, CONVERSATIONS, 'faults');
        for (const standIn of [standIns.eight, standIns.lp]) standIn.injectFaultRate({ rate: RATE, kinds: FAULT_KINDS, seed: SEED, retryAfterSeconds: 1 });
        const started = Date.now();
        const sent = await sendMessages(standIns, conversations, MESSAGES_PER_CONVERSATION, { tag: 'faults' });
        expect(
            sent.filter((message) => message.status !== 200),
            'deliveries the vendors gave up on'
        ).to.deep.equal([]);
        await waitUntil(() => replyCounts(standIns, sent).every((count) => count >= 1), 90_000, 'every message answered');
        const answeredIn = Date.now() - started;
        await waitForQuiet(standIns, 1000, 60_000);
        for (const standIn of [standIns.eight, standIns.lp]) standIn.clearFaultRate();

        const faults = [...standIns.eight.injectedFaults, ...standIns.lp.injectedFaults];
        const counts = replyCounts(standIns, sent);
        const ambiguous = sent.map((message) => faults.filter((fault) => fault.acted && repliesTo(fault, message)).length);
        const duplicates = counts.map((count) => count - 1);
        const byKind = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, faults.filter((fault) => fault.kind === kind).length]));
        const calls = standIns.eight.recorder.requests.length + standIns.lp.recorder.requests.length;
        console.log(
            `      ${sent.length} messages over ${2 * CONVERSATIONS} conversations, answered in ${answeredIn} ms: ${sum(counts)} replies, ` +
                `${sum(duplicates)} duplicates (on ${duplicates.filter((d) => d > 0).length} messages). ${faults.length} faults in ${calls} REST calls ` +
                `(${JSON.stringify(byKind)}); ${sum(ambiguous)} of them acted on a reply the bot saw fail (the bound on duplicates).`
        );

        // No message lost.
        expect(counts.filter((count) => count === 0)).to.have.length(0);
        // Every kind was injected, the ambiguous ones on replies too: the run tested what it says.
        for (const kind of FAULT_KINDS) expect(byKind[kind], kind).to.be.greaterThan(0);
        expect(sum(ambiguous)).to.be.greaterThan(0);
        // A message's extra replies never outnumber the after-acting faults on its reply.
        const over = sent.filter((_, i) => duplicates[i] > ambiguous[i]).map((message) => `${message.text}: ${counts[sent.indexOf(message)]} replies`);
        expect(over, 'duplicates not explained by an after-acting fault').to.deep.equal([]);
        expect(sum(duplicates)).to.be.at.most(sum(ambiguous));
    });
});

/** Whether an injected fault hit a call that carried the bot's reply to `message`. */
function repliesTo(fault: InjectedFault, message: SentMessage): boolean {
    const reply = `Echo: ${message.text}`;
    const body = fault.body as { text?: string; body?: { conversationId?: string; event?: { message?: unknown } } } | undefined;
    if (message.vendor === '8x8') return fault.path.endsWith(`/conversations/${message.conversationId}/messages`) && body?.text === reply;
    return fault.path.endsWith('/conversation/send') && body?.body?.conversationId === message.conversationId && body.body.event?.message === reply;
}
