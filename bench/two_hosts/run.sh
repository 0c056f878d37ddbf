#!/usr/bin/env bash
# One host against two behind nginx, side by side in one run, with the load
# generator (bench/loadgen --url): Redis for sessions and the cache in both
# cases, the loadgen's scripted providers, nginx.conf from
# config/examples/two-hosts. Prints the generator's report for each setup
# and each host's CPU. Everything runs on 127.0.0.1 and is stopped at the end.
#
#   bench/two_hosts/run.sh [BUILD_DIR] [SESSIONS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
sessions=${2:-100,200,300}
seconds=${3:-15}
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {  # FILE PATTERN: until the line appears (30 s at most)
  for _ in $(seq 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "no '$2' in $1" >&2; cat "$1" >&2; exit 1
}
cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
# nginx's CPU: its master and workers.
nginx_cpu() { local t=0; for p in "$1" $(pgrep -P "$1"); do t=$(awk -v a="$t" -v b="$(cpu_seconds "$p")" 'BEGIN{print a+b}'); done; echo "$t"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", a-b}'; }

redis_port=$(port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$dir/redis.log" 2>&1 &
pids+=($!)
wait_for "$dir/redis.log" "Ready to accept connections"

host() {  # NAME PORT
  cat > "$dir/$1.yaml" <<YAML
log: {level: warn}
redis: {url: "redis://127.0.0.1:$redis_port", host_id: $1}
stt: [{name: scripted, plugin: stt-scripted, config: {transcripts: ["what is the weather like"], final_delay_ms: 20}}]
llm: [{name: scripted, plugin: llm-scripted, config: {reply: "It will be sunny.", first_token_ms: 30}}]
tts: [{name: tone, plugin: tts-tone, config: {ms_per_char: 20, first_chunk_ms: 15}}]
cache: {plugin: cache-redis, config: {url: "redis://127.0.0.1:$redis_port"}}
sessions: {store: redis}
transports:
  - {name: voice-api, plugin: transport-voice-api, listen: "127.0.0.1:$2", config: {threads: 2,
     limits: {requests_per_minute: 0, messages_per_second: 0, max_connections: 100000, max_sessions: 100000,
              max_connections_per_ip: 100000}}}
YAML
  "$build/bin/switchboard" --config "$dir/$1.yaml" --log-level info > "$dir/$1.log" 2>&1 &
  pids+=($!)
  wait_for "$dir/$1.log" "switchboard ready"
}
a_port=$(port); b_port=$(port); front=$(port)
host host-a "$a_port"; a_pid=${pids[-1]}
host host-b "$b_port"; b_pid=${pids[-1]}

mkdir -p "$dir/nginx/logs"
sed -e "s/listen 8000;/listen 127.0.0.1:$front;/" -e "s/127.0.0.1:8001 /127.0.0.1:$a_port /" \
    -e "s/127.0.0.1:8002 /127.0.0.1:$b_port /" config/examples/two-hosts/nginx.conf > "$dir/nginx/site.conf"
cat > "$dir/nginx/nginx.conf" <<NGINX
pid $dir/nginx/nginx.pid;
error_log stderr notice;
worker_processes 1;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $dir/nginx/body; proxy_temp_path $dir/nginx/proxy; include $dir/nginx/site.conf; }
NGINX
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e stderr -g "daemon off;" > "$dir/nginx.log" 2>&1 &
pids+=($!); nginx_pid=$!
wait_for "$dir/nginx.log" "start worker process"

echo "== one host (host-a, straight), Redis sessions and cache"
a0=$(cpu_seconds "$a_pid")
"$build/bench/loadgen" --url "ws://127.0.0.1:$a_port" --pid "$a_pid" --only voice --sessions "$sessions" --seconds "$seconds"
echo "host-a cpu: $(minus "$(cpu_seconds "$a_pid")" "$a0") s"

echo "== two hosts behind nginx"
a0=$(cpu_seconds "$a_pid"); b0=$(cpu_seconds "$b_pid"); n0=$(nginx_cpu "$nginx_pid")
"$build/bench/loadgen" --url "ws://127.0.0.1:$front" --only voice --sessions "$sessions" --seconds "$seconds"
echo "host-a cpu: $(minus "$(cpu_seconds "$a_pid")" "$a0") s, host-b cpu: $(minus "$(cpu_seconds "$b_pid")" "$b0") s," \
     "nginx cpu: $(minus "$(nginx_cpu "$nginx_pid")" "$n0") s"
