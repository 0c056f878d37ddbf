// The Lua scripts of the Redis session store: each runs atomically in Redis,
// so two hosts writing one session never interleave inside an update.
// Keys: <prefix>session:<id> (a hash of the record's fields),
// <prefix>history:<id> (a list of JSON entries), <prefix>entries:<id> (the
// ids of the entries ever appended: an append is applied once, however often
// it is sent), <prefix>sessions (a sorted set of ids by last activity:
// listing and expiry).
#pragma once

namespace switchboard::store::redis_scripts {

// KEYS: record, history, index, entry ids. ARGV: id, now, owner, ttl, touch (1/0).
// Creates the session if need be; with touch, moves its last activity on.
inline constexpr const char *kCreate = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'owner', ARGV[3], 'created_at', ARGV[2], 'last_activity', ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
elseif ARGV[5] == '1' and tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'last_activity')) then
  redis.call('HSET', KEYS[1], 'last_activity', ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
end
for i = 1, 4 do
  if i ~= 3 then redis.call('EXPIRE', KEYS[i], ARGV[4]) end
end
return 1
)lua";

// KEYS: record, history, index, entry ids. ARGV: id, entry (JSON), role,
// timestamp, tokens, audio seconds, ttl, entry id. The numbers move as
// store::count moves them. An entry id seen before changes nothing: a call
// that timed out may still reach Redis after it was written back, or sent
// again.
inline constexpr const char *kAppend = R"lua(
if ARGV[8] ~= '' and redis.call('SADD', KEYS[4], ARGV[8]) == 0 then return 0 end
local last = redis.call('LINDEX', KEYS[2], -1)
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'owner', '', 'created_at', ARGV[4], 'last_activity', ARGV[4])
end
redis.call('HINCRBY', KEYS[1], 'messages', 1)
if ARGV[3] == 'user' then redis.call('HINCRBY', KEYS[1], 'user_messages', 1) end
if ARGV[3] == 'assistant' then
  redis.call('HINCRBY', KEYS[1], 'assistant_messages', 1)
  if last and cjson.decode(last).role == 'user' then redis.call('HINCRBY', KEYS[1], 'pairs', 1) end
end
redis.call('HINCRBY', KEYS[1], 'tokens', ARGV[5])
redis.call('HINCRBYFLOAT', KEYS[1], 'audio_seconds', ARGV[6])
local active = redis.call('HGET', KEYS[1], 'last_activity')
if tonumber(ARGV[4]) > tonumber(active) then
  active = ARGV[4]
  redis.call('HSET', KEYS[1], 'last_activity', active)
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], active, ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[7])
redis.call('EXPIRE', KEYS[2], ARGV[7])
redis.call('EXPIRE', KEYS[4], ARGV[7])
return 1
)lua";

// KEYS: index. ARGV: prefix, the highest last activity to remove ('+inf':
// all). Removes those sessions; returns how many still existed (Redis may
// have let some go at their TTL already).
inline constexpr const char *kRemoveIdle = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local n = 0
for _, id in ipairs(ids) do
  n = n + redis.call('DEL', ARGV[1] .. 'session:' .. id)
  redis.call('DEL', ARGV[1] .. 'history:' .. id, ARGV[1] .. 'entries:' .. id)
  redis.call('ZREM', KEYS[1], id)
end
return n
)lua";

}  // namespace switchboard::store::redis_scripts
