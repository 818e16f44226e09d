#!/bin/sh
# Builds and runs the differential fuzzer for [seconds] (default 60). The seed corpus is
# tests/fuzz/corpus; new inputs go to build/fuzz/corpus; crashes to build/fuzz/.
# Replay one input: build/fuzz/fuzz_ops tests/fuzz/regressions/<file>
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-60}
bin=$("$here/build.sh")
mkdir -p "$root/build/fuzz/corpus"
# Regressions first: each must pass.
for f in "$here"/regressions/*; do
  case "$f" in */README) continue ;; esac
  [ -f "$f" ] && "$bin" "$f"
done
cd "$root/build/fuzz"
exec "$bin" -max_len=512 -max_total_time="$secs" -timeout=10 \
  -artifact_prefix="$root/build/fuzz/" "$root/build/fuzz/corpus" "$here/corpus"
