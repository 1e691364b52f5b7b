/** Read-mostly scripts: they first drop the dead letters older than their TTL, so counts never include them. */

const TRIM = `
local now = now_us()
redis.call('XTRIM', DEAD, 'MINID', num(math.floor(now / 1000) - tonumber(ARGV[2])))
`;

/** ARGV: base, dead-letter TTL ms. Reply: pending events, conversations, dead letters. */
export const STATS = `${TRIM}
return {tonumber(redis.call('GET', PENDING) or '0'), redis.call('ZCARD', READY), redis.call('XLEN', DEAD)}
`;

/** ARGV: base, dead-letter TTL ms, limit (≥ 1). Reply: the newest stream entries first. */
export const DEAD_LETTERS = `${TRIM}
return redis.call('XREVRANGE', DEAD, '+', '-', 'COUNT', ARGV[3])
`;
