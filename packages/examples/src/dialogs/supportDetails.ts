/** The details the support dialog collects with its card form, and their checks. Pure. */
export interface SupportDetails {
    orderNumber: string;
    urgency: 'low' | 'normal' | 'high';
    /** YYYY-MM-DD */
    date: string;
}

export const URGENCIES = ['low', 'normal', 'high'] as const;

/**
 * Reads the details from a card submit (`{orderNumber, urgency, date}`) or, where the channel shows the card as
 * text (LivePerson), from a reply like "A-1234, high, 2026-11-01". Undefined when the answer is not in either shape.
 */
export function readSupportDetails(value: unknown, text: string | undefined): Partial<Record<keyof SupportDetails, string>> | undefined {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        const v = value as Record<string, unknown>;
        return { orderNumber: stringOf(v.orderNumber), urgency: stringOf(v.urgency), date: stringOf(v.date) };
    }
    const parts = (text ?? '').split(',').map((p) => p.trim());
    if (parts.length !== 3) return undefined;
    return { orderNumber: parts[0], urgency: parts[1].toLowerCase(), date: parts[2] };
}

/** A prompt's recognition of the details in a message (card submit or typed reply): succeeded with them, or not. */
export function recognizeSupportDetails(activity: { type?: string; value?: unknown; text?: string }): { succeeded: boolean; value?: SupportDetails } {
    if (activity.type !== 'message') return { succeeded: false };
    const details = readSupportDetails(activity.value, activity.text);
    return details ? { succeeded: true, value: details as SupportDetails } : { succeeded: false };
}

/** What is wrong with the details, in words the customer understands; undefined when they are fine. */
export function supportDetailsProblem(details: Partial<Record<keyof SupportDetails, string>>, today: Date = new Date()): string | undefined {
    if (!details.orderNumber || !/^[A-Za-z0-9-]{3,20}$/.test(details.orderNumber))
        return 'The order number should look like A-1234 (letters, digits and dashes).';
    if (!URGENCIES.includes(details.urgency as SupportDetails['urgency'])) return 'Please choose the urgency: low, normal or high.';
    const date = details.date ?? '';
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : undefined;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) return 'That date does not look right: please use YYYY-MM-DD.';
    if (date > today.toISOString().slice(0, 10)) return 'That date is in the future: when did it happen?';
    return undefined;
}

function stringOf(value: unknown): string | undefined {
    return typeof value === 'string' ? value.trim() : undefined;
}

/** The Adaptive Card form. Its `fallbackText` is what channels without Adaptive Cards (LivePerson) show instead. */
export function supportDetailsCard(topic: string): Record<string, unknown> {
    return {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.3',
        fallbackText:
            `About "${topic}": please reply with your order number, the urgency (low, normal or high) and the date it happened ` +
            '(YYYY-MM-DD), separated by commas, e.g. "A-1234, high, 2026-11-01".',
        body: [
            { type: 'TextBlock', text: `About "${topic}"`, weight: 'Bolder', size: 'Medium', wrap: true },
            {
                type: 'Input.Text',
                id: 'orderNumber',
                label: 'Order number',
                placeholder: 'A-1234',
                isRequired: true,
                errorMessage: 'The order number is required.',
            },
            {
                type: 'Input.ChoiceSet',
                id: 'urgency',
                label: 'Urgency',
                style: 'compact',
                value: 'normal',
                choices: URGENCIES.map((u) => ({ title: u[0].toUpperCase() + u.slice(1), value: u })),
            },
            { type: 'Input.Date', id: 'date', label: 'When did it happen?' },
        ],
        actions: [{ type: 'Action.Submit', title: 'Send details' }],
    };
}
