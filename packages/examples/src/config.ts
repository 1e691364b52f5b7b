/** The example server's configuration, read from environment variables (docs/architecture.md, "Example app contract"). */
export interface ExampleConfig {
    port: number;
    eightByEight?: {
        apiKey: string;
        baseUrl: string;
        tenant?: string;
        queueId?: string;
    };
    livePerson?: {
        accountId: string;
        clientId: string;
        clientSecret: string;
        csdsUrl: string;
        sentinelUrl?: string;
        idpUrl?: string;
        messagingUrl?: string;
        /** Default skill of conversations opened through `POST /api/liveperson/conversations`. */
        skillId?: string;
        /** Skill `handoff.initiate` re-routes to (a human skill). */
        handoffSkillId?: string;
    };
}

/** Reads the configuration; a vendor is enabled when its credentials are set. Throws on a malformed value. */
export function readConfig(env: NodeJS.ProcessEnv): ExampleConfig {
    const port = env.PORT === undefined || env.PORT === '' ? 3978 : Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got "${env.PORT}").`);
    const config: ExampleConfig = { port };
    if (env.EIGHTBYEIGHT_API_KEY) {
        config.eightByEight = {
            apiKey: env.EIGHTBYEIGHT_API_KEY,
            baseUrl: env.EIGHTBYEIGHT_BASE_URL || 'https://api.8x8.com',
            tenant: env.EIGHTBYEIGHT_TENANT || undefined,
            queueId: env.EIGHTBYEIGHT_QUEUE_ID || undefined,
        };
    }
    const livePersonCredentials = ['LIVEPERSON_ACCOUNT_ID', 'LIVEPERSON_CLIENT_ID', 'LIVEPERSON_CLIENT_SECRET'];
    const present = livePersonCredentials.filter((name) => env[name]);
    if (present.length > 0 && present.length < livePersonCredentials.length) {
        const missing = livePersonCredentials.filter((name) => !env[name]);
        throw new Error(`The LivePerson route needs ${livePersonCredentials.join(', ')}; missing: ${missing.join(', ')}.`);
    }
    if (present.length === livePersonCredentials.length) {
        config.livePerson = {
            accountId: env.LIVEPERSON_ACCOUNT_ID!,
            clientId: env.LIVEPERSON_CLIENT_ID!,
            clientSecret: env.LIVEPERSON_CLIENT_SECRET!,
            csdsUrl: env.LIVEPERSON_CSDS_URL || 'https://api.liveperson.net',
            sentinelUrl: env.LIVEPERSON_SENTINEL_URL || undefined,
            idpUrl: env.LIVEPERSON_IDP_URL || undefined,
            messagingUrl: env.LIVEPERSON_MESSAGING_URL || undefined,
            skillId: env.LIVEPERSON_SKILL_ID || undefined,
            handoffSkillId: env.LIVEPERSON_HANDOFF_SKILL_ID || undefined,
        };
    }
    return config;
}
