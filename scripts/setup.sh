#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for the build and the tests (only when root
# and only what is missing). Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
have() { command -v "$1" >/dev/null 2>&1; }
have cmake || need+=(cmake)
have gcc || need+=(gcc)
have emcc || need+=(emscripten)
have clang-14 || need+=(clang-14)
have wasm-ld-14 || have wasm-ld || need+=(lld)
have wasm-opt || need+=(binaryen)
[ -f /usr/lib/wasm32-wasi/libc.a ] || need+=(wasi-libc)
[ -f /usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a ] || need+=(libclang-rt-14-dev-wasm32)
ls /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || need+=(libclang-rt-14-dev)
# Browser tests drive Debian's Chromium (never a downloaded browser).
if [ -d tests/browser ] && [ "${DMFS_NO_BROWSER:-0}" != 1 ]; then have chromium || need+=(chromium); fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]} (run as root or install them)" >&2
  fi
fi

# Dev dependencies (test drivers, type checker, bundler): none at run time.
if grep -q '"devDependencies"' package.json && [ ! -d node_modules ]; then
  echo "setup: npm install (devDependencies)"
  npm install --no-audit --no-fund --loglevel=error
fi
