'use strict';
/** Worker thread: signs 8x8 webhook deliveries ahead of a run (RSA signing is too slow to do while measuring). */
const { parentPort, workerData } = require('node:worker_threads');
const { SigningKey } = require('botbuilder-contact-center-sandbox');

const { pem, kid, items, tenantId, customerId } = workerData;
const key = new SigningKey(kid, pem);
const out = items.map(({ conversationId, n, eventId }) => {
    const now = Date.now();
    const body = JSON.stringify({
        eventType: 'MESSAGE',
        conversationId,
        timestamp: now,
        data: { isEcho: false, sender: { id: `user-${conversationId}`, type: 'user' }, text: `m:${conversationId}:${n}` },
    });
    const fields = { customerId, eventId, retry: 0, tenantId, transmissionTime: now };
    return {
        body,
        headers: {
            'content-type': 'application/json',
            'x-8x8-tenant-id': tenantId,
            'x-8x8-customer-id': customerId,
            'x-8x8-event-id': eventId,
            'x-8x8-retry': '0',
            'x-8x8-transmission-time': String(now),
            'x-8x8-signature': key.signDelivery(body, fields),
        },
    };
});
parentPort.postMessage(out);
