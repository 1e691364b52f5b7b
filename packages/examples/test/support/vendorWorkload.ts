/**
 * The vendor side of the restart and fault tests: both stand-ins started in the test process as redelivering vendors,
 * the environment that points an example process at them, conversations opened on both, messages sent as customers
 * (8x8) and agents (LivePerson) with unique texts, and the bot's replies counted per message at the stand-ins (the
 * echo bot answers `Echo: <text>`).
 */
import { EightByEightSandbox, LivePersonSandbox, type RedeliveryOptions } from 'botbuilder-contact-center-sandbox';

const API_KEY = 'durability-8x8-key-4e1d';
const SECRET = 'durability-lp-secret-77c2';
const API_TOKEN = 'durability-api-token-5b9a03e1';

export type Vendor = '8x8' | 'liveperson';

/** Both stand-ins, and the variables that point the example at them. */
export interface StandIns {
    eight: EightByEightSandbox;
    lp: LivePersonSandbox;
    env: NodeJS.ProcessEnv;
    /** Where the stand-ins deliver webhooks: the example at `url`. */
    deliverTo(url: string): void;
    stop(): Promise<void>;
}

export async function startStandIns(redelivery: RedeliveryOptions): Promise<StandIns> {
    const eight = new EightByEightSandbox({ apiKey: API_KEY, redelivery });
    const lp = new LivePersonSandbox({ clientSecret: SECRET, redelivery });
    const [eightUrl, csdsUrl] = await Promise.all([eight.start(), lp.start()]);
    return {
        eight,
        lp,
        env: {
            EIGHTBYEIGHT_API_KEY: API_KEY,
            EIGHTBYEIGHT_BASE_URL: eightUrl,
            EIGHTBYEIGHT_QUEUE_ID: 'durability-queue',
            EIGHTBYEIGHT_ALLOWED_TENANT_IDS: eight.tenantId,
            LIVEPERSON_ACCOUNT_ID: lp.accountId,
            LIVEPERSON_CLIENT_ID: lp.clientId,
            LIVEPERSON_CLIENT_SECRET: SECRET,
            LIVEPERSON_CSDS_URL: csdsUrl,
            EXAMPLE_API_TOKEN: API_TOKEN,
        },
        deliverTo(url) {
            eight.webhookUrl = `${url}/api/8x8/webhook`;
            lp.webhookUrl = `${url}/api/liveperson/webhook`;
        },
        async stop() {
            await Promise.all([eight.stop(), lp.stop()]);
        },
    };
}

/** Conversations on both vendors, each greeted by the bot. */
export interface Conversations {
    eight: string[];
    lp: string[];
}

/**
 * Opens `count` 8x8 conversations (the customer arrives) and `count` LivePerson conversations (through the example's
 * `POST /api/liveperson/conversations`, then an agent joins), and waits for the bot's greeting in each.
 */
