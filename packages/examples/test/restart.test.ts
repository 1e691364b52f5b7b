/**
 * Restarts of the example on its embedded store, as an operator does them: the example is a real process
 * (`node packages/examples/lib/main.js`, `CONTACT_CENTER_STORE=sqlite:<temp file>`), the 8x8 and LivePerson stand-ins
 * run in the test as redelivering vendors (another delivery on a non-2xx answer, a failed connection or no answer).
 * 100 messages per vendor over 10 conversations each are in flight when the example is restarted — gracefully
 * (SIGTERM), or killed (SIGKILL) and started again. Every message must be answered exactly once; an 8x8 conversation an
 * agent owned before the restart stays silent after it; LivePerson conversations opened before it still get replies.
 * With SIGKILL, the one thing that can happen twice is a reply the vendor took while the process died (its answer never
 * came back, so the library cannot know it was sent): the test checks that only such sends were repeated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort } from './helpers';
import { ExampleProcess } from './support/exampleProcess';
import {
    botTexts,
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

const CONVERSATIONS = 10;
const MESSAGES_PER_CONVERSATION = 10;
/** Redelivery as a vendor does it, quicker: 100 ms doubling to at most 1 s apart, 5 s to answer, for about 25 s. */
const REDELIVERY = { attempts: 30, delayMs: 100, factor: 2, maxDelayMs: 1000, timeoutMs: 5000 };

