/**
 * `ChoicePrompt` and `ConfirmPrompt` with their default style (`ListStyle.auto`) offer their choices as suggested
 * actions (the vendors' quick replies) on the `8x8` and `liveperson` channels, with no change to the bot.
 *
 * Why a patch: the dialogs libraries choose the automatic style from the channel id alone, and neither knows these
 * channels. botbuilder-dialogs' `ChoiceFactory.forChannel` asks `supportsSuggestedActions(channelId)` (`lib/choices/channel.js`,
 * a private list of Microsoft's channels), which answers false; `@microsoft/agents-hosting-dialogs` 0.6.22's
 * `forChannel` has no suggested actions at all (inline or numbered text only), and its `Prompt.appendChoices` renders
 * neither `ListStyle.suggestedAction` nor `heroCard` (both fall through to `forChannel`). Nothing public (a prompt
 * option, a middleware setting, the turn's activity) changes that choice without changing the bot. So this module
 * wraps the one public function every prompt's automatic style goes through, the static `ChoiceFactory.forChannel` of
 * the copy of the dialogs library the bot loaded:
 *
 * - scoped: only channel ids an adapter registered (`8x8`, `liveperson`, within the vendor's limits below) get
 *   suggested actions; every other channel id, and every call over the limits, gets the original function's answer;
 * - version-checked: only the versions this library was tested with (botbuilder-dialogs 4.x from 4.20, agents-hosting-dialogs
 *   0.6.x), read from the copy's own package.json; any other version is left untouched, with one warning;
 * - idempotent: one wrapper per copy, whose state lives on that copy's `ChoiceFactory` (several adapters, or several
 *   copies of this library, share it); {@link disableQuickReplyPrompts} restores the original;
 * - optional: the dialogs libraries are never imported here; a copy that is not installed is simply not found, and the
 *   adapters never load one (they patch the copies the bot has loaded, or loads later: see {@link startQuickReplyPrompts}).
 *
 * Recognition is unchanged: the prompt still recognises the choice's text, its number ("2") and its synonyms.
 */
import { createRequire } from 'node:module';
import { DIALOGS_PACKAGES, findCopies, loadedExports, readVersion, type DialogsCopy, type DialogsPackage, type DialogsPackageName } from './dialogsCopies';
export type { DialogsPackageName } from './dialogsCopies';
import { consoleLogger, describeError, type Logger } from './logger';
import { ConfigurationError } from './errors';
import { POSTBACK_ACTION_TYPES } from './suggestedActions';

/** When a prompt on a channel is shown as quick replies; outside these limits it keeps the dialogs library's style. */
export interface QuickReplyPromptLimits {
    /** At most this many choices. */
    readonly maxChoices: number;
    /** Every choice's title at most this long (characters). */
    readonly maxTitleLength: number;
    /** The vendor needs a message text with quick replies (a prompt without text keeps the library's style). */
    readonly needsText: boolean;
}

/**
 * The channels whose prompts get quick replies, by channel id (which is also the connector's `vendor`).
 * - `8x8`: the Chat Gateway documents no quick-reply limits; 10 choices (what botbuilder allows Facebook and Skype)
 *   and 20 characters (botbuilder's `maxActionTitleLength`).
 * - `liveperson`: quick replies allow 24 replies and 25-character titles, and go on a ContentEvent with text
 *   (https://developers.liveperson.com/quick-replies-mobile-sdk-web-template.html).
 */
export const QUICK_REPLY_PROMPT_CHANNELS: Readonly<Record<string, QuickReplyPromptLimits>> = Object.freeze({
    '8x8': Object.freeze({ maxChoices: 10, maxTitleLength: 20, needsText: false }),
    liveperson: Object.freeze({ maxChoices: 24, maxTitleLength: 25, needsText: true }),
});

/** What happened to one copy of a dialogs library. */
export interface DialogsCopyResult {
    readonly packageName: DialogsPackageName;
    /** Its version (package.json), or '' when it could not be read. */
    readonly version: string;
    /** Its package folder. */
    readonly path: string;
    /**
     * `enabled`: its automatic style gives quick replies on the registered channels. `untestedVersion`: left untouched
     * (a warning was logged). `incompatible`: a tested version without the expected `ChoiceFactory` (left untouched,
     * warning). `notLoaded`: installed, but loading it failed (warning).
     */
    readonly status: 'enabled' | 'untestedVersion' | 'incompatible' | 'notLoaded';
}

