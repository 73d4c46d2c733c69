#!/usr/bin/env bash
# Installs one whmcs-ha role on this server, or removes it again.
#
#   deploy/install.sh [options] agent|coordinator|hactl
#   deploy/install.sh --uninstall [--keep-data] [--root DIR] [--prefix DIR] agent|coordinator|hactl
#
# Options:
#   --bundle DIR       the output of `pnpm bundle` (default: dist-bundle/ beside deploy/)
#   --prefix DIR       where the bundles go (default /opt/whmcs-ha)
#   --root DIR         install into DIR as if it were / (tests, images); users go into DIR/etc/passwd
#   --node PATH        the Node.js (>= 20.19) the unit runs (default: `command -v node`)
#   --whmcs-root DIR   agent: the WHMCS directory the agent may write (a unit drop-in; default /var/www/whmcs)
#   --lb               coordinator: this server is the load balancer (drop-in lb.conf, /etc/nginx/whmcs-ha/)
#   --uninstall        remove exactly what install created (its manifest), nothing else
#   --keep-data        with --uninstall: keep the data directory (Raft log, fencing epoch)
#
# Safe to run again: an upgrade is the same command with a newer bundle. Every path it creates is
# written to PREFIX/manifests/ROLE.list; --uninstall removes those and only those, deepest first, and
# leaves a directory that still holds something it did not create (your config, another role).
set -euo pipefail

say() { printf '[install] %s\n' "$*"; }
die() { printf '[install] error: %s\n' "$*" >&2; exit 2; }

usage() {
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
}

role=''
root=''
prefix='/opt/whmcs-ha'
bundle=''
node_bin=''
whmcs_root=''
lb=0
uninstall=0
keep_data=0

