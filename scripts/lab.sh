#!/usr/bin/env bash
# The README's lab command: installs what is missing (scripts/setup.sh), then `pnpm lab up|status|down`.
# Run as root: the lab creates network namespaces, a bridge and bind mounts.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  up | status | down) ;;
  *) echo "usage: bash scripts/lab.sh up|status|down [--json]" >&2; exit 2 ;;
esac
bash scripts/setup.sh
exec pnpm --silent lab "$@"
