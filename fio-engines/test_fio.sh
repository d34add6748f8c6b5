#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_fio.sh -- the pmemcrypt fio engine: write+verify, no plaintext.
#
# usage: test_fio.sh ENGINE.so
# Runs short fio jobs through the engine on pools in /dev/shm: random
# writes of a distinctive ASCII verify pattern read back with
# verify=crc32c (1 thread, then 2 threads sharing the pool), checks fio's
# JSON output for errors, then scans the pool file for the pattern; the
# same job with encryption=0 must leave the pattern in its file (the scan
# works).  Then a moment of the benchmark (bench-fio.sh) on a small file.
# Prints TAP; exits 77 when the engine could not be built.
set -u

engine=$1
here=$(cd "$(dirname "$0")" && pwd)
pattern=PMEMCRYPT-FIO-PLAINTEXT-7F3A

if [ ! -e "$engine" ]; then
	reason=$("$here/build-fio.sh" 2>&1 >/dev/null | grep SKIP | tail -n 1)
	echo "1..0 # SKIP no fio engine: ${reason:-$engine was not built}"
	exit 77
fi
command -v fio >/dev/null || { echo "1..0 # SKIP fio not installed"; exit 77; }
command -v python3 >/dev/null ||
	{ echo "1..0 # SKIP python3 not installed"; exit 77; }

dir=$(mktemp -d /dev/shm/pmemcrypt-fio-test.XXXXXX)
trap 'rm -rf "$dir"' EXIT
(umask 077 && head -c 32 /dev/urandom >"$dir/key")
(umask 077 && head -c 32 /dev/urandom >"$dir/other.key")

n=0 failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -e "$dir/err" ] && sed 's/^/# /' "$dir/err" | tail -n 15
}

# fio_job NAME ARGS...: one fio run, JSON in $dir/NAME.json, stderr in err.
fio_job() {
	local name=$1
	shift
	timeout 120 fio --output-format=json --output="$dir/$name.json" \
		--ioengine=external:"$engine" --thread=1 --name="$name" \
		--verify=crc32c --verify_pattern="\"$pattern\"" \
		--randrepeat=1 --verify_state_save=0 "$@" 2>"$dir/err"
}

# json_clean NAME [ERROR]: every job reported ERROR (default 0), wrote,
# and read back (verified) as many bytes as it wrote.
json_clean() {
	python3 - "$dir/$1.json" "${2:-0}" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
jobs = json.loads(text[text.index("{"):])["jobs"]
want = int(sys.argv[2])
bad = [j for j in jobs if j["error"] != want or
       (want == 0 and (j["write"]["io_bytes"] <= 0 or
                       j["read"]["io_bytes"] != j["write"]["io_bytes"]))]
for j in bad:
    print("# job %s: error %d, wrote %d, read %d" % (j["jobname"],
          j["error"], j["write"]["io_bytes"], j["read"]["io_bytes"]))
sys.exit(1 if bad or not jobs else 0)
PY
}

check() {
	local what=$1 name=$2 rc=$3
	if [ "$rc" -eq 0 ] && json_clean "$name"; then
		ok "$what"
	else
		not_ok "$what (fio exit $rc)"
	fi
}

has_pattern() {
	grep -q -a -F "$pattern" "$1"
}

echo "1..12"

pool=$dir/enc.pool
fio_job one --filename="$pool" --keyfile="$dir/key" --create=1 \
	--size=16M --bsrange=4k-256k --rw=randwrite
check "1 thread: create an aes-256-xts pool, write and verify" one $?

fio_job two --filename="$pool" --keyfile="$dir/key" --numjobs=2 \
	--size=8M --offset_increment=8M --bsrange=4k-256k --rw=randwrite
check "2 threads sharing the pool: write and verify" two $?

fio_job reopen --filename="$pool" --keyfile="$dir/key" --numjobs=2 \
	--size=8M --offset_increment=8M --bsrange=4k-256k --rw=randwrite \
	--verify_only=1
check "data verifies after the pool is closed and reopened" reopen $?

