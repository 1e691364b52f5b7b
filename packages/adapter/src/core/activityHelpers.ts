import { randomUUID } from 'node:crypto';
import { ActivityTypes, type Activity } from 'botbuilder';
import { setTimeout as sleep } from 'node:timers/promises';

/** A fresh id for an activity the vendor gave none to. */
export function newActivityId(): string {
    return randomUUID();
}

/** A handoff request: `EventFactory.createHandoffInitiation` (event `handoff.initiate`) or a `handoff` activity. */
export function isHandoffInitiation(activity: Partial<Activity>): boolean {
    return activity.type === ActivityTypes.Handoff || (activity.type === ActivityTypes.Event && activity.name === 'handoff.initiate');
}

/** Waits for a `delay` activity: `value` ms, 1,000 when absent (as botbuilder's CloudAdapter does). */
export async function waitForDelay(value: unknown): Promise<void> {
    const ms = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 1000;
    await sleep(ms);
}