/** Options of {@link enableQuickReplyPrompts}. */
export interface EnableQuickReplyPromptsOptions {
    /** The channel ids to give quick replies; default both, `['8x8', 'liveperson']`. Unknown ids are ignored. */
    channelIds?: readonly string[] | undefined;
    /**
     * Folders to find the dialogs library from, as `require.resolve(name, { paths })`; default the current directory
     * and the main module's folder. Copies the process has already loaded are always included.
     */
    paths?: readonly string[] | undefined;
    /** Where warnings go (untested versions); default the console. */
    logger?: Logger | undefined;
}

/** An adapter that runs middleware (botbuilder's `BotAdapter`, the Agents SDK's `BaseAdapter`). */
export interface MiddlewareAdapter {
    use(middleware: { onTurn(context: unknown, next: () => Promise<void>): Promise<void> }): unknown;
}

/** The parts of a dialogs library's `ChoiceFactory` this module uses (both libraries have them, but for `suggestedAction`). */
interface ChoiceFactoryLike {
    forChannel: ForChannel;
    toChoices(choices: unknown[] | undefined): ChoiceLike[];
    suggestedAction?: (choices: ChoiceLike[], text?: string, speak?: string) => unknown;
    [STATE]?: PatchState;
}

type ForChannel = (this: unknown, channelOrContext: unknown, choices: unknown[] | undefined, text?: string, speak?: string, options?: unknown) => unknown;

interface ChoiceLike {
    value: string;
    action?: { type?: string; title?: string; value?: unknown; text?: string };
}

/** Builds a message with the choices as suggested actions (the library's own message class and input hint). */
type SuggestedActionsMessage = (choices: ChoiceLike[], text: string | undefined, speak: string | undefined) => unknown;

/** What the wrapper of one copy keeps, on that copy's `ChoiceFactory`. */
interface PatchState {
    readonly original: ForChannel;
    readonly wrapper: ForChannel;
    readonly channels: Map<string, QuickReplyPromptLimits>;
}

/** Shared by every copy of this library loaded in the process (hence `Symbol.for`). */
const STATE: unique symbol = Symbol.for('botbuilder-contact-center.quickReplyPrompts');

/** Package folders each logger was already warned about (one warning per copy and logger). */
const warned = new WeakMap<Logger, Set<string>>();

// ---- public API --------------------------------------------------------------------------------------------------

/**
 * Makes the automatic style of `ChoicePrompt` and `ConfirmPrompt` (and anything else calling `ChoiceFactory.forChannel`)
 * offer the choices as suggested actions on the given channels, in every copy of the dialogs library the process has
 * loaded and the one it resolves from `paths` (loading that one if needed). The adapters do this by themselves (option
 * `quickReplyPrompts`, default true) for the copies the bot loads; call this for a copy they cannot find (e.g. a bot
 * whose dialogs library lives under another folder). Idempotent. Other channels keep the original style.
 *
 * @example
 * ```ts
 * import { enableQuickReplyPrompts } from 'botbuilder-contact-center';
 * enableQuickReplyPrompts('botbuilder-dialogs', { paths: [__dirname] });
 * ```
 */
export function enableQuickReplyPrompts(packageName: DialogsPackageName, options: EnableQuickReplyPromptsOptions = {}): DialogsCopyResult[] {
    const dialogsPackage = DIALOGS_PACKAGES[packageName];
    if (!dialogsPackage) throw new TypeError(`enableQuickReplyPrompts: unknown dialogs library "${String(packageName)}".`);
    const channelIds = options.channelIds ?? Object.keys(QUICK_REPLY_PROMPT_CHANNELS);
    const logger = options.logger ?? consoleLogger;
    return findCopies(dialogsPackage, options.paths).map((copy) => {
        let moduleExports = loadedExports(copy);
        if (moduleExports === undefined) {
            try {
                // The caller asked for this library, found at run time; it is an optional peer, never a static import.
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                moduleExports = require(copy.indexFile) as unknown;
            } catch (err) {
                logger.warn(`enableQuickReplyPrompts: could not load ${copy.packageName} from ${copy.path}: ${describeError(err)}`);
                return { packageName: copy.packageName, version: readVersion(copy.path), path: copy.path, status: 'notLoaded' };
            }
        }
        return patchCopy(dialogsPackage, copy, moduleExports, channelIds, logger);
    });
}

/**
 * Gives every loaded copy of the dialogs library its original `ChoiceFactory.forChannel` back (prompts on 8x8 and
 * LivePerson then show the library's text list again, until an adapter with `quickReplyPrompts` on is created).
 */