if has_pattern "$pool"; then
	not_ok "the pool file holds no plaintext of the verify pattern"
else
	ok "the pool file holds no plaintext of the verify pattern"
fi

plain=$dir/plain.img
fio_job plain --filename="$plain" --encryption=0 --create=1 \
	--size=16M --bsrange=4k-256k --rw=randwrite
check "encryption=0 (plain libpmem2): write and verify" plain $?

if has_pattern "$plain"; then
	ok "control: the encryption=0 file holds the pattern (scan works)"
else
	not_ok "control: the encryption=0 file holds the pattern (scan works)"
fi

fio_job fresh --filename="$dir/fresh.pool" --keyfile="$dir/key" \
	--create=1 --size=4M --bs=64k --rw=randwrite --verify_only=1
rc=$?
if [ "$rc" -ne 0 ] && json_clean fresh 84; then
	ok "control: verify fails on a fresh pool (EILSEQ)"
else
	not_ok "control: verify fails on a fresh pool (fio exit $rc)"
fi

fio_job wrongkey --filename="$pool" --keyfile="$dir/other.key" \
	--size=4M --rw=read
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'wrong key' "$dir/err"; then
	ok "a wrong key is refused"
else
	not_ok "a wrong key is refused (fio exit $rc)"
fi

fio_job hw --filename="$pool" --keyfile="$dir/key" --hardware=1 \
	--size=4M --rw=read
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'software-engine pool' "$dir/err"; then
	ok "hardware=1 on a software-engine pool is refused"
else
	not_ok "hardware=1 on a software-engine pool is refused (fio exit $rc)"
fi

fio_job hwnew --filename="$dir/hw.pool" --keyfile="$dir/key" --create=1 \
	--hardware=1 --size=4M --rw=write
rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$dir/hw.pool" ] && grep -qi 'bound' "$dir/err"; then
	ok "hardware=1 create=1 off a bound namespace is refused, no file left"
else
	not_ok "hardware=1 create=1 off a bound namespace is refused (fio exit $rc)"
	sed 's/^/#   /' "$dir/err"
fi

# The benchmark's job file and report, on a small file for a moment: every
# variant runs (fio fails the run on a bad job) and gets its ratio line.
res=$dir/bench
BENCH_FIO_SIZE=8M BENCH_FIO_RUNTIME=50ms BENCH_FIO_RAMP=20ms \
	BENCH_FIO_BS=4k BENCH_FIO_JOBS="1 2" BENCH_FIO_ROUNDS=1 \
	BENCH_FIO_DIR=$dir BENCH_FIO_RESULTS=$res \
	timeout 300 "$here/bench-fio.sh" "$engine" >"$dir/err" 2>&1
rc=$?
lines=$(grep -c '^ratio: fio_.*_4k_1j_.*_vs_libpmem = [0-9.]*$' "$dir/err")
if [ "$rc" -eq 0 ] && [ "$lines" -eq 12 ] &&
	[ -s "$res/latest/results.md" ] &&
	grep -q '^| null-randwrite ' "$res/latest/results.md"; then
	ok "bench-fio.sh runs examples/compare.fio and reports every variant"
else
	not_ok "bench-fio.sh runs examples/compare.fio (exit $rc, $lines ratios)"
fi
# 2 jobs over 1: a ratio per pattern and variant, a table and the target.
scale=$(grep -c '^ratio: fio_[a-z]*_4k_2j_vs_1j_[a-z0-9]* = [0-9.]*$' \
	"$dir/err")
if [ "$scale" -eq 16 ] &&
	grep -q '^target: aes-256-xts 4 KiB random writes, 2 jobs over 1 job >= 1.8: \(HOLDS\|MISSED\) ([0-9.]*;' "$dir/err" &&
	grep -q '^| randwrite | 4k | [0-9.]* | [0-9.]* | [0-9.]* | [0-9.]* |$' \
		"$res/latest/results.md"; then
	ok "the report sets 2 jobs against 1: ratios, table, target"
else
	not_ok "the report sets 2 jobs against 1 ($scale ratios)"
fi

[ "$failed" -eq 0 ]
