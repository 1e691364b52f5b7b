'use strict';
/**
 * A real `redis-server` (Debian's package) on a free loopback port in a temp directory, for the bench's Redis rows: the
 * plain-JavaScript twin of packages/store-redis/test/redisServer.ts (the bench does not load TypeScript).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

/** True when the port answers `+PONG` (not `-LOADING` while the append-only file is read). */
function answersPing(port) {
    return new Promise((resolve) => {
        const socket = net.createConnection({ port, host: '127.0.0.1' });
        let reply = '';
        const done = (ok) => {
            socket.destroy();
            resolve(ok);
        };
        socket.setTimeout(500, () => done(false));
        socket.once('error', () => done(false));
        socket.on('data', (chunk) => {
            reply += chunk.toString();
            if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
        });
        socket.once('connect', () => socket.write('PING\r\n'));
    });
}

/**
 * Starts redis-server with the append-only file on (`appendfsync everysec`, the production setting deploy/ uses: at
 * most a second of writes lost if the machine itself fails); resolves with `{ url, pid, stop() }`.
 */
async function startRedisServer({ appendfsync = 'everysec' } = {}) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcc-bench-redis-'));
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no'];
    args.push('--appendonly', 'yes', '--appendfsync', appendfsync);
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let exited = false;
    child.once('exit', () => (exited = true));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
        if (exited) throw new Error('redis-server exited at start; is it installed (apt-get install redis-server)?');
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within 10 s.`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return {
        url: `redis://127.0.0.1:${port}`,
        pid: child.pid,
        async stop() {
            if (child.exitCode === null && child.signalCode === null) {
                await new Promise((resolve) => {
                    child.once('exit', resolve);
                    child.kill('SIGTERM');
                });
            }
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** CPU time a process used so far (user + system), in µs, from /proc (Linux). */
function processCpuMicros(pid) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (1-based), in clock ticks (USER_HZ: 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

module.exports = { startRedisServer, processCpuMicros };
