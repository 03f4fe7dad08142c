-- Two token buckets, taken together: a token is taken from both or from neither.
-- KEYS[1] tenant bucket, KEYS[2] key bucket (hashes: tokens, ts).
-- ARGV: tenant rate, tenant capacity, key rate, key capacity.
-- Time comes from the Redis server, so every gateway instance sees one clock.
-- Returns {allowed (1|0), tenant tokens, key tokens} (tokens as strings: Lua numbers would be truncated).
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000

local function level(key, rate, capacity)
  local state = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(state[1])
  local ts = tonumber(state[2])
  if tokens == nil or ts == nil then
    return capacity
  end
  return math.min(capacity, tokens + math.max(0, now - ts) * rate)
end

local function save(key, tokens, rate, capacity)
  redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
  -- Expire once the bucket would be full again anyway.
  redis.call('PEXPIRE', key, math.ceil(capacity / rate * 1000) + 1000)
end

local tenant_rate, tenant_capacity = tonumber(ARGV[1]), tonumber(ARGV[2])
local key_rate, key_capacity = tonumber(ARGV[3]), tonumber(ARGV[4])
local tenant_tokens = level(KEYS[1], tenant_rate, tenant_capacity)
local key_tokens = level(KEYS[2], key_rate, key_capacity)
local allowed = 0
if tenant_tokens >= 1 and key_tokens >= 1 then
  allowed = 1
  tenant_tokens = tenant_tokens - 1
  key_tokens = key_tokens - 1
end
save(KEYS[1], tenant_tokens, tenant_rate, tenant_capacity)
save(KEYS[2], key_tokens, key_rate, key_capacity)
return { allowed, tostring(tenant_tokens), tostring(key_tokens) }
