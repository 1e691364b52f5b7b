/**
 * The scripts that hand out and give back leases. A lease is the key `l:<conversation>` (value: the owner, PX: the
 * lease); while it lives the conversation's score in the ready set is its expiry, so `lease` reads only conversations
 * that are due or whose lease has expired (`ZRANGEBYSCORE -inf now`), never the leased ones.
 */

/**
 * ARGV: base, owner, max, lease ms. Reply: heads, five fields each (see `push_head`). Entries found not takeable (a
 * lease renewed, a head retried to later) get their right score, so each is looked at once; a budget bounds the work.
 */
export const LEASE = `
local now = now_us()
local owner, max, lease_ms = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local out, got, budget = {}, 0, max + 100
while got < max and budget > 0 do
    local ids = redis.call('ZRANGEBYSCORE', READY, '-inf', num(now), 'LIMIT', 0, math.min(max - got, budget))
    if #ids == 0 then break end
    budget = budget - #ids
    for _, c in ipairs(ids) do
        local ttl = redis.call('PTTL', lkey(c))
        if ttl > 0 then
            redis.call('ZADD', READY, num(now + ttl * 1000), c)
        else
            local head = redis.call('LINDEX', qkey(c), 0)
            if not head then
                redis.call('ZREM', READY, c)
            else
                local _, _, due = read_meta(c, head)
                if due > now then
                    redis.call('ZADD', READY, num(due), c)
                else
                    take(c, owner, lease_ms, now)
                    hand_out(c, head)
                    push_head(out, c, head)
                    got = got + 1
                end
            end
        end
    end
end
return out
`;

/** ARGV: base, owner, conversation, lease ms. Reply: the head (five fields) or nil. */
export const NEXT = `
local now = now_us()
local owner, c = ARGV[2], ARGV[3]
local holder = redis.call('GET', lkey(c))
if holder and holder ~= owner then return false end
local head = redis.call('LINDEX', qkey(c), 0)
local due = false
if head then
    local _, _, t = read_meta(c, head)
    due = t <= now
end
if not due then
    if holder == owner then free(c, owner) end
    return false
end
take(c, owner, ARGV[4], now)
-- Asked again by the owner whose lease lives: the same run, not a takeover.
if holder ~= owner then hand_out(c, head) else redis.call('HSETNX', ekey(c), 'h:' .. head, '1') end
local out = {}
push_head(out, c, head)
return out
`;

/** ARGV: base, owner, lease ms, conversation…. Reply: the conversations whose lease the owner no longer held. */
export const RENEW = `
local now = now_us()
local owner, lease_ms = ARGV[2], ARGV[3]
local lost, renewed = {}, false
for i = 4, #ARGV do
    local c = ARGV[i]
    if redis.call('GET', lkey(c)) == owner then
        redis.call('PEXPIRE', lkey(c), lease_ms)
        redis.call('ZADD', READY, 'XX', num(now + tonumber(lease_ms) * 1000), c)
        renewed = true
    else
        lost[#lost + 1] = c
        redis.call('SREM', okey(owner), c)
    end
end
local o = okey(owner)
if renewed and redis.call('PTTL', o) < tonumber(lease_ms) then redis.call('PEXPIRE', o, lease_ms) end
return lost
`;

/** ARGV: base, owner, 'all' or 'some', conversation…. Frees the owner's live leases among them. */
export const RELEASE = `
local owner, all = ARGV[2], ARGV[3] == 'all'
local ids = {}
if all then
    ids = redis.call('SMEMBERS', okey(owner))
else
    for i = 4, #ARGV do ids[#ids + 1] = ARGV[i] end
end
for _, c in ipairs(ids) do
    if redis.call('GET', lkey(c)) == owner then free(c, owner) else redis.call('SREM', okey(owner), c) end
end
if all then redis.call('DEL', okey(owner)) end
return #ids
`;
