/**
 * The copies of the dialogs libraries (botbuilder-dialogs, @microsoft/agents-hosting-dialogs) a bot uses, found from
 * the bot's point of view and never loaded by this library: for {@link ./quickReplyPrompts}, which patches them.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** The dialogs libraries this library knows: botbuilder v4's and the Microsoft 365 Agents SDK's. */
export type DialogsPackageName = 'botbuilder-dialogs' | '@microsoft/agents-hosting-dialogs';

// ---- the dialogs libraries -------------------------------------------------------------------------------------

export interface DialogsPackage {
    readonly name: DialogsPackageName;
    /** The versions this library was tested with, for the warning. */
    readonly tested: string;
    readonly isTested: (major: number, minor: number) => boolean;
    /** The package whose `MessageFactory.suggestedActions` builds the message when `ChoiceFactory.suggestedAction` is missing. */
    readonly messageFactoryPackage: string;
}

export const DIALOGS_PACKAGES: Readonly<Record<DialogsPackageName, DialogsPackage>> = {
    // The library's peer range is botbuilder ^4.20; tested with 4.20.0 and 4.23.3 (the packed-package test). forChannel and suggestedAction are 4.x API.
    'botbuilder-dialogs': {
        name: 'botbuilder-dialogs',
        tested: '4.x from 4.20 (tested with 4.20.0 and 4.23.3)',
        isTested: (major, minor) => major === 4 && minor >= 20,
        messageFactoryPackage: 'botbuilder-core',
    },
    // 0.6.22 is the only release; a 0.x minor may break anything.
    '@microsoft/agents-hosting-dialogs': {
        name: '@microsoft/agents-hosting-dialogs',
        tested: '0.6.x (tested with 0.6.22)',
        isTested: (major, minor) => major === 0 && minor === 6,
        messageFactoryPackage: '@microsoft/agents-hosting',
    },
};

// ---- finding copies ------------------------------------------------------------------------------------------------

export interface DialogsCopy {
    readonly packageName: DialogsPackageName;
    /** The package folder. */
    readonly path: string;
    /** The file `require(packageName)` loads from that folder. */
    readonly indexFile: string;
}

/**
 * The copies of a dialogs library the bot uses: those the process has loaded (in `require.cache`, also when the bot
 * is an ES module importing them), and the one `require(name)` finds from `paths` (default: the current directory and
 * the main module's folder, i.e. the bot's point of view, not this library's).
 */
export function findCopies(dialogsPackage: DialogsPackage, paths?: readonly string[]): DialogsCopy[] {
    const copies = new Map<string, DialogsCopy>();
    const add = (from: string) => {
        const copy = resolveCopy(dialogsPackage.name, from);
        if (copy && !copies.has(copy.indexFile)) copies.set(copy.indexFile, copy);
    };
    // Loaded copies: a file of `…/node_modules/<name>/…` in the module cache; resolve the package from above its node_modules.
    const marker = `${sep}node_modules${sep}${dialogsPackage.name.split('/').join(sep)}${sep}`;
    const roots = new Set<string>();
    for (const file of Object.keys(require.cache)) {
        const at = file.lastIndexOf(marker);
        if (at >= 0) roots.add(file.slice(0, at));
    }
    for (const root of roots) add(root);
    const from = paths ?? [process.cwd(), ...(require.main?.filename ? [dirname(require.main.filename)] : [])];
    for (const path of from) add(path);
    return [...copies.values()];
}

/** The copy `require(name)` loads from `from`, or undefined when none is installed there. */
function resolveCopy(packageName: DialogsPackageName, from: string): DialogsCopy | undefined {
    try {
        const indexFile = require.resolve(packageName, { paths: [from] });
        const path = dirname(require.resolve(`${packageName}/package.json`, { paths: [from] }));
        return { packageName, path, indexFile };
    } catch {
        return undefined; // not installed there: nothing to do
    }
}

/** The exports of a copy once the bot has loaded it completely, else undefined. */
export function loadedExports(copy: DialogsCopy): unknown {
    const cached = require.cache[copy.indexFile];
    return cached?.loaded ? (cached.exports as unknown) : undefined;
}

export function readVersion(path: string): string {
    try {
        const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as { version?: unknown };
        return typeof manifest.version === 'string' ? manifest.version : '';
    } catch {
        return '';
    }
}
