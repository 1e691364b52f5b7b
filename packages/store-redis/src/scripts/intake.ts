/**
 * The append script: de-duplication, both limits and the append in one atomic step, so a refused append claims no
 * key and two instances appending at once cannot both pass a limit.
 *
 * ARGV: base, deduplication TTL (ms), max per conversation, max total, event count, then per event
 * conversation id, has-key flag ('1' / '0'), de-duplication key, body (JSON written by the client).
 * Reply: `{'ok', receivedAt ms, duplicates, then index (0-based, in ARGV) and id of each accepted event}` or `{limit, conversation id, waiting, adding, max}`.
 */
export const APPEND = `
local now = now_us()
local count = tonumber(ARGV[5])
local function at(i, field) return ARGV[6 + i * 4 + field] end

local seen, fresh, duplicates = {}, {}, 0
for i = 0, count - 1 do
    local duplicate = false
    if at(i, 1) == '1' then
        local k = at(i, 2)
        if seen[k] or redis.call('EXISTS', B .. 'd:' .. k) == 1 then duplicate = true else seen[k] = true end
    end
    if duplicate then duplicates = duplicates + 1 else fresh[#fresh + 1] = i end
end

local pending = tonumber(redis.call('GET', PENDING) or '0')
local max_total = tonumber(ARGV[4])
if pending + #fresh > max_total then return {'total', '', pending, #fresh, max_total} end

local adding, order = {}, {}
for _, i in ipairs(fresh) do
    local c = at(i, 0)
    if not adding[c] then adding[c] = 0; order[#order + 1] = c end
    adding[c] = adding[c] + 1
end
local max_per = tonumber(ARGV[3])
for _, c in ipairs(order) do
    local waiting = redis.call('LLEN', qkey(c))
    if waiting + adding[c] > max_per then return {'perConversation', c, waiting, adding[c], max_per} end
end

local received = math.floor(now / 1000)
local meta = num(received) .. ' 0 ' .. num(now)
local out = {'ok', num(received), duplicates}
for _, i in ipairs(fresh) do
    local c = at(i, 0)
    if at(i, 1) == '1' then redis.call('SET', B .. 'd:' .. at(i, 2), '1', 'PX', ARGV[2]) end
    local id = num(redis.call('INCR', SEQ))
    redis.call('RPUSH', qkey(c), id)
    redis.call('HSET', ekey(c), 'b:' .. id, at(i, 3), 'm:' .. id, meta)
    out[#out + 1] = i
    out[#out + 1] = id
end
-- A conversation that had no events joins the ready set: due now, or when a lease still held on it expires.
for _, c in ipairs(order) do
    if not redis.call('ZSCORE', READY, c) then
        local ttl = redis.call('PTTL', lkey(c))
        local score = now
        if ttl > 0 then score = now + ttl * 1000 end
        redis.call('ZADD', READY, num(score), c)
    end
end
if #fresh > 0 then redis.call('INCRBY', PENDING, #fresh) end
return out
`;
