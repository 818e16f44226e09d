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
if [ -f tests/browser/run.mjs ] && [ -f dist/dmemfs-threads.wasm ]; then
  if [ -x /usr/bin/chromium ] && [ -d node_modules/playwright-core ]; then
    echo "== browser suites in headless Chromium (wasm-threads isolated, wasm-single not isolated, workers)"
    node tests/browser/run.mjs
    echo "== browser demo page (examples/browser) with a screenshot check"
    node --test tests/browser/demo.test.mjs
  else
    echo "== browser suites skipped: /usr/bin/chromium or playwright-core missing (run scripts/setup.sh as root)"
  fi
fi
if compgen -G "tests/package/*.test.mjs" >/dev/null && [ -f dist/dmemfs-threads.wasm ]; then
  echo "== package: npm pack + offline install, tsc over the types, Vite page in Chromium"
  node --test --test-concurrency=1 tests/package/*.test.mjs
fi
