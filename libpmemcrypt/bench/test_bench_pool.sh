#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_bench_pool.sh -- every side of bench_pool runs, and the results
# folder holds what the README's table is made from (--quick: small sizes,
# one round; a check, not a measurement).
#
# usage: test_bench_pool.sh BENCH_POOL
set -uo pipefail

bench=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/test_bench_pool.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0
fail=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

echo "1..10"
BENCH_POOL_RESULTS=$work/results BENCH_POOL_DIR=$work \
	"$here/bench-pool.sh" "$bench" --quick >"$work/out.txt" 2>&1
ok $? "bench-pool.sh --quick runs"
res=$work/results/latest
out=$res/output.txt
[ -f "$out" ] && [ -f "$res/results.md" ] && [ -f "$res/raw.tsv" ]
ok $? "the results folder has output.txt, results.md and raw.tsv"

# Every comparison the issue asks for, as a ratio line with a number.
missing=""
for name in a_pmemcrypt_write_vs_pmem2 a_bound_vs_pmem2 \
	a_pmemcrypt_write_vs_pmemblk a_pmemcrypt_write_vs_bound \
	a_pmemcrypt_write_vs_pmemobj_tx_4k a_hw_write_vs_pmemblk \
	a_pmemcrypt_write_absent_vs_pmemblk a_pmemcrypt_write_absent_vs_bound \
	b_pmemcrypt_vs_pmemobj b_pmemcrypt_hw_vs_pmemobj \
	b_pmemcrypt_vs_pmemobj_gcm c_open_1g_ms c_open_largest_ms \
	d_first_touch_seq_vs_decrypt d_first_touch_random_vs_decrypt \
	e_a_pmemcrypt_write_2t_vs_1t e_b_pmemcrypt_2t_vs_1t \
	e_b_pmemobj_2t_vs_1t f_budget_quarter_tx_small_vs_unlimited; do
	grep -Eq "^ratio: $name = [0-9]+\.[0-9]+$" "$out" ||
		missing="$missing $name"
done
[ -z "$missing" ]
ok $? "every ratio line is printed${missing:+ (missing:$missing)}"

# No figure is zero, negative or not a number.
! grep -Eq "^ratio: .* = (0\.00|-|nan|inf)" "$out"
ok $? "every ratio is a positive number"

# Nine targets, each with its verdict.
[ "$(grep -Ec '^target: .* >= [0-9.]+: (HOLDS|MISSED) \([0-9.]+\)$' "$out")" -eq 9 ]
ok $? "nine target lines with a verdict"

# raw.tsv: (a) and (b) with 1 and 2 threads for every side.
sides=$(awk -F '\t' '$1 == "a" || $1 == "b" { print $2 "/" $3 }' \
	"$res/raw.tsv" | sort -u | wc -l)
[ "$sides" -eq 24 ]
ok $? "raw.tsv has 12 sides with 1 and 2 threads (found $sides)"

grep -q '^| `b_pmemcrypt_vs_pmemobj` | [0-9.]* |$' "$res/results.md"
ok $? "results.md has the ratio table"

# The pool files are removed: nothing but the results is left.
[ -z "$(find "$work" -maxdepth 2 -name 'pmemcrypt-bench.*' -print -quit)" ]
ok $? "the benchmark's pool folder is removed"

"$bench" --no-such-option >/dev/null 2>&1
[ $? -eq 2 ]
ok $? "a bad option exits 2"

"$bench" --help >"$work/help.txt" 2>&1 && grep -q -- "--only LETTERS" "$work/help.txt"
ok $? "--help prints the options and exits 0"
exit $fail
