-- wrk script: the citizens' page's form post (POST /, as a browser without script sends it, in Hindi) with numbers
-- from Ofcom's drama range, one per request; counts responses by status. Shares check.lua's reporting.
local counter = 0
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  statuses = {}
end

request = function()
  counter = counter + 1
  local body = string.format('lang=hi&region=GB&phone=%%2B447700900%03d', counter % 1000)
  return wrk.format("POST", "/", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d: %d\n", status, count))
  end
end
