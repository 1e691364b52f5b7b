/**
 * Bot Framework cards → Adaptive Cards and text (src/core/cardConversion.ts, src/core/cardText.ts), each card built
 * with botbuilder's real CardFactory and every result checked with the `adaptivecards` validator.
 */
import { expect } from 'chai';
import { ActionTypes, CardFactory, type Attachment } from 'botbuilder';
import { findAdaptiveCardProblems } from '../../src/core/adaptiveCards';
import { CARD_BUTTON_TEXT_KEY, cardText, submittedText, toAdaptiveCard, type AdaptiveCardConversion } from '../../src/core/cardConversion';

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
const title = (text: string) => ({ type: 'TextBlock', text, weight: 'Bolder', size: 'Medium', wrap: true });
const subtitle = (text: string) => ({ type: 'TextBlock', text, isSubtle: true, spacing: 'None', wrap: true });
const textBlock = (text: string) => ({ type: 'TextBlock', text, wrap: true });
const submit = (buttonTitle: string, text = buttonTitle) => ({ type: 'Action.Submit', title: buttonTitle, data: { [CARD_BUTTON_TEXT_KEY]: text } });
const openUrl = (buttonTitle: string, url: string) => ({ type: 'Action.OpenUrl', title: buttonTitle, url });

/** Converts, and checks the result is an Adaptive Card 1.3 the `adaptivecards` validator accepts. */
function convert(attachment: Attachment): AdaptiveCardConversion {
    const converted = toAdaptiveCard(attachment);
    expect(converted, attachment.contentType).to.not.equal(undefined);
    expect(findAdaptiveCardProblems(converted!.card)).to.deep.equal([]);
    expect(converted!.card).to.deep.include({ type: 'AdaptiveCard', version: '1.3', $schema: SCHEMA });
    return converted!;
}

