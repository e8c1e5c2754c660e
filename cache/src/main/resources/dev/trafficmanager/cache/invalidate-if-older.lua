-- Invalidates a resolve cache entry for a change of the route: deletes the entry unless it already
-- carries the change's revision or a newer one (the cache-warming consumer, or an API that read the
-- route after the change, wrote it: it is fresh), then publishes the invalidation message, always,
-- so that every API's near cache drops its copies older than the revision.
-- An entry that cannot be read, or a negative entry written without a revision, counts as older.
-- KEYS[1]: the entry's key. ARGV[1]: the change's revision. ARGV[2]: the invalidation channel.
-- ARGV[3]: the message. Returns {deleted (1 or 0), receivers of the message}.
local deleted = 0
local current = redis.call('GET', KEYS[1])
if current then
  local stored = nil
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' then
    stored = tonumber(decoded['revision'])
    if stored == nil and decoded['missing'] == true then
      stored = 0
    end
  end
  if stored == nil or stored < tonumber(ARGV[1]) then
    redis.call('DEL', KEYS[1])
    deleted = 1
  end
end
local receivers = redis.call('PUBLISH', ARGV[2], ARGV[3])
return {deleted, receivers}
