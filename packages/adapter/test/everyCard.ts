/**
 * Every Bot Framework card, built with each host SDK's own CardFactory: for the tests that check what each vendor's
 * person sees of them.
 */
import type { Attachment } from '../src/core/activity';
import type { TestHost } from './hosts';

type Button = string | { type: string; title: string; value?: unknown };

/** What both SDKs' CardFactory offer (botbuilder's and @microsoft/agents-hosting's); `oauthCard` differs, see {@link oauthCard}. */
export interface SdkCardFactory {
    heroCard(title: string, text?: unknown, images?: unknown, buttons?: Button[], other?: Record<string, unknown>): Attachment;
    thumbnailCard(title: string, text?: unknown, images?: unknown, buttons?: Button[], other?: Record<string, unknown>): Attachment;
    animationCard(title: string, media: string[], buttons?: Button[], other?: Record<string, unknown>): Attachment;
    audioCard(title: string, media: string[], buttons?: Button[], other?: Record<string, unknown>): Attachment;
    videoCard(title: string, media: Array<string | { url: string; profile?: string }>, buttons?: Button[], other?: Record<string, unknown>): Attachment;
    receiptCard(card: Record<string, unknown>): Attachment;
    signinCard(title: string, url: string, text?: string): Attachment;
    oauthCard(connectionName: string, title: string, text: string, linkOrResource: unknown): Attachment;
}

/** The host SDK's own CardFactory (hosts.ts exposes it typed for `adaptiveCard` only; at runtime it is the whole class). */
export const cardFactory = (host: TestHost) => host.CardFactory as unknown as SdkCardFactory;

/** An OAuth card with a sign-in link: botbuilder takes the link, the Agents SDK a SignInResource. */
export function oauthCard(host: TestHost, text: string, link: string): Attachment {
    return cardFactory(host).oauthCard('aad', 'Sign in', text, host.name === 'botbuilder' ? link : { signInLink: link });
}

/** Each Bot Framework card, built with the host's CardFactory. */
export function everyCard(host: TestHost): Attachment[] {
    const cards = cardFactory(host);
    return [
        cards.heroCard('Hero', 'Hero text', ['https://cdn.example/hero.png'], ['Yes', { type: 'openUrl', title: 'Docs', value: 'https://docs.example' }]),
        cards.thumbnailCard('Thumbnail', 'Thumbnail text', ['https://cdn.example/thumb.png'], ['Buy']),
        cards.animationCard('Animation', ['https://cdn.example/dance.gif'], ['Again']),
        cards.audioCard('Audio', ['https://cdn.example/episode.mp3'], [], { subtitle: 'Episode 1' }),
        cards.videoCard('Video', [{ url: 'https://cdn.example/guide.mp4', profile: 'HD' }], ['Helpful']),
        cards.receiptCard({
            title: 'Receipt',
            items: [{ title: 'Coffee', quantity: '2', price: '$7.00' }],
            total: '$7.00',
            buttons: [{ type: 'openUrl', title: 'Invoice', value: 'https://shop.example/inv/1' }],
        }),
        oauthCard(host, 'Sign in to see your orders', 'https://token.example/signin/1'),
        cards.signinCard('Log in', 'https://login.example/start', 'Log in first'),
    ];
}
