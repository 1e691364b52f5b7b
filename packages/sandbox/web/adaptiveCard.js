/* Adaptive Cards in the customer chat, with the Microsoft renderer (the adaptivecards bundle, a global). */

/* global AdaptiveCards */

const escape = (text) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/**
 * The renderer asks for a markdown processor (and warns on the console without one). A small one, on escaped text:
 * **bold**, _italic_, `code`, line breaks — what bots put in TextBlocks; links stay text.
 */
if (typeof AdaptiveCards !== 'undefined') {
    AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
        result.outputHtml = escape(String(text))
            .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
            .replace(/(^|\W)_(.+?)_(?=\W|$)/g, '$1<em>$2</em>')
            .replace(/`([^`]+)`/g, '<code>$1</code>')
            .replace(/\r?\n/g, '<br>');
        result.didProcess = true;
    };
}

/** A rendered card; `onSubmit(data)` for Action.Submit / Action.Execute. */
export function renderAdaptiveCard(content, onSubmit) {
    const holder = document.createElement('div');
    holder.className = 'card';
    holder.dataset.testid = 'adaptive-card';
    holder.setAttribute('data-testid', 'adaptive-card');
    try {
        const card = new AdaptiveCards.AdaptiveCard();
        card.onExecuteAction = (action) => {
            if (holder.classList.contains('disabled')) return;
            const type = action.getJsonTypeName();
            if (type === 'Action.OpenUrl') window.open(action.url, '_blank', 'noopener');
            else if (type === 'Action.Submit' || type === 'Action.Execute') onSubmit(action.data || {});
        };
        card.parse(content);
        holder.append(card.render());
    } catch (err) {
        holder.textContent = `Could not render the card: ${err.message}`;
    }
    return holder;
}

/** Disables (or enables) everything a customer can use in a card or a row of chips, and says why in a tooltip. */
export function setUsable(holder, usable, why) {
    holder.classList.toggle('disabled', !usable);
    holder.title = usable ? '' : why;
    for (const control of holder.querySelectorAll('button, input, select, textarea')) {
        control.disabled = !usable;
        if (control.getAttribute('role') === 'button' || control.tagName === 'BUTTON') control.setAttribute('aria-disabled', String(!usable));
    }
    for (const action of holder.querySelectorAll('[role=button]')) {
        action.setAttribute('aria-disabled', String(!usable));
        action.tabIndex = usable ? 0 : -1;
    }
}
