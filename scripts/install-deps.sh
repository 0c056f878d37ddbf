#!/usr/bin/env bash
# Installs the Debian 12 packages Switchboard builds and tests with.
# Idempotent: packages already installed are skipped, and apt is not touched
# at all when nothing is missing. This is the one place that lists them.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ccache pkg-config
  # foundation
  libboost-dev libyaml-cpp-dev nlohmann-json3-dev libcurl4-openssl-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  # the native transport's audio frames: JSON parsed in place
  libsimdjson-dev
  # provider plugins: HTTP client core (libcurl) and TLS WebSockets (Beast)
  libssl-dev
  # transports: JWT tokens
  libjwt-dev
  # the Voice Assistant API's JavaScript client example, run by the conformance tests
  nodejs node-ws
  # the published APIs' Python client examples, run by their conformance tests
  python3-websockets python3-requests
  # sessions, and the documents index (FTS5)
  libsqlite3-dev
  # several hosts: sessions, the cache and breaker news in Redis (hiredis);
  # the tests start their own redis-server
  libhiredis-dev redis-server
  # document ingestion: text out of PDF files
  libpoppler-cpp-dev
  # audio core
  libavformat-dev libavcodec-dev libavutil-dev libswresample-dev libsoxr-dev
  libwebrtc-audio-processing-dev
  # offline speech providers
  flite1-dev libespeak-ng-dev libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  # benchmark comparisons: the lock-free queue next to the ring, and
  # PocketSphinx's own command-line decoder next to the engine
  libconcurrentqueue-dev pocketsphinx
  # security tests: nginx with TLS in front of the API (config/examples/nginx-tls.conf),
  # a certificate made by openssl, requests made by curl
  nginx-light openssl curl
  # browser tests: Debian's own Chromium, headless, against the server on 127.0.0.1
  chromium
  # the published APIs' own stack, side by side with ours under the same load
  # (bench/side_by_side.sh runs ../shared/bench/fastapi_reference.py)
  python3-fastapi python3-uvicorn
  # fuzzing: clang with libFuzzer (make fuzz); a busy machine for make test-stress
  clang libclang-rt-14-dev stress-ng
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
