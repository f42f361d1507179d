-- wrk script: POSTs a distinct record per request (a fresh container id and idempotency key each time).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + tid * 7919)
  prefix = string.format("%04x%08x", tid, math.random(0, 0x7fffffff))
end

request = function()
  counter = counter + 1
  local id = string.format("%s%012x", prefix, counter)
  local body = string.format(
    '{"containerId":"%s","name":"bench-%d","image":"bench:1","node":"bench-node","state":"running",' ..
    '"labels":{"bench":"true"},"networks":{"bench":"10.0.0.2"},"cpuPercent":1.5,"memoryBytes":1048576,' ..
    '"observedAt":"2026-11-22T10:00:00Z"}', id, counter)
  return wrk.format("POST", "/api/v1/records",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = id}, body)
end
