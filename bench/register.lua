-- Register POST: every request books a place with a new e-mail address (form-encoded, as a browser
-- sends it; bench mode has no CSRF check). RUN_ID keeps addresses unique across runs on one database.
local run = os.getenv("RUN_ID") or tostring(os.time())
local counter = 0
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  tid = wrk.thread:get("tid") or 0
end

request = function()
  counter = counter + 1
  local body = string.format(
    "name=Bench+Person&email=bench-%s-%s-%d%%40example.org&organisation_name=Load+test&access_needs=&dietary_needs=",
    run, tid, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
dofile(os.getenv("REPORT_LUA"))