describe('core: Bot Framework cards → Adaptive Cards (cardConversion)', () => {
    it('a hero card: image first (with altText), bold title, subtitle, text, buttons; its tap is the selectAction', () => {
        const hero = CardFactory.heroCard(
            'Welcome to Contoso',
            'How can I help?',
            [{ url: 'https://cdn.example/hero.png', alt: 'Contoso logo' }],
            ['Order status', { type: ActionTypes.OpenUrl, title: 'Website', value: 'https://contoso.example' }],
            { subtitle: 'Customer care', tap: { type: ActionTypes.OpenUrl, title: 'Home', value: 'https://contoso.example/home' } }
        );
        expect(convert(hero)).to.deep.equal({
            card: {
                type: 'AdaptiveCard',
                $schema: SCHEMA,
                version: '1.3',
                body: [
                    { type: 'Image', url: 'https://cdn.example/hero.png', altText: 'Contoso logo', size: 'Stretch' },
                    title('Welcome to Contoso'),
                    subtitle('Customer care'),
                    textBlock('How can I help?'),
                ],
                actions: [submit('Order status'), openUrl('Website', 'https://contoso.example')],
                selectAction: openUrl('Home', 'https://contoso.example/home'),
            },
            omitted: [],
        });
    });

    it('a thumbnail card: title, then a medium image (its tap as the image selectAction, alt defaulting to the title), then text', () => {
        const thumbnail = CardFactory.thumbnailCard(
            'Pizza',
            'Fresh from the oven',
            [{ url: 'https://cdn.example/p.jpg', tap: { type: 'imBack', title: 'Pizza', value: 'Pizza' } }],
            ['Buy']
        );
        expect(convert(thumbnail).card.body).to.deep.equal([
            title('Pizza'),
            { type: 'Image', url: 'https://cdn.example/p.jpg', altText: 'Pizza', size: 'Medium', selectAction: submit('Pizza') },
            textBlock('Fresh from the oven'),
        ]);
        expect(convert(thumbnail).card.actions).to.deep.equal([submit('Buy')]);
    });

    it('an animation card shows an animated image inline; other animation media are "Open" links under the poster', () => {
        const gif = convert(CardFactory.animationCard('Dancing', ['https://cdn.example/dance.gif'], ['More']));
        expect(gif.card.body).to.deep.equal([title('Dancing'), { type: 'Image', url: 'https://cdn.example/dance.gif', altText: 'Dancing', size: 'Stretch' }]);
        expect(gif.card.actions).to.deep.equal([submit('More')]);
        const mp4 = convert(
            CardFactory.animationCard('Clip', ['https://cdn.example/clip.mp4'], undefined, { image: { url: 'https://cdn.example/poster.png', alt: 'Poster' } })
        );
        expect(mp4.card.body).to.deep.equal([title('Clip'), { type: 'Image', url: 'https://cdn.example/poster.png', altText: 'Poster', size: 'Stretch' }]);
        expect(mp4.card.actions).to.deep.equal([openUrl('Open', 'https://cdn.example/clip.mp4')]);
    });

    it('audio and video cards: title, subtitle, poster, text, and a "Play" link per media URL (with its profile) before the buttons', () => {
        const audio = convert(
            CardFactory.audioCard('Podcast #12', ['https://cdn.example/ep12.mp3'], ['Subscribe'], { subtitle: 'Weekly', text: 'Forty minutes on queues' })
        );
        expect(audio.card.body).to.deep.equal([title('Podcast #12'), subtitle('Weekly'), textBlock('Forty minutes on queues')]);
        expect(audio.card.actions).to.deep.equal([openUrl('Play', 'https://cdn.example/ep12.mp3'), submit('Subscribe')]);
        const video = convert(
            CardFactory.videoCard('Setup guide', [{ url: 'https://cdn.example/hd.mp4', profile: 'HD' }, 'https://cdn.example/sd.mp4'], undefined, {
                image: { url: 'https://cdn.example/thumb.png', alt: 'Router' },
            })
        );
        expect(video.card.body).to.deep.equal([
            title('Setup guide'),
            { type: 'Image', url: 'https://cdn.example/thumb.png', altText: 'Router', size: 'Stretch' },
        ]);
        expect(video.card.actions).to.deep.equal([openUrl('Play (HD)', 'https://cdn.example/hd.mp4'), openUrl('Play', 'https://cdn.example/sd.mp4')]);
    });

    it('a receipt card: title, then FactSets of its facts, its items (quantity × title: price) and tax / VAT / total', () => {
        const receipt = convert(
            CardFactory.receiptCard({
                title: 'Order 1234',
                facts: [{ key: 'Payment', value: 'VISA ****4242' }],
                items: [
                    {
                        title: 'Coffee',
                        quantity: '2',
                        price: '$7.00',
                        subtitle: '',
                        text: '',
                        image: { url: 'https://cdn.example/c.png' },
                        tap: undefined as any,
                    },
                    { title: 'Muffin', price: '$2.50' } as any,
                ],
                tax: '$0.95',
                vat: '$0.00',
                total: '$10.45',
                buttons: [{ type: ActionTypes.OpenUrl, title: 'Invoice', value: 'https://contoso.example/inv/1234' }],
                tap: undefined as any,
            })
        );
        expect(receipt.card.body).to.deep.equal([
            title('Order 1234'),
            { type: 'FactSet', facts: [{ title: 'Payment', value: 'VISA ****4242' }] },
            {
                type: 'FactSet',
                separator: true,
                facts: [
                    { title: '2 × Coffee', value: '$7.00' },
                    { title: 'Muffin', value: '$2.50' },
                ],
            },
            {
                type: 'FactSet',
                separator: true,
                facts: [
                    { title: 'Tax', value: '$0.95' },
                    { title: 'VAT', value: '$0.00' },
                    { title: 'Total', value: '$10.45' },
                ],
            },
        ]);
        expect(receipt.card.actions).to.deep.equal([openUrl('Invoice', 'https://contoso.example/inv/1234')]);
    });

    it('OAuth and sign-in cards: text, and their signin button as an Action.OpenUrl to the link; no link → the button is left out, with the reason', () => {
        const oauth = convert(CardFactory.oauthCard('aad', 'Sign in', 'Please sign in to see your orders', 'https://token.example/signin?x=1'));
        expect(oauth).to.deep.equal({
            card: {
                type: 'AdaptiveCard',
                $schema: SCHEMA,
                version: '1.3',
                body: [textBlock('Please sign in to see your orders')],
                actions: [openUrl('Sign in', 'https://token.example/signin?x=1')],
            },
            omitted: [],
        });
        const signin = convert(CardFactory.signinCard('Log in', 'https://login.example/start', 'You need to log in'));
        expect(signin.card.body).to.deep.equal([textBlock('You need to log in')]);
        expect(signin.card.actions).to.deep.equal([openUrl('Log in', 'https://login.example/start')]);
        const noLink = convert(CardFactory.oauthCard('aad', 'Sign in', 'Please sign in'));
        expect(noLink.card.body).to.deep.equal([textBlock('Please sign in')]);
        expect(noLink.card).to.not.have.property('actions');
        expect(noLink.omitted).to.deep.equal(['the signin button "Sign in" has no sign-in link']);
    });

    it('buttons: imBack / postBack / messageBack post their text back through the marker; object values are submitted as they are', () => {
        const texts = convert(
            CardFactory.heroCard('Text buttons', undefined, [
                { type: ActionTypes.ImBack, title: 'Red', value: 'red' },
                { type: ActionTypes.PostBack, title: 'Two', value: '2' },
                { type: ActionTypes.MessageBack, title: 'Yes', text: 'yes', value: { answer: true }, displayText: 'Yes!' },
                { type: ActionTypes.ImBack, title: 'Green', value: { text: 'green' } },
                { type: ActionTypes.ImBack, title: 'Blue', value: undefined },
            ])
        ).card.actions as Array<{ data: unknown }>;
        expect(texts).to.deep.equal([submit('Red', 'red'), submit('Two', '2'), submit('Yes', 'yes'), submit('Green', 'green'), submit('Blue', 'Blue')]);
        expect(texts.map((action) => submittedText(action.data))).to.deep.equal(['red', '2', 'yes', 'green', 'Blue']);
        const values = convert(
            CardFactory.heroCard('Value buttons', undefined, [
                { type: ActionTypes.MessageBack, title: 'Data', value: { orderId: 7 } },
                { type: ActionTypes.PostBack, title: 'Pay', value: { pay: true, amount: 3 } },
                { type: ActionTypes.PostBack, title: 'Seven', value: 7 },
                { type: ActionTypes.PostBack, title: 'Empty', value: '' },
            ])
        ).card.actions as Array<{ data: unknown }>;
        expect(values).to.deep.equal([
            { type: 'Action.Submit', title: 'Data', data: { orderId: 7 } },
            { type: 'Action.Submit', title: 'Pay', data: { pay: true, amount: 3 } },
            submit('Seven', '7'),
            submit('Empty'),
        ]);
        expect(values.map((action) => submittedText(action.data))).to.deep.equal([undefined, undefined, '7', 'Empty']);
    });

    it('more than 5 buttons (e.g. a ChoicePrompt hero card) → ActionSets of 5 at the end of the body, in order', () => {
        const choices = ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven'];
        const { card } = convert(CardFactory.heroCard('Pick a number', undefined, choices));
        expect(card.body).to.deep.equal([
            title('Pick a number'),
            { type: 'ActionSet', actions: choices.slice(0, 5).map((c) => submit(c)) },
            { type: 'ActionSet', actions: choices.slice(5).map((c) => submit(c)) },
        ]);
        expect(card).to.not.have.property('actions');
    });

    it('buttons: openUrl opens its URL; call, playAudio, showImage, downloadFile open an http(s) value, else are left out with the reason', () => {
        const converted = convert(
            CardFactory.heroCard('Links', undefined, [
                { type: ActionTypes.OpenUrl, title: 'Mail us', value: 'mailto:care@contoso.example' },
                { type: ActionTypes.DownloadFile, title: 'Manual', value: 'https://cdn.example/manual.pdf' },
                { type: ActionTypes.PlayAudio, title: 'Listen', value: 'https://cdn.example/a.mp3' },
                { type: ActionTypes.ShowImage, title: 'Photo', value: 'https://cdn.example/p.png' },
                { type: ActionTypes.Call, title: 'Call us', value: 'tel:+15551234' },
                { type: ActionTypes.OpenUrl, title: 'Broken', value: 'not a url' },
                { type: ActionTypes.PlayVideo, title: 'Watch', value: 'video-42' },
                { type: 'invoke', title: 'Invoke', value: { x: 1 } },
            ])
        );
        expect(converted.card.actions).to.deep.equal([
            openUrl('Mail us', 'mailto:care@contoso.example'),
            openUrl('Manual', 'https://cdn.example/manual.pdf'),
            openUrl('Listen', 'https://cdn.example/a.mp3'),
            openUrl('Photo', 'https://cdn.example/p.png'),
        ]);
        expect(converted.omitted).to.deep.equal([
            'the call button "Call us" has no http(s) URL to open instead',
            'the openUrl button "Broken" has no URL',
            'the playVideo button "Watch" has no http(s) URL to open instead',
            'the invoke button "Invoke" has no http(s) URL to open instead',
        ]);
    });

    it('reads content given as a JSON string and leaves out what is missing (no empty TextBlock, no empty actions)', () => {
        const converted = convert({
            contentType: 'application/vnd.microsoft.card.hero',
            content: JSON.stringify({ title: 'From JSON', text: '  ', buttons: [] }),
        });
        expect(converted.card.body).to.deep.equal([title('From JSON')]);
        expect(converted.card).to.not.have.property('actions');
    });

    it('every CardFactory card converts to a valid Adaptive Card whose buttons carry the marker', () => {
        const cards = [
            CardFactory.heroCard('Hero', ['https://cdn.example/h.png'], ['Go']),
            CardFactory.thumbnailCard('Thumbnail', ['https://cdn.example/t.png'], ['Go']),
            CardFactory.animationCard('Animation', ['https://cdn.example/a.gif'], ['Go']),
            CardFactory.audioCard('Audio', ['https://cdn.example/a.mp3'], ['Go']),
            CardFactory.videoCard('Video', ['https://cdn.example/v.mp4'], ['Go']),
            CardFactory.receiptCard({ title: 'Receipt', total: '$1', buttons: [{ type: 'imBack', title: 'Go', value: 'Go' }] } as any),
        ];
        for (const attachment of cards) {
            const { card, omitted } = convert(attachment);
            expect(omitted, attachment.contentType).to.deep.equal([]);
            expect((card.actions as Array<Record<string, unknown>>).slice(-1), attachment.contentType).to.deep.equal([submit('Go')]);
        }
    });

    it('content types that are not Bot Framework cards → undefined (Adaptive Cards, O365 connector cards, native 8x8 cards, files)', () => {
        expect(toAdaptiveCard(CardFactory.adaptiveCard({ type: 'AdaptiveCard', version: '1.3', body: [] }))).to.equal(undefined);
        expect(toAdaptiveCard(CardFactory.o365ConnectorCard({ title: 'O365' } as any))).to.equal(undefined);
        expect(toAdaptiveCard({ contentType: 'application/8x8.quick.replies', content: { options: [] } })).to.equal(undefined);
        expect(toAdaptiveCard({ contentType: 'image/png', contentUrl: 'https://cdn.example/p.png' })).to.equal(undefined);
        expect(cardText(CardFactory.o365ConnectorCard({ title: 'O365' } as any))).to.equal(undefined);
    });

    it('submittedText reads only the marker string', () => {
        expect(submittedText({ [CARD_BUTTON_TEXT_KEY]: 'Red' })).to.equal('Red');
        expect(submittedText({ [CARD_BUTTON_TEXT_KEY]: 'Red', extra: 1 })).to.equal('Red');
        expect(submittedText({ [CARD_BUTTON_TEXT_KEY]: 3 })).to.equal(undefined);
        expect(submittedText({ name: 'Ada' })).to.equal(undefined);
        expect(submittedText('Red')).to.equal(undefined);
        expect(submittedText(null)).to.equal(undefined);
        expect(submittedText([{ [CARD_BUTTON_TEXT_KEY]: 'Red' }])).to.equal(undefined);
    });
});

