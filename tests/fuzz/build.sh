#!/bin/sh
# Builds the differential fuzzer: all of c/src/*.c + the model + the target, with
# libFuzzer, ASan and UBSan. Output: build/fuzz/fuzz_ops (or $1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-"$root/build/fuzz/fuzz_ops"}
mkdir -p "$(dirname "$out")"
clang-14 -std=c11 -D_GNU_SOURCE -DDMFS_TEST_HOOKS=1 -DDMFS_THREADS=1 -g -O1 \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root/c/include" -I"$root/c/src" -I"$here" \
  "$root"/c/src/*.c "$here/model.c" "$here/fuzz_ops.c" -lpthread -o "$out"
echo "$out"
