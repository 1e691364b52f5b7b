'use strict';
const { generateKeyPairSync } = require('crypto');
const { Pool } = require('undici');
const b = require('./run.js');
(async () => {
  const shape = b.SHAPES.find((s) => s.conversations === 100);
  const key = { kid: 'sandbox-key-1', pem: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) };
  const standIn = await b.startStandIn('8x8', key.pem);
  const t0 = Date.now();
  const sut = await b.startSut(process.argv[2] || 'adapter', '8x8', standIn.info, (process.env.SUTFLAGS||"").split(" ").filter(Boolean));
  await standIn.call('webhook', { url: `${sut.url}/api/8x8/webhook` });
  const ids = b.conversationIdsFor(shape, 'c');
  await standIn.call('addConversations', { ids });
  await b.measure('w', sut.url, standIn, await b.eightByEightRequests(shape, ids, key, 0), ids);
  const lists = await b.eightByEightRequests(shape, ids, key, 100);
  const flat = []; for (let k = 0; k < lists[0].length; k++) for (const list of lists) flat.push(list[k]);
  const pool = new Pool(sut.url, { connections: 50 });
  const rate = 550; const start = process.hrtime.bigint(); const startWall = Date.now() - t0;
  const out = []; const inflight = [];
  for (let i = 0; i < flat.length; i++) {
    const due = start + BigInt(Math.round((i * 1e9) / rate));
    while (process.hrtime.bigint() < due) await new Promise((r) => setTimeout(r, 1));
    const req = flat[i]; const sentAt = process.hrtime.bigint();
    inflight.push(pool.request({ method: 'POST', path: req.path, headers: req.headers, body: req.body }).then(async ({ body }) => { await body.dump(); out.push([Date.now() % 100000 - Number(process.hrtime.bigint() - sentAt) / 1e6, Number(process.hrtime.bigint() - sentAt) / 1e6]); }));
  }
  await Promise.all(inflight);
  out.sort((a, b) => b[1] - a[1]);
  console.log('startWall', startWall);
  console.log(out.slice(0, 40).map(([t, l]) => `${Math.round(t)}:${l.toFixed(0)}`).join(' '));
  const lat = out.map((x) => x[1]).sort((a, b) => a - b); console.log('p99', lat[Math.floor(lat.length * 0.99)].toFixed(1));
  await pool.close(); await sut.stop(); await standIn.stop();
})().catch((e) => { console.error(e); process.exit(1); });
