/**
 * Fuzzing both webhook routes over real HTTP on loopback: a few thousand bodies per route, each a mutation of the real
 * fixtures in test/fixtures (fields dropped, renamed and retyped, deep nesting, huge arrays within the body cap,
 * Object.prototype's keys, lone surrogates, numbers as strings, null everywhere, wrong event types, truncated JSON…),
 * every one signed like the vendor signs (the stand-ins sign the exact bytes they deliver), so each reaches the parser.
 *
 * Asserted: no 5xx answer (a 503 counts only when the inbox said it was full, which the vendor retries) and no
 * connection dropped; no unhandled rejection or uncaught exception; no failed event other than a permanent refusal (a
 * TypeError, or an activity the Agents SDK refuses, is a crash: the bot checks each activity with
 * `Activity.fromObject`); Object.prototype untouched; the adapter process's RSS growth bounded; and a valid message
 * afterwards still gets the bot's answer at the stand-in. The webhook may be answered before the bot's turn runs, so
 * the answer is waited for at the stand-in, never assumed from the webhook's status. The adapter runs in a child
 * process, so that its memory is measured apart from the bodies' (see "the adapter under test" below).
 *
 * What the fuzzing found is kept as focused tests below ("fuzz findings").
 *
 * Deterministic: body `i` comes from a PRNG seeded with (seed, i); the seed is printed with every failure
 * (`FUZZ_SEED=<seed>` replays it; `FUZZ_BODIES=<n>` changes how many bodies per route).
 */
import { expect } from 'chai';
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Activity as AgentsActivity } from '@microsoft/agents-activity';
import { EightByEightSandbox, LivePersonSandbox } from 'botbuilder-contact-center-sandbox';
import { ActivityTypes } from '../../src/core/activity';
import type { EventFailure } from '../../src/core/eventFailures';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import { capturingLogger, listen, waitUntil } from '../helpers';
import { hosts, type TestAdapter, type TestContext, type TestLivePersonAdapter } from '../hosts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x15c0ffee) >>> 0;
const BODIES = Number(process.env.FUZZ_BODIES ?? 2500);
/** Deliveries in flight at once. */
const CONCURRENCY = 16;
/** The adapters' default body cap (`maxBodyBytes`): bodies are kept under it, so they reach the parser. */
const BODY_CAP = 1024 * 1024;
/** Largest growth of the adapter process's RSS over one route's run (after a full GC), in MB: measured +3 to +25. */
const MAX_RSS_GROWTH_MB = 64;
/** Largest peak of the adapter process's RSS over its RSS before the run, in MB: measured +5 to +25. */
const MAX_PEAK_RSS_GROWTH_MB = 128;
const API_KEY = 'fuzz-test-key-3f9b21';
const SECRET = 'fuzz-test-secret-a40c7e';
const host = hosts[0];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ---- a deterministic PRNG --------------------------------------------------------------------------------------

/** mulberry32: small, fast, good enough to pick mutations. */
class Prng {
    private state: number;

    constructor(seed: number) {
        this.state = seed >>> 0;
    }

    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    int(n: number): number {
        return Math.floor(this.next() * n);
    }

    pick<T>(items: readonly T[]): T {
        return items[this.int(items.length)];
    }

    chance(p: number): boolean {
        return this.next() < p;
    }
}

// ---- the JSON tree --------------------------------------------------------------------------------------------

