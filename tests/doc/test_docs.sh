#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_docs.sh -- what the documentation promises: each engine's protection
# stated where users read it, no false claim about tampering; examples
# that make key files private and keep key bytes off command lines.
# Prints TAP.
#
# usage: test_docs.sh [BUILD-DIR]   (the source tree is found from here)
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

n=0 failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
	failed=1
}
# says FILE REGEX DESC: FILE, its lines joined by spaces and runs of blanks
# made one, matches the (Python, case-insensitive) REGEX
says() {
	if python3 - "$1" "$2" <<'PY'; then ok "$1: $3"; else not_ok "$1: $3"; fi
import re, sys
text = re.sub(r"\s+", " ", open(sys.argv[1]).read())
sys.exit(0 if re.search(sys.argv[2], text, re.I) else 1)
PY
}
# never FILE REGEX DESC: the opposite
never() {
	if python3 - "$1" "$2" <<'PY'; then ok "$1: $3"; else not_ok "$1: $3"; fi
import re, sys
text = re.sub(r"\s+", " ", open(sys.argv[1]).read())
sys.exit(1 if re.search(sys.argv[2], text, re.I) else 0)
PY
}

# --- each engine's protection, where users read it
for f in README.md doc/man/libpmemcrypt.7.md doc/man/pmemcrypt-create.1.md \
	doc/design.md; do
	says "$f" '(software engine|\*\*software\*\*).{0,400}(cop(y|ies)|backup).{0,80}ciphertext' \
		"the software engine keeps copies of the file ciphertext"
	says "$f" '(hardware engine|\*\*hardware\*\*).{0,700}(backup|copy).{0,200}plaintext|(hardware engine|\*\*hardware\*\*).{0,700}plaintext.{0,200}(backup|copy)' \
		"a hardware pool's backups and copies are plaintext"
	says "$f" 'stolen or decommissioned DIMM' "what the media at rest is"
	says "$f" 'root' "neither engine protects against root"
done
never doc/man/libpmemcrypt.7.md 'backup of it without a key' \
	"no promise of the file or a backup for both engines"
for f in doc/man/pmemcrypt.1.md doc/man/pmemcrypt-fio.7.md \
	doc/man/pmemcrypt_pool_open.3.md; do
	says "$f" 'hardware.{0,300}plaintext' "says the hardware engine's file is plaintext"
done

# --- what the map and the logs allow without a key
never doc/man/libpmemcrypt.7.md 'detected only as garbage' \
	"no claim that tampering shows as garbage"
for f in README.md doc/man/libpmemcrypt.7.md doc/design.md; do
	says "$f" 'map entr(y|ies).{0,120}zero' "a zeroed map entry"
	says "$f" 'older ciphertext' "rollback to older ciphertext in free blocks"
	says "$f" 'redo record' "a replayed redo record"
	says "$f" 'LUKS2' "compared with LUKS2 without dm-integrity"
	says "$f" 'header.{0,200}(HMAC|authenticated)' "the header is authenticated"
done
says doc/man/libpmemcrypt.7.md 'MKTME.{0,40}no integrity' \
	"MKTME has no integrity either"

# --- examples users copy: key files private from the start, key bytes
# never in a command's arguments (/proc/PID/cmdline; "$(...)" drops NULs)
examples=$(ls README.md doc/*.md doc/man/*.md fio-engines/README.md \
	fio-engines/examples/* ndctl-plugin/README.md tests/vm/README.md \
	ndctl-plugin/*.c tools/pmemcrypt/*.[ch])
# lines_match DESC PYTHON-CONDITION-ON-line: passes when no line of the
# examples satisfies the condition; prints those that do
lines_match() {
	if python3 - "$2" $examples >"$tmp" <<'PY'; then ok "$1"; else not_ok "$1"; sed 's/^/#   /' "$tmp"; fi
import re, sys
cond, bad = sys.argv[1], False
for name in sys.argv[2:]:
    for i, line in enumerate(open(name, errors="replace"), 1):
        if eval(cond):
            print(f"{name}:{i}: {line.strip()}")
            bad = True
sys.exit(1 if bad else 0)
PY
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
lines_match "random key files are made with umask 077" \
	're.search(r"/dev/u?random", line) and re.search(r">\s*\S*key", line) and not re.search(r"umask 0?077", line)'
lines_match "no key made by \$(head ...) on a command line" \
	're.search(r"\$\(\s*head\b[^)]*/dev/u?random", line)'
lines_match "no secret passed to keyctl add as an argument (use keyctl padd)" \
	're.search(r"keyctl add (user|logon)\b", line)'
says doc/man/ndctl-crypt.1.md 'never as a command line argument' \
	"ndctl-crypt(1) says why key bytes stay off command lines"

echo "1..$n"
exit $failed
