import { TAKEOVER_ERROR } from 'botbuilder-contact-center/protocol';

/**
 * Lua shared by the inbox scripts, prepended to each. Every inbox script is called with the same five keys (all of
 * one inbox, so one hash slot when the prefix has a hash tag) and `ARGV[1]` = the inbox's key base, from which the
 * per-conversation keys are built (see `keys.ts` for the layout).
 *
 * Times come from the server's `TIME`, in microseconds: the ready set's scores and due times are compared with the
 * server clock only, so instances with skewed clocks still agree on who holds a lease. Microseconds keep
 * conversations appended within the same millisecond in their order (integers below 2^53, exact in a Lua number).
 */
export const PRELUDE = `
local TAKEOVER_ERROR = ${JSON.stringify(TAKEOVER_ERROR)}
local READY, PENDING, SEQ, DEAD, ETAG = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local B = ARGV[1]

local function now_us()
    local t = redis.call('TIME')
    return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function num(x) return string.format('%.0f', x) end
local function qkey(c) return B .. 'q:' .. c end
local function ekey(c) return B .. 'e:' .. c end
local function lkey(c) return B .. 'l:' .. c end
local function okey(o) return B .. 'o:' .. o end
local function skey(id) return B .. 's:' .. id end

-- An event's meta field: "<receivedAt ms> <attempts> <due us>".
local function read_meta(c, id)
    local m = redis.call('HGET', ekey(c), 'm:' .. id)
    local r, a, t = string.match(m, '^(%d+) (%d+) (%d+)$')
    return tonumber(r), tonumber(a), tonumber(t)
end

-- Appends one head to a reply: conversation, id, body, meta, last error (nil when none).
local function push_head(out, c, id)
    local f = redis.call('HMGET', ekey(c), 'b:' .. id, 'm:' .. id, 'x:' .. id)
    out[#out + 1] = c
    out[#out + 1] = id
    out[#out + 1] = f[1]
    out[#out + 1] = f[2]
    out[#out + 1] = f[3]
end

-- While leased, a conversation's score in the ready set is its lease's expiry: lease() finds expired leases there.
local function take(c, owner, lease_ms, now)
    redis.call('SET', lkey(c), owner, 'PX', lease_ms)
    redis.call('ZADD', READY, num(now + tonumber(lease_ms) * 1000), c)
    local o = okey(owner)
    redis.call('SADD', o, c)
    if redis.call('PTTL', o) < tonumber(lease_ms) then redis.call('PEXPIRE', o, lease_ms) end
end

-- Marks a head handed out. One handed out before and never settled (its holder's lease ended: it died or stalled)
-- counts one attempt, so an event that kills every process running it reaches the dead letters.
local function hand_out(c, id)
    if redis.call('HSETNX', ekey(c), 'h:' .. id, '1') == 0 then
        local r, a, t = read_meta(c, id)
        redis.call('HSET', ekey(c), 'm:' .. id, num(r) .. ' ' .. num(a + 1) .. ' ' .. num(t), 'x:' .. id, TAKEOVER_ERROR)
    end
end

-- Frees a lease: the conversation is ready again at its head's due time (or leaves the set when it has no events).
local function free(c, owner)
    redis.call('DEL', lkey(c))
    redis.call('SREM', okey(owner), c)
    local head = redis.call('LINDEX', qkey(c), 0)
    if head then
        redis.call('HDEL', ekey(c), 'h:' .. head)
        local _, _, t = read_meta(c, head)
        redis.call('ZADD', READY, num(t), c)
    else
        redis.call('ZREM', READY, c)
    end
end

-- True when owner holds the conversation's live lease and the event is its head.
local function holds_head(c, owner, id)
    return redis.call('GET', lkey(c)) == owner and redis.call('LINDEX', qkey(c), 0) == id
end

-- Removes the head event with its send records; the conversation leaves the ready set when it has no more events.
local function remove_head(c, id)
    redis.call('LPOP', qkey(c))
    redis.call('HDEL', ekey(c), 'b:' .. id, 'm:' .. id, 'x:' .. id, 'h:' .. id)
    redis.call('DEL', skey(id))
    if redis.call('DECR', PENDING) <= 0 then redis.call('DEL', PENDING) end
    if redis.call('LLEN', qkey(c)) == 0 then redis.call('ZREM', READY, c) end
end

-- A new eTag: server time and a counter, so an eTag is never reused even after the counter key was lost.
local function new_etag(now)
    return num(now) .. '.' .. num(redis.call('INCR', ETAG))
end
local function envelope(tag, json) return '{"eTag":"' .. tag .. '","value":' .. json .. '}' end
`;
