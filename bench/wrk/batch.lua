-- POST /rest/batch/people with args[2] records per request. Every email is unique across
-- threads, requests and runs: batch-<run nonce>-w<thread>-<request>-<index>@bench.example.com.
-- args[1] = run nonce, args[2] = records per request, args[3] = file of company ids (one a line).

dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local nonce, size
local companies = {}
local n = 0
local headers = {}

function init(args)
  -- wrk.format() sends only the headers it is given: copy the command line's (-H) ones.
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Content-Type"] = "application/json"
  nonce = args[1]
  size = tonumber(args[2])
  local file = assert(io.open(args[3], "r"))
  for line in file:lines() do
    if #line > 0 then
      companies[#companies + 1] = line
    end
  end
  file:close()
end

function request()
  n = n + 1
  local records = {}
  for k = 1, size do
    local company = companies[((n * size + k) % #companies) + 1]
    records[k] = string.format(
      '{"name":{"firstName":"Bench","lastName":"W%d-%d"},' ..
      '"emails":{"primaryEmail":"batch-%s-w%d-%d-%d@bench.example.com"},' ..
      '"jobTitle":"Account Executive","city":"Lyon","companyId":"%s"}',
      n, k, nonce, tid, n, k, company)
  end
  return wrk.format("POST", "/rest/batch/people", headers, "[" .. table.concat(records, ",") .. "]")
end
