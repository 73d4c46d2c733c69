#!/usr/bin/env bash
# Installs everything whmcs-ha needs on Debian 12 and builds it. Safe to run again: each step checks first.
#   Debian packages (the lab's MariaDB, PHP-FPM, nginx, rsync, iproute2; lsyncd for the pnpm bench baseline), pnpm 10 through npm,
#   the workspace's dependencies (frozen lockfile), then `pnpm build`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# --- Node: the one thing this script does not install (see README: Node >= 20.19)
command -v node >/dev/null || die "Node.js >= 20.19 is required: install it first (https://nodejs.org or NodeSource for Debian 12)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js >= 20.19 is required (found $(node --version))"

# --- Debian packages the lab uses (the same list as deploy/lab/preflight.ts)
# openssl: whmcs-hactl pki signs the cluster's certificates with it (the lab makes its PKI at every up)
# chromium: the dashboard's browser test (playwright-core drives it; no browser is ever downloaded)
# systemd: `systemd-analyze verify` of deploy/systemd/ in test/lab/install.test.ts
packages=(iproute2 iptables mariadb-server mariadb-client php8.2-fpm php8.2-mysql nginx rsync haproxy chromium lsyncd openssl systemd)
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: ${missing[*]}. As root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # a fresh machine has no package lists yet
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "Debian packages present"
fi

# --- pnpm 10
pnpm_major=$( (pnpm --version 2>/dev/null || true) | cut -d. -f1)
if [[ $pnpm_major != 10 ]]; then
  say "installing pnpm 10 with npm"
  npm install --global pnpm@10
fi

# --- workspace dependencies and build
say "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile
say "pnpm build"
pnpm build
say "done"