export function disableQuickReplyPrompts(packageName: DialogsPackageName, options: Pick<EnableQuickReplyPromptsOptions, 'paths'> = {}): void {
    const dialogsPackage = DIALOGS_PACKAGES[packageName];
    if (!dialogsPackage) throw new TypeError(`disableQuickReplyPrompts: unknown dialogs library "${String(packageName)}".`);
    for (const copy of findCopies(dialogsPackage, options.paths)) {
        const factory = choiceFactoryOf(loadedExports(copy));
        const state = factory?.[STATE];
        if (!factory || !state) continue;
        state.channels.clear(); // if someone wrapped forChannel after us, our wrapper stays in their chain as a pass-through
        if (factory.forChannel === state.wrapper) {
            factory.forChannel = state.original;
            delete factory[STATE];
        }
    }
}

/**
 * A host constructor's handling of its `quickReplyPrompts` option (default true): validates it, and unless it is
 * `false` starts {@link startQuickReplyPrompts} for the host's dialogs library and the connector's channel.
 */
export function useQuickReplyPrompts(
    adapter: MiddlewareAdapter,
    packageName: DialogsPackageName,
    connector: { vendor: string; logger: Logger },
    enabled: unknown
): void {
    if (enabled !== undefined && typeof enabled !== 'boolean') {
        throw new ConfigurationError(`${adapter.constructor.name}: option "quickReplyPrompts" must be true or false.`);
    }
    if (enabled === false) return;
    startQuickReplyPrompts(adapter, packageName, connector.vendor, connector.logger);
}

/**
 * What an adapter's constructor calls (option `quickReplyPrompts`, default true): registers `channelId` with every
 * copy of the host's dialogs library the bot has loaded. A copy the bot would load (found from the current directory
 * and the main module) but has not loaded yet is patched at the start of the first turn after it was loaded, by a
 * middleware that does nothing once no copy is left waiting. Never loads a dialogs library, never throws.
 */
export function startQuickReplyPrompts(adapter: MiddlewareAdapter, packageName: DialogsPackageName, channelId: string, logger: Logger): void {
    if (!QUICK_REPLY_PROMPT_CHANNELS[channelId]) return;
    const dialogsPackage = DIALOGS_PACKAGES[packageName];
    let waiting: DialogsCopy[];
    try {
        waiting = findCopies(dialogsPackage).filter((copy) => !patchIfLoaded(dialogsPackage, copy, channelId, logger));
    } catch (err) {
        logger.warn(`quickReplyPrompts: ${packageName} was not patched: ${describeError(err)}`);
        return;
    }
    if (waiting.length === 0) return;
    adapter.use({
        onTurn: async (_context, next) => {
            if (waiting.length > 0) {
                try {
                    waiting = waiting.filter((copy) => !patchIfLoaded(dialogsPackage, copy, channelId, logger));
                } catch (err) {
                    waiting = [];
                    logger.warn(`quickReplyPrompts: ${packageName} was not patched: ${describeError(err)}`);
                }
            }
            await next();
        },
    });
}

// ---- patching ------------------------------------------------------------------------------------------------------

/** Patches a copy if the bot has loaded it; true when it is done with (patched, or refused with a warning). */
function patchIfLoaded(dialogsPackage: DialogsPackage, copy: DialogsCopy, channelId: string, logger: Logger): boolean {
    const moduleExports = loadedExports(copy);
    if (moduleExports === undefined) return false;
    patchCopy(dialogsPackage, copy, moduleExports, [channelId], logger);
    return true;
}

function patchCopy(
    dialogsPackage: DialogsPackage,
    copy: DialogsCopy,
    moduleExports: unknown,
    channelIds: readonly string[],
    logger: Logger
): DialogsCopyResult {
    const version = readVersion(copy.path);
    const result = (status: DialogsCopyResult['status']): DialogsCopyResult => ({ packageName: copy.packageName, version, path: copy.path, status });
    const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
    if (major === undefined || minor === undefined || !Number.isInteger(major) || !Number.isInteger(minor) || !dialogsPackage.isTested(major, minor)) {
        warnOnce(
            logger,
            copy.path,
            `quickReplyPrompts: ${copy.packageName} ${version || '(unknown version)'} at ${copy.path} is not a version botbuilder-contact-center was ` +
                `tested with (${dialogsPackage.tested}); it is left untouched, so ChoicePrompt and ConfirmPrompt without a style show a text ` +
                `list on 8x8 and LivePerson. Set style: ListStyle.suggestedAction on those prompts, or quickReplyPrompts: false to silence this.`
        );
        return result('untestedVersion');
    }
    const factory = choiceFactoryOf(moduleExports);
    const message = factory && suggestedActionsMessage(dialogsPackage, copy, factory);
    if (!factory || !message) {
        warnOnce(
            logger,
            copy.path,
            `quickReplyPrompts: ${copy.packageName} ${version} at ${copy.path} has no ChoiceFactory.forChannel / toChoices or no way to build ` +
                `suggested actions; it is left untouched (prompts without a style show a text list on 8x8 and LivePerson).`
        );
        return result('incompatible');
    }
    const state = factory[STATE] ?? install(factory, message);
    for (const channelId of channelIds) {
        const limits = QUICK_REPLY_PROMPT_CHANNELS[channelId];
        if (limits) state.channels.set(channelId, limits);
    }
    return result('enabled');
}

