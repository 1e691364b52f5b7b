/**
 * The scripts that settle the head event of a conversation. Each first checks that the caller holds the live lease
 * and that the event is still the head, and otherwise changes nothing and replies 0 (the caller resolves `false`).
 */

/**
 * ARGV: base, owner, conversation, event id, storage key prefix, storage TTL ms, then storage key, JSON pairs.
 * Removes the head and its send records and writes the Storage items (each with a new eTag) in the same step.
 */
export const COMPLETE = `
local owner, c, id = ARGV[2], ARGV[3], ARGV[4]
if not holds_head(c, owner, id) then return 0 end
local now = now_us()
remove_head(c, id)
for i = 7, #ARGV, 2 do
    redis.call('SET', ARGV[5] .. ARGV[i], envelope(new_etag(now), ARGV[i + 1]), 'PX', ARGV[6])
end
return 1
`;

/** ARGV: base, owner, conversation, event id, delay ms, error. Attempts + 1, due after the delay, lease freed. */
export const RETRY = `
local owner, c, id = ARGV[2], ARGV[3], ARGV[4]
if not holds_head(c, owner, id) then return 0 end
local now = now_us()
local received, attempts = read_meta(c, id)
local due = now + tonumber(ARGV[5]) * 1000
redis.call('HSET', ekey(c), 'm:' .. id, num(received) .. ' ' .. num(attempts + 1) .. ' ' .. num(due), 'x:' .. id, ARGV[6])
free(c, owner)
return 1
`;

/**
 * ARGV: base, owner, conversation, event id, error, dead-letter TTL ms. The event moves to the dead-letter stream
 * (entry id = server time, so newest first is XREVRANGE and expiry is XTRIM MINID); the lease is kept.
 */
export const DEAD_LETTER = `
local owner, c, id = ARGV[2], ARGV[3], ARGV[4]
if not holds_head(c, owner, id) then return 0 end
local now = now_us()
local f = redis.call('HMGET', ekey(c), 'b:' .. id, 'm:' .. id, 'x:' .. id)
local fields = {'c', c, 'i', id, 'b', f[1], 'm', f[2], 'e', ARGV[5]}
if f[3] then fields[#fields + 1] = 'x'; fields[#fields + 1] = f[3] end
redis.call('XADD', DEAD, '*', unpack(fields))
redis.call('XTRIM', DEAD, 'MINID', num(math.floor(now / 1000) - tonumber(ARGV[6])))
redis.call('PEXPIRE', DEAD, ARGV[6])
remove_head(c, id)
return 1
`;

/** ARGV: base, owner, conversation, event id, index, record JSON, TTL ms. */
export const RECORD_SEND = `
local owner, c, id = ARGV[2], ARGV[3], ARGV[4]
if not holds_head(c, owner, id) then return 0 end
redis.call('HSET', skey(id), ARGV[5], ARGV[6])
redis.call('PEXPIRE', skey(id), ARGV[7])
return 1
`;
