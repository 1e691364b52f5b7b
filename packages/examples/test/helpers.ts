import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'botbuilder-contact-center';

/** A logger that keeps every line, so tests can look for secrets and expected warnings. */
export function capturingLogger(): Logger & { lines: string[] } {
    const lines: string[] = [];
    const keep =
        (level: string) =>
        (message: string, ...meta: unknown[]) => {
            lines.push(`${level} ${message} ${meta.map((m) => (m instanceof Error ? `${m.message} ${m.stack}` : JSON.stringify(m))).join(' ')}`);
        };
    return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** A free loopback port. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createNetServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

/** The repository root (where `npm start` and friends are defined). */
export const ROOT = join(__dirname, '..', '..', '..');

/** A started `npm run <script>`: its process (a group leader: `stop()` ends npm and node alike) and what it printed. */
export interface StartedScript {
    child: ChildProcess;
    /** The sandbox page URL it printed. */
    url: string;
    output(): string;
    /** Ends the script's process group. */
    stop(): Promise<void>;
}

/**
 * Runs `npm <args>` from the repository root without vendor variables (so the example runs against the embedded
 * sandbox) nor BOT_HOST (so the script's own host runs) unless `env` sets them; resolves once it printed the sandbox
 * page URL.
 */
export function startNpmScript(args: string[], port: number, env: NodeJS.ProcessEnv = {}): Promise<StartedScript> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(childEnv))
        if (name.startsWith('EIGHTBYEIGHT_') || name.startsWith('LIVEPERSON_') || name === 'BOT_HOST') delete childEnv[name];
    // In memory unless the test chooses: a test must not leave a SQLite file in the repository (./data).
    Object.assign(childEnv, { CONTACT_CENTER_STORE: 'memory' }, env, { PORT: String(port) });
    const child = spawn('npm', args, { cwd: ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const signal = (name: NodeJS.Signals) => {
        try {
            process.kill(-child.pid!, name);
        } catch {
            // already gone
        }
    };
    // SIGTERM (the example closes its server and stand-ins and exits), SIGKILL if it has not exited 5 s later.
    const stop = async () => {
        if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 5000);
            child.once('exit', () => {
                clearTimeout(timer);
                resolve(true);
            });
        });
        signal('SIGTERM');
        if (!(await exited)) signal('SIGKILL');
    };
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            void stop();
            reject(new Error(`npm ${args.join(' ')} printed no sandbox URL within 30 s:\n${output}`));
        }, 30_000);
        const onData = (chunk: Buffer) => {
            output += chunk.toString();
            const match = output.match(/Open (http:\/\/\S+\/sandbox\/)/);
            if (match) {
                clearTimeout(timer);
                resolve({ child, url: match[1], output: () => output, stop });
            }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`npm ${args.join(' ')} exited with ${code}:\n${output}`));
        });
    });
}

/**
 * The webhooks are answered once their events are in the inbox; the bot's turns run right after. Tests that check
 * what a turn did right after a delivery make each delivery of `standIn` (a stand-in's `deliver`, which all its
 * helpers and background notifications use) also wait until the example ran everything it accepted. Returns a
 * function that stops waiting (call it before closing the example: an adapter that is closing works off nothing).
 */
export function waitForTurnsAfterDeliveries(standIn: { deliver(...args: never[]): Promise<unknown> }, example: { whenIdle(): Promise<void> }): () => void {
    let waiting = true;
    const deliver = standIn.deliver.bind(standIn) as (...args: unknown[]) => Promise<unknown>;
    (standIn as { deliver: (...args: unknown[]) => Promise<unknown> }).deliver = async (...args: unknown[]) => {
        const result = await deliver(...args);
        if (waiting) await example.whenIdle();
        return result;
    };
    return () => {
        waiting = false;
    };
}

/** Polls `condition` every 20 ms until it holds; rejects after `timeoutMs` with `what`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const start = Date.now();
    while (!condition()) {
        if (Date.now() - start > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}
