#!/usr/bin/env bash
# Builds one or more targets: native, threads (wasm-threads), single (wasm-single).
# Native variants: native-asan (ASan+UBSan), native-tsan. Outputs: build/<target>, dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
jobs=$(nproc 2>/dev/null || echo 2)
for t in "${@:-native}"; do
  case "$t" in
    native)      cmake -S . -B build/native -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ;;
    native-asan) cmake -S . -B build/native-asan -DCMAKE_BUILD_TYPE=Debug -DDMFS_ASAN=ON -DDMFS_UBSAN=ON >/dev/null ;;
    native-tsan) cmake -S . -B build/native-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDMFS_TSAN=ON >/dev/null ;;
    threads)     cmake -S . -B build/threads -DCMAKE_BUILD_TYPE=Release \
                   -DCMAKE_TOOLCHAIN_FILE=/usr/share/emscripten/cmake/Modules/Platform/Emscripten.cmake \
                   -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null ;;
    single)      cmake -S . -B build/single -DCMAKE_BUILD_TYPE=Release \
                   -DCMAKE_TOOLCHAIN_FILE=cmake/wasi-toolchain.cmake >/dev/null ;;
    *) echo "build.sh: unknown target $t" >&2; exit 2 ;;
  esac
  cmake --build "build/$t" -j "$jobs"
done
