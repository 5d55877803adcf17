-- wrk script of bench/run: every request is a page view by another signed-in customer.
--
--   wrk -s bench/wrk.lua <base url> -- <targets file>
--
-- The targets file (written by bench/run from bench.customers or bench.invoices) returns a list
-- of { p = <path>, c = <Cookie header> }; each thread walks it round-robin from its own starting
-- point. Prints one line, `BENCH key=value ...`, that bench/run reads: requests per second,
-- latency percentiles in microseconds, and every answer that was not 200 (a redirect to the
-- sign-in page counts: wrk itself would count it as a success).

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  targets = dofile(args[1])
  -- Threads start half the list apart, so two threads never send the same customer together.
  position = math.floor(id * #targets / 2)
  not_ok = 0
end

function request()
  position = position % #targets + 1
  local t = targets[position]
  -- What a browser without JavaScript sends, compression included (pages are gzipped).
  return wrk.format("GET", t.p, {
    ["Cookie"] = t.c,
    ["Accept"] = "text/html",
    ["Accept-Encoding"] = "gzip",
  })
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "not_200=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    not_ok_total, e.connect, e.read, e.write, e.timeout))
end
