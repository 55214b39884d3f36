-- Soak traffic: rotate through the paths in the PATHS environment variable (space separated).
local paths = {}
for p in string.gmatch(os.getenv("PATHS") or "/healthz", "%S+") do table.insert(paths, p) end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
dofile(os.getenv("REPORT_LUA"))