const isObject = (value: Json): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Sets an own property, even `__proto__` (a plain assignment would set the prototype instead). */
function setKey(object: JsonObject, key: string, value: Json): void {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every place in the tree a value sits: its container and key (the root has none). */
interface Slot {
    container: JsonObject | Json[] | undefined;
    key: string | number;
    value: Json;
}

function slots(root: Json): Slot[] {
    const found: Slot[] = [{ container: undefined, key: '', value: root }];
    const walk = (value: Json) => {
        if (Array.isArray(value)) {
            // Huge arrays: a sample of their items is enough.
            for (let i = 0; i < Math.min(value.length, 20); i++) {
                found.push({ container: value, key: i, value: value[i] });
                walk(value[i]);
            }
        } else if (isObject(value)) {
            for (const key of Object.keys(value)) {
                found.push({ container: value, key, value: value[key] });
                walk(value[key]);
            }
        }
    };
    walk(root);
    return found;
}

/** Replaces the value in `slot` (the root: returns the new root). */
function replace(root: Json, slot: Slot, value: Json): Json {
    if (slot.container === undefined) return value;
    if (Array.isArray(slot.container)) slot.container[slot.key as number] = value;
    else setKey(slot.container, slot.key as string, value);
    return root;
}

/** Applies `change` to every leaf. */
function mapLeaves(value: Json, change: (leaf: Json) => Json): Json {
    if (Array.isArray(value)) return value.map((item) => mapLeaves(item, change));
    if (isObject(value)) {
        const copy: JsonObject = {};
        for (const key of Object.keys(value)) setKey(copy, key, mapLeaves(value[key], change));
        return copy;
    }
    return change(value);
}

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

// ---- mutations ------------------------------------------------------------------------------------------------

/** Keys a plain-object lookup finds on Object.prototype, and the prototype itself. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf', '__defineGetter__'];
const LONE_SURROGATES = ['\uD800', '\uDC00', '\uDC00\uD800', 'a\uDBFFb', '\uD83D'];
const WEIRD_STRINGS = [
    '',
    ' ',
    '0',
    '-1',
    '1e309',
    'NaN',
    'true',
    'null',
    'undefined',
    '[]',
    '{}',
    '../..',
    '%',
    '%E0%A4%A',
    '\u0000',
    '\u202e',
    'a'.repeat(5000),
];

/** A value of any JSON type, often an awkward one. */
function anyValue(rng: Prng): Json {
    switch (rng.int(9)) {
        case 0:
            return null;
        case 1:
            return rng.chance(0.5);
        case 2:
            return rng.pick([0, -0, -1, 1, 2 ** 53 + 1, -(2 ** 63), 1e308, 3.14159, 0.1, 1e-320]);
        case 3:
            return rng.pick(WEIRD_STRINGS);
        case 4:
            return rng.pick(PROTOTYPE_KEYS);
        case 5:
            return `x${rng.pick(LONE_SURROGATES)}y`;
        case 6:
            return rng.pick([[], [null], [1, 'a', {}], [[[]]]]);
        case 7:
            return rng.pick<Json>([{}, { a: 1 }, { type: null }, { id: {} }]);
        default:
            return 'x'.repeat(rng.pick([1, 100, 10_000, 100_000]));
    }
}

/** `depth` levels of arrays and objects around `inner`. */
function nested(depth: number, inner: Json, rng: Prng): Json {
    const asObjects = rng.chance(0.5);
    let value = inner;
    for (let i = 0; i < depth; i++) value = asObjects ? { a: value } : [value];
    return value;
}

/** Where {@link deepNesting} puts arrays or objects nested thousands of levels deep: `<marker><depth>:arrays|objects`. */
const DEEP_MARKER = '@@nested@@';

/** The text with its first marker replaced by what it stands for, nested around `null` (copies of it by `null`). */
function deepNesting(text: string): string {
    let first = true;
    return text.replace(new RegExp(`"${DEEP_MARKER}(\\d+):(arrays|objects)"`, 'g'), (_marker, depth: string, kind: string) => {
        if (!first) return 'null';
        first = false;
        const [open, close] = kind === 'arrays' ? ['[', ']'] : ['{"a":', '}'];
        return open.repeat(Number(depth)) + 'null' + close.repeat(Number(depth));
    });
}

/** Keys that name what a body or part of it is: a mutation points them elsewhere. */
const TYPE_KEYS = /^(eventType|type|kind|name|role|state|stage|status|contentType|chatState|dialogType|channelType|authorType|subType)$/;

interface Mutation {
    name: string;
    apply(root: Json, rng: Prng, pool: MutationPool): Json;
}

/** Values and subtrees taken from all fixtures, to put in unexpected places. */
interface MutationPool {
    typeValues: string[];
    subtrees: Json[];
    keys: string[];
}

const MUTATIONS: Mutation[] = [
    {
        name: 'drop a field',
        apply(root, rng) {
            const objects = slots(root).filter((s) => isObject(s.value) && Object.keys(s.value).length > 0);
            if (objects.length === 0) return root;
            const object = rng.pick(objects).value as JsonObject;
            delete object[rng.pick(Object.keys(object))];
            return root;
        },
    },
    {
        name: 'rename a field',
        apply(root, rng, pool) {
            const objects = slots(root).filter((s) => isObject(s.value) && Object.keys(s.value).length > 0);
            if (objects.length === 0) return root;
            const object = rng.pick(objects).value as JsonObject;
            const key = rng.pick(Object.keys(object));
            const value = object[key];
            delete object[key];
            setKey(object, rng.pick([...PROTOTYPE_KEYS, ...pool.keys, `${key}_`, key.toUpperCase(), '']), value);
            return root;
        },
    },
    {
        name: 'retype a value',
        apply(root, rng) {
            return replace(root, rng.pick(slots(root)), anyValue(rng));
        },
    },
    {
        name: 'nest deeply',
        apply(root, rng) {
            const slot = rng.pick(slots(root));
            const depth = rng.pick([5, 30, 62, 63, 64, 65, 200, 5000, 100_000]);
            // Thousands of levels are too deep for JSON.stringify: a marker, replaced in the text (see deepNesting).
            if (depth > 200) return replace(root, slot, `${DEEP_MARKER}${depth}:${rng.pick(['arrays', 'objects'])}`);
            return replace(root, slot, nested(depth, rng.chance(0.5) ? slot.value : null, rng));
        },
    },
    {
        name: 'huge array',
        apply(root, rng) {
            const slot = rng.pick(slots(root));
            const length = rng.pick([999, 1000, 1001, 5000, 50_000]);
            // Copies of the value itself when it is small (e.g. 1,000 changes of a notification), else small items.
            const text = JSON.stringify(slot.value) ?? 'null';
            const item: Json = text.length * length < BODY_CAP / 2 ? slot.value : rng.pick<Json>([0, null, 'x', {}, []]);
            // Copies, not one object many times: a later mutation inside one must not grow them all.
            return replace(
                root,
                slot,
                Array.from({ length }, () => (item !== null && typeof item === 'object' ? clone(item) : item))
            );
        },
    },
    {
        name: 'prototype keys',
        apply(root, rng) {
            const all = slots(root);
            const objects = all.filter((s) => isObject(s.value));
            if (rng.chance(0.5) && objects.length > 0) {
                const object = rng.pick(objects).value as JsonObject;
                setKey(object, rng.pick(PROTOTYPE_KEYS), anyValue(rng));
                return root;
            }
            const strings = all.filter((s) => typeof s.value === 'string');
            return strings.length > 0 ? replace(root, rng.pick(strings), rng.pick(PROTOTYPE_KEYS)) : root;
        },
    },
    {
        name: 'lone surrogates',
        apply(root, rng) {
            const strings = slots(root).filter((s) => typeof s.value === 'string');
            if (strings.length === 0) return root;
            const slot = rng.pick(strings);
            const at = rng.int((slot.value as string).length + 1);
            const text = slot.value as string;
            return replace(root, slot, text.slice(0, at) + rng.pick(LONE_SURROGATES) + text.slice(at));
        },
    },
    {
        name: 'numbers as strings',
        apply(root, rng) {
            return mapLeaves(root, (leaf) =>
                typeof leaf === 'number' && rng.chance(0.7)
                    ? String(leaf)
                    : typeof leaf === 'string' && /^-?\d+(\.\d+)?$/.test(leaf) && rng.chance(0.7)
                      ? Number(leaf)
                      : leaf
            );
        },
    },
    {
        name: 'null everywhere',
        apply(root, rng) {
            const p = rng.pick([0.3, 1]);
            return mapLeaves(root, (leaf) => (rng.chance(p) ? null : leaf));
        },
    },
    {
        name: 'wrong event type',
        apply(root, rng, pool) {
            const typed = slots(root).filter((s) => typeof s.key === 'string' && TYPE_KEYS.test(s.key));
            if (typed.length === 0) return root;
            return replace(root, rng.pick(typed), rng.pick([...pool.typeValues, ...PROTOTYPE_KEYS, ...WEIRD_STRINGS.slice(0, 10)]));
        },
    },
    {
        name: 'graft a subtree of another fixture',
        apply(root, rng, pool) {
            return replace(root, rng.pick(slots(root)), clone(rng.pick(pool.subtrees)));
        },
    },
];

/** Changes of the JSON text itself: what no JSON value can be. */
const TEXT_MUTATIONS: Array<{ name: string; apply(text: string, rng: Prng): string }> = [
    { name: 'truncated JSON', apply: (text, rng) => text.slice(0, rng.int(text.length)) },
    {
        name: 'duplicate key',
        apply: (text, rng) => text.replace('{', `{"${rng.pick(['eventType', 'type', 'kind', '__proto__'])}":${JSON.stringify(rng.pick(PROTOTYPE_KEYS))},`),
    },
    {
        name: 'not an object',
        apply: (_text, rng) => rng.pick(['', ' ', 'null', '[]', '[{}]', '"MESSAGE"', '0', 'true', '{}', '\uFEFF{}', '{"a":1}garbage', '{"a":']),
    },
    {
        name: 'byte garbage',
        apply: (text, rng) => {
            const at = rng.int(text.length);
            return text.slice(0, at) + rng.pick(['\\', '"', '}', ']', ',', '\u0000', '\uFFFF']) + text.slice(at + 1);
        },
    },
];

// ---- fixtures and bodies --------------------------------------------------------------------------------------

function loadFixtures(vendor: 'eightbyeight' | 'liveperson'): Json[] {
    const dir = join(__dirname, '..', 'fixtures', vendor);
    return readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Json);
}

