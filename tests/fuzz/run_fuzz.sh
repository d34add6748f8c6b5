#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run_fuzz.sh -- a bounded libFuzzer run of each fuzz target, printing TAP.
#
# Installed next to the targets (fuzz_header, fuzz_recover, fuzz_heap) and
# their seed corpora (corpus/<target>, made at build time).  Each run
# stops after FUZZ_SECONDS (default 30) or FUZZ_RUNS inputs (default: no
# limit), whichever comes first; FUZZ_TARGETS chooses the targets (default:
# all).  A crashing input is kept next to this script as
# <target>-crash-* / -timeout-* / -oom-*; reproduce with ./<target> FILE.
set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SECONDS:-30}
runs=${FUZZ_RUNS:--1}
targets=${FUZZ_TARGETS:-header recover heap}
base=/dev/shm
[ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/pmemcrypt-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# The longest input of each target: header area, flags and a key; flags
# and the metadata of the fuzzed pools; heap header, chunk table and the
# starts of 31 chunks.
declare -A max_len=([header]=8257 [recover]=32768 [heap]=24064)

set -- $targets
echo "1..$((2 * $#))"
n=0 failed=0
for t in "$@"; do
	prog=$here/fuzz_$t
	corpus=$here/corpus/$t
	nseeds=$(find "$corpus" -type f ! -name '.*' 2>/dev/null | wc -l)
	if [ "$nseeds" -eq 0 ]; then
		echo "not ok $((n + 1)) - fuzz_$t: seed corpus $corpus is empty"
		echo "not ok $((n + 2)) - fuzz_$t: no seeds # not run"
		n=$((n + 2)) failed=1
		continue
	fi

	# Every seed runs cleanly on its own.
	n=$((n + 1))
	if "$prog" -runs=0 -artifact_prefix="$work/seed-" "$corpus" \
		>"$work/$t-seeds.log" 2>&1; then
		echo "ok $n - fuzz_$t runs the $nseeds seeds from real pools"
	else
		echo "not ok $n - fuzz_$t fails on a seed"
		grep -E 'ERROR|SUMMARY|fuzz_|#[0-9]+ 0x' "$work/$t-seeds.log" |
			head -n 30 | sed 's/^/# /'
		failed=1
	fi

	# A bounded run (fixed seed, single process).
	n=$((n + 1))
	mkdir "$work/$t"
	cp "$corpus"/* "$work/$t/"
	"$prog" -runs="$runs" -max_total_time="$secs" -seed=1 -timeout=10 \
		-rss_limit_mb=2048 -max_len="${max_len[$t]}" \
		-print_final_stats=1 -artifact_prefix="$work/$t-" \
		"$work/$t" >"$work/$t.log" 2>&1
	rc=$?
	cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -n 1)
	execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' \
		"$work/$t.log" | grep -o '[0-9]*$')
	if [ $rc -eq 0 ]; then
		echo "ok $n - fuzz_$t: ${execs:-?} inputs in at most ${secs}s," \
			"$cov, no crash"
		continue
	fi
	failed=1
	echo "not ok $n - fuzz_$t found a failing input (libFuzzer exit $rc)"
	for f in "$work/$t"-crash-* "$work/$t"-timeout-* "$work/$t"-oom-* \
		"$work/$t"-leak-* "$work/$t"-slow-unit-*; do
		[ -e "$f" ] || continue
		cp "$f" "$here/"
		echo "# input kept: $here/$(basename "$f")"
		echo "# reproduce:  $prog $here/$(basename "$f")"
	done
	grep -E 'ERROR|SUMMARY|==[0-9]+==|fuzz_|#[0-9]+ 0x' "$work/$t.log" |
		head -n 30 | sed 's/^/# /'
done
exit $failed
