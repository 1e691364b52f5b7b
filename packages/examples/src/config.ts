/** The example server's configuration, read from environment variables (DESIGN.md, "Example app contract"). */
export interface ExampleConfig {
    port: number;
    eightByEight?: {
        apiKey: string;
        baseUrl: string;
        tenant?: string;
        queueId?: string;
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
    return config;
}
