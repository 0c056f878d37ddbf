#!/usr/bin/env bash
# Installs the SDK and the host into a scratch prefix, builds
# examples/hello-llm against them as a plugin author would, runs its contract
# test (switchboard plugin-test, from the installed host), and has the real
# binary load and check it.
set -euo pipefail
build_dir=$1
source_dir=$2
binary=$3

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" --component sdk >/dev/null
cmake --install "$build_dir" --prefix "$work/prefix" --component host >/dev/null
cmake -S "$source_dir/examples/hello-llm" -B "$work/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
grep -q "^SWITCHBOARD_EXECUTABLE:FILEPATH=$work/prefix/bin/switchboard$" "$work/build/CMakeCache.txt" ||
  { echo "the example's contract test does not use the installed switchboard"; exit 1; }
ctest --test-dir "$work/build" --output-on-failure --no-tests=error -R plugin_contract

exports=$(nm -D --defined-only "$work/build/example-hello-llm.so" | awk '{print $3}')
[ "$exports" = "switchboard_plugin_entry" ] || { echo "exports: $exports"; exit 1; }

cat >"$work/good.yaml" <<YAML
plugin_dirs: ["$work/build"]
llm:
  - name: hello
    plugin: example-hello-llm
    config: {greeting: "Hi there!", word_ms: 5}
YAML
"$binary" plugins --config "$work/good.yaml" | grep -E "^example-hello-llm +llm +1\.0\.0 +1\.[0-9]+ +$work/build/example-hello-llm\.so$"
"$binary" check --config "$work/good.yaml"

cat >"$work/bad.yaml" <<YAML
plugin_dirs: ["$work/build"]
llm:
  - name: hello
    plugin: example-hello-llm
    config: {greeting: "Hi", word_ms: 5000}
YAML
if "$binary" check --config "$work/bad.yaml" 2>"$work/err"; then
  echo "check accepted a bad plugin config"; exit 1
fi
grep -F "$work/bad.yaml:5:30: llm 'hello': 'word_ms' must be between 0 and 1000" "$work/err"
echo "out-of-tree example: built, exported one symbol, kept the contract (plugin-test), listed, checked"
