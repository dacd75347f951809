#!/bin/bash
# Measures a large seeded database (gongzhi seed --tickets 10000000 --data DIR [--db DSN]):
# start-up, memory, inbox, ticket and mixed load, the evaluation rebuild and a month's evaluation.
# GONGZHI names the binary (default ./gongzhi); with GONGZHI_DB set (postgres://…) every
# command uses that database, and DATA_DIR holds only the server's files.
set -u
B=${GONGZHI:-./gongzhi}
D=${1:?usage: [GONGZHI_DB=postgres://…] scripts/bench-large.sh DATA_DIR}
if [ -n "${GONGZHI_DB:-}" ]; then
  echo "database size: $(psql "${GONGZHI_DB%%\?*}" -tAc 'SELECT pg_size_pretty(pg_database_size(current_database()))')"
else
  du -sh $D
fi
$B serve --demo --no-worker --addr 127.0.0.1:18093 --data $D > /tmp/m10.log 2>&1 &
PID=$!
for i in $(seq 1 60); do grep -q "gongzhi serving" /tmp/m10.log && break; sleep 0.5; done
grep -o 'startup=[^ ]*' /tmp/m10.log
echo "RSS idle KB: $(ps -o rss= -p $PID)"
$B bench --url http://127.0.0.1:18093 --mix inbox --concurrency 8 --duration 15s --warmup 3s 2>&1 | tail -3
echo "RSS after inbox KB: $(ps -o rss= -p $PID)"
$B bench --url http://127.0.0.1:18093 --mix ticket --concurrency 8 --duration 15s --warmup 3s 2>&1 | tail -3
echo "RSS after ticket KB: $(ps -o rss= -p $PID)"
$B bench --url http://127.0.0.1:18093 --mix mixed --rate 500 --concurrency 64 --duration 20s --warmup 3s 2>&1 | tail -7
echo "RSS after mixed KB: $(ps -o rss= -p $PID)"
kill $PID; wait $PID 2>/dev/null
echo "--- evaluation rebuild"
/usr/bin/time -v $B evaluation rebuild --data $D 2>&1 | grep -E "Elapsed|Maximum resident|rebuilt|tickets" | tail -5
$B serve --demo --no-worker --addr 127.0.0.1:18093 --data $D > /tmp/m10b.log 2>&1 &
PID=$!
for i in $(seq 1 60); do grep -q "gongzhi serving" /tmp/m10b.log && break; sleep 0.5; done
TOK=$(curl -s -X POST localhost:18093/api/v1/auth/token -d '{"username":"demo-supervisor","password":"gongzhi-demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
for m in 2026-10 2026-09; do
  for g in org area; do
    for i in 1 2 3; do
      curl -s -o /tmp/ev.json -w "month=$m group=$g time=%{time_total}s status=%{http_code}\n" -H "Authorization: Bearer $TOK" "localhost:18093/api/v1/evaluation?month=$m&group=$g"
    done
  done
done
python3 -c 'import json;d=json.load(open("/tmp/ev.json"));print("rows",len(d["rows"]), "tickets", sum(r.get("tickets",0) or 0 for r in d["rows"]))'
kill $PID; wait $PID 2>/dev/null
