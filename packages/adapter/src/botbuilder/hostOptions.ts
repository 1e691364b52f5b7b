/** Options of the botbuilder host, besides the vendor's. */
export interface BotbuilderHostOptions {
    /**
     * Make `ChoicePrompt` and `ConfirmPrompt` of botbuilder-dialogs offer their choices as suggested actions (8x8 and
     * LivePerson quick replies) when the bot sets no style (`ListStyle.auto`), with no change to the bot. Default true.
     * botbuilder-dialogs does not know the `8x8` and `liveperson` channels and would print "(1) Red, (2) Green…"; the
     * adapter wraps `ChoiceFactory.forChannel` of the botbuilder-dialogs copy the bot loaded (4.x from 4.20; another
     * version is left untouched with a warning) for this adapter's channel only, within the vendor's quick-reply
     * limits (see `core/quickReplyPrompts.ts`). Typing the choice, its number or a synonym keeps working. `false` leaves
     * botbuilder-dialogs untouched.
     */
    quickReplyPrompts?: boolean | undefined;
}
