-- GET requests cycling through the paths listed (one a line) in the file named by args[1].
-- Each thread starts at a different offset so threads do not ask for the same record.

dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local paths = {}
local i = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  file:close()
  assert(#paths > 0, "no paths in " .. args[1])
  i = (tid * 7919) % #paths
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
