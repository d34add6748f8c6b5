#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# bench-fio.sh -- run examples/compare.fio over block sizes and job counts.
#
# usage: bench-fio.sh ENGINE.so
# For each block size (4 KiB, 64 KiB, 2 MiB) and 1 and 2 jobs, runs the
# comparison job file once (libpmem, pmemcrypt encryption=0, aes-256-xts,
# aes-128-xts on one file in /dev/shm, cache-line persistence forced on
# every side), prints the bandwidths, then one 'ratio: <name> = <value>'
# line per comparison: each pmemcrypt variant against libpmem, and
# aes-256-xts against encryption=0 (the cost of the cipher alone).
# Environment: BENCH_FIO_RUNTIME (seconds per job, default 3),
# BENCH_FIO_SIZE (default 256M), BENCH_FIO_BS, BENCH_FIO_JOBS (lists),
# BENCH_FIO_DIR (default /dev/shm).
set -euo pipefail

engine=$1
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${BENCH_FIO_DIR:-/dev/shm}/pmemcrypt-fio-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

head -c 32 /dev/urandom >"$dir/key"
export ENGINE=$engine KEYFILE=$dir/key POOL=$dir/bench.pool
export SIZE=${BENCH_FIO_SIZE:-256M} RUNTIME=${BENCH_FIO_RUNTIME:-3}
# The same persistence everywhere: cache-line flushes, not msync.
export PMEM_IS_PMEM_FORCE=1 PMEM2_FORCE_GRANULARITY=CACHE_LINE

echo "fio $(fio --version | sed 's/^fio-//'): libpmem vs pmemcrypt engine," \
	"$SIZE file in ${dir%/*}, ${RUNTIME} s per job"
for bs in ${BENCH_FIO_BS:-4k 64k 2m}; do
	for jobs in ${BENCH_FIO_JOBS:-1 2}; do
		BS=$bs JOBS=$jobs fio --output-format=json \
			--output="$dir/$bs-$jobs.json" "$here/examples/compare.fio"
	done
done

python3 - "$dir" ${BENCH_FIO_BS:-4k 64k 2m} -- ${BENCH_FIO_JOBS:-1 2} <<'PY'
import json, sys

d = sys.argv[1]
sep = sys.argv.index("--")
sizes, counts = sys.argv[2:sep], sys.argv[sep + 1:]
variants = ["libpmem", "plain", "aes256", "aes128"]
patterns = ["seqread", "randread", "seqwrite", "randwrite"]
gbs, ratios = {}, []
for bs in sizes:
    for n in counts:
        text = open("%s/%s-%s.json" % (d, bs, n)).read()
        for j in json.loads(text[text.index("{"):])["jobs"]:
            v, p = j["jobname"].split("-", 1)
            if p == "fill":
                continue
            if j["error"]:
                sys.exit("bench-fio: job %s (bs=%s, %s jobs) failed: "
                         "error %d" % (j["jobname"], bs, n, j["error"]))
            side = "read" if "read" in p else "write"
            gbs[bs, n, v, p] = j[side]["bw_bytes"] / 1e9

print("%-6s %-4s %-10s %9s %9s %9s %9s   (GB/s)" %
      ("bs", "jobs", "pattern", *variants))
for bs in sizes:
    for n in counts:
        for p in patterns:
            print("%-6s %-4s %-10s" % (bs, n, p) +
                  "".join(" %9.2f" % gbs[bs, n, v, p] for v in variants))
for bs in sizes:
    for n in counts:
        for p in patterns:
            name = "fio_%s_%s_%sj" % (p, bs, n)
            base = gbs[bs, n, "libpmem", p]
            for v in variants[1:]:
                print("ratio: %s_%s_vs_libpmem = %.2f" %
                      (name, v, gbs[bs, n, v, p] / base))
            print("ratio: %s_aes256_vs_plain = %.2f" %
                  (name, gbs[bs, n, "aes256", p] / gbs[bs, n, "plain", p]))
PY
