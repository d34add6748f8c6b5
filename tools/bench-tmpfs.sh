#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench-tmpfs.sh -- run a benchmark with its files on 2 MiB pages.
#
# usage: bench-tmpfs.sh COMMAND [ARG...]
# Runs COMMAND with BENCH_TMPFS set to a folder for its files.  As root,
# that folder is a tmpfs mounted with huge=always in a mount namespace of
# its own: a mapping of a file there faults in 2 MiB at a time, as a
# DAX mapping of a 2 MiB-aligned pmem namespace does, and the mount goes
# away with the namespace.  On 4 KiB pages a write faults every page the
# first time it touches it, and that fault, not the code measured, then
# sets the figure (about 12 us a page on the development machine).
# Without root, unshare or huge pages in tmpfs, BENCH_TMPFS is /dev/shm
# and a line on stderr says so.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: bench-tmpfs.sh COMMAND [ARG...]" >&2
	exit 2
fi

# fallback WHY COMMAND [ARG...]
fallback() {
	echo "bench: files in /dev/shm, on 4 KiB pages: $1" >&2
	shift
	BENCH_TMPFS=/dev/shm BENCH_TMPFS_PAGES=4k exec "$@"
}

if [ -z "${BENCH_TMPFS_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		fallback "a tmpfs on 2 MiB pages needs root" "$@"
	fi
	if ! unshare --mount --propagation private true 2>/dev/null; then
		fallback "no mount namespace here (unshare --mount failed)" "$@"
	fi
	if [ ! -r /sys/kernel/mm/transparent_hugepage/shmem_enabled ]; then
		fallback "this kernel has no huge pages in tmpfs" "$@"
	fi
	BENCH_TMPFS_NS=1 exec unshare --mount --propagation private \
		"$0" "$@"
fi

# As large as /dev/shm, which is what this machine allows shared memory.
size=$(df -k --output=size /dev/shm 2>/dev/null | tail -n 1 | tr -d ' ')
case $size in '' | *[!0-9]*) size=50% ;; *) size=${size}k ;; esac
mnt=$(mktemp -d /tmp/pmemcrypt-bench-tmpfs.XXXXXX)
if ! mount -t tmpfs -o "huge=always,size=$size,mode=0700" pmemcrypt-bench \
	"$mnt" 2>/dev/null; then
	rmdir "$mnt"
	fallback "mounting a tmpfs with huge=always failed" "$@"
fi
trap 'umount "$mnt" && rmdir "$mnt"' EXIT
rc=0
BENCH_TMPFS=$mnt BENCH_TMPFS_PAGES=2M "$@" || rc=$?
exit $rc
