'use strict';
/**
 * A small round-robin HTTP reverse proxy on loopback, standing in for the load balancer in front of several instances
 * of the example (deploy/compose.yaml runs HAProxy in that place). Used by `npm run bench` (the "Redis, 3 instances"
 * row) and by packages/examples/test/scaleOut.test.ts.
 *
 * - Each request goes to the next upstream in turn (round-robin per request, not per connection), with its method,
 *   path, headers and raw body unchanged; the upstream's status, headers and body come back unchanged, plus an
 *   `x-upstream` header naming the upstream's index (the tests count where deliveries went).
 * - An upstream that refuses or drops the connection, or does not answer within `timeoutMs`, is answered **502**
 *   (504 for the timeout) — the sender's redelivery goes to the next upstream. Nothing is retried here: a proxy cannot
 *   know whether a POST it lost the answer to was processed.
 * - `spreadDuplicates` (off by default): a request whose body is byte-identical to one sent recently goes to another
 *   upstream than the last copy did (the next one in turn that differs). The tests use it so that every duplicate
 *   delivery of a webhook reaches a *different* instance, whatever else interleaves; plain round-robin would put
 *   about a third of the pairs on the same instance.
 *
 * Written by hand on node:http (no dependency): ~100 lines, and the tests need its counts and the duplicate spreading.
 */
const http = require('node:http');
const { createHash } = require('node:crypto');

/** Hop-by-hop headers (RFC 9110 §7.6.1): the proxy's own connection's business, not forwarded back. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

class RoundRobinProxy {
    /**
     * @param {string[]} upstreams base URLs (`http://127.0.0.1:port`); change one later with `setUpstream`.
     * @param {{ spreadDuplicates?: boolean, timeoutMs?: number, maxSockets?: number }} [options]
     */
    constructor(upstreams, options = {}) {
        if (!Array.isArray(upstreams) || upstreams.length === 0) throw new TypeError('RoundRobinProxy: at least one upstream.');
        this.upstreams = upstreams.map((url) => new URL(url));
        this.spreadDuplicates = Boolean(options.spreadDuplicates);
        this.timeoutMs = options.timeoutMs ?? 10_000;
        this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 128 });
        this.next = 0;
        /** body hash → the upstream its last copy went to (bounded: oldest dropped first). */
        this.lastCopy = new Map();
        this.stats = { requests: 0, perUpstream: upstreams.map(() => 0), badGateway: 0, timeouts: 0, duplicatesSpread: 0 };
        this.server = http.createServer((req, res) => this.forward(req, res));
        this.server.keepAliveTimeout = 60_000;
    }

    /** Listens on 127.0.0.1 (port 0: any free port); resolves with the proxy's base URL. */
    start(port = 0) {
        return new Promise((resolve, reject) => {
            this.server.once('error', reject);
            this.server.listen(port, '127.0.0.1', () => resolve(this.url));
        });
    }

    get url() {
        return `http://127.0.0.1:${this.server.address().port}`;
    }

    /** Points upstream `index` elsewhere (an instance restarted on another port). */
    setUpstream(index, url) {
        this.upstreams[index] = new URL(url);
    }

    /** Stops listening and closes every connection, both sides. */
    async stop() {
        this.server.closeAllConnections();
        await new Promise((resolve) => this.server.close(() => resolve()));
        this.agent.destroy();
    }

    /** @private */
    pick(body) {
        let index = this.next++ % this.upstreams.length;
        if (!this.spreadDuplicates || this.upstreams.length < 2 || body.length === 0) return index;
        const key = createHash('sha1').update(body).digest('base64');
        const last = this.lastCopy.get(key);
        if (last === index) {
            index = (index + 1) % this.upstreams.length;
            this.stats.duplicatesSpread++;
        }
        this.lastCopy.delete(key);
        this.lastCopy.set(key, index);
        if (this.lastCopy.size > 100_000) this.lastCopy.delete(this.lastCopy.keys().next().value);
        return index;
    }

    /** @private */
    forward(req, res) {
        const chunks = [];
        req.on('data', (chunk) => chunks.push(chunk));
        req.on('error', () => res.destroy());
        req.on('end', () => {
            const body = Buffer.concat(chunks);
            const index = this.pick(body);
            const upstream = this.upstreams[index];
            this.stats.requests++;
            this.stats.perUpstream[index]++;
            let answered = false;
            const fail = (status, message) => {
                if (answered) return;
                answered = true;
                if (status === 504) this.stats.timeouts++;
                else this.stats.badGateway++;
                if (res.headersSent) return res.destroy();
                res.writeHead(status, { 'content-type': 'application/json', 'x-upstream': String(index) });
                res.end(JSON.stringify({ error: `upstream ${index}: ${message}` }));
            };
            const outgoing = http.request(
                {
                    host: upstream.hostname,
                    port: upstream.port,
                    method: req.method,
                    path: req.url,
                    headers: req.headers,
                    agent: this.agent,
                },
                (answer) => {
                    const headers = { 'x-upstream': String(index) };
                    for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
                    const parts = [];
                    answer.on('data', (chunk) => parts.push(chunk));
                    answer.on('error', (err) => fail(502, err.message));
                    answer.on('end', () => {
                        if (answered) return;
                        answered = true;
                        res.writeHead(answer.statusCode ?? 502, headers);
                        res.end(Buffer.concat(parts));
                    });
                }
            );
            outgoing.setTimeout(this.timeoutMs, () => {
                fail(504, `no answer within ${this.timeoutMs} ms`);
                outgoing.destroy();
            });
            outgoing.on('error', (err) => fail(502, err.code || err.message));
            outgoing.end(body);
        });
    }
}

module.exports = { RoundRobinProxy };
