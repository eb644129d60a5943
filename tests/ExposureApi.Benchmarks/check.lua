-- wrk script: POST /api/v1/check with numbers from Ofcom's drama range, one per request.
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"phoneNumber":"+447700900%03d"}', counter % 1000)
  return wrk.format("POST", "/api/v1/check", { ["Content-Type"] = "application/json" }, body)
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: connect %d read %d write %d timeout %d status %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
  io.write(string.format("latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
