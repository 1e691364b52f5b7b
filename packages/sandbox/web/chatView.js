/*
 * One chat's list of messages and notices: rendered in order, the newest kept in view, and the bot's typing shown
 * before the reply that followed it. The bot's typing signal and its message usually arrive a few milliseconds apart,
 * so without this the indicator would never be seen: a reply that came after a typing signal is shown after the
 * indicator has been up for TYPING_MS (only for messages arriving live, not when a conversation is opened).
 */
import { sleep } from './dom.js';

export const TYPING_MS = 700;

export class ChatView {
    /** `chat`: the scrolling list; `typing`: the "is typing" line; `empty`: the text shown with no conversation. */
    constructor(chat, typing) {
        this.chat = chat;
        this.typing = typing;
        this.conversationId = undefined;
        this.rendered = new Map();
        this.queue = [];
        this.seenTyping = new Set();
        this.pacing = false;
        this.typingNow = false;
        this.stuck = true;
        this.draining = false;
        /** Called with each node appended (e.g. to disable a card that is no longer usable). */
        this.onAppend = undefined;
        // Follow the newest message: while the reader is at the bottom, stay there whatever changes the height
        // (a new message, a card laid out late, the window narrowed so lines wrap).
        chat.addEventListener('scroll', () => {
            this.stuck = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 24;
        });
        const observer = new ResizeObserver(() => this.follow());
        observer.observe(chat);
        this.observer = observer;
    }

    /**
     * Shows `items` (`{ key, at, fromBot, version?, render() }`, in order) of conversation `id`. `typing`: when the
     * bot signalled typing (ms); `typingNow`: the stand-in says the bot is typing at the moment.
     */
    show(id, items, typing, typingNow) {
        this.typingNow = typingNow;
        if (id !== this.conversationId) {
            this.conversationId = id;
            this.queue = [];
            this.rendered = new Map();
            this.observer.disconnect();
            this.observer.observe(this.chat);
            this.chat.replaceChildren();
            this.stuck = true;
            for (const t of typing) this.seenTyping.add(t);
            for (const item of items) this.append(item);
        } else {
            const queued = new Set(this.queue.map((item) => item.key));
            for (const item of items) {
                const old = this.rendered.get(item.key);
                if (old) {
                    if (item.version !== undefined && old.version !== item.version) this.replace(item, old);
                } else if (!queued.has(item.key)) {
                    this.queue.push({ ...item, typing });
                }
            }
            void this.drain();
        }
        this.showTyping();
    }

    /** Nothing selected. */
    clear(emptyText) {
        this.conversationId = undefined;
        this.queue = [];
        this.rendered = new Map();
        this.chat.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: emptyText }));
        this.typingNow = false;
        this.showTyping();
    }

    async drain() {
        if (this.draining) return;
        this.draining = true;
        try {
            while (this.queue.length > 0) {
                const item = this.queue[0];
                const id = this.conversationId;
                if (item.fromBot) {
                    const before = item.typing.filter((t) => !this.seenTyping.has(t) && t <= item.at + 5);
                    for (const t of before) this.seenTyping.add(t);
                    if (before.length > 0) {
                        this.pacing = true;
                        this.showTyping();
                        await sleep(TYPING_MS);
                        this.pacing = false;
                        if (id !== this.conversationId) return;
                    }
                }
                this.queue.shift();
                this.append(item);
                this.showTyping();
            }
        } finally {
            this.draining = false;
        }
    }

    append(item) {
        const node = item.render();
        node.dataset.key = item.key;
        this.chat.append(node);
        this.observer.observe(node);
        this.rendered.set(item.key, { node, version: item.version });
        this.stuck = this.stuck || !item.fromBot;
        this.follow();
        this.onAppend?.(node);
    }

    replace(item, old) {
        const node = item.render();
        node.dataset.key = item.key;
        this.observer.unobserve(old.node);
        old.node.replaceWith(node);
        this.observer.observe(node);
        this.rendered.set(item.key, { node, version: item.version });
        this.follow();
    }

    follow() {
        if (this.stuck) this.chat.scrollTop = this.chat.scrollHeight;
    }

    showTyping() {
        const waiting = this.queue.length > 0 && !this.pacing;
        this.typing.hidden = !(this.pacing || (this.typingNow && !waiting));
    }

    /** The rendered node of a message, if any. */
    node(key) {
        return this.rendered.get(key)?.node;
    }
}