function poolOf(fixtures: Json[]): MutationPool {
    const typeValues = new Set<string>();
    const keys = new Set<string>();
    const subtrees: Json[] = [];
    for (const fixture of fixtures) {
        for (const slot of slots(fixture)) {
            if (typeof slot.key === 'string' && slot.key !== '') keys.add(slot.key);
            if (typeof slot.key === 'string' && TYPE_KEYS.test(slot.key) && typeof slot.value === 'string') typeValues.add(slot.value);
            if (slot.container !== undefined && slot.value !== null && typeof slot.value === 'object') subtrees.push(slot.value);
        }
    }
    return { typeValues: [...typeValues].sort(), keys: [...keys].sort(), subtrees };
}

/** One generated body: its text and the names of the mutations that made it (printed with a failure). */
interface FuzzBody {
    index: number;
    text: string;
    mutations: string[];
}

/**
 * Body `index` of a route: a fixture, its conversation ids pointed at one of `conversationIds` (so turns reach the
 * stand-in's real conversations), then 1 to 3 mutations, sometimes one of its text too. Kept under the body cap.
 */
function makeBody(index: number, fixtures: Json[], pool: MutationPool, idKeys: RegExp, conversationIds: string[]): FuzzBody {
    const rng = new Prng(SEED ^ Math.imul(index + 1, 0x9e3779b1));
    const conversationId = rng.pick(conversationIds);
    let root = mapIds(clone(rng.pick(fixtures)), idKeys, conversationId);
    const mutations: string[] = [];
    for (let n = 1 + rng.int(3); n > 0; n--) {
        const mutation = rng.pick(MUTATIONS);
        mutations.push(mutation.name);
        root = mutation.apply(root, rng, pool);
    }
    let text = deepNesting(JSON.stringify(root) ?? 'null');
    if (rng.chance(0.15)) {
        const mutation = rng.pick(TEXT_MUTATIONS);
        mutations.push(mutation.name);
        text = mutation.apply(text, rng);
    }
    if (Buffer.byteLength(text) > BODY_CAP) {
        mutations.push('cut to the body cap');
        text = text.slice(0, BODY_CAP / 2);
    }
    return { index, text, mutations };
}