export async function openConversations(standIns: StandIns, exampleUrl: string, count: number, tag: string): Promise<Conversations> {
    const { eight, lp } = standIns;
    const eightIds = await Promise.all(Array.from({ length: count }, (_, i) => eight.startConversation({ conversationId: `${tag}-8x8-${i}` })));
    const lpIds = await Promise.all(
        Array.from({ length: count }, async (_, i) => {
            const response = await fetch(`${exampleUrl}/api/liveperson/conversations`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` },
                body: JSON.stringify({ consumerId: `${tag}-consumer-${i}` }),
            });
            if (response.status !== 201) throw new Error(`Opening a LivePerson conversation: ${response.status} ${await response.text()}`);
            const { conversationId } = (await response.json()) as { conversationId: string };
            await lp.agentJoins(conversationId);
            return conversationId;
        })
    );
    await waitUntil(
        () => eightIds.every((id) => eight.botMessages(id).length >= 1) && lpIds.every((id) => lp.consumerTexts(id).length >= 1),
        20_000,
        'every conversation greeted'
    );
    return { eight: eightIds, lp: lpIds };
}

/** One message of the workload, as the vendor saw its delivery end. */
export interface SentMessage {
    vendor: Vendor;
    conversationId: string;
    text: string;
    /** The delivery's last status (2xx: acknowledged; anything else: the vendor gave up). */
    status: number;
    attempts: number;
}

/**
 * Sends `perConversation` messages in every conversation of both vendors, all conversations at once, each one's
 * messages in order: the next once the vendor's delivery of the previous ended (acknowledged, or given up after its
 * redeliveries), `pauseMs` later. `onDelivered` is called after each with how many ended so far.
 */
export async function sendMessages(
    standIns: StandIns,
    conversations: Conversations,
    perConversation: number,
    options: { tag: string; pauseMs?: number; onDelivered?: (count: number) => void }
): Promise<SentMessage[]> {
    const sent: SentMessage[] = [];
    const say = async (vendor: Vendor, conversationId: string, text: string) => {
        const result = vendor === '8x8' ? await standIns.eight.customerSays(conversationId, text) : await standIns.lp.agentSays(conversationId, text);
        sent.push({ vendor, conversationId, text, status: result.status, attempts: result.attempts });
        options.onDelivered?.(sent.length);
    };
    const run = async (vendor: Vendor, conversationId: string, index: number) => {
        for (let n = 0; n < perConversation; n++) {
            await say(vendor, conversationId, `${options.tag} ${vendor} c${index} m${n}`);
            if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
        }
    };
    await Promise.all([...conversations.eight.map((id, i) => run('8x8', id, i)), ...conversations.lp.map((id, i) => run('liveperson', id, i))]);
    return sent;
}

/** The bot's texts in a conversation: 8x8 bot messages, or the LivePerson consumer's (the bot speaks as the consumer). */
export function botTexts(standIns: StandIns, vendor: Vendor, conversationId: string): string[] {
    return vendor === '8x8' ? standIns.eight.botMessages(conversationId).map((message) => message.text ?? '') : standIns.lp.consumerTexts(conversationId);
}

/** How many times the bot answered each message (`Echo: <text>`), in the order of `sent`. */
export function replyCounts(standIns: StandIns, sent: SentMessage[]): number[] {
    const counts = new Map<string, number>();
    for (const vendor of ['8x8', 'liveperson'] as const) {
        const ids = new Set(sent.filter((message) => message.vendor === vendor).map((message) => message.conversationId));
        for (const id of ids)
            for (const text of botTexts(standIns, vendor, id)) counts.set(`${vendor} ${id} ${text}`, (counts.get(`${vendor} ${id} ${text}`) ?? 0) + 1);
    }
    return sent.map((message) => counts.get(`${message.vendor} ${message.conversationId} Echo: ${message.text}`) ?? 0);
}

/** Polls `condition` every 25 ms until it holds; rejects after `timeoutMs` naming `what`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const start = Date.now();
    while (!condition()) {
        if (Date.now() - start > timeoutMs) throw new Error(`Not within ${timeoutMs} ms: ${what}.`);
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

/**
 * Resolves once neither stand-in saw anything (a REST call, a delivery) for `quietMs`: the example has nothing left
 * to do, so no late duplicate can still come. Rejects after `timeoutMs`.
 */
export async function waitForQuiet(standIns: StandIns, quietMs: number, timeoutMs: number): Promise<void> {
    const version = () => standIns.eight.version + standIns.lp.version;
    let last = version();
    let since = Date.now();
    const start = Date.now();
    while (Date.now() - since < quietMs) {
        if (Date.now() - start > timeoutMs) throw new Error(`The stand-ins did not go quiet within ${timeoutMs} ms.`);
        await new Promise((resolve) => setTimeout(resolve, 25));
        if (version() !== last) {
            last = version();
            since = Date.now();
        }
    }
}

/** Sums `values`. */
export function sum(values: number[]): number {
    return values.reduce((total, value) => total + value, 0);
}
