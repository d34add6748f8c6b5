#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_fuzz.sh -- a bounded libFuzzer run of fuzz_header, printing TAP.
#
# Installed next to fuzz_header and its seed corpus (corpus/, made at
# build time by make_seeds).  The run stops after FUZZ_SECONDS (default
# 30) or FUZZ_RUNS inputs (default: no limit), whichever comes first.  A
# crashing input is kept next to this script as crash-* / timeout-* /
# oom-*; reproduce with ./fuzz_header FILE.
set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SECONDS:-30}
runs=${FUZZ_RUNS:--1}
base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/pmemcrypt-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

echo "1..2"
nseeds=$(find "$here/corpus" -type f ! -name '.*' | wc -l)
if [ "$nseeds" -eq 0 ]; then
	echo "not ok 1 - seed corpus: $here/corpus is empty"
	echo "not ok 2 - fuzz_header: no seeds # not run"
	exit 1
fi

# 1: every seed runs cleanly on its own.
if "$here/fuzz_header" -runs=0 -artifact_prefix="$work/seed-" \
	"$here/corpus" >"$work/seeds.log" 2>&1; then
	echo "ok 1 - fuzz_header runs the $nseeds seeds from real pools"
else
	echo "not ok 1 - fuzz_header fails on a seed"
	grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$work/seeds.log" | head -n 30 |
		sed 's/^/# /'
fi

# 2: a bounded run (fixed seed, single process).
mkdir "$work/corpus"
cp "$here"/corpus/* "$work/corpus/"
"$here/fuzz_header" -runs="$runs" -max_total_time="$secs" -seed=1 \
	-timeout=10 -rss_limit_mb=2048 \
	-max_len=8257 -print_final_stats=1 -artifact_prefix="$work/" \
	"$work/corpus" >"$work/fuzz.log" 2>&1
rc=$?
cov=$(grep -o 'cov: [0-9]*' "$work/fuzz.log" | tail -n 1)
execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/fuzz.log" |
	grep -o '[0-9]*$')
if [ $rc -eq 0 ]; then
	echo "ok 2 - fuzz_header: ${execs:-?} inputs in at most ${secs}s, $cov," \
		"no crash"
	exit 0
fi
echo "not ok 2 - fuzz_header found a failing input (libFuzzer exit $rc)"
for f in "$work"/crash-* "$work"/timeout-* "$work"/oom-* \
	"$work"/leak-* "$work"/slow-unit-*; do
	[ -e "$f" ] || continue
	cp "$f" "$here/"
	echo "# input kept: $here/$(basename "$f")"
	echo "# reproduce:  $here/fuzz_header $here/$(basename "$f")"
done
grep -E 'ERROR|SUMMARY|==[0-9]+==|#[0-9]+ 0x' "$work/fuzz.log" | head -n 30 |
	sed 's/^/# /'
exit 1
