#!/usr/bin/env bash
# bench/loadgen measures any server of the API: --help prints its usage and
# runs nothing; --url drives a switchboard started by hand (JSON frames,
# binary frames, WebM chunks), which answers every session's turns.
set -euo pipefail
loadgen=$1
binary=$2

help=$(timeout 10 "$loadgen" --help)
grep -q -- "--url ws://HOST:PORT" <<<"$help"
if grep -q "health:" <<<"$help"; then
  echo "--help ran the load" >&2
  exit 1
fi

dir=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
cat >"$dir/by-hand.yaml" <<'YAML'
stt:
  - {name: scripted, plugin: stt-scripted, config: {transcripts: ["what is the weather like"], final_delay_ms: 20}}
llm:
  - {name: scripted, plugin: llm-scripted, config: {reply: "It will be sunny.", first_token_ms: 30}}
tts:
  - {name: tone, plugin: tts-tone, config: {ms_per_char: 20}}
transports:
  - {name: voice-api, plugin: transport-voice-api, listen: "127.0.0.1:0", config: {}}
YAML
"$binary" --config "$dir/by-hand.yaml" >"$dir/log" 2>&1 &
pid=$!
# Its port, from its log as it says it: each line read as it is written.
exec 3< <(tail -n +1 -f "$dir/log")
tailer=$!
port=
while IFS= read -r -t 30 line <&3; do
  if [[ $line =~ listening\ on\ 127\.0\.0\.1:([0-9]+) ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
done
kill "$tailer" 2>/dev/null || true
[ -n "$port" ] || { echo "the server did not say where it listens" >&2; cat "$dir/log" >&2; exit 1; }

for mode in "" --binary --webm; do
  out=$("$loadgen" --url "ws://127.0.0.1:$port" --pid "$pid" --only voice --turn-sessions 2 --sessions 3 \
    --seconds 6 $mode)
  echo "$out"
  grep -q "machine: .* cores; the server runs elsewhere" <<<"$out"
  # Every level connected all its sessions, each heard answers, no errors.
  levels=$(grep -c "^sessions" <<<"$out")
  [ "$levels" -eq 2 ]
  while read -r line; do
    wanted=$(awk '{print $2}' <<<"$line")
    connected=$(sed -E 's/.*connected +([0-9]+).*/\1/' <<<"$line")
    turns=$(sed -E 's/.*turns +([0-9]+).*/\1/' <<<"$line")
    errors=$(sed -E 's/.*errors +([0-9]+).*/\1/' <<<"$line")
    [ "$connected" -eq "$wanted" ] || { echo "mode '$mode': $connected of $wanted connected" >&2; exit 1; }
    [ "$turns" -ge "$wanted" ] || { echo "mode '$mode': $turns turns for $wanted sessions" >&2; exit 1; }
    [ "$errors" -eq 0 ] || { echo "mode '$mode': $errors errors" >&2; exit 1; }
  done < <(grep "^sessions" <<<"$out")
done
echo "loadgen drove a server started by hand in all three modes"
