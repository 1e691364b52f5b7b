/**
 * The Storage write script: every eTag is checked before anything is written, so a write with one stale item
 * changes nothing (all or nothing, unlike a loop of single writes). An item is stored as
 * `{"eTag":"…","value":<the item's JSON>}`: the eTag sits at a fixed place, so the check reads it without decoding
 * the value, and the value's JSON is never re-encoded by Lua (cjson would turn `[]` into `{}`).
 *
 * KEYS: the eTag counter. ARGV: key prefix, TTL ms, then per item key, expected eTag ('' = unconditional), JSON.
 * Reply: `{'ok'}` or `{'conflict', key}`.
 */
export const STORAGE_WRITE = `
local ETAG = KEYS[1]
local function num(x) return string.format('%.0f', x) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
for i = 3, #ARGV, 3 do
    local wanted = ARGV[i + 1]
    if wanted ~= '' then
        local current = redis.call('GET', ARGV[1] .. ARGV[i])
        if current and string.match(current, '^{"eTag":"([^"]*)"') ~= wanted then return {'conflict', ARGV[i]} end
    end
end
for i = 3, #ARGV, 3 do
    local tag = num(now) .. '.' .. num(redis.call('INCR', ETAG))
    redis.call('SET', ARGV[1] .. ARGV[i], '{"eTag":"' .. tag .. '","value":' .. ARGV[i + 2] .. '}', 'PX', ARGV[2])
end
return {'ok'}
`;
