#!/usr/bin/env bash
# The published APIs' own stack (../shared/bench/fastapi_reference.py:
# FastAPI and uvicorn, parsing each JSON frame, decoding its base64 and
# appending the bytes) and Switchboard (its whole audio path, scripted
# providers), driven by the same load generator one after the other in one
# run: JSON/base64 frames for both, then binary frames for Switchboard (the
# reference takes only JSON). Prints each run's levels, then one table.
# usage: bench/side_by_side.sh [BUILD_DIR] [SESSIONS] [SECONDS]
set -euo pipefail
build=${1:-build}
sessions=${2:-100,150,200,300,600,900,1000,1200}
seconds=${3:-15}
here=$(cd "$(dirname "$0")" && pwd)
reference=$here/../../shared/bench/fastapi_reference.py
loadgen=$build/bench/loadgen
out=$(mktemp -d)
trap 'kill $ref 2>/dev/null || true; rm -rf "$out"' EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 "$reference" "$port" & ref=$!
# Ready when it answers (an event: its port accepting, not a fixed wait).
for _ in $(seq 100); do
  if /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.1)" 2>/dev/null; then break; fi
  sleep 0.1
done

run() {  # name, loadgen options...
  local name=$1; shift
  echo "== $name"
  "$loadgen" --only voice --turn-sessions 10 --sessions "$sessions" --seconds "$seconds" "$@" | tee "$out/$name"
}
run reference-json --url "ws://127.0.0.1:$port" --pid "$ref"
kill $ref; wait $ref 2>/dev/null || true
run switchboard-json
run switchboard-binary --binary

# One row per session count: p99 ingest, server CPU, and whether it kept real time.
echo
echo "| sessions | reference JSON | Switchboard JSON | Switchboard binary |"
echo "| --- | --- | --- | --- |"
for n in ${sessions//,/ }; do
  row="| $n"
  for name in reference-json switchboard-json switchboard-binary; do
    line=$(grep -E "^sessions +$n " "$out/$name" | tail -1 || true)
    p99=$(sed -nE 's/.*ingest p50 +[0-9.]+ p99 +([0-9.]+).*/\1/p' <<<"$line")
    cpu=$(sed -nE 's/.*server cpu +([0-9.]+)%.*/\1/p' <<<"$line")
    gen=$(sed -nE 's/.*generator cpu +([0-9.]+)%.*/\1/p' <<<"$line")
    verdict=$(grep -q "NOT real time" <<<"$line" && echo "not real time" || echo "real time")
    row+=" | ${p99:+p99 $p99 ms, }server ${cpu}%, generator ${gen}%, $verdict"
  done
  echo "$row |"
done
for name in reference-json switchboard-json switchboard-binary; do
  echo "$name: $(grep -E '^most concurrent' "$out/$name")"
done
