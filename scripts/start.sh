#!/usr/bin/env bash
# `npm start`: build what is missing, then run the main example.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/native/example_basic ] || { bash scripts/setup.sh; bash scripts/build.sh native; }
./build/native/example_basic
