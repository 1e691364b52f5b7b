/**
 * One escalation scenario of the CloudAdapter tests: the stand-ins, one instance of the customer app on the chosen
 * host, the customer, and the helpers the tests read the outcome with.
 */
import { expect } from 'chai';
import type { LivePersonSandbox, LivePersonSandboxConversation, RecordedRequest } from 'botbuilder-contact-center-sandbox';
import { MemoryInboxStore } from '../../src/core/memoryInboxStore';
import type { BotConnectorStandIn } from 'botbuilder-contact-center-sandbox';
import { Customer, startApp, startWorld, type AppOptions, type BotLog, type EscalationApp, type World } from './harness';

/** What a test works with once the scenario is set up. */
export interface ScenarioParts {
    sandbox: LivePersonSandbox;
    connector: BotConnectorStandIn;
    app: EscalationApp;
    log: BotLog;
    customer: Customer;
}

export class CloudScenario {
    readonly conversationId = 'conversation-1';
    private world?: World;
    private parts?: ScenarioParts;

    constructor(private readonly host: 'botbuilder' | 'agents') {}

    /** Starts the stand-ins and the app (with these options) and points LivePerson's webhooks at it. */
    async setup(options: Partial<AppOptions> = {}): Promise<ScenarioParts> {
        const world = (this.world = await startWorld());
        const { sandbox, connector, log } = world;
        const app = await startApp({ store: new MemoryInboxStore(), sandbox, log, logger: world.logger, host: this.host, ...options });
        sandbox.webhookUrl = `${app.url}/api/liveperson/webhook`;
        this.parts = { sandbox, connector, app, log, customer: new Customer(app.url, connector.url, this.conversationId) };
        return this.parts;
    }

    /** Stops everything (and checks the logs for secrets). */
    stop = async (): Promise<void> => {
        await this.parts?.app.close();
        await this.world?.stop();
        this.parts = undefined;
        this.world = undefined;
    };

    /** The customer asks for an agent; resolves with the LivePerson conversation the bridge opened. */
    escalate = async (): Promise<LivePersonSandboxConversation> => {
        const { customer, sandbox, app } = this.parts!;
        expect(await customer.says('agent')).to.equal(200);
        const [conversation] = [...sandbox.conversations.values()];
        expect(conversation, 'a LivePerson conversation').to.not.equal(undefined);
        await app.bridge.whenIdle();
        return conversation;
    };

    /** Resolves once the LivePerson events received have been relayed. */
    settle = (): Promise<void> => this.parts!.app.bridge.whenIdle();

    /** The states of the `handoff.status` events the bot got, in order. */
    statuses = (): string[] => this.parts!.log.events.filter((e) => e.name === 'handoff.status').map((e) => e.value.state);

    /** The successful SEND requests from recorder index `after` on. */
    sends = (after = 0): RecordedRequest[] => this.parts!.sandbox.recorder.find((r) => r.path.endsWith('/conversation/send') && r.status === 200, after);

    /** The event a SEND request published. */
    sendEvent = (request: RecordedRequest): any => (request.body as any).body?.event;
}