/** The tree with every string under an id key (`conversationId`, `dialogId`, `convId`) replaced by `id`. */
function mapIds(value: Json, idKeys: RegExp, id: string): Json {
    for (const slot of slots(value)) {
        if (typeof slot.key === 'string' && idKeys.test(slot.key) && typeof slot.value === 'string') replace(value, slot, id);
    }
    return value;
}

// ---- the adapter under test, in a process of its own ----------------------------------------------------------

/*
 * The adapter runs in a child process (this file again, with FUZZ_ADAPTER_PROCESS set), so its RSS is its own: in
 * this process, making and sending thousands of bodies of up to 1 MB leaves the allocator a couple of hundred MB
 * larger by itself (measured against a server that only parses them), which would hide what the adapter does.
 * The child reports its memory (after a full GC), its unhandled rejections and uncaught exceptions, the failed
 * events that are crashes, webhooks answered 500 and any secret in a log line.
 *
 * It runs with MALLOC_ARENA_MAX=2. With glibc's default (8 arenas per core, one per thread that allocates), the RSS
 * of a process fuzzed with 20,000 bodies grew by ~260 MB while its heap (after GC) and external memory stayed flat:
 * memory freed but kept by the per-thread arenas, not held by the adapter. With two arenas the same run ends 5 MB
 * over its start (peak +70 MB), so the figure asserted here is what the adapter holds, and a leak would show.
 */

/** The adapter the child runs. */
interface AdapterStart {
    vendor: '8x8' | 'liveperson';
    /** The vendor options besides logger, store and onEventFailure (plain data). */
    options: Record<string, unknown>;
}

/** `measure`: memory after a full GC; `startPeak` also starts the peak over from now. */
type ToAdapter = { start: AdapterStart } | { open: string } | { measure: { startPeak: boolean } } | { report: true } | { close: true };

/** What the child found, at the end. */
interface AdapterReport {
    /** Unhandled rejections and uncaught exceptions. */
    problems: string[];
    /** Failed events other than permanent refusals: the adapter's own crashes (see {@link crashes}). */
    crashes: string[];
    /** Failed events by error type (a refusal of what the bot sent is expected for fuzzed events). */
    failureKinds: string;
    /** Log lines of webhooks answered 500. */
    failedWebhooks: string[];
    /** Log lines with a secret in them. */
    secretsLogged: string[];
    /** Log lines written, by level. */
    lines: Record<string, number>;
    /** Largest RSS seen since the peak was started, sampled every 50 ms. */
    peakRss: number;
}

type FromAdapter = { ready: string } | { opened: string } | { memory: NodeJS.MemoryUsage } | { report: AdapterReport } | { error: string };

