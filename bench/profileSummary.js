'use strict';
/** Summaries of the profiles `npm run bench -- --profile` writes: CPU self time and allocated bytes, by package. */
const fs = require('node:fs');

function where(callFrame) {
    const url = callFrame.url || '';
    if (url.includes('node_modules/')) {
        const rest = url.slice(url.lastIndexOf('node_modules/') + 13).split('/');
        return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    if (url.includes('/packages/')) return `packages/${url.split('/packages/')[1].split('/')[0]}`;
    if (url.startsWith('node:')) return 'node core';
    return callFrame.functionName ? `(${callFrame.functionName.replace(/[()]/g, '')})` : '(native)';
}

/** Share of CPU samples by package, busiest first (idle left out). */
function cpuByPackage(file) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const totals = new Map();
    let busy = 0;
    for (const id of profile.samples) {
        const node = nodes.get(id);
        if (node.callFrame.functionName === '(idle)') continue;
        busy++;
        const key = where(node.callFrame);
        totals.set(key, (totals.get(key) || 0) + 1);
    }
    return [...totals].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, n / busy]);
}

/** Share of allocated bytes by package (sampling heap profile including collected objects). */
function allocationsByPackage(file) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
    const totals = new Map();
    let all = 0;
    const walk = (node) => {
        all += node.selfSize;
        const key = where(node.callFrame);
        totals.set(key, (totals.get(key) || 0) + node.selfSize);
        node.children.forEach(walk);
    };
    walk(profile.head);
    return { bytes: all, shares: [...totals].sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, n / all]) };
}

module.exports = { cpuByPackage, allocationsByPackage };
