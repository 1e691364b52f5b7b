/**
 * Example processes for the scale-out tests: `node packages/examples/lib/main.js`, configured by environment
 * variables only, as an operator runs it. Each listens on a fixed loopback port, so a restarted instance comes back
 * where the load balancer expects it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers';

/** The built example's entry point (`npm run build` first). */
export const EXAMPLE_MAIN = join(ROOT, 'packages', 'examples', 'lib', 'main.js');

/** Lines kept per instance (its start-up and the latest log lines), for a failure message. */
const KEPT_LINES = 400;

/**
 * One example process. `start()` resolves once it printed that it listens and answers `GET /healthz` (and
 * `GET /readyz`, where the example has it); `kill()` is a `kill -9`; `stop()` is a SIGTERM (graceful shutdown) with
 * a SIGKILL 10 s later. Starting again after either keeps the port and the environment.
 */
export class ExampleInstance {
    private child: ChildProcess | undefined;
    private lines: string[] = [];
    /** Times this instance was started. */
    starts = 0;
    /** How it exited the last times (`SIGKILL`, `0`…), for the report. */
    readonly exits: string[] = [];

    constructor(
        readonly name: string,
        readonly port: number,
        private readonly env: NodeJS.ProcessEnv,
        private readonly cwd: string
    ) {}

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    get pid(): number | undefined {
        return this.child?.pid;
    }

    get running(): boolean {
        return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
    }

    /** What it printed (the last {@link KEPT_LINES} lines). */
    output(): string {
        return this.lines.join('\n');
    }

    /** Lines it printed that match `pattern`. */
    grep(pattern: RegExp): string[] {
        return this.lines.filter((line) => pattern.test(line));
    }

    async start(timeoutMs = 20_000): Promise<void> {
        if (this.running) throw new Error(`${this.name} is already running.`);
        this.starts++;
        const child = spawn(process.execPath, [EXAMPLE_MAIN], { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
        this.child = child;
        this.lines.push(`---- ${this.name} start #${this.starts} (pid ${child.pid}) ----`);
        let listening = false;
        let onListening: () => void = () => undefined;
        const keep = (chunk: Buffer) => {
            for (const line of chunk.toString().split('\n')) {
                if (line === '') continue;
                this.lines.push(line);
                if (/listening on http/.test(line)) {
                    listening = true;
                    onListening();
                }
            }
            if (this.lines.length > KEPT_LINES * 2) this.lines = [...this.lines.slice(0, 20), '…', ...this.lines.slice(-KEPT_LINES)];
        };
        child.stdout!.on('data', keep);
        child.stderr!.on('data', keep);
        child.once('exit', (code, signal) => this.exits.push(signal ?? String(code)));
        const deadline = Date.now() + timeoutMs;
        await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${this.name} printed no "listening on" within ${timeoutMs} ms:\n${this.output()}`)), timeoutMs);
            const exited = () => {
                clearTimeout(timer);
                reject(new Error(`${this.name} exited while starting:\n${this.output()}`));
            };
            child.once('exit', exited);
            onListening = () => {
                clearTimeout(timer);
                child.removeListener('exit', exited);
                resolve();
            };
            if (listening) onListening();
        });
        for (const path of ['/healthz', '/readyz']) {
            for (;;) {
                const status = await fetch(`${this.url}${path}`).then(
                    (r) => r.status,
                    () => 0
                );
                // 404: an example without /readyz.
                if (status === 200 || (path === '/readyz' && status === 404)) break;
                if (Date.now() > deadline) throw new Error(`${this.name}: GET ${path} answered ${status}:\n${this.output()}`);
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        }
    }

    /** `kill -9`: no shutdown at all; resolves once the process is gone. */
    async kill(): Promise<void> {
        await this.signal('SIGKILL');
    }

    /** SIGTERM (the example's graceful shutdown), SIGKILL after `timeoutMs`; resolves once the process is gone. */
    async stop(timeoutMs = 10_000): Promise<void> {
        const child = this.child;
        if (!child || !this.running) return;
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        await this.signal('SIGTERM');
        clearTimeout(timer);
    }

    private async signal(signal: NodeJS.Signals): Promise<void> {
        const child = this.child;
        if (!child || !this.running) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill(signal);
        await exited;
    }
}
