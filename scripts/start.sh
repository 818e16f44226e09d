#!/usr/bin/env bash
# `npm start`: build what is missing, then run the main example: an ETL pipeline across a
# pool of workers sharing one quota-limited filesystem (wasm-threads).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/dmemfs-threads.wasm ] || [ ! -f dist/dmemfs-single.wasm ]; then
  bash scripts/setup.sh
  bash scripts/build.sh threads single
  bash scripts/dist.sh
fi
node examples/worker-pool.mjs
