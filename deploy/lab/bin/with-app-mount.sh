#!/bin/sh
# usage: with-app-mount.sh NODE_COPY INSTALL_PATH PROGRAM [ARGS...]
#
# Gives one web node's processes their own copy of the app at the install path that every node shares
# (the WHMCS licence checks the directory). It runs inside `ip netns exec`, which has already put this
# process in a private mount namespace (a slave of the host's), so the bind mount is seen only by
# PROGRAM and its children, never by the host, and vanishes when they exit: `lab down` has no mount to undo.
# Arguments arrive as an argv array and are only ever quoted; nothing here is parsed as shell code.
set -eu
node_copy=$1
install_path=$2
shift 2
mount --bind "$node_copy" "$install_path"
exec "$@"
