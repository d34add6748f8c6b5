#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_bench_tmpfs.sh -- tools/bench-tmpfs.sh: the benchmarks' files on a
# tmpfs of 2 MiB pages that only the benchmark sees, gone when it ends;
# the command's exit status; /dev/shm and a notice without root.
# Prints TAP.
#
# usage: test_bench_tmpfs.sh PATH-TO-bench-tmpfs.sh
set -u

wrap=${1:?usage: test_bench_tmpfs.sh PATH-TO-bench-tmpfs.sh}
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (the mount namespace)"
	exit 0
fi
if ! grep -q '\[\(always\|within_size\|advise\|never\)' \
	/sys/kernel/mm/transparent_hugepage/shmem_enabled 2>/dev/null; then
	echo "1..0 # SKIP this kernel has no huge pages in tmpfs"
	exit 0
fi

if ! unshare --mount --propagation private true 2>/dev/null; then
	echo "1..0 # SKIP no mount namespace here"
	exit 0
fi

tmp=$(mktemp -d /tmp/pmemcrypt-bench-tmpfs-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $*"
	sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -n 12
}

# Inside: where the files go, how it is mounted, and whether a mapping of
# a file there gets a 2 MiB page (ShmemPmdMapped in smaps).
cat >"$tmp/inside.sh" <<'EOF'
set -eu
echo "dir=$BENCH_TMPFS pages=$BENCH_TMPFS_PAGES"
findmnt -n -r -o FSTYPE,OPTIONS -T "$BENCH_TMPFS"
python3 - "$BENCH_TMPFS/f" <<'PY'
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
os.ftruncate(fd, 8 << 20)
m = mmap.mmap(fd, 8 << 20)
for off in range(0, 8 << 20, 4096):
    m[off] = 1
kb = 0
with open("/proc/self/smaps") as f:
    for line in f:
        if line.startswith("ShmemPmdMapped:") or line.startswith("FilePmdMapped:"):
            kb += int(line.split()[1])
print("pmd_kb=%d" % kb)
PY
EOF

"$wrap" bash "$tmp/inside.sh" >"$tmp/out" 2>"$tmp/err"
rc=$?
dir=$(sed -n 's/^dir=\([^ ]*\) .*/\1/p' "$tmp/out")
if [ "$rc" -eq 0 ] && grep -q '^tmpfs .*huge=always' "$tmp/out" &&
	grep -q ' pages=2M$' "$tmp/out" && [ "${dir#/tmp/}" != "$dir" ]; then
	ok "as root the files go to a tmpfs mounted huge=always ($dir)"
else
	not_ok "as root the files go to a tmpfs mounted huge=always (exit $rc)"
fi
kb=$(sed -n 's/^pmd_kb=//p' "$tmp/out")
if [ "${kb:-0}" -ge 2048 ]; then
	ok "a mapping of a file there is made of 2 MiB pages ($kb KiB)"
else
	not_ok "a mapping of a file there is made of 2 MiB pages (${kb:-?} KiB)"
fi
if [ -n "$dir" ] && [ ! -e "$dir" ] &&
	! grep -q pmemcrypt-bench /proc/self/mounts; then
	ok "the mount is private and gone, its folder removed"
else
	not_ok "the mount is private and gone ($dir)"
fi

"$wrap" sh -c 'exit 7' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 7 ]; then
	ok "the command's exit status is the wrapper's"
else
	not_ok "the command's exit status is the wrapper's (got $rc)"
fi

"$wrap" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q '^usage: ' "$tmp/err"; then
	ok "no command: usage, exit 2"
else
	not_ok "no command: usage, exit 2 (got $rc)"
fi

# Without root: /dev/shm and a line saying why.
chmod 0755 "$tmp"
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	# shellcheck disable=SC2016
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$wrap" sh -c 'echo "dir=$BENCH_TMPFS pages=$BENCH_TMPFS_PAGES"' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -qx 'dir=/dev/shm pages=4k' "$tmp/out" &&
		grep -q 'needs root' "$tmp/err"; then
		ok "without root: /dev/shm, and the reason on stderr"
	else
		not_ok "without root: /dev/shm, and the reason on stderr (exit $rc)"
	fi
else
	n=$((n + 1))
	echo "ok $n # SKIP setpriv or the user nobody is missing"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
