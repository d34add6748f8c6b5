#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run-tests.sh -- run test programs, count their TAP results, print a summary.
#
# usage: run-tests.sh LOGDIR TEST...
# Every TEST is an executable.  It is run with CMOCKA_MESSAGE_OUTPUT=TAP and
# its "ok"/"not ok" lines are counted ("# SKIP" marks a skipped case).  A
# program that prints no TAP line counts as one test: exit 0 passed, exit 77
# skipped, anything else failed.  A program that prints plans ("1..N") must
# report as many results as they add up to, or one more failure is counted.
# The last line printed is
# "N passed, N failed, N skipped"; the exit status is non-zero on any failure.
set -u

logdir=$1
shift
mkdir -p "$logdir"
export CMOCKA_MESSAGE_OUTPUT=TAP

pass=0 fail=0 skip=0
failed_tests=()
for t in "$@"; do
	name=$(echo "${t#./}" | tr '/' '_')
	log="$logdir/$name.log"
	start=$(date +%s)
	"$t" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	# cmocka reports a skipped case as "not ok N # SKIP", TAP as "ok".
	p=$(grep -cE '^ok [0-9]+' "$log")
	s=$(grep -ciE '^(not )?ok [0-9]+.*# *SKIP' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	sok=$(grep -ciE '^ok [0-9]+.*# *SKIP' "$log")
	p=$((p - sok))
	f=$((f - (s - sok)))
	plan=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$log" | paste -sd+ -)
	ran=$((p + s + f))
	if [ -n "$plan" ] && [ $((plan)) -ne "$ran" ]; then
		echo "plan of $((plan)) results, $ran reported" >>"$log"
		f=$((f + 1))
	fi
	if [ $((p + s + f)) -eq 0 ]; then
		case $rc in
		0) p=1 ;;
		77) s=1 ;;
		*) f=1 ;;
		esac
	elif [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or failed outside a test case
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	status=PASS
	[ "$s" -gt 0 ] && [ "$p" -eq 0 ] && status=SKIP
	[ "$f" -gt 0 ] && status=FAIL
	printf '%-4s %-48s %3d ok %2d skip %2d fail  %3ds\n' \
		"$status" "$t" "$p" "$s" "$f" "$secs"
	if [ "$status" = SKIP ]; then
		grep -m1 -iE 'skip' "$log" | sed 's/^/     /'
	fi
	if [ "$f" -gt 0 ]; then
		failed_tests+=("$t")
		sed 's/^/     | /' "$log" | tail -n 40
	fi
done
[ ${#failed_tests[@]} -eq 0 ] || echo "failed: ${failed_tests[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
