/**
 * The example as an operator runs it: `node packages/examples/lib/main.js` in a process of its own, configured by
 * environment variables only (build first: `npm run build`). Started, stopped with SIGTERM, killed with SIGKILL and
 * started again on the same port, with the same environment and working directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers';

/** The built example's entry point. */
export const EXAMPLE_MAIN = join(ROOT, 'packages', 'examples', 'lib', 'main.js');

/** Variables of the test run's own environment that must not reach the example (it gets only what the test sets). */
const OWN_VARIABLES = /^(EIGHTBYEIGHT_|LIVEPERSON_|CONTACT_CENTER_|BOT_HOST$|HOST$|PORT$|EXAMPLE_API_TOKEN$)/;

/** How a process ended. */
export interface Exit {
    code: number | null;
    signal: NodeJS.Signals | null;
}

export class ExampleProcess {
    private child: ChildProcess | undefined;
    private exited: Promise<Exit> | undefined;
    private lines: string[] = [];

    constructor(
        readonly port: number,
        private readonly env: NodeJS.ProcessEnv,
        private readonly cwd: string,
        private readonly args: string[] = []
    ) {}

    get url(): string {
        return `http://127.0.0.1:${this.port}`;
    }

    /** Everything it printed, over every start. */
    output(): string {
        return this.lines.join('\n');
    }

    /** Starts it; resolves once it said it listens and `GET /readyz` answers 200, with how long that took (ms). */
    async start(timeoutMs = 20_000): Promise<number> {
        const started = Date.now();
        const env: NodeJS.ProcessEnv = {};
        for (const [name, value] of Object.entries(process.env)) if (!OWN_VARIABLES.test(name)) env[name] = value;
        Object.assign(env, this.env, { PORT: String(this.port), HOST: '127.0.0.1' });
        const child = spawn(process.execPath, [EXAMPLE_MAIN, ...this.args], { cwd: this.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        this.child = child;
        this.lines.push(`---- start (pid ${child.pid}) ----`);
        const keep = (chunk: Buffer) =>
            this.lines.push(
                ...chunk
                    .toString()
                    .split('\n')
                    .filter((line) => line !== '')
            );
        child.stdout!.on('data', keep);
        child.stderr!.on('data', keep);
        this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
        for (;;) {
            if (child.exitCode !== null || child.signalCode !== null) throw new Error(`The example exited while starting:\n${this.output()}`);
            if (Date.now() - started > timeoutMs) throw new Error(`The example was not ready within ${timeoutMs} ms:\n${this.output()}`);
            const status = await fetch(`${this.url}/readyz`).then(
                (response) => response.status,
                () => 0
            );
            if (status === 200) return Date.now() - started;
            await new Promise((resolve) => setTimeout(resolve, 25));
        }
    }

    /** Sends `signal` and resolves once the process is gone, with how it ended and how long it took (ms). */
    async signal(signal: 'SIGTERM' | 'SIGKILL'): Promise<Exit & { ms: number }> {
        const child = this.child;
        if (!child || !this.exited) throw new Error('The example is not running.');
        const sent = Date.now();
        child.kill(signal);
        const exit = await this.exited;
        return { ...exit, ms: Date.now() - sent };
    }

    /** Ends it if it still runs (SIGKILL): for `after` hooks. */
    async kill(): Promise<void> {
        const child = this.child;
        if (child && child.exitCode === null && child.signalCode === null) await this.signal('SIGKILL');
    }
}