describe('core: Bot Framework cards → text (cardText)', () => {
    it('renders title, subtitle, text, then buttons: "• Title" for replies, "Title: url" for links', () => {
        const hero = CardFactory.heroCard(
            'Welcome',
            'How can I help?',
            ['https://cdn.example/h.png'],
            [
                'Order status',
                { type: ActionTypes.PostBack, title: 'Pay', value: { pay: true } },
                { type: ActionTypes.OpenUrl, title: 'Website', value: 'https://contoso.example' },
                { type: ActionTypes.Call, title: 'Call us', value: 'tel:+15551234' },
            ],
            { subtitle: 'Contoso' }
        );
        expect(cardText(hero)).to.equal(
            ['Welcome', 'Contoso', 'How can I help?', '• Order status', '• Pay', 'Website: https://contoso.example', 'Call us: tel:+15551234'].join('\n')
        );
    });

    it('renders media links, receipt facts, lines and totals, and sign-in links', () => {
        expect(cardText(CardFactory.videoCard('Guide', [{ url: 'https://cdn.example/hd.mp4', profile: 'HD' }], ['Like']))).to.equal(
            'Guide\nPlay (HD): https://cdn.example/hd.mp4\n• Like'
        );
        expect(cardText(CardFactory.animationCard('Dance', ['https://cdn.example/d.gif']))).to.equal('Dance\nOpen: https://cdn.example/d.gif');
        expect(
            cardText(
                CardFactory.receiptCard({
                    title: 'Order 1234',
                    facts: [{ key: 'Payment', value: 'VISA' }],
                    items: [{ title: 'Coffee', quantity: '2', price: '$7.00' }, { title: 'Muffin' }],
                    tax: '$0.95',
                    total: '$7.95',
                } as any)
            )
        ).to.equal('Order 1234\nPayment: VISA\n2 × Coffee: $7.00\nMuffin\nTax: $0.95\nTotal: $7.95');
        expect(cardText(CardFactory.oauthCard('aad', 'Sign in', 'Please sign in', 'https://token.example/s'))).to.equal(
            'Please sign in\nSign in: https://token.example/s'
        );
        expect(cardText(CardFactory.signinCard('Log in', 'https://login.example', 'Log in first'))).to.equal('Log in first\nLog in: https://login.example');
        expect(cardText(CardFactory.oauthCard('aad', 'Sign in'))).to.equal('');
    });
});
