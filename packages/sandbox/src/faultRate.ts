/**
 * Probabilistic faults for a stand-in's REST API (`injectFaultRate`): a share of the calls fail, each with a kind
 * drawn at random, from a seeded generator so a run can be repeated. Two kinds are the ambiguous case a client cannot
 * tell from a failure: the stand-in *acts* on the request (the message is recorded, the agent or customer sees it)
 * and only then answers 500 or drops the connection.
 */

/** What a faulty call does. */
export type FaultKind =
    /** 503 before acting (the vendor did nothing). */
    | '503'
    /** 429 with `Retry-After` before acting. */
    | '429'
    /** The request is carried out, then answered 500 (the vendor did act). */
    | '500-after-acting'
    /** No answer: the connection is held until the client gives up (or `hangMs` passes, then dropped). Nothing done. */
    | 'hang'
    /** The connection is reset before acting. */
    | 'reset'
    /** The request is carried out, then the connection is reset without an answer (the vendor did act). */
    | 'reset-after-acting';

export const FAULT_KINDS: readonly FaultKind[] = ['503', '429', '500-after-acting', 'hang', 'reset', 'reset-after-acting'];

/** The kinds after which the vendor has acted although the client saw a failure. */
export const AFTER_ACTING_KINDS: readonly FaultKind[] = ['500-after-acting', 'reset-after-acting'];

/** Options of `injectFaultRate`. */
export interface FaultRateOptions {
    /** Share of the matching calls that fail, from 0 to 1. */
    rate: number;
    /** The kinds to draw from, equally likely. Default all of {@link FAULT_KINDS}. */
    kinds?: readonly FaultKind[] | undefined;
    /** Seed of the generator (the same seed, the same draws in the same order of calls). Default 1. */
    seed?: number | undefined;
    /** Only calls with this method. */
    method?: string | undefined;
    /** Only calls whose path matches (a prefix or a pattern). Default every call. */
    path?: string | RegExp | undefined;
    /** `Retry-After` of a 429, in seconds. Default 1. */
    retryAfterSeconds?: number | undefined;
    /** How long a `hang` holds the connection at most before dropping it, in ms. Default 60,000. */
    hangMs?: number | undefined;
}

/** A fault that was injected. */
export interface InjectedFault {
    kind: FaultKind;
    method: string;
    path: string;
    /** The request's JSON body (what the call asked for). */
    body: unknown;
    /**
     * For the after-acting kinds: whether the stand-in did act (its own answer, before the fault replaced it, was a
     * 2xx). False for the others.
     */
    acted: boolean;
    at: number;
}

/** Draws the faults of one `injectFaultRate` and keeps what it injected. */
export class FaultDice {
    private readonly kinds: readonly FaultKind[];
    private readonly random: () => number;
    private paused = false;

    /** @param injected Where the faults injected are kept, in order (shared by the dice a stand-in had one after the other). */
    constructor(
        readonly options: FaultRateOptions,
        readonly injected: InjectedFault[] = []
    ) {
        if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError('injectFaultRate: rate must be between 0 and 1.');
        this.kinds = options.kinds ?? FAULT_KINDS;
        if (this.kinds.length === 0 || this.kinds.some((kind) => !FAULT_KINDS.includes(kind))) {
            throw new RangeError(`injectFaultRate: kinds must be some of ${FAULT_KINDS.join(', ')}.`);
        }
        this.random = mulberry32(options.seed ?? 1);
    }

    /** The fault for this call, if one is drawn (two draws per call: whether, then which). */
    draw(method: string, path: string): FaultKind | undefined {
        if (this.paused) return undefined;
        const { method: only, path: pattern } = this.options;
        if (only && only.toUpperCase() !== method.toUpperCase()) return undefined;
        if (pattern && !(typeof pattern === 'string' ? path.startsWith(pattern) : pattern.test(path))) return undefined;
        const fails = this.random() < this.options.rate;
        const kind = this.kinds[Math.floor(this.random() * this.kinds.length)];
        return fails ? kind : undefined;
    }

    /** No more faults from now on. */
    pause(): void {
        this.paused = true;
    }

    /** Keeps a fault that was applied. */
    record(fault: Omit<InjectedFault, 'at'>): void {
        this.injected.push({ ...fault, at: Date.now() });
    }

    /** How many faults of each kind were injected. */
    counts(): Record<FaultKind, number> {
        const counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
        for (const fault of this.injected) counts[fault.kind]++;
        return counts;
    }
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