describe('restart: the example on SQLite, restarted while 100 messages per vendor are in flight (real processes)', function () {
    this.timeout(90_000);
    let folder: string;
    let standIns: StandIns;
    let example: ExampleProcess;

    beforeEach(async () => {
        folder = mkdtempSync(join(tmpdir(), 'cc-restart-'));
        standIns = await startStandIns(REDELIVERY);
        // The vendors' APIs answer the bot's messages after 25 ms, so the inbox holds a backlog when the restart comes.
        standIns.eight.injectFault({ method: 'POST', path: /\/messages$/, delayMs: 25, times: Number.MAX_SAFE_INTEGER });
        standIns.lp.injectFault({ method: 'POST', path: /\/conversation\/send$/, delayMs: 25, times: Number.MAX_SAFE_INTEGER });
        example = new ExampleProcess(
            await freePort(),
            {
                ...standIns.env,
                CONTACT_CENTER_STORE: 'sqlite:data/state.sqlite',
                // A conversation a killed process was running is taken over this long after its last renewal.
                CONTACT_CENTER_LEASE_MS: '2000',
            },
            folder
        );
        standIns.deliverTo(example.url);
    });

    afterEach(async () => {
        await example.kill();
        await standIns.stop();
        rmSync(folder, { recursive: true, force: true });
    });

    for (const how of ['SIGTERM', 'SIGKILL'] as const) {
        const title =
            how === 'SIGTERM'
                ? 'graceful restart (SIGTERM): every message answered exactly once, owners and conversations kept'
                : 'kill -9 and start again: every message answered, only sends in flight at the kill repeated, owners and conversations kept';
        it(title, async function () {
            const firstStart = await example.start();
            const tag = how === 'SIGTERM' ? 'term' : 'kill';
            const conversations = await openConversations(standIns, example.url, CONVERSATIONS, tag);
            // An 8x8 conversation an agent takes before the restart.
            const agentOwned = await standIns.eight.startConversation({ conversationId: `${tag}-agent-owned` });
            await standIns.eight.agentJoins(agentOwned, 'agent-9');

            let restart:
                | Promise<{ exit: { code: number | null; signal: string | null; ms: number }; downMs: number; inFlight: InFlight; restartAt: number }>
                | undefined;
            const total = 2 * CONVERSATIONS * MESSAGES_PER_CONVERSATION;
            const sent = await sendMessages(standIns, conversations, MESSAGES_PER_CONVERSATION, {
                tag,
                pauseMs: 20,
                onDelivered(count) {
                    // Mid-way: about 40 % acknowledged (most of them not answered yet), the rest still to come.
                    if (count === Math.round(total * 0.4)) restart = restartExample(how);
                },
            });
            expect(restart, 'the restart happened mid-way').not.to.equal(undefined);
            const { exit, downMs, inFlight, restartAt } = await restart!;

            expect(
                sent.filter((message) => message.status < 200 || message.status > 299),
                'deliveries the vendors gave up on'
            ).to.deep.equal([]);
            await waitUntil(() => replyCounts(standIns, sent).every((count) => count >= 1), 30_000, 'every message answered');

            // After the restart: the agent still owns its 8x8 conversation (the bot is silent), then hands it back.
            await standIns.eight.customerSays(agentOwned, 'while the agent has it');
            await standIns.eight.agentLeaves(agentOwned);
            await standIns.eight.customerSays(agentOwned, 'back with the bot');
            await waitUntil(() => botTexts(standIns, '8x8', agentOwned).includes('Echo: back with the bot'), 15_000, 'the bot answers once the agent left');
            // And LivePerson conversations opened before the restart still get replies (their consumer's token is stored).
            const after = await Promise.all(conversations.lp.map((id, i) => standIns.lp.agentSays(id, `${tag} after the restart ${i}`)));
            expect(after.map((result) => result.status)).to.deep.equal(Array(CONVERSATIONS).fill(200));
            await waitUntil(
                () => conversations.lp.every((id, i) => botTexts(standIns, 'liveperson', id).includes(`Echo: ${tag} after the restart ${i}`)),
                15_000,
                'LivePerson replies after the restart'
            );
            await waitForQuiet(standIns, 600, 30_000);

            const counts = replyCounts(standIns, sent);
            const duplicates = sent.filter((_, i) => counts[i] > 1);
            const redelivered = sent.filter((message) => message.attempts > 1).length;
            console.log(
                `      ${how}: ${sent.length} messages (${CONVERSATIONS} conversations per vendor), ${sum(counts)} replies, ` +
                    `${duplicates.length} duplicates, ${redelivered} messages redelivered by the vendors; ${inFlight.sent} sent ` +
                    `and ${inFlight.unanswered} of them not yet answered when the signal came. First start ${firstStart} ms; ` +
                    `${how === 'SIGTERM' ? `shutdown ${exit.ms} ms (exit ${exit.code})` : 'killed'}; down ${downMs} ms until ready again.`
            );
            expect(inFlight.unanswered, 'messages sent but not answered at the restart').to.be.greaterThan(0);
            expect(
                counts.every((count) => count >= 1),
                'no message lost'
            ).to.equal(true);
            if (how === 'SIGTERM') {
                // Graceful: the running events finished (or were handed back before their send): nothing twice.
                expect(duplicates.map((message) => `${message.text}: ${counts[sent.indexOf(message)]} replies`)).to.deep.equal([]);
                expect(counts).to.deep.equal(Array(sent.length).fill(1));
            } else {
                // kill -9: a reply the vendor took while the process died (the request reached it, the answer never came back,
                // so no send record) is sent again when its event re-runs — the ambiguous case, at most one per conversation
                // (one event runs per conversation). Replies confirmed earlier are recorded and not repeated (the next test
                // shows it exactly); here a duplicate's first copy must have been taken in the last moments before the kill
                // (a LivePerson reply counts as sent only once the ACTIVE chat state after it is answered too: two calls of
                // 25 ms, plus two busy event loops).
                for (const message of duplicates) {
                    expect(counts[sent.indexOf(message)], message.text).to.equal(2);
                    const takenAt = firstReplyAt(standIns, message);
                    expect(takenAt - restartAt, `${message.text}: first reply taken ${takenAt - restartAt} ms after the kill`).to.be.at.least(-250);
                }
                const perConversation = new Set(duplicates.map((message) => message.conversationId));
                expect(perConversation.size, 'at most one duplicate per conversation').to.equal(duplicates.length);
            }

            const agentTexts = botTexts(standIns, '8x8', agentOwned);
            expect(agentTexts, 'the bot must not talk over the agent after the restart').not.to.include('Echo: while the agent has it');
            expect(agentTexts.filter((text) => text.startsWith('Echo: '))).to.deep.equal(['Echo: back with the bot']);
            for (const [i, id] of conversations.lp.entries()) {
                expect(botTexts(standIns, 'liveperson', id).filter((text) => text === `Echo: ${tag} after the restart ${i}`)).to.have.length(1);
            }
            if (how === 'SIGTERM') expect(exit).to.include({ code: 0, signal: null });
            else expect(exit).to.include({ signal: 'SIGKILL' });

            // The final graceful stop exits 0 too.
            expect(await example.signal('SIGTERM')).to.include({ code: 0 });

            /** Stops the example (`how`) and starts it again on the same port and file. */
            async function restartExample(signal: 'SIGTERM' | 'SIGKILL') {
                const sentBefore = sentSoFar(standIns);
                const inFlight: InFlight = { sent: sentBefore.length, unanswered: sentBefore.filter((m) => !answered(standIns, m)).length };
                const restartAt = Date.now();
                const exit = await example.signal(signal);
                await example.start();
                return { exit, downMs: Date.now() - restartAt, inFlight, restartAt };
            }
        });
    }

    it('kill -9 while an event waits on a vendor call after its reply: the reply the vendor confirmed is not sent again', async () => {
        await example.start();
        const { eight, lp } = standIns;
        // Without the latency of the other tests: only the hangs below.
        eight.recorder.clearFaults();
        lp.recorder.clearFaults();
        const {
            eight: [eightId],
            lp: [lpId],
        } = await openConversations(standIns, example.url, 1, 'records');
        // "bye": the bot says Goodbye! (confirmed, so recorded with the event), then ends the conversation — 8x8: the user
        // removed (PATCH), LivePerson: CLOSE — and that call hangs at the vendor, which never acts on it (a 503 to a
        // dead connection, 8 s later). Its arrival there proves the Goodbye! was recorded: a turn's sends go in order.
        let hanging = 0;
        const hang = (match: (body: Record<string, any>) => boolean) => (request: { body: unknown }) => {
            const hit = match((request.body ?? {}) as Record<string, any>);
            if (hit) hanging++;
            return hit;
        };
        eight.injectFault({
            method: 'PATCH',
            path: `/chat-gateway/v1/conversations/${eightId}/participants/user`,
            status: 503,
            delayMs: 8000,
            match: hang(() => true),
        });
        lp.injectFault({
            path: /\/conversation\/send$/,
            status: 503,
            delayMs: 8000,
            match: hang((body) => body.type === 'cm.UpdateConversationField' && body.body?.conversationId === lpId),
        });
        await eight.customerSays(eightId, 'bye');
        await lp.agentSays(lpId, 'bye');
        await waitUntil(() => hanging === 2, 10_000, 'both events waiting on the call after their reply');
        expect(botTexts(standIns, '8x8', eightId).filter((text) => text === 'Goodbye!')).to.have.length(1);
        expect(botTexts(standIns, 'liveperson', lpId).filter((text) => text === 'Goodbye!')).to.have.length(1);

        expect(await example.signal('SIGKILL')).to.include({ signal: 'SIGKILL' });
        await example.start();
        // The events run again once the dead process's leases expire (CONTACT_CENTER_LEASE_MS, 2 s): the call that was
        // not confirmed is made again, the reply that was is not.
        await waitUntil(() => eight.conversation(eightId).userRemoved, 15_000, '8x8: the user removed');
        await waitUntil(() => lp.conversation(lpId).state === 'CLOSE', 15_000, 'LivePerson: the conversation closed');
        await waitForQuiet(standIns, 300, 10_000);
        expect(botTexts(standIns, '8x8', eightId).filter((text) => text === 'Goodbye!')).to.have.length(1);
        expect(botTexts(standIns, 'liveperson', lpId).filter((text) => text === 'Goodbye!')).to.have.length(1);
    });

    it('the dialogs bot keeps its dialog through a restart: its state is in the store', async () => {
        example = new ExampleProcess(example.port, { ...standIns.env, CONTACT_CENTER_STORE: 'sqlite:data/state.sqlite' }, folder, ['dialogs']);
        await example.start();
        const { eight } = standIns;
        const id = await eight.startConversation({ conversationId: 'dialog-restart' });
        await eight.customerSays(id, 'Ada');
        await waitUntil(() => botTexts(standIns, '8x8', id).includes('Thanks, Ada. What can I help you with?'), 10_000, 'the dialog asks for the topic');
        expect(await example.signal('SIGTERM')).to.include({ code: 0 });
        await example.start();
        await eight.customerClicksQuickReply(id, 'Returns', 'Returns');
        await waitUntil(() => eight.botMessages(id).some((m) => m.cards?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive'), 10_000, 'the form');
        // The dialog went on where it was (the topic step), not back to "What's your name?".
        expect(botTexts(standIns, '8x8', id).filter((text) => text === "Hi! I'm the support bot. What's your name?")).to.have.length(1);
    });
});

/** At the restart: messages the vendors sent so far (delivered, or being delivered), and how many of those had no reply yet. */
interface InFlight {
    sent: number;
    unanswered: number;
}

/** The messages the vendors delivered so far (the customers' 8x8 messages and the agents' LivePerson messages). */
function sentSoFar(standIns: StandIns): SentMessage[] {
    const messages: SentMessage[] = [];
    for (const conversation of standIns.eight.conversations.values()) {
        for (const message of conversation.messages) {
            if (message.authorType === 'user' && /^(term|kill) 8x8 /.test(message.text ?? '')) {
                messages.push({ vendor: '8x8', conversationId: conversation.id, text: message.text!, status: 0, attempts: 0 });
            }
        }
    }
    for (const conversation of standIns.lp.conversations.values()) {
        for (const event of conversation.events) {
            const text = event.event.message;
            if (event.role === 'ASSIGNED_AGENT' && typeof text === 'string' && /^(term|kill) liveperson /.test(text)) {
                messages.push({ vendor: 'liveperson', conversationId: conversation.id, text, status: 0, attempts: 0 });
            }
        }
    }
    return messages;
}

/** When the stand-in took the bot's first reply to `message` (ms since the epoch). */
function firstReplyAt(standIns: StandIns, message: SentMessage): number {
    const reply = `Echo: ${message.text}`;
    if (message.vendor === '8x8') return Date.parse(standIns.eight.botMessages(message.conversationId).find((m) => m.text === reply)!.createdAt);
    return standIns.lp.consumerEvents(message.conversationId).find((e) => e.event.message === reply)!.serverTimestamp;
}

function answered(standIns: StandIns, message: SentMessage): boolean {
    return botTexts(standIns, message.vendor, message.conversationId).includes(`Echo: ${message.text}`);
}
