-- wrk script: POSTs JSON bodies to /v1/decisions, rotating among the body files given after `--`.
--
--   TOKEN=... wrk -t2 -c32 -d20s -s post.lua http://127.0.0.1:8080 -- a.json b.json
--
-- Prints requests/s, events/s (requests times the events per body, counted from the bodies) and
-- the latency percentiles, plus one `RESULT key=value …` line for scripts to read.

local path = os.getenv("DECISIONS_PATH") or "/v1/decisions"
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local function read(file)
  local handle = assert(io.open(file, "rb"), "cannot open " .. file)
  local body = handle:read("*a")
  handle:close()
  return body
end

function init(args)
  assert(#args > 0, "post.lua needs at least one body file after --")
  local headers = { ["Content-Type"] = "application/json" }
  local token = os.getenv("TOKEN")
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  -- Requests are formatted once here, so the load generator spends its time on sending.
  requests = {}
  local events = 0
  for i, file in ipairs(args) do
    local body = read(file)
    local _, count = body:gsub('"kind"%s*:', "")
    events = events + count
    requests[i] = wrk.format("POST", path, headers, body)
  end
  -- Bodies are sent in turn, so each request carries the mean count.
  events_per_request = events / #args
  -- Threads start at different bodies so that they do not send the same one in step.
  next_request = (id or 0) % #requests
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local per_request = threads[1]:get("events_per_request") or 1
  local rps = summary.requests / seconds
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  local p50 = latency:percentile(50) / 1000
  local p99 = latency:percentile(99) / 1000
  local p999 = latency:percentile(99.9) / 1000
  io.write(string.format("requests/s   %.0f\n", rps))
  io.write(string.format("events/s     %.0f (%g events per request)\n", rps * per_request, per_request))
  io.write(string.format("latency ms   p50 %.3f   p99 %.3f   p99.9 %.3f   max %.3f\n",
    p50, p99, p999, latency.max / 1000))
  io.write(string.format("non-2xx      %d   socket errors %d\n", summary.errors.status, errors))
  io.write(string.format(
    "RESULT rps=%.0f eps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f non2xx=%d errors=%d\n",
    rps, rps * per_request, p50, p99, p999, summary.errors.status, errors))
end
