import { LivePersonEscalation, type Logger, type WebhookPipelineOptions } from 'botbuilder-contact-center/protocol';
import type { ExampleConfig } from './config';

/** The skill escalations go to with the embedded sandbox when `LIVEPERSON_ESCALATION_SKILL` is not set. */
export const SANDBOX_ESCALATION_SKILL = 'escalation';

/** How long a customer waits for an agent unless `LIVEPERSON_ESCALATION_TIMEOUT_S` says otherwise (the bridge's default). */
export const DEFAULT_NO_AGENT_TIMEOUT_MS = 10 * 60_000;

/** The sweep looks for waits past their deadline this often: a tenth of the timeout, between these bounds. */
const MIN_SWEEP_MS = 1000;
const MAX_SWEEP_MS = 30_000;

/**
 * The skill customers on `POST /api/messages` are escalated to, or undefined when escalation is off: on with the
 * LivePerson credentials and `LIVEPERSON_ESCALATION_SKILL`, and always with the embedded sandbox (`sandbox`), against
 * its LivePerson stand-in.
 */
export function escalationSkill(config: ExampleConfig, sandbox: boolean): string | undefined {
    if (sandbox) return config.escalation?.skillId ?? SANDBOX_ESCALATION_SKILL;
    return config.livePerson ? config.escalation?.skillId : undefined;
}

/**
 * The LivePerson escalation bridge of the example: the LivePerson app installation of `config.livePerson` (the same
 * one the LivePersonAdapter uses, so both share the webhook route), the skill, the no-agent timeout
 * (`LIVEPERSON_ESCALATION_TIMEOUT_S`), and the example's one store and timings (`pipeline`). Its state (escalations,
 * their LivePerson conversations, tokens) and its inbox of LivePerson events live in that store, so a restart or
 * another instance on the same store carries on.
 */
export function createEscalation(config: ExampleConfig, skillId: string, pipeline: WebhookPipelineOptions, logger: Logger): LivePersonEscalation {
    const lp = config.livePerson!;
    const timeout = config.escalation?.noAgentTimeoutMs ?? DEFAULT_NO_AGENT_TIMEOUT_MS;
    // The bridge checks a wait's deadline on each of the conversation's events and in its sweep; a short timeout gets
    // a sweep often enough to end it on time (without one, every 30 s).
    const sweepIntervalMs = typeof timeout === 'number' ? Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.round(timeout / 10))) : MAX_SWEEP_MS;
    return new LivePersonEscalation({
        accountId: lp.accountId,
        clientId: lp.clientId,
        clientSecret: lp.clientSecret,
        csdsUrl: lp.csdsUrl,
        sentinelUrl: lp.sentinelUrl,
        idpUrl: lp.idpUrl,
        messagingUrl: lp.messagingUrl,
        skillId,
        noAgentTimeoutMs: timeout,
        sweepIntervalMs,
        ...pipeline,
        logger,
    });
}
