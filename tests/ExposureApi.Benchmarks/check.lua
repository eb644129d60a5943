-- wrk script: a check with numbers from Ofcom's drama range, one per request; counts responses by status. By default
-- POST /api/v1/check (JSON); with `-- page` after the URL, the citizens' page's form post (POST /, answered with the
-- page in Hindi), as a browser without script sends it.
local counter = 0
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  statuses = {}
  page = args[1] == "page"
end

request = function()
  counter = counter + 1
  if page then
    local form = string.format('lang=hi&region=GB&phone=%%2B447700900%03d', counter % 1000)
    return wrk.format("POST", "/", { ["Content-Type"] = "application/x-www-form-urlencoded" }, form)
  end
  local body = string.format('{"phoneNumber":"+447700900%03d"}', counter % 1000)
  return wrk.format("POST", "/api/v1/check", { ["Content-Type"] = "application/json" }, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors: connect %d read %d write %d timeout %d status %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d: %d\n", status, count))
  end
  io.write(string.format("latency over all requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
