#!/usr/bin/env bash
# Every config that ships (the default and config/examples/) passes
# `switchboard check`, so docs and examples stay true to the code.
set -euo pipefail
binary=$1
source_dir=$2
count=0
for file in "$source_dir"/config/switchboard.yaml "$source_dir"/config/examples/*.yaml; do
  "$binary" check --config "$file"
  count=$((count + 1))
done
echo "$count shipped configs pass check"
