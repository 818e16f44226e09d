#!/usr/bin/env bash
# `npm test`: install what is missing, build every target, run every suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== native build + C tests + conformance (ctest)"
bash scripts/build.sh native
ctest --test-dir build/native --output-on-failure -j 2
if [ -f cmake/wasm-threads.cmake ] && [ -f cmake/wasm-single.cmake ]; then
  echo "== wasm builds"
  bash scripts/build.sh threads single
  bash scripts/dist.sh
  if [ -d tests/wasm ]; then
    echo "== C tests compiled with Emscripten, under Node"
    ctest --test-dir build/threads --output-on-failure -j 2
  fi
  if compgen -G "tests/js/*.test.mjs" >/dev/null; then
    echo "== JS API + conformance on both wasm builds (node:test)"
    node --test --test-concurrency=2 tests/js/*.test.mjs
  fi
fi