/** Wraps `factory.forChannel` once; the wrapper answers the registered channels and calls the original for the rest. */
function install(factory: ChoiceFactoryLike, message: SuggestedActionsMessage): PatchState {
    const original = factory.forChannel;
    const channels = new Map<string, QuickReplyPromptLimits>();
    const wrapper: ForChannel = function forChannel(this: unknown, channelOrContext, choices, text, speak, options) {
        const limits = channels.size > 0 ? channels.get(channelIdOf(channelOrContext)) : undefined;
        if (limits) {
            const list = factory.toChoices(choices);
            if (fitsQuickReplies(list, text, limits)) return message(list, text, speak);
        }
        return original.call(this, channelOrContext, choices, text, speak, options);
    };
    const state: PatchState = { original, wrapper, channels };
    Object.defineProperty(factory, STATE, { value: state, configurable: true, enumerable: false, writable: false });
    factory.forChannel = wrapper;
    return state;
}

/** `forChannel` takes a channel id or a TurnContext. */
function channelIdOf(channelOrContext: unknown): string {
    if (typeof channelOrContext === 'string') return channelOrContext;
    const channelId = (channelOrContext as { activity?: { channelId?: unknown } } | null | undefined)?.activity?.channelId;
    return typeof channelId === 'string' ? channelId : '';
}

function fitsQuickReplies(list: ChoiceLike[], text: string | undefined, limits: QuickReplyPromptLimits): boolean {
    if (list.length === 0 || list.length > limits.maxChoices) return false;
    if (limits.needsText && (text ?? '').trim() === '') return false;
    return list.every((choice) => {
        const title = choice.action?.title ?? choice.value;
        const type = choice.action?.type ?? 'imBack';
        return typeof title === 'string' && title.length > 0 && title.length <= limits.maxTitleLength && POSTBACK_ACTION_TYPES.has(type);
    });
}

function choiceFactoryOf(moduleExports: unknown): ChoiceFactoryLike | undefined {
    const factory = (moduleExports as { ChoiceFactory?: Partial<ChoiceFactoryLike> } | null | undefined)?.ChoiceFactory;
    return factory && typeof factory.forChannel === 'function' && typeof factory.toChoices === 'function' ? (factory as ChoiceFactoryLike) : undefined;
}

/**
 * The suggested-actions message of that copy: botbuilder-dialogs' own `ChoiceFactory.suggestedAction`; for
 * agents-hosting-dialogs 0.6.22, which has none, `MessageFactory.suggestedActions` of the `@microsoft/agents-hosting`
 * that copy itself uses (so the prompt is the same kind of Activity its other styles make), with imBack actions built
 * as botbuilder's `suggestedAction` builds them.
 */
function suggestedActionsMessage(dialogsPackage: DialogsPackage, copy: DialogsCopy, factory: ChoiceFactoryLike): SuggestedActionsMessage | undefined {
    const suggestedAction = factory.suggestedAction;
    if (typeof suggestedAction === 'function') return (list, text, speak) => suggestedAction.call(factory, list, text, speak);
    let messageFactory: { suggestedActions?: unknown } | undefined;
    try {
        messageFactory = (createRequire(copy.indexFile)(dialogsPackage.messageFactoryPackage) as { MessageFactory?: { suggestedActions?: unknown } })
            .MessageFactory;
    } catch {
        return undefined;
    }
    const suggestedActions = messageFactory?.suggestedActions;
    if (typeof suggestedActions !== 'function') return undefined;
    return (list, text, speak) =>
        suggestedActions.call(
            messageFactory,
            list.map((choice) => choice.action ?? { type: 'imBack', title: choice.value, value: choice.value }),
            text,
            speak,
            'expectingInput'
        );
}

function warnOnce(logger: Logger, key: string, message: string): void {
    const keys = warned.get(logger) ?? new Set<string>();
    warned.set(logger, keys);
    if (keys.has(key)) return;
    keys.add(key);
    logger.warn(message);
}
