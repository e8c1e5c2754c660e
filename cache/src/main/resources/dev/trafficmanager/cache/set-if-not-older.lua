-- Sets a resolve cache entry unless the entry already there carries a newer revision, so a slow
-- or replayed writer never takes the cache back in time.
-- KEYS[1]: the entry's key. ARGV[1]: the new value (JSON with "revision"). ARGV[2]: its revision.
-- ARGV[3]: time to live in milliseconds. Returns 1 when it wrote, 0 when a newer entry stays.
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' then
    local stored = tonumber(decoded['revision'])
    if stored and stored > tonumber(ARGV[2]) then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return 1
