#!/usr/bin/env bash
# Every config that ships (the default and config/examples/) passes
# `switchboard check`, so docs and examples stay true to the code.
set -euo pipefail
binary=$1
source_dir=$2
count=0
public="$source_dir"/config/examples/voice-api-public.yaml
# The public example has no placeholder secrets: without its variables it
# must not pass (the server would refuse to start).
if env -u SB_ADMIN_KEY -u SB_APP_KEY -u SB_JWT_SECRET "$binary" check --config "$public" 2>/dev/null; then
  echo "$public passes check without its secrets" >&2
  exit 1
fi
secret() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export SB_ADMIN_KEY=$(secret) SB_APP_KEY=$(secret) SB_JWT_SECRET=$(secret)
for file in "$source_dir"/config/switchboard.yaml "$source_dir"/config/examples/*.yaml "$source_dir"/config/examples/*/*.yaml; do
  "$binary" check --config "$file"
  count=$((count + 1))
done
echo "$count shipped configs pass check"
