'use strict';
/**
 * Benchmark child process: the vendor side. Runs the project's own stand-in (8x8 or LivePerson, from
 * packages/sandbox) or, for botbuilder's CloudAdapter, a minimal Bot Connector endpoint; counts the bot's replies and
 * checks them: each message "m:<conversation>:<n>" must be answered exactly once with "Echo: m:<conversation>:<n>",
 * in order per conversation. Commands arrive over IPC.
 */
const http = require('node:http');
const { EightByEightSandbox, LivePersonSandbox } = require('botbuilder-contact-center-sandbox');

let sandbox;
let connector;
const tracker = newTracker();

function newTracker() {
    return { replies: 0, other: 0, errors: 0, outOfOrder: 0, unexpected: 0, calls: {}, last: new Map(), samples: [], lastReplyAt: 0 };
}

function reset() {
    Object.assign(tracker, newTracker());
}

function count(kind) {
    tracker.calls[kind] = (tracker.calls[kind] || 0) + 1;
}

function reply(text) {
    const match = /^Echo: m:(.+):(\d+)$/.exec(text || '');
    if (!match) {
        tracker.unexpected++;
        if (tracker.samples.length < 5) tracker.samples.push(text);
        return;
    }
    tracker.replies++;
    tracker.lastReplyAt = Date.now();
    const n = Number(match[2]);
    const last = tracker.last.get(match[1]);
    if (last !== undefined && n <= last) tracker.outOfOrder++;
    tracker.last.set(match[1], n);
}

function observe(request) {
    if (request.status >= 400) {
        tracker.errors++;
        if (tracker.samples.length < 5) tracker.samples.push(`${request.status} ${request.method} ${request.path}`);
        return;
    }
    const path = request.path;
    const body = request.body || {};
    if (path.endsWith('/messages') && request.method === 'POST') return (count('message'), reply(body.text));
    if (path.endsWith('/typing')) return count('typing');
    if (path.endsWith('/conversation/send')) {
        const event = (body.body && body.body.event) || {};
        if (event.type === 'ContentEvent') return (count('ContentEvent'), reply(event.message));
        return count(
            event.type === 'ChatStateEvent' ? `ChatState ${event.chatState}` : event.type === 'AcceptStatusEvent' ? `AcceptStatus ${event.status}` : body.type
        );
    }
    count(`${request.method} ${path.replace(/\/[0-9a-f-]{36}/g, '/:id')}`);
}

/** A minimal Bot Framework Connector: replies to conversations, answered 200 `{id}`. */
function startConnector() {
    let ids = 0;
    connector = http.createServer((req, res) => {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
            let body = {};
            try {
                body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
                tracker.errors++;
            }
            if (/^\/v3\/conversations\/[^/]+\/activities/.test(req.url)) {
                if (body.type === 'typing') count('typing');
                else if (body.type === 'message') {
                    count('message');
                    reply(body.text);
                } else tracker.other++;
            } else {
                tracker.other++;
            }
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ id: `a${ids++}` }));
        });
    });
    connector.keepAliveTimeout = 60_000;
    return new Promise((resolve) => connector.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${connector.address().port}`)));
}

const commands = {
    async start({ vendor, privateKeyPem }) {
        if (vendor === '8x8') {
            sandbox = new EightByEightSandbox({ privateKeyPem, echoBotMessages: false, announceQueued: false });
        } else if (vendor === 'liveperson') {
            sandbox = new LivePersonSandbox({ echoConsumerEvents: false });
        } else {
            return { url: await startConnector() };
        }
        sandbox.recorder.maxRequests = 0; // keep nothing: the tracker counts
        sandbox.recorder.onRequest(observe);
        const url = await sandbox.start();
        return {
            url,
            apiKey: sandbox.apiKey,
            accountId: sandbox.accountId,
            clientId: sandbox.clientId,
            clientSecret: sandbox.clientSecret,
            kid: sandbox.signingKey && sandbox.signingKey.kid,
        };
    },
    webhook({ url }) {
        sandbox.webhookUrl = url;
        return {};
    },
    addConversations({ ids }) {
        for (const id of ids) sandbox.addConversation(id);
        return {};
    },
    reset() {
        reset();
        return {};
    },
    stats() {
        return {
            replies: tracker.replies,
            other: tracker.other,
            errors: tracker.errors,
            outOfOrder: tracker.outOfOrder,
            unexpected: tracker.unexpected,
            calls: tracker.calls,
            conversations: tracker.last.size,
            samples: tracker.samples,
            lastReplyAt: tracker.lastReplyAt,
        };
    },
};

process.on('message', async (message) => {
    try {
        const result = await commands[message.cmd](message);
        if (process.connected) process.send({ id: message.id, result });
    } catch (err) {
        if (process.connected) process.send({ id: message.id, error: err.stack || String(err) });
    }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
