-- POST the same JSON body to one path on every request (the GraphQL scenarios).
-- args[1] = path, args[2] = file holding the body. The body is constant, so no request()
-- function: wrk builds the request once per thread from wrk.method, wrk.body and
-- wrk.headers (which already hold the command line's -H headers).

dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

function init(args)
  local file = assert(io.open(args[2], "r"))
  local body = file:read("*a")
  file:close()
  assert(#body > 0, "empty body in " .. args[2])
  wrk.method = "POST"
  wrk.path = args[1]
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
