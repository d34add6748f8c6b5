#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench-fio.sh -- run examples/compare.fio in rounds and report the medians.
#
# usage: bench-fio.sh ENGINE.so [BENCH_POOL]
# Runs the comparison job file (fio's libpmem engine, the pmemcrypt engine
# with encryption=0, with aes-256-xts and with aes-128-xts, on one file in
# a tmpfs on 2 MiB pages (tools/bench-tmpfs.sh), cache-line persistence
# forced on every side) for each block
# size and job count, and repeats the whole matrix BENCH_FIO_ROUNDS times,
# so that every comparison is measured side by side in each round and a
# burst of other work on the machine hits one round, not the median.
# BENCH_POOL (libpmemcrypt/bench/bench_pool) runs at the start of every
# round, just before the 4 KiB runs, for the library's own 4 KiB write
# ratio, which the report sets against the engine's of the same round.
# Results go to a new folder, $BENCH_FIO_RESULTS/<UTC time>/, which a
# 'latest' link points to once the run is complete: fio's JSON output of
# every run, the library benchmark's output, results.md (tables) and PNG
# plots when gnuplot is installed.  bench-fio-report.py prints the table,
# one 'ratio: <name> = <value>' line per comparison and whether the
# targets hold.
# Environment: BENCH_FIO_ROUNDS (default 5), BENCH_FIO_RUNTIME (measured
# time per job in fio's syntax, default 500ms), BENCH_FIO_RAMP (unmeasured
# time before it, while the job faults its mapping in, default 250ms),
# BENCH_FIO_SIZE (default 256M),
# BENCH_FIO_BS and BENCH_FIO_JOBS (lists, default "4k 64k 2m" and "1 2"),
# BENCH_FIO_DIR (where the file is, default that tmpfs, else /dev/shm),
# BENCH_FIO_RESULTS
# (where the results folders go, default build/bench/fio).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
if [ -z "${BENCH_FIO_DIR:-}" ] && [ -z "${BENCH_TMPFS:-}" ]; then
	exec "$top/tools/bench-tmpfs.sh" "$0" "$@"
fi
engine=$1
bench_pool=${2:-}
rounds=${BENCH_FIO_ROUNDS:-5}
sizes=${BENCH_FIO_BS:-4k 64k 2m}
counts=${BENCH_FIO_JOBS:-1 2}
parent=${BENCH_FIO_RESULTS:-$top/build/bench/fio}

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$parent/$stamp
mkdir -p "$out/json"

dir=$(mktemp -d "${BENCH_FIO_DIR:-$BENCH_TMPFS}/pmemcrypt-fio-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
(umask 077 && head -c 32 /dev/urandom >"$dir/key")
export ENGINE=$engine KEYFILE=$dir/key POOL=$dir/bench.pool
export SIZE=${BENCH_FIO_SIZE:-256M} RUNTIME=${BENCH_FIO_RUNTIME:-500ms}
export RAMP=${BENCH_FIO_RAMP:-250ms}
# The same persistence everywhere: cache-line flushes, not msync.
export PMEM_IS_PMEM_FORCE=1 PMEM2_FORCE_GRANULARITY=CACHE_LINE

# What the figures were measured on, for the report.
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1)," \
		"$(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
	echo "kernel: $(uname -r)"
	echo "fio: $(fio --version)"
	echo "file: $SIZE in ${dir%/*}" \
		"($(findmnt -n -r -o FSTYPE,OPTIONS -T "$dir"))"
	echo "runs: $rounds rounds, ${RUNTIME} per job after a ${RAMP} ramp," \
		"blocks $sizes, jobs $counts"
	echo "load at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
} >"$out/machine.txt"
cat "$out/machine.txt"
echo "results: $out"

for r in $(seq 1 "$rounds"); do
	start=$SECONDS
	if [ -n "$bench_pool" ]; then
		"$bench_pool" --write-4k "$dir/lib.pool" >"$out/json/r$r-lib.txt"
	fi
	for bs in $sizes; do
		for jobs in $counts; do
			BS=$bs JOBS=$jobs fio --output-format=json \
				--output="$out/json/r$r-$bs-$jobs.json" \
				"$here/examples/compare.fio"
		done
	done
	echo "round $r of $rounds: $((SECONDS - start)) s," \
		"load $(cut -d ' ' -f 1-3 /proc/loadavg)"
done
echo "load at end: $(cut -d ' ' -f 1-3 /proc/loadavg)" >>"$out/machine.txt"

python3 "$here/bench-fio-report.py" "$out"
if command -v gnuplot >/dev/null; then
	(cd "$out" && gnuplot "$here/bench-fio.gp")
	echo "plots: $out/throughput.png $out/latency.png"
else
	echo "bench-fio: no plots: gnuplot is missing (run 'make deps')"
fi
# Only a complete run becomes the latest.
ln -sfn "$stamp" "$parent/latest"
