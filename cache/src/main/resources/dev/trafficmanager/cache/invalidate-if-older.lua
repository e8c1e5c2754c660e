-- Invalidates the resolve cache entries of a group of route changes, in order. For each: deletes
-- the entry unless it already carries the change's revision or a newer one (the cache-warming
-- consumer, or an API that read the route after the change, wrote it: it is fresh), then publishes
-- the invalidation message, always, so that every API's near cache drops its copies older than the
-- revision.
-- An entry that cannot be read, or a negative entry written without a revision, counts as older.
-- KEYS[i]: the entry key of change i. ARGV[1]: the invalidation channel. ARGV[2i]: the revision of
-- change i. ARGV[2i+1]: its message.
-- Returns {applied, error, deleted_1, receivers_1, ..., deleted_applied, receivers_applied}: the
-- changes before the first command that failed are applied, the rest are not touched; error is
-- that command's error reply, or '' when every change was applied.
local reply = {0, ''}
for i, key in ipairs(KEYS) do
  local current = redis.pcall('GET', key)
  if type(current) == 'table' and current.err then
    reply[2] = current.err
    return reply
  end
  local deleted = 0
  if current then
    local stored = nil
    local ok, decoded = pcall(cjson.decode, current)
    if ok and type(decoded) == 'table' then
      stored = tonumber(decoded['revision'])
      if stored == nil and decoded['missing'] == true then
        stored = 0
      end
    end
    if stored == nil or stored < tonumber(ARGV[2 * i]) then
      local removed = redis.pcall('DEL', key)
      if type(removed) == 'table' and removed.err then
        reply[2] = removed.err
        return reply
      end
      deleted = 1
    end
  end
  local receivers = redis.pcall('PUBLISH', ARGV[1], ARGV[2 * i + 1])
  if type(receivers) == 'table' and receivers.err then
    reply[2] = receivers.err
    return reply
  end
  reply[1] = i
  reply[#reply + 1] = deleted
  reply[#reply + 1] = receivers
end
return reply