while (($# > 0)); do
  case $1 in
    --bundle) [[ $# -ge 2 ]] || die "--bundle needs a directory"; bundle=$2; shift 2 ;;
    --prefix) [[ $# -ge 2 ]] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --root) [[ $# -ge 2 ]] || die "--root needs a directory"; root=$2; shift 2 ;;
    --node) [[ $# -ge 2 ]] || die "--node needs a path"; node_bin=$2; shift 2 ;;
    --whmcs-root) [[ $# -ge 2 ]] || die "--whmcs-root needs a directory"; whmcs_root=$2; shift 2 ;;
    --lb) lb=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    --keep-data) keep_data=1; shift ;;
    -h | --help) usage; exit 0 ;;
    agent | coordinator | hactl)
      [[ -z $role ]] || die "give one role (got $role and $1)"
      role=$1; shift ;;
    *) die "unknown argument: $1 (roles: agent, coordinator, hactl; --help)" ;;
  esac
done

[[ -n $role ]] || die "which role? agent, coordinator or hactl (--help)"
[[ $(id -u) -eq 0 ]] || die "run as root (it creates a system user and writes /etc and $prefix)"
[[ $prefix == /* ]] || die "--prefix must be an absolute path (got $prefix)"
if [[ -n $root ]]; then
  [[ $root == /* ]] || die "--root must be an absolute path (got $root)"
  [[ -d $root ]] || die "--root $root is not a directory"
  root=${root%/}
fi
if [[ -n $whmcs_root ]]; then
  [[ $role == agent ]] || die "--whmcs-root is for the agent role"
  [[ $whmcs_root == /* ]] || die "--whmcs-root must be an absolute path (got $whmcs_root)"
fi
((lb == 0)) || [[ $role == coordinator ]] || die "--lb is for the coordinator role"

user='whmcs-ha'
case $role in
  agent) binary='whmcs-ha-agent' ;;
  coordinator) binary='whmcs-ha-coordinator' ;;
  hactl) binary='whmcs-hactl' ;;
esac
unit="whmcs-ha-$role.service"
here=$(cd "$(dirname "$0")" && pwd)

# every path below is the path on the target system; R() is where it is on this one
R() { printf '%s%s' "$root" "$1"; }
manifest_dir="$prefix/manifests"
manifest="$manifest_dir/$role.list"

# --- the manifest: one "KIND<TAB>PATH" line per thing this script created
recorded() { [[ -f $(R "$manifest") ]] && grep -qxF -- "$(printf '%s\t%s' "$1" "$2")" "$(R "$manifest")"; }
record() { recorded "$1" "$2" || printf '%s\t%s\n' "$1" "$2" >>"$(R "$manifest")"; }

# a directory: created (and recorded) only if missing; mode and owner set only on ones we created
# (missing parents too, each recorded, so --uninstall removes /var/lib if it made it)
ensure_dir() {
  local path=$1 mode=$2 owner=${3:-root}
  if [[ ! -d $(R "$path") ]]; then
    [[ -d $(R "$(dirname -- "$path")") ]] || ensure_dir "$(dirname -- "$path")" 0755
    mkdir -m "$mode" -- "$(R "$path")"
    chown -- "$(uid_of "$owner"):$(gid_of "$owner")" "$(R "$path")"
    record dir "$path"
  fi
}

# a file we own: (re)written on every run, recorded the first time
put_file() {
  local src=$1 path=$2 mode=$3 owner=${4:-root} group=${5:-root} fresh=0
  [[ -e $(R "$path") ]] || fresh=1
  install -m "$mode" -o "$(uid_of "$owner")" -g "$(gid_of_group "$group")" -- "$src" "$(R "$path")"
  if ((fresh)) && ! recorded file "$path"; then record file "$path"; fi
}

put_link() {
  local target=$1 path=$2
  if [[ -L $(R "$path") ]]; then
    recorded link "$path" || return 0 # someone else's link: leave it
    ln -sfn -- "$target" "$(R "$path")"
  elif [[ ! -e $(R "$path") ]]; then
    ln -s -- "$target" "$(R "$path")"
    record link "$path"
  fi
}

# user and group ids from the target's /etc/passwd and /etc/group (chown would read this system's)
uid_of() {
  [[ $1 == root ]] && { echo 0; return; }
  awk -F: -v n="$1" '$1 == n { print $3; found = 1 } END { exit !found }' "$(R /etc/passwd)"
}
gid_of() {
  [[ $1 == root ]] && { echo 0; return; }
  awk -F: -v n="$1" '$1 == n { print $4; found = 1 } END { exit !found }' "$(R /etc/passwd)"
}
gid_of_group() {
  [[ $1 == root ]] && { echo 0; return; }
  awk -F: -v n="$1" '$1 == n { print $3; found = 1 } END { exit !found }' "$(R /etc/group)"
}

# useradd/userdel/groupadd/groupdel on the target system (--root changes into it)
shadow_tool() {
  local tool=$1; shift
  if [[ -n $root ]]; then "$tool" --root "$root" "$@"; else "$tool" "$@"; fi
}

ensure_user() {
  if ! awk -F: -v n="$user" '$1 == n { found = 1 } END { exit !found }' "$(R /etc/group)"; then
    shadow_tool groupadd --system "$user"
    record group "$user"
  fi
  if ! awk -F: -v n="$user" '$1 == n { found = 1 } END { exit !found }' "$(R /etc/passwd)"; then
    shadow_tool useradd --system --gid "$user" --home-dir /var/lib/whmcs-ha --no-create-home \
      --shell /usr/sbin/nologin --comment 'whmcs-ha coordinator' "$user" 2> >(grep -v 'missing or non-executable shell' >&2)
    record user "$user"
  fi
}

# --------------------------------------------------------------------------------------------------
if ((uninstall)); then
  if [[ ! -f $(R "$manifest") ]]; then
    say "$role is not installed here (no $(R "$manifest")): nothing to remove"
    exit 0
  fi
  if [[ -z $root ]] && command -v systemctl >/dev/null && [[ $role != hactl ]] && [[ -d /run/systemd/system ]]; then
    systemctl disable --now "$unit" 2>/dev/null || true
  fi
  others=()
  for m in "$(R "$manifest_dir")"/*.list; do
    [[ -f $m && $m != "$(R "$manifest")" ]] && others+=("$m")
  done
  # deepest path first: files and links before the directories holding them. The directories that
  # hold the manifest (the prefix, manifests/) go after it.
  mapfile -t entries < <(awk -F'\t' '{ print length($2) "\t" $0 }' "$(R "$manifest")" | sort -t$'\t' -k1,1nr -s | cut -f2-)
  holders=()
  removed=0 kept=()
  for line in "${entries[@]}"; do
    kind=${line%%$'\t'*}
    path=${line#*$'\t'}
    case $kind in
      file | link)
        if [[ -e $(R "$path") || -L $(R "$path") ]]; then rm -f -- "$(R "$path")"; removed=$((removed + 1)); fi ;;
      data)
        if ((keep_data)); then kept+=("$path (--keep-data)")
        elif [[ -d $(R "$path") ]]; then rm -rf -- "$(R "$path")"; removed=$((removed + 1)); fi ;;
      dir)
        if [[ $path == "$manifest_dir" || $manifest_dir == "$path"/* ]]; then holders+=("$path"); continue; fi
        if [[ -d $(R "$path") ]]; then
          if rmdir -- "$(R "$path")" 2>/dev/null; then removed=$((removed + 1))
          elif ((${#others[@]} > 0)); then
            # still holds another role's files: that role removes it when it goes
            grep -qxF -- "$(printf 'dir\t%s' "$path")" "${others[0]}" || printf 'dir\t%s\n' "$path" >>"${others[0]}"
          else kept+=("$path (not empty)")
          fi
        fi ;;
      user | group) ;; # after the files they own
      *) die "unknown manifest entry: $line" ;;
    esac
  done
  for kind in user group; do
    while IFS=$'\t' read -r k name; do
      [[ $k == "$kind" ]] || continue
      if ((${#others[@]} > 0)) && grep -q "^${kind}"$'\t' "${others[0]}" 2>/dev/null; then continue; fi
      if [[ $kind == user ]]; then shadow_tool userdel "$name" || true; else shadow_tool groupdel "$name" 2>/dev/null || true; fi
      removed=$((removed + 1))
    done <"$(R "$manifest")"
  done
  rm -f -- "$(R "$manifest")"
  for path in "${holders[@]}"; do # deepest first already
    if rmdir -- "$(R "$path")" 2>/dev/null; then removed=$((removed + 1))
    elif ((${#others[@]} > 0)); then
      grep -qxF -- "$(printf 'dir\t%s' "$path")" "${others[0]}" || printf 'dir\t%s\n' "$path" >>"${others[0]}"
    else kept+=("$path (not empty)")
    fi
  done
  say "removed $role: $removed item(s)"
  for k in "${kept[@]}"; do say "kept $k"; done
  exit 0
fi

# --------------------------------------------------------------------------------------------------
[[ -n $bundle ]] || bundle="$here/../dist-bundle"
[[ -f $bundle/$binary.mjs ]] || die "no $bundle/$binary.mjs: run \`pnpm bundle\` first, or give --bundle DIR"
[[ -f $bundle/proto/whmcsha/v1/agent.proto ]] || die "no $bundle/proto/: run \`pnpm bundle\` again"
if [[ $role != hactl ]]; then
  [[ -n $node_bin ]] || node_bin=$(command -v node || true)
  [[ -n $node_bin && $node_bin == /* ]] || die "no Node.js found: install Node >= 20.19 or give --node /absolute/path"
  [[ -x $node_bin ]] || die "--node $node_bin is not executable"
  "$node_bin" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
    || die "$node_bin is Node $("$node_bin" --version); whmcs-ha needs Node >= 20.19 (Debian 12's nodejs is 18: use NodeSource's 20.x)"
fi

# the manifest first, so everything after it can be recorded; the directories that hold it are
# recorded once it exists (--uninstall removes them last, after the manifest itself)
made=()
p=$prefix
while [[ ! -d $(R "$p") ]]; do made=("$p" "${made[@]}"); p=$(dirname -- "$p"); done
[[ -d $(R "$manifest_dir") ]] || made+=("$manifest_dir")
for p in "${made[@]}"; do mkdir -m 0755 -- "$(R "$p")"; done
touch -- "$(R "$manifest")"
for p in "${made[@]}"; do record dir "$p"; done

[[ $role == coordinator ]] && ensure_user

# the bundle and the protos it loads at run time, in PREFIX/ROLE/; a command in PREFIX/bin/
ensure_dir "$prefix/$role" 0755
put_file "$bundle/$binary.mjs" "$prefix/$role/$binary.mjs" 0755
while IFS= read -r -d '' p; do
  rel=${p#"$bundle/"}
  ensure_dir "$prefix/$role/$(dirname -- "$rel")" 0755
  put_file "$p" "$prefix/$role/$rel" 0644
done < <(find "$bundle/proto" -type f -name '*.proto' -print0 | sort -z)
# the proto directories themselves (ensure_dir above created the parents through mkdir -p)
ensure_dir "$prefix/bin" 0755
put_link "../$role/$binary.mjs" "$prefix/bin/$binary"
if [[ $role == hactl ]]; then
  ensure_dir /usr/local/bin 0755
  put_link "$prefix/bin/$binary" "/usr/local/bin/$binary"
fi

# the configuration directory and a commented example (your config is never overwritten)
ensure_dir /etc/whmcs-ha 0755
example="$here/examples/$role.example.yaml"
[[ -f $example ]] || die "missing $example"
if [[ $role == coordinator ]]; then
  put_file "$example" "/etc/whmcs-ha/$role.yaml.example" 0640 root "$user"
else
  put_file "$example" "/etc/whmcs-ha/$role.yaml.example" 0644
fi

if [[ $role != hactl ]]; then
  # the data directory (the agent's fencing epoch and lease, the coordinator's Raft log)
  ensure_dir /var/lib/whmcs-ha 0755
  data="/var/lib/whmcs-ha/$role"
  if [[ ! -d $(R "$data") ]]; then
    mkdir -m 0700 -- "$(R "$data")"
    if [[ $role == coordinator ]]; then chown -- "$(uid_of "$user"):$(gid_of "$user")" "$(R "$data")"; fi
    record data "$data"
  fi

  # the unit, with this prefix and this Node
  ensure_dir /etc/systemd/system 0755
  text=$(<"$here/systemd/$unit")
  text=${text//\/opt\/whmcs-ha\//$prefix/}
  text=${text//\/usr\/bin\/node /$node_bin }
  tmp=$(mktemp)
  trap 'rm -f -- "$tmp"' EXIT
  printf '%s\n' "$text" >"$tmp"
  put_file "$tmp" "/etc/systemd/system/$unit" 0644

  dropins="/etc/systemd/system/$unit.d"
  if [[ -n $whmcs_root ]]; then
    ensure_dir "$dropins" 0755
    printf '# written by deploy/install.sh --whmcs-root: the WHMCS directory the agent syncs into\n[Service]\nReadWritePaths=%s\n' "$whmcs_root" >"$tmp"
    put_file "$tmp" "$dropins/whmcs-root.conf" 0644
  fi
  if ((lb)); then
    ensure_dir "$dropins" 0755
    put_file "$here/systemd/$unit.d/lb.conf" "$dropins/lb.conf" 0644
    # the managed upstream file lives in its own directory, the only nginx path the coordinator writes
    ensure_dir /etc/nginx/whmcs-ha 0755 "$user"
  fi
fi

if [[ -z $root ]] && [[ $role != hactl ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
  systemctl daemon-reload
fi
say "installed $role in $(R "$prefix")/$role (manifest $(R "$manifest"))"
if [[ $role != hactl ]]; then
  say "next: certificates in /etc/whmcs-ha/tls (whmcs-hactl pki), cp /etc/whmcs-ha/$role.yaml.example /etc/whmcs-ha/$role.yaml and edit it, then systemctl enable --now $unit (docs/operator-guide.md, sections 6-7)"
else
  say "next: cp /etc/whmcs-ha/hactl.yaml.example /etc/whmcs-ha/hactl.yaml, edit it, then whmcs-hactl --config /etc/whmcs-ha/hactl.yaml status"
fi
