#!/usr/bin/env bash
# Each plugin built with switchboard_add_plugin exports one dynamic symbol:
# switchboard_plugin_entry. Hidden internals cannot clash between plugins.
set -euo pipefail
checked=0
for dir in "$@"; do
  [ -d "$dir" ] || continue
  for so in "$dir"/*.so; do
    [ -e "$so" ] || continue
    case "$(basename "$so")" in fixture-no-entry.so) continue ;; esac
    exports=$(nm -D --defined-only "$so" | awk '{print $3}' | sort -u)
    if [ "$exports" != "switchboard_plugin_entry" ]; then
      echo "$so exports: $exports"
      exit 1
    fi
    checked=$((checked + 1))
  done
done
[ "$checked" -gt 0 ] || { echo "no plugins found"; exit 1; }
echo "$checked plugins export only switchboard_plugin_entry"