/** The child's side: runs one adapter with the echo bot on a loopback server and answers the parent's messages. */
function serveAdapterForParent(): void {
    const send = (message: FromAdapter) => process.send!(message);
    const problems: string[] = [];
    process.on('unhandledRejection', (reason) => problems.push(`unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`));
    process.on('uncaughtExceptionMonitor', (error) => problems.push(`uncaught exception: ${error.stack ?? String(error)}`));
    const failures: EventFailure[] = [];
    const lines: Record<string, number> = {};
    const failedWebhooks: string[] = [];
    const secretsLogged: string[] = [];
    const keep =
        (level: string) =>
        (message: string, ...meta: unknown[]) => {
            lines[level] = (lines[level] ?? 0) + 1;
            const line = `${level} ${message} ${meta.map((m) => (m instanceof Error ? m.stack : JSON.stringify(m))).join(' ')}`;
            if (line.includes('webhook failed') && failedWebhooks.length < 20) failedWebhooks.push(line.slice(0, 2000));
            if ((line.includes(API_KEY) || line.includes(SECRET)) && secretsLogged.length < 20) secretsLogged.push(line.slice(0, 500));
        };
    const logger = { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
    let adapter: TestAdapter | undefined;
    let close: (() => Promise<void>) | undefined;
    const handle = async (message: ToAdapter) => {
        if ('start' in message) {
            const { vendor, options } = message.start;
            const common = { logger, store: new MemoryInboxStore(), onEventFailure: (failure: EventFailure) => void failures.push(failure) };
            adapter =
                vendor === '8x8'
                    ? new host.EightByEightAdapter({ ...(options as { apiKey: string }), ...common })
                    : new host.LivePersonAdapter({ ...(options as { accountId: string; clientId: string; clientSecret: string }), ...common });
            const server = await listen((req, res) => void adapter!.process(req, res, echoBot));
            close = server.close;
            send({ ready: server.url });
        } else if ('open' in message) {
            const reference = await (adapter as TestLivePersonAdapter).openConversation({ consumerId: message.open });
            send({ opened: reference.conversation!.id });
        } else if ('measure' in message) {
            collectGarbage();
            const memory = process.memoryUsage();
            if (message.measure.startPeak) peakRss = memory.rss;
            send({ memory });
        } else if ('report' in message) {
            send({
                report: { problems, crashes: crashes(failures), failureKinds: failureKinds(failures), failedWebhooks, secretsLogged, lines, peakRss },
            });
        } else {
            clearInterval(sampler);
            await close?.();
            await adapter?.close();
            process.exit(0);
        }
    };
    // The test ended (or its runner did): nothing is left running.
    process.on('disconnect', () => process.exit(0));
    process.on('message', (message: ToAdapter) => {
        handle(message).catch((err: Error) => send({ error: err.stack ?? String(err) }));
    });
}

/** The parent's side: a child process running one adapter. */
class AdapterProcess {
    private readonly child: ChildProcess;
    private readonly waiting: Array<(message: FromAdapter) => void> = [];
    private exit: string | undefined;

    constructor() {
        this.child = fork(__filename, [], {
            // Two malloc arenas: see the note above.
            env: { ...process.env, FUZZ_ADAPTER_PROCESS: '1', MALLOC_ARENA_MAX: '2' },
            execArgv: ['--expose-gc', '-r', 'ts-node/register/transpile-only'],
            stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        this.child.on('message', (message: FromAdapter) => this.waiting.shift()?.(message));
        this.child.on('exit', (code, signal) => {
            this.exit = `the adapter process exited (code ${code}, signal ${signal})`;
            for (const resolve of this.waiting.splice(0)) resolve({ error: this.exit });
        });
    }

    /** Sends `message`; resolves with the child's answer (one answer per message, in order). */
    private ask(message: ToAdapter): Promise<FromAdapter> {
        if (this.exit) return Promise.reject(new Error(this.exit));
        const answer = new Promise<FromAdapter>((resolve) => this.waiting.push(resolve));
        this.child.send(message);
        return answer.then((reply) => {
            if ('error' in reply) throw new Error(`adapter process: ${reply.error}`);
            return reply;
        });
    }

    async start(start: AdapterStart): Promise<string> {
        return ((await this.ask({ start })) as { ready: string }).ready;
    }

    async open(consumerId: string): Promise<string> {
        return ((await this.ask({ open: consumerId })) as { opened: string }).opened;
    }

    async memory(startPeak = false): Promise<NodeJS.MemoryUsage> {
        return ((await this.ask({ measure: { startPeak } })) as { memory: NodeJS.MemoryUsage }).memory;
    }

    async report(): Promise<AdapterReport> {
        return ((await this.ask({ report: true })) as { report: AdapterReport }).report;
    }

    /** Closes the adapter and waits for the process to end (ends it after 5 s if it does not). */
    async stop(): Promise<void> {
        if (this.exit) return;
        const ended = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
        this.child.send({ close: true });
        const timer = setTimeout(() => this.child.kill(), 5000);
        await ended;
        clearTimeout(timer);
    }
}

// ---- running a route ------------------------------------------------------------------------------------------

/** `global.gc`, exposed at run time (the child also runs with --expose-gc). */
function collectGarbage(): void {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

interface RouteRun {
    statuses: Map<number, number>;
    problems: string[];
    elapsedMs: number;
    slowestMs: number;
}

/** Delivers `count` bodies made by `make`, `CONCURRENCY` at a time; what each was answered, and what went wrong. */
async function fuzzRoute(
    count: number,
    make: (index: number) => FuzzBody,
    deliver: (body: FuzzBody) => Promise<{ status: number; body: string }>
): Promise<RouteRun> {
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let next = 0;
    let slowestMs = 0;
    const started = Date.now();
    const worker = async () => {
        while (next < count) {
            const body = make(next++);
            const sentAt = Date.now();
            const answer = await deliver(body);
            slowestMs = Math.max(slowestMs, Date.now() - sentAt);
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            // 503 only when the inbox said it had no room (the vendor delivers it again); 0 is no answer at all.
            const full = answer.status === 503 && /^\{"error":"The bot is busy: /.test(answer.body);
            const acceptable = (answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500) || full;
            if (!acceptable) {
                problems.push(
                    `body ${body.index} (seed ${SEED}; ${body.mutations.join(', ')}) answered ${answer.status} ${answer.body.slice(0, 200)}; ` +
                        `body: ${body.text.slice(0, 300)}`
                );
            }
        }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { statuses, problems, elapsedMs: Date.now() - started, slowestMs };
}

/**
 * Failed events a retry could fix, or so the pipeline thinks. With a stand-in that never fails, none is expected: a
 * fuzzed event may only fail for good (the vendor refused the bot's reply, the conversation is closed or not the
 * connector's); anything else (a TypeError, a ZodError of an activity the Agents SDK refuses…) is the adapter's crash.
 */
function crashes(failures: EventFailure[]): string[] {
    // A reply to a LivePerson conversation this connector has no record of is retried (its record may be on its way
    // from another instance), then dead-lettered: a refusal, not a crash.
    const refused = (f: EventFailure) => f.permanent || (f.error as Error)?.name === 'ConversationNotReadyError';
    return failures.filter((f) => !refused(f)).map((f) => `${f.conversationId} ${f.eventId}: ${String((f.error as Error)?.stack ?? f.error).slice(0, 1500)}`);
}

/** Failed events by error type, with the first message of each. */
function failureKinds(failures: EventFailure[]): string {
    const kinds = new Map<string, { count: number; first: string }>();
    for (const f of failures) {
        const name = `${(f.error as Error)?.name ?? typeof f.error}${f.permanent ? '' : ' (retryable)'}`;
        const kind = kinds.get(name) ?? { count: 0, first: String((f.error as Error)?.message ?? f.error).slice(0, 160) };
        kind.count++;
        kinds.set(name, kind);
    }
    return [...kinds.entries()].map(([name, { count, first }]) => `${name}: ${count} (e.g. "${first}")`).join(', ') || 'none';
}

/**
 * The example bot's answers: `Echo: <text>`, and `You sent: <JSON of value>` for a card submit. Every activity must
 * first be one the Agents SDK accepts (`Activity.fromObject`, as test/parity.test.ts checks for the fixtures): so one
 * host's fuzzing also finds what only the stricter host would refuse.
 */
async function echoBot(context: TestContext): Promise<void> {
    AgentsActivity.fromObject(context.activity);
    if (context.activity.type !== ActivityTypes.Message) return;
    if (context.activity.text) await context.sendActivity(`Echo: ${context.activity.text}`);
    else await context.sendActivity(`You sent: ${JSON.stringify(context.activity.value)}`);
}

const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();

// ---- the routes -----------------------------------------------------------------------------------------------

if (process.env.FUZZ_ADAPTER_PROCESS) {
    serveAdapterForParent();
} else {
    for (const testHost of hosts) {
        /**
         * What the fuzzing found, kept as focused tests. A timestamp out of Date's range (|t| > 8.64e15 ms; e.g. 1e308)
         * gave the activity an Invalid Date: the Agents SDK refuses such an activity (`Activity.fromObject`, a ZodError),
         * so the event failed as retryable, ran again until dead-lettered, and the bot never saw the message. The
         * activity's timestamp is now the time of arrival when the vendor's is no date, as when it has none.
         */
        describe(`fuzz findings: vendor timestamps out of Date's range (${testHost.name})`, function () {
            this.timeout(15_000);
            const OUT_OF_RANGE = [1e308, -(2 ** 63), 8.64e15 + 1];
            let failures: EventFailure[];
            let seen: TestContext['activity'][];
            let closeServer: (() => Promise<void>) | undefined;
            let adapter: TestAdapter | undefined;
            let stopSandbox: (() => Promise<void>) | undefined;
            const bot = async (context: TestContext) => {
                seen.push(context.activity);
                await echoBot(context);
            };
            const common = () => ({
                logger: capturingLogger(),
                store: new MemoryInboxStore(),
                retry: { baseDelayMs: 10, maxDelayMs: 50 },
                onEventFailure: (failure: EventFailure) => void failures.push(failure),
            });

            beforeEach(() => {
                failures = [];
                seen = [];
            });

            afterEach(async () => {
                await closeServer?.();
                await adapter?.close();
                await stopSandbox?.();
                closeServer = adapter = stopSandbox = undefined;
            });

            async function serve(): Promise<string> {
                const server = await listen((req, res) => void adapter!.process(req, res, bot));
                closeServer = server.close;
                return server.url;
            }

            /** Every message the bot saw has a valid timestamp of about now; no event failed. */
            function expectValidTimestamps(started: number): void {
                const messages = seen.filter((activity) => activity.type === ActivityTypes.Message);
                expect(messages).to.have.length(OUT_OF_RANGE.length);
                for (const { timestamp } of messages) expect(new Date(timestamp!).getTime()).to.be.within(started, Date.now());
                expect(failures.map((f) => String(f.error))).to.deep.equal([]);
            }

            it('8x8: a MESSAGE with such a timestamp reaches the bot, stamped with its arrival, and is answered', async () => {
                const sandbox = new EightByEightSandbox({ apiKey: API_KEY });
                stopSandbox = () => sandbox.stop();
                adapter = new testHost.EightByEightAdapter({ apiKey: API_KEY, baseUrl: await sandbox.start(), ...common() });
                sandbox.webhookUrl = `${await serve()}/api/8x8/webhook`;
                const id = sandbox.addConversation('timestamps').id;
                const started = Date.now();
                for (const [i, timestamp] of OUT_OF_RANGE.entries()) {
                    const message = { isEcho: false, sender: { id: 'customer-1', type: 'user' }, text: `at ${timestamp}` };
                    const delivery = await sandbox.deliver({ eventType: 'MESSAGE', conversationId: id, timestamp, data: message }, { eventId: `ts-${i}` });
                    expect(delivery.status).to.equal(200);
                }
                await waitUntil(() => sandbox.botMessages(id).length === OUT_OF_RANGE.length, 5000);
                expect(sandbox.botMessages(id).map((m) => m.text)).to.deep.equal(OUT_OF_RANGE.map((t) => `Echo: at ${t}`));
                expectValidTimestamps(started);
            });

            it('LivePerson: an agent message with such a serverTimestamp reaches the bot, stamped with its arrival, and is answered', async () => {
                const sandbox = new LivePersonSandbox({ clientSecret: SECRET });
                stopSandbox = () => sandbox.stop();
                const csdsUrl = await sandbox.start();
                const lp: TestLivePersonAdapter = new testHost.LivePersonAdapter({
                    accountId: sandbox.accountId,
                    clientId: sandbox.clientId,
                    clientSecret: SECRET,
                    csdsUrl,
                    sendReadReceipts: false,
                    ...common(),
                });
                adapter = lp;
                sandbox.webhookUrl = `${await serve()}/api/liveperson/webhook`;
                const id = (await lp.openConversation({ consumerId: 'timestamps' })).conversation!.id;
                const started = Date.now();
                for (const serverTimestamp of OUT_OF_RANGE) {
                    const change = { ...sandbox.agentMessageChange(id, `at ${serverTimestamp}`), serverTimestamp };
                    expect((await sandbox.deliver(sandbox.messagingNotification([change]))).status).to.equal(200);
                }
                await waitUntil(() => sandbox.consumerTexts(id).length === OUT_OF_RANGE.length, 5000);
                expect(sandbox.consumerTexts(id)).to.deep.equal(OUT_OF_RANGE.map((t) => `Echo: at ${t}`));
                expectValidTimestamps(started);
            });
        });
    }

    describe(`fuzzed webhooks over loopback HTTP (${host.name})`, function () {
        this.timeout(60_000);
        let adapterProcess: AdapterProcess | undefined;
        let stopSandbox: (() => Promise<void>) | undefined;

        afterEach(async function () {
            await adapterProcess?.stop();
            await stopSandbox?.();
            adapterProcess = stopSandbox = undefined;
            if (this.currentTest?.state === 'failed') console.log(`      (fuzz seed ${SEED}: FUZZ_SEED=${SEED} replays it)`);
        });

        /**
         * Fuzzes one route: `answered()` checks a valid message is answered (and warms the adapter up), then the bodies
         * go, then `answered()` again checks a valid message still is. Prints and asserts the figures.
         */
        async function fuzz(
            route: string,
            make: (index: number) => FuzzBody,
            deliver: (body: FuzzBody) => Promise<{ status: number; body: string }>,
            answered: () => Promise<void>
        ) {
            const prototypeBefore = prototypeNames();
            await answered();
            const before = await adapterProcess!.memory(true);
            const run = await fuzzRoute(BODIES, make, deliver);
            await answered();
            const after = await adapterProcess!.memory();
            const report = await adapterProcess!.report();
            const histogram = [...run.statuses.entries()]
                .sort(([a], [b]) => a - b)
                .map(([status, n]) => `${status}: ${n}`)
                .join(', ');
            console.log(
                `      ${route}: ${BODIES} bodies (seed ${SEED}) in ${run.elapsedMs} ms (${Math.round((BODIES * 1000) / run.elapsedMs)}/s), ` +
                    `slowest answer ${run.slowestMs} ms; statuses {${histogram}}\n` +
                    `      ${route}: adapter process RSS ${megabytes(before.rss)} → ${megabytes(after.rss)} MB (peak ${megabytes(report.peakRss)} MB), ` +
                    `heap ${megabytes(before.heapUsed)} → ${megabytes(after.heapUsed)} MB, external ${megabytes(before.external)} → ${megabytes(after.external)} MB; failed events: ${report.failureKinds}; ` +
                    `log lines ${JSON.stringify(report.lines)}`
            );
            expect(run.problems, `answers outside 2xx/4xx (seed ${SEED})`).to.deep.equal([]);
            expect(report.problems, 'unhandled rejections and uncaught exceptions in the adapter process').to.deep.equal([]);
            expect(report.crashes, `events that crashed the adapter (seed ${SEED})`).to.deep.equal([]);
            expect(report.failedWebhooks, 'webhooks that failed (500)').to.deep.equal([]);
            expect(report.secretsLogged, 'log lines with a secret').to.deep.equal([]);
            expect(prototypeNames(), 'Object.prototype').to.deep.equal(prototypeBefore);
            expect(run.statuses.get(200), 'bodies that reached the inbox').to.be.above(BODIES / 20);
            expect(run.statuses.get(400), 'bodies refused by the parser').to.be.above(BODIES / 20);
            expect(megabytes(after.rss - before.rss), 'RSS growth of the adapter process, MB').to.be.below(MAX_RSS_GROWTH_MB);
            expect(megabytes(report.peakRss - before.rss), 'peak RSS over the start, MB').to.be.below(MAX_PEAK_RSS_GROWTH_MB);
        }

        it('8x8: thousands of mutated, validly signed bodies of every event type: never a 5xx, and the bot still answers', async () => {
            const sandbox = new EightByEightSandbox({ apiKey: API_KEY });
            stopSandbox = () => sandbox.stop();
            const baseUrl = await sandbox.start();
            adapterProcess = new AdapterProcess();
            const url = await adapterProcess.start({ vendor: '8x8', options: { apiKey: API_KEY, baseUrl, retry: { baseDelayMs: 10, maxDelayMs: 50 } } });
            sandbox.webhookUrl = `${url}/api/8x8/webhook`;
            const conversations = Array.from({ length: 8 }, (_, i) => sandbox.addConversation(`fuzz-${i}`).id);
            const fixtures = loadFixtures('eightbyeight');
            // The seed MESSAGE is an echo from nobody: one from the customer too, so more bodies reach a turn.
            const customerMessage = clone(fixtures.find((f) => isObject(f) && f.eventType === 'MESSAGE')!) as JsonObject;
            Object.assign(customerMessage.data as JsonObject, { isEcho: false, sender: { id: 'customer-1', type: 'user' }, attachments: [], cards: [] });
            const seeds = [...fixtures, customerMessage];
            const pool = poolOf(seeds);
            let checks = 0;
            await fuzz(
                '8x8',
                (i) => makeBody(i, seeds, pool, /^conversationId$/, conversations),
                (body) => sandbox.deliver({ eventType: 'fuzz' }, { rawBody: body.text, eventId: `fuzz-${SEED}-${body.index}` }),
                // A valid message in a conversation the fuzzing leaves alone: the bot's answer reaches the stand-in.
                async () => {
                    const id = sandbox.addConversation(`valid-${++checks}`).id;
                    expect((await sandbox.customerSays(id, 'still there?')).status).to.equal(200);
                    await waitUntil(() => sandbox.botMessages(id).some((m) => m.text === 'Echo: still there?'), 15_000);
                }
            );
        });

        it('LivePerson: thousands of mutated, validly signed notifications: never a 5xx, and the bot still answers', async () => {
            const sandbox = new LivePersonSandbox({ clientSecret: SECRET });
            stopSandbox = () => sandbox.stop();
            const csdsUrl = await sandbox.start();
            adapterProcess = new AdapterProcess();
            const url = await adapterProcess.start({
                vendor: 'liveperson',
                options: {
                    accountId: sandbox.accountId,
                    clientId: sandbox.clientId,
                    clientSecret: SECRET,
                    csdsUrl,
                    retry: { baseDelayMs: 10, maxDelayMs: 50 },
                },
            });
            sandbox.webhookUrl = `${url}/api/liveperson/webhook`;
            const conversations: string[] = [];
            for (let i = 0; i < 4; i++) conversations.push(await adapterProcess.open(`fuzz-consumer-${i}`));
            const fixtures = loadFixtures('liveperson');
            const pool = poolOf(fixtures);
            let checks = 0;
            await fuzz(
                'LivePerson',
                (i) => makeBody(i, fixtures, pool, /^(conversationId|dialogId|convId)$/, conversations),
                (body) => sandbox.deliver({ type: 'fuzz' }, { rawBody: body.text }),
                // A valid message in a conversation opened for it: the bot's answer reaches the stand-in.
                async () => {
                    const id = await adapterProcess!.open(`valid-${++checks}`);
                    await sandbox.agentJoins(id);
                    expect((await sandbox.agentSays(id, 'still there?')).status).to.equal(200);
                    await waitUntil(() => sandbox.consumerTexts(id).includes('Echo: still there?'), 15_000);
                }
            );
        });
    });
}
