import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** A fresh id for an activity the vendor gave none to. */
export function newActivityId(): string {
    return randomUUID();
}

/** Waits for a `delay` activity: `value` ms, 1,000 when absent (as botbuilder's CloudAdapter does). */
export async function waitForDelay(value: unknown): Promise<void> {
    const ms = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 1000;
    await sleep(ms);
}
