#!/usr/bin/env bash
# The README's test command: installs what is missing (scripts/setup.sh), type-checks the lab, runs every
# test (`pnpm test`: build, unit tests, then the lab tests against a real lab of their own, WHA_LAB_ID=9).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "[test] type-checking the unit tests, deploy/lab, test/lab, the chaos suite and the benchmarks"
pnpm exec tsc -p tsconfig.tests.json
pnpm exec tsc -p deploy/lab/tsconfig.json
pnpm exec tsc -p test/chaos/tsconfig.json
echo "[test] pnpm test"
pnpm test "$@"
