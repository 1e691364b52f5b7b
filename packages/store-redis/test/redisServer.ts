import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link RedisServer.start}. */
export interface RedisServerOptions {
    /** Append-only file on (`appendfsync always`), for tests that restart the server and expect the data back. */
    appendOnly?: boolean | undefined;
}

/**
 * A real `redis-server` (Debian's package) on a free loopback port, in a temp directory, for the tests: nothing is
 * stubbed. `stop()` and `start()` again keep the port and directory, so a restart keeps the append-only data.
 */
export class RedisServer {
    private process: ChildProcess | undefined;

    private constructor(
        readonly port: number,
        readonly dir: string,
        private readonly options: RedisServerOptions
    ) {}

    static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
        const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'bcc-redis-')), options);
        await server.start();
        return server;
    }

    get url(): string {
        return `redis://127.0.0.1:${this.port}`;
    }

    /** Starts the server (again) and resolves once it answers PING. */
    async start(): Promise<void> {
        const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--daemonize', 'no'];
        args.push(...(this.options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
        const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
        this.process = child;
        let exited = false;
        child.once('exit', () => (exited = true));
        const deadline = Date.now() + 10_000;
        while (!(await answersPing(this.port))) {
            if (exited) throw new Error(`redis-server exited at start (port ${this.port}); is it installed (apt-get install redis-server)?`);
            if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${this.port} within 10 s.`);
            await new Promise((resolve) => setTimeout(resolve, 20));
        }
    }

    /** Stops the server (SIGTERM: a clean shutdown that flushes the append-only file) and waits for it to exit. */
    async stop(): Promise<void> {
        const child = this.process;
        this.process = undefined;
        if (!child || child.exitCode !== null) return;
        await new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
        });
    }

    /** Stops the server and removes its directory. */
    async dispose(): Promise<void> {
        await this.stop();
        rmSync(this.dir, { recursive: true, force: true });
    }
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

/** True when the port answers `+PONG` (not `-LOADING` while the append-only file is read). */
function answersPing(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = createConnection({ port, host: '127.0.0.1' });
        let reply = '';
        const done = (ok: boolean) => {
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
