#!/usr/bin/env bash
# Succeeds where this machine lets us mount a small tmpfs (root with CAP_SYS_ADMIN): the
# full-disk test needs it. Quiet; the exit code is the answer.
set -euo pipefail
[[ $(id -u) -eq 0 ]] || exit 1
dir=$(mktemp -d)
trap 'rmdir "$dir"' EXIT
mount -t tmpfs -o size=64k tmpfs "$dir" 2>/dev/null || exit 1
umount "$dir"
