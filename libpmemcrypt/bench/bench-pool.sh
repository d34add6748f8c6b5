#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench-pool.sh -- run bench_pool into a new results folder.
#
# usage: bench-pool.sh BENCH_POOL [bench_pool options]
# Makes $BENCH_POOL_RESULTS/<UTC time>/ (default build/bench/pool) with
# machine.txt, bench_pool's output (output.txt), every run's figure
# (raw.tsv), the tables (results.md) and, with gnuplot installed,
# targets.png; 'latest' points to it once the run is complete.
# BENCH_POOL_DIR is where the pool file goes (default: a tmpfs on 2 MiB
# pages, see tools/bench-tmpfs.sh, else /dev/shm).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ -z "${BENCH_POOL_DIR:-}" ] && [ -z "${BENCH_TMPFS:-}" ]; then
	exec "$top/tools/bench-tmpfs.sh" "$0" "$@"
fi
bench=$1
shift
parent=${BENCH_POOL_RESULTS:-$top/build/bench/pool}
out=$parent/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
dir=$(mktemp -d "${BENCH_POOL_DIR:-$BENCH_TMPFS}/pmemcrypt-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
		"$(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
	echo "kernel: $(uname -r)"
	echo "file: in ${dir%/*} ($(findmnt -n -r -o FSTYPE,OPTIONS -T "$dir"))"
	echo "load at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt"
echo "results: $out"

"$bench" --out "$out" "$@" "$dir/bench.pool" | tee "$out/output.txt"
echo "load at end: $(cut -d ' ' -f 1-3 /proc/loadavg)" |
	tee -a "$out/machine.txt"
if command -v gnuplot >/dev/null; then
	(cd "$out" && gnuplot "$here/bench-pool.gp")
fi
ln -sfn "$(basename "$out")" "$parent/latest"
echo "results in $out"
