#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_mktme_check.sh -- mktme-check: known answers and command-line errors.
#
# Runs the mktme-check next to this script: the IEEE 1619 vectors through
# OpenSSL, a decryption of a file made with those vectors, the marker
# search and the error paths (exit 2 with a message).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mc=$here/mktme-check
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0

t() {
	local desc=$1 want=$2 rc=0
	shift 2
	"$@" >"$work/out" 2>&1 || rc=$?
	n=$((n + 1))
	if [ "$rc" -eq "$want" ]; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc (exit $rc, wanted $want)"
		sed 's/^/#   /' "$work/out"
	fi
}

t "IEEE 1619 vectors through OpenSSL" 0 "$mc" --selftest
t "--help" 0 "$mc" --help

# IEEE 1619 vector 4, block 0: at GPA 0 with keys 2718.. / 3141.., the
# plaintext 00..0f is stored as 27a7479b...
k1=27182818284590452353602874713526
k2=31415926535897932384626433832795
printf '\x27\xa7\x47\x9b\xef\xa1\xd4\x76\x48\x9f\x30\x8c\xd4\xcf\xa6\xe2' \
	>"$work/img"
printf '\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f' \
	>"$work/pt"
t "decrypts a known block (tweak = GPA)" 0 "$mc" -b 0 -o 0 -n 16 \
	-a aes-xts-128 -k $k1 -t $k2 -e "$work/pt" "$work/img"
t "another GPA (tweak) mismatches" 1 "$mc" -b 0x10 -o 0 -n 16 \
	-a aes-xts-128 -k $k1 -t $k2 -e "$work/pt" "$work/img"
printf 'xxxxSECRET-Ayyyy' >"$work/marker"
t "--absent finds a marker" 1 "$mc" -A SECRET- "$work/marker"
t "--absent passes without it" 0 "$mc" -A NOTHERE "$work/marker"
t "--pattern matches plain data" 0 sh -c \
	"printf 'PLAINTXT00000000PLAINTXT00000001' >'$work/p' &&
	 '$mc' -a plain -n 32 -p PLAINTXT '$work/p'"

t "no FILE: usage error" 2 "$mc" -a plain -n 16
t "unknown --alg" 2 "$mc" -a des -n 16 "$work/img"
t "XTS without keys" 2 "$mc" -a aes-xts-128 -n 16 "$work/img"
t "short key" 2 "$mc" -a aes-xts-128 -k 00 -t 01 -n 16 "$work/img"
t "equal data and tweak keys" 2 "$mc" -a aes-xts-128 -k $k1 -t $k1 \
	-n 16 "$work/img"
t "unaligned --offset" 2 "$mc" -a plain -o 3 -n 16 "$work/img"
t "unknown --tweak-rule" 2 "$mc" -a plain -r sector -n 16 "$work/img"
t "range past the end of the file" 2 "$mc" -a plain -o 0 -n 4096 "$work/img"
t "missing file" 2 "$mc" -a plain -n 16 "$work/nonexistent"
