#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_cli.sh -- the pmemcrypt command end to end: every command, every
# exit code class, help, JSON, key sources and secrets.  Prints TAP.
#
# Run from the build tree (make copies it to $(B)/tests/tools/), or with
# PMEMCRYPT_BUILD=<build dir>.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${PMEMCRYPT_BUILD:-$(cd "$here/../.." && pwd)}
pc=$build/tools/pmemcrypt/pmemcrypt
helper=$build/tests/tools/pool_helper
for bin in "$pc" "$helper"; do
	if [ ! -x "$bin" ]; then
		echo "# $bin is missing: run 'make check-build' first"
		exit 1
	fi
done
tmp=$(mktemp -d /tmp/pmemcrypt-cli.XXXXXX)
desc="pmemcrypt-test-$$"
cleanup() {
	[ -n "${holder_pid:-}" ] && kill "$holder_pid" 2>/dev/null
	keyctl purge user "$desc" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
	sed 's/^/#   /' "$tmp/err" 2>/dev/null | head -n 10
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
# check DESC COMMAND...: passes when COMMAND succeeds
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# expect CODE DESC PROGRAM ARGS...: runs it (stdout in $tmp/out, stderr
# in $tmp/err) and passes when it exits with CODE
expect() {
	local want=$1 d=$2 rc
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$d"
	else
		not_ok "$d (exit $rc, want $want)"
	fi
}
# json FILE EXPR: evaluates a Python expression on the JSON in FILE as j
json() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2" 2>>"$tmp/err"
}
# with_tty ANSWER... -- COMMAND...: runs COMMAND on a pseudo-terminal and
# types each ANSWER at a prompt ending in ':'; output in $tmp/out
cat >"$tmp/pty_run.py" <<'PY'
import os, pty, select, sys
sep = sys.argv.index("--")
answers, cmd = sys.argv[1:sep], sys.argv[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
out, pending = b"", b""
while True:
    if not select.select([fd], [], [], 60)[0]:
        os.kill(pid, 9)
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    pending += data
    if answers and pending.rstrip().endswith(b":"):
        os.write(fd, answers.pop(0).encode() + b"\n")
        pending = b""
status = os.waitpid(pid, 0)[1]
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
PY
with_tty() {
	python3 "$tmp/pty_run.py" "$@"
}

# key and passphrase files must be private to their owner (see below)
umask 077
pool=$tmp/pool
key=$tmp/key
head -c 32 /dev/urandom >"$key"
head -c 32 /dev/urandom >"$tmp/key2"
head -c 32 /dev/urandom >"$tmp/wrong"
head -c 31 /dev/urandom >"$tmp/short"
secret="correct horse battery staple $$"
echo "$secret" >"$tmp/pass"
echo "another passphrase $$" >"$tmp/pass2"
kdf="--kdf-time 1 --kdf-memory 64 --kdf-threads 1"

# --- help and usage errors (exit 1)
commands="create info check add-key remove-key change-key dump shred"
expect 0 "pmemcrypt --help" "$pc" --help
missing=""
for c in $commands; do
	grep -q "^  $c " "$tmp/out" || missing="$missing $c"
done
check "--help lists every command${missing:+ (missing:$missing)}" test -z "$missing"
for c in $commands; do
	expect 0 "pmemcrypt $c --help" "$pc" "$c" --help
	check "$c --help prints its usage" grep -q "^usage: pmemcrypt $c" "$tmp/out"
done
expect 0 "pmemcrypt help dump" "$pc" help dump
check "help dump prints dump's usage" grep -q "^usage: pmemcrypt dump" "$tmp/out"
expect 0 "pmemcrypt --version" "$pc" --version
expect 1 "no command -> 1" "$pc"
expect 1 "unknown command -> 1" "$pc" frobnicate
expect 1 "unknown option -> 1" "$pc" info --bogus "$pool"
check "unknown option is named" grep -q "pmemcrypt: info: unrecognized option '--bogus'" "$tmp/err"
expect 1 "create without --size -> 1" "$pc" create "$pool" --key-file "$key"
check "no file left behind by a usage error" test ! -e "$pool"
expect 1 "create with a bad size -> 1" "$pc" create "$pool" --size 12Q --key-file "$key"
expect 1 "create with an unknown cipher -> 1" "$pc" create "$pool" --size 16M --cipher rot13 --key-file "$key"
expect 1 "create without a key -> 1" "$pc" create "$pool" --size 16M
expect 1 "create with two keys -> 1" "$pc" create "$pool" --size 16M --key-file "$key" --keyring x
expect 1 "--kdf-time alone -> 1" "$pc" create "$pool" --size 16M --kdf-time 2 --passphrase-file "$tmp/pass"
expect 1 "remove-key without --slot -> 1" "$pc" remove-key "$pool" --key-file "$key"
expect 1 "add-key --slot does not apply -> 1" "$pc" add-key "$pool" --key-file "$key" --new-key-file "$key" --slot 1
expect 1 "info with two pools -> 1" "$pc" info "$pool" "$pool"

# --- create and info
expect 0 "create a 16M pool with a key file" "$pc" create "$pool" --size 16M --key-file "$key" --no-progress
check "create prints the new pool as JSON" json "$tmp/out" 'j["slots"][0]["type"] == "raw"'
check "the pool file is 16 MiB" test "$(stat -c %s "$pool")" -eq $((16 << 20))
check "create names the engine and what it protects" \
	grep -q "^pmemcrypt: create: $pool: software engine: the media and every copy of the file hold ciphertext" "$tmp/err"
expect 0 "info" "$pc" info "$pool"
check "info JSON parses (json.tool)" python3 -m json.tool "$tmp/out" /dev/null
check "info: version, cipher, uuid, sizes" json "$tmp/out" \
	'j["version"] == "1.0" and j["cipher"] == "aes-256-xts" and len(j["uuid"]) == 36 and j["uuid"].count("-") == 4 and 0 < j["size"] <= j["file_size"] and j["units"] > 0 and j["blocks"] >= j["units"] and j["lanes"] > 0 and "generation" in j'
check "info: the software engine and what it protects" json "$tmp/out" \
	'j["engine"] == "software" and "every copy of the file hold ciphertext" in j["protection"]'
check "info: both header copies ok" json "$tmp/out" \
	'[h["status"] for h in j["headers"]] == ["ok", "ok"]'
check "info: one raw slot" json "$tmp/out" \
	'[(s["slot"], s["type"]) for s in j["slots"]] == [(0, "raw")]'
keyhex=$(od -An -tx1 "$key" | tr -d ' \n')
check "info shows no key bytes" bash -c "! grep -qi '${keyhex:0:16}' '$tmp/out'"
uuid=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["uuid"])' "$tmp/out")
expect 1 "create on an existing pool without --force -> 1" "$pc" create "$pool" --size 16M --key-file "$tmp/key2"
expect 0 "info after the refused create" "$pc" info "$pool"
cp "$tmp/out" "$tmp/info"
check "the existing pool is kept" json "$tmp/out" 'j["uuid"] == "'"$uuid"'"'

truncate -s 1M "$tmp/short-file"
expect 0 "create extends a shorter file" "$pc" create "$tmp/short-file" --size 4M --key-file "$key" --no-progress
check "the file was extended to 4 MiB" test "$(stat -c %s "$tmp/short-file")" -eq $((4 << 20))
expect 1 "--lanes 2000 (the library refuses) -> 1" "$pc" create "$tmp/p-lanes" --size 4M --lanes 2000 --key-file "$key"
expect 1 "Argon2id memory below 8 KiB per lane -> 1" "$pc" create "$tmp/p-kdf" --size 4M --kdf-time 1 --kdf-memory 4 --kdf-threads 1 --passphrase-file "$tmp/pass"

p2=$tmp/pool2
expect 0 "create aes-128-xts, 4 lanes, passphrase file, progress bar" \
	"$pc" create "$p2" --size 8M --cipher aes-128-xts --lanes 4 $kdf --passphrase-file "$tmp/pass" --progress
check "--progress draws a bar to 100%" grep -q "100%" "$tmp/err"
check "create's info shows the settings" json "$tmp/out" \
	'j["cipher"] == "aes-128-xts" and j["lanes"] == 4 and j["slots"][0]["type"] == "passphrase" and j["slots"][0]["kdf_time"] == 1 and j["slots"][0]["kdf_memory_kib"] == 64 and j["slots"][0]["kdf_threads"] == 1'
check "no passphrase in any output" bash -c "! grep -qF '$secret' '$tmp/out' '$tmp/err'"
expect 0 "create --force over an existing pool" "$pc" create "$p2" --size 8M --force --key-file "$tmp/key2" --no-progress
check "--force made a new pool" json "$tmp/out" 'j["slots"][0]["type"] == "raw" and j["cipher"] == "aes-256-xts"'

# --- create never overwrites data that is not a pool without --force
head -c 64K /dev/urandom >"$tmp/data-file"
data_sum=$(sha256sum <"$tmp/data-file")
expect 1 "create over a file of data -> 1" "$pc" create "$tmp/data-file" --size 4M --key-file "$key" --no-progress
check "the refusal says the file holds data" grep -q "data-file holds data that is not a pool (--force overwrites)" "$tmp/err"
check "the data file is unchanged" test "$(sha256sum <"$tmp/data-file")" = "$data_sum"
expect 0 "create --force over a file of data" "$pc" create "$tmp/data-file" --size 4M --key-file "$key" --no-progress --force

# --- create never goes through a symbolic link, and makes the pool in the
# file it opened even when the path is swapped while it waits for a key
head -c $((4 << 20)) /dev/urandom >"$tmp/victim"
victim_sum=$(sha256sum <"$tmp/victim")
ln -s "$tmp/victim" "$tmp/link.pool"
expect 1 "create through a symbolic link -> 1" "$pc" create "$tmp/link.pool" --size 4M --key-file "$key" --force
check "the refusal names the link" grep -q "link.pool is a symbolic link" "$tmp/err"
check "the link's target is unchanged" test "$(sha256sum <"$tmp/victim")" = "$victim_sum"
mkfifo "$tmp/pass.fifo"
"$pc" create "$tmp/race.pool" --size 4M $kdf --passphrase-file "$tmp/pass.fifo" \
	--no-progress >"$tmp/out" 2>"$tmp/err" &
race_pid=$!
for _ in $(seq 100); do [ -e "$tmp/race.pool" ] && break; sleep 0.1; done
mv "$tmp/race.pool" "$tmp/race-opened.pool"
ln -s "$tmp/victim" "$tmp/race.pool"
printf '%s' "$secret" >"$tmp/pass.fifo"
wait $race_pid
rc=$?
check "a path swapped for a link during the key prompt -> 6 (exit $rc)" test $rc -eq 6
check "create says the path was replaced" grep -q "race.pool was replaced" "$tmp/err"
check "the link's target is still unchanged" test "$(sha256sum <"$tmp/victim")" = "$victim_sum"
expect 0 "the pool is in the file create opened" "$pc" info "$tmp/race-opened.pool"

# --- dump shows written data
check "write a record through the library" "$helper" write "$pool" "$key" 8192 "hello, encrypted world"
expect 0 "dump --offset --length (raw)" "$pc" dump "$pool" --key-file "$key" --offset 8K --length 22
check "dump writes the record" test "$(cat "$tmp/out")" = "hello, encrypted world"
expect 0 "dump --hex" "$pc" dump "$pool" --key-file "$key" --offset 0x2000 --length 64 --hex
check "hex dump shows offset, bytes and text" grep -q "^00002000  68 65 6c 6c 6f 2c 20 65  6e 63 72 79 70 74 65 64  |hello, encrypted|" "$tmp/out"
expect 0 "dump the whole pool (hex, repeats folded)" "$pc" dump "$pool" --key-file "$key" --hex
check "the whole dump is short" test "$(wc -l <"$tmp/out")" -lt 20
check "the record is not in the pool file" bash -c "! grep -qa 'hello, encrypted' '$pool'"
expect 0 "dump with the key on stdin (--key-file -)" "$pc" dump "$pool" --key-file - --offset 8K --length 5 <"$key"
check "stdin key read the record" test "$(cat "$tmp/out")" = "hello"
size=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["size"])' "$tmp/info")
check "a raw dump of the whole pool has its size" test "$("$pc" dump "$pool" --key-file "$key" | wc -c)" -eq "$size"
expect 1 "dump beyond the end -> 1" "$pc" dump "$pool" --key-file "$key" --offset 1G

# --- wrong key, key not found (exit 2)
expect 2 "dump with a wrong key -> 2" "$pc" dump "$pool" --key-file "$tmp/wrong"
check "the message names command and pool" grep -q "^pmemcrypt: dump: $pool: " "$tmp/err"
expect 2 "missing key file -> 2" "$pc" dump "$pool" --key-file "$tmp/nokey"
expect 2 "31-byte key file -> 2" "$pc" dump "$pool" --key-file "$tmp/short"
expect 2 "passphrase on a raw-key pool -> 2" "$pc" check "$pool" --passphrase-file "$tmp/pass"
expect 2 "keyring key that does not exist -> 2" "$pc" dump "$pool" --keyring "$desc-none"

# --- key and passphrase files that others may access, or that someone
# else owns, are refused (exit 2), as ssh refuses such private keys
cp "$key" "$tmp/key-open"
for mode in 644 640 604 620 602 610; do
	chmod "$mode" "$tmp/key-open"
	expect 2 "a key file of mode 0$mode -> 2" "$pc" dump "$pool" --key-file "$tmp/key-open" --length 1
done
check "the message names the file, its mode and the fix" \
	grep -qF "pmemcrypt: dump: $pool: $tmp/key-open: mode 0610 lets group or others access the key; refused: run 'chmod 600 $tmp/key-open'" "$tmp/err"
check "nothing is dumped" test ! -s "$tmp/out"
chmod 600 "$tmp/key-open"
expect 0 "the same file once chmod 600" "$pc" dump "$pool" --key-file "$tmp/key-open" --offset 8K --length 5
cp "$tmp/key2" "$tmp/key2-open"
chmod 644 "$tmp/key2-open"
expect 2 "a new key file of mode 0644: add-key -> 2" "$pc" add-key "$pool" --key-file "$key" --new-key-file "$tmp/key2-open"
expect 0 "info after the refused add-key" "$pc" info "$pool"
check "no slot was added" json "$tmp/out" 'len(j["slots"]) == 1'
cp "$key" "$tmp/key-other"
if chown 65534 "$tmp/key-other" 2>/dev/null && [ "$(id -u)" != 65534 ]; then
	expect 2 "a key file owned by someone else (uid 65534) -> 2" "$pc" dump "$pool" --key-file "$tmp/key-other" --length 1
	check "the message names the owner" \
		grep -qF "$tmp/key-other: owned by uid 65534, neither you (uid $(id -u)) nor root" "$tmp/err"
else
	skip "a key file owned by someone else -> 2" "cannot chown here (not root)"
	skip "the message names the owner" "cannot chown here"
fi
expect 0 "a key from a pipe (--key-file -) is not a file to check" \
	bash -c "cat '$tmp/key-open' | '$pc' dump '$pool' --key-file - --offset 8K --length 5"

# --- key slots
expect 0 "add-key --new-passphrase-file" "$pc" add-key "$pool" --key-file "$key" --new-passphrase-file "$tmp/pass"
check "add-key prints the new slot" json "$tmp/out" 'j["slot"] == 1 and j["type"] == "passphrase"'
expect 0 "the passphrase opens the pool" "$pc" dump "$pool" --passphrase-file "$tmp/pass" --offset 8K --length 5
check "passphrase read the record" test "$(cat "$tmp/out")" = "hello"
cp "$tmp/pass" "$tmp/pass-open"
chmod 644 "$tmp/pass-open"
expect 2 "a passphrase file of mode 0644 -> 2" "$pc" dump "$pool" --passphrase-file "$tmp/pass-open" --length 1
check "the message names the passphrase file" \
	grep -qF "$tmp/pass-open: mode 0644 lets group or others access the passphrase; refused" "$tmp/err"
expect 0 "change-key passphrase -> another passphrase" "$pc" change-key "$pool" --passphrase-file "$tmp/pass" --new-passphrase-file "$tmp/pass2"
expect 2 "the old passphrase no longer opens -> 2" "$pc" dump "$pool" --passphrase-file "$tmp/pass" --length 1
expect 0 "the new passphrase opens" "$pc" dump "$pool" --passphrase-file "$tmp/pass2" --length 1
if keyctl padd user "$desc" @u <"$tmp/key2" >/dev/null 2>"$tmp/err"; then
	expect 0 "add-key --new-keyring" "$pc" add-key "$pool" --key-file "$key" --new-keyring "$desc"
	expect 0 "the keyring key opens the pool" "$pc" dump "$pool" --keyring "$desc" --offset 8K --length 5
	expect 0 "info after add-key" "$pc" info "$pool"
	check "info shows the keyring slot and its description" json "$tmp/out" \
		'any(s["type"] == "keyring" and s["description"] == "'"$desc"'" for s in j["slots"])'
else
	skip "add-key --new-keyring" "no kernel keyring: $(cat "$tmp/err")"
	skip "the keyring key opens the pool" "no kernel keyring"
	skip "info shows the keyring slot" "no kernel keyring"
	head -c 32 /dev/urandom >"$tmp/k-filler"
	"$pc" add-key "$pool" --key-file "$key" --new-key-file "$tmp/k-filler" >/dev/null
fi
expect 0 "info" "$pc" info "$pool"
check "three slots in use" json "$tmp/out" 'len(j["slots"]) == 3'
check "info lists each slot's KDF cost" json "$tmp/out" \
	'all(("kdf_time" in s) == (s["type"] == "passphrase") for s in j["slots"])'
# fill the slots: 3 used, 5 free
for i in 1 2 3 4 5; do
	head -c 32 /dev/urandom >"$tmp/k$i"
	"$pc" add-key "$pool" --key-file "$key" --new-key-file "$tmp/k$i" >/dev/null 2>"$tmp/err" || not_ok "add-key $i"
done
expect 5 "add-key with every slot used -> 5" "$pc" add-key "$pool" --key-file "$key" --new-key-file "$tmp/wrong"
expect 0 "remove-key --slot 7" "$pc" remove-key "$pool" --key-file "$key" --slot 7
expect 2 "the removed key no longer opens -> 2" "$pc" dump "$pool" --key-file "$tmp/k5" --length 1
expect 1 "remove-key --slot 8 (no such slot) -> 1" "$pc" remove-key "$pool" --key-file "$key" --slot 8
expect 0 "create a one-slot pool" "$pc" create "$p2" --size 1M --force --key-file "$key" --no-progress
expect 5 "remove-key of the last slot -> 5" "$pc" remove-key "$p2" --key-file "$key" --slot 0

# --- a new passphrase needs 8 characters, unless --force-password
printf 'short12' >"$tmp/pass-short"
printf 'p\xc3\xa4ssw\xc3\xb6r' >"$tmp/pass-utf8" # 7 characters in 9 bytes
printf 'eight888' >"$tmp/pass-eight"
expect 2 "create with a 7-character passphrase -> 2" "$pc" create "$tmp/pool-weak" --size 1M $kdf --passphrase-file "$tmp/pass-short"
check "the message says why and what to do" \
	grep -qF "pmemcrypt: create: $tmp/pool-weak: key: 7 characters, fewer than 8; choose a longer one (--force-password takes it)" "$tmp/err"
check "no pool left after the refusal" test ! -e "$tmp/pool-weak"
expect 2 "7 characters in 9 UTF-8 bytes -> 2" "$pc" create "$tmp/pool-weak" --size 1M $kdf --passphrase-file "$tmp/pass-utf8"
expect 0 "create with 8 characters" "$pc" create "$tmp/pool-weak" --size 1M $kdf --passphrase-file "$tmp/pass-eight" --no-progress
expect 0 "create --force-password with 7 characters" "$pc" create "$tmp/pool-weak" --size 1M --force $kdf --passphrase-file "$tmp/pass-short" --force-password --no-progress
expect 0 "a short passphrase set before opens the pool (not a new one)" "$pc" dump "$tmp/pool-weak" --passphrase-file "$tmp/pass-short" --length 1
expect 2 "add-key with a short new passphrase -> 2" "$pc" add-key "$tmp/pool-weak" --passphrase-file "$tmp/pass-short" --new-passphrase-file "$tmp/pass-utf8"
check "the message names the new key" grep -qF "new key: 7 characters, fewer than 8" "$tmp/err"
expect 0 "add-key --force-password" "$pc" add-key "$tmp/pool-weak" --passphrase-file "$tmp/pass-short" --new-passphrase-file "$tmp/pass-utf8" --force-password
expect 2 "change-key to a short passphrase on the terminal -> 2" \
	with_tty "tiny" "tiny" -- "$pc" change-key "$tmp/pool-weak" --passphrase-file "$tmp/pass-short" --new-passphrase
expect 0 "the refused change left the old passphrase" "$pc" dump "$tmp/pool-weak" --passphrase-file "$tmp/pass-short" --length 1
expect 0 "change-key to 8 characters" "$pc" change-key "$tmp/pool-weak" --passphrase-file "$tmp/pass-short" --new-passphrase-file "$tmp/pass-eight"
expect 1 "remove-key --force-password does not apply -> 1" "$pc" remove-key "$tmp/pool-weak" --passphrase-file "$tmp/pass-eight" --slot 1 --force-password

# --- check
expect 0 "check" "$pc" check "$pool" --key-file "$key" --no-progress
check "check prints a JSON report" json "$tmp/out" \
	'j["errors"] == 0 and j["status"] == "ok" and j["units_mapped"] >= 1 and "blocks_free" in j and "units_unmapped" in j'
expect 0 "check --progress" "$pc" check "$pool" --key-file "$key" --progress
check "check draws a progress bar" grep -q "100%" "$tmp/err"

# --- --passphrase on a terminal
p3=$tmp/pool3
expect 0 "create --passphrase: asks twice on the terminal" \
	with_tty "$secret" "$secret" -- "$pc" create "$p3" --size 1M $kdf --passphrase
check "the prompt is shown" grep -q "Passphrase:" "$tmp/out"
check "the typed passphrase is not echoed" bash -c "! grep -qF '$secret' '$tmp/out'"
expect 0 "the typed passphrase equals the file" "$pc" dump "$p3" --passphrase-file "$tmp/pass" --length 1
expect 2 "create --passphrase with a different confirmation -> 2" \
	with_tty "one" "two" -- "$pc" create "$tmp/pool4" --size 1M $kdf --passphrase
check "no pool left after a failed create" test ! -e "$tmp/pool4"
expect 0 "add-key --new-passphrase on the terminal" \
	with_tty "$secret-2" "$secret-2" -- "$pc" add-key "$p3" --passphrase-file "$tmp/pass" --new-passphrase
expect 0 "dump --passphrase on the terminal" \
	with_tty "$secret-2" -- "$pc" dump "$p3" --passphrase --length 16
check "a terminal gets a hex dump" grep -q "^00000000  00 00" "$tmp/out"
expect 1 "--passphrase without a terminal -> 1" setsid -w "$pc" dump "$p3" --passphrase

# --- not a pool, corrupt, newer, truncated (exit 3)
head -c 1M /dev/zero >"$tmp/zeros"
expect 3 "info on a file of zeros -> 3" "$pc" info "$tmp/zeros"
check "says it is not a pool" grep -q "not a pmemcrypt pool" "$tmp/err"
expect 3 "dump a file of zeros -> 3" "$pc" dump "$tmp/zeros" --key-file "$key"
# offsets from doc/pool-format.md: header copies at 0 and 4096
c1=$tmp/copy1
cp "$pool" "$c1"
printf 'XXXX' | dd of="$c1" bs=1 seek=$((4096 + 64)) conv=notrunc status=none
expect 3 "one header copy corrupt: dump -> 3" "$pc" dump "$c1" --key-file "$key" --length 1
check "the message suggests --repair" grep -q -- "--repair" "$tmp/err"
expect 3 "one header copy corrupt: info -> 3" "$pc" info "$c1"
check "info still prints the header: copy 2 corrupt" json "$tmp/out" \
	'[h["status"] for h in j["headers"]] == ["ok", "corrupt"]'
expect 3 "check without --repair -> 3" "$pc" check "$c1" --key-file "$key"
expect 0 "check --repair" "$pc" check "$c1" --key-file "$key" --repair
check "check reports the repaired copy" json "$tmp/out" 'j["headers_repaired"] == 1 and j["errors"] == 0'
expect 0 "info after repair" "$pc" info "$c1"
check "both copies ok after repair" json "$tmp/out" \
	'[h["status"] for h in j["headers"]] == ["ok", "ok"]'
printf 'XXXX' | dd of="$c1" bs=1 seek=64 conv=notrunc status=none
printf 'XXXX' | dd of="$c1" bs=1 seek=$((4096 + 64)) conv=notrunc status=none
expect 3 "both header copies corrupt: info -> 3" "$pc" info "$c1"
expect 3 "both header copies corrupt: check --repair -> 3" "$pc" check "$c1" --key-file "$key" --repair
cp "$pool" "$c1"
python3 - "$c1" <<'PY'
import hashlib, struct, sys
with open(sys.argv[1], "r+b") as f:
    for base in (0, 4096):
        f.seek(base)
        hdr = bytearray(f.read(4096))
        struct.pack_into("<I", hdr, 8, 99)  # major
        hdr[4064:4096] = hashlib.sha256(hdr[:4064]).digest()
        f.seek(base)
        f.write(hdr)
PY
expect 3 "newer format version -> 3" "$pc" info "$c1"
check "says the format is newer" grep -q "newer" "$tmp/err"
cp "$pool" "$c1"
truncate -s 8M "$c1"
expect 3 "truncated file: dump -> 3" "$pc" dump "$c1" --key-file "$key" --length 1
check "says it is truncated" grep -qi "truncated\|needs" "$tmp/err"
truncate -s 100 "$c1"
expect 3 "file cut inside the header: info -> 3" "$pc" info "$c1"

cp "$pool" "$c1"
python3 - "$c1" <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    map_off = struct.unpack_from("<Q", f.read(4096), 88)[0]
    f.seek(map_off + 2 * 8)  # unit 2 holds the record written above
    entry = f.read(8)
    f.seek(map_off + 5 * 8)  # unit 5 was never written
    f.write(entry)
PY
expect 3 "two units mapped to one block: check -> 3" "$pc" check "$c1" --key-file "$key" --no-progress
check "the error names the map (in the report or the message)" \
	bash -c "grep -q '\"errors\":[1-9]' '$tmp/out' || grep -qi 'map' '$tmp/err'"

# --- locked (exit 4): a helper holds the pool open until its stdin closes
mkfifo "$tmp/hold-in"
"$helper" hold "$pool" "$key" <"$tmp/hold-in" >"$tmp/hold-out" 2>&1 &
holder_pid=$!
exec 7>"$tmp/hold-in"
for _ in $(seq 100); do
	grep -q open "$tmp/hold-out" && break
	sleep 0.1
done
check "the helper holds the pool" grep -q open "$tmp/hold-out"
expect 4 "dump of a pool open elsewhere -> 4" "$pc" dump "$pool" --key-file "$key" --length 1
expect 4 "add-key on a pool open elsewhere -> 4" "$pc" add-key "$pool" --key-file "$key" --new-key-file "$tmp/wrong"
expect 0 "info needs no lock" "$pc" info "$pool"
exec 7>&-
wait "$holder_pid"
holder_pid=
expect 0 "dump once the helper closed the pool" "$pc" dump "$pool" --key-file "$key" --length 1

# --- the hardware engine: a fake sysfs binds the device holding $tmp to an
# MKTME key (as tests/lib/test_engine.c does), so the library takes the
# plain file for media on a bound namespace
hwsys=$tmp/sys
. "$here/../fake_sysfs.sh"
fake_mktme_sysfs "$hwsys" "$tmp" cli-test-key
expect 0 "create --engine hardware on a bound namespace (fake sysfs)" \
	env PMEMCRYPT_SYSFS_ROOT="$hwsys" "$pc" create "$tmp/hw" --size 4M \
	--engine hardware --key-file "$key" --no-progress
check "create says the hardware pool's file reads as plaintext" \
	grep -q "^pmemcrypt: create: $tmp/hw: hardware engine: .*the file reads as plaintext to anyone who can read it" "$tmp/err"
check "create's JSON: the hardware engine and what it protects" json "$tmp/out" \
	'j["engine"] == "hardware" and j["version"] == "1.1" and "plaintext" in j["protection"]'
expect 0 "info on the hardware pool (no binding needed)" "$pc" info "$tmp/hw"
check "info: the hardware engine and what it protects" json "$tmp/out" \
	'j["engine"] == "hardware" and "copies and backups" in j["protection"]'

# --- shred: confirmation, only the header area written, no key opens the
# file again, and create reuses it only with --force
s=$tmp/shred
expect 0 "create a pool to shred" "$pc" create "$s" --size 8M --key-file "$key" --no-progress
expect 0 "a second slot" "$pc" add-key "$s" --key-file "$key" --new-key-file "$tmp/key2"
cp "$s" "$tmp/shred.before"
expect 1 "shred answered 'no' -> 1" bash -c "echo no | '$pc' shred '$s'"
check "the prompt names the two slots" grep -q "destroys the 2 key slots of $s" "$tmp/err"
check "not shredded: the pool is unchanged" cmp -s "$s" "$tmp/shred.before"
expect 1 "shred with no answer (stdin closed) -> 1" "$pc" shred "$s" </dev/null
check "still unchanged" cmp -s "$s" "$tmp/shred.before"
mkfifo "$tmp/shred-in"
"$helper" hold "$s" "$key" <"$tmp/shred-in" >"$tmp/shred-out" 2>&1 &
holder_pid=$!
exec 7>"$tmp/shred-in"
for _ in $(seq 100); do
	grep -q open "$tmp/shred-out" && break
	sleep 0.1
done
expect 4 "shred of a pool open elsewhere -> 4" "$pc" shred --yes "$s"
exec 7>&-
wait "$holder_pid"
holder_pid=
check "still unchanged after the refusal" cmp -s "$s" "$tmp/shred.before"
expect 0 "shred answered 'yes'" bash -c "echo yes | '$pc' shred '$s'"
check "shred's JSON: status and slots" json "$tmp/out" \
	'j["status"] == "shredded" and j["slots_destroyed"] == 2 and j["engine"] == "software"'
last=$(cmp -l "$s" "$tmp/shred.before" | tail -n 1 | awk '{ print $1 }')
check "only the header area changed (last byte changed: $last)" \
	test -n "$last" -a "$last" -le 8192
check "the file says what it is" grep -q "^pmemcrypt: shredded pool" "$s"
expect 3 "the first key no longer opens it -> 3" "$pc" dump "$s" --key-file "$key" --length 1
expect 3 "nor the second -> 3" "$pc" dump "$s" --key-file "$tmp/key2" --length 1
expect 3 "nor a repairing check -> 3" "$pc" check "$s" --repair --key-file "$key" --no-progress
expect 3 "info: not a pool -> 3" "$pc" info "$s"
check "info says it was shredded" grep -q "not a pmemcrypt pool (a shredded one" "$tmp/err"
expect 3 "shred again: not a pool -> 3" "$pc" shred --yes "$s"
expect 1 "create over it without --force -> 1" "$pc" create "$s" --size 8M --key-file "$key" --no-progress
expect 0 "create --force reuses the file" "$pc" create "$s" --size 8M --key-file "$key" --no-progress --force
expect 3 "shred of a file that is not a pool -> 3" "$pc" shred --yes "$tmp/key2"
check "which is unchanged" test "$(wc -c <"$tmp/key2")" -eq 32
ln -s "$s" "$tmp/shred.link"
expect 1 "shred through a symbolic link -> 1" "$pc" shred --yes "$tmp/shred.link"
check "the link is refused before any question" grep -q "symbolic link" "$tmp/err"
expect 6 "shred of a missing file -> 6" "$pc" shred --yes "$tmp/none"
expect 0 "shred the hardware pool with --yes" "$pc" shred --yes "$tmp/hw"
check "shred warns that a hardware pool's data stays readable" \
	grep -q "hardware engine pool: its data is encrypted by the namespace's key" "$tmp/err"

# --- out of space (exit 5) and other system errors (exit 6)
expect 5 "create in a 16K file -> 5" "$pc" create "$tmp/tiny" --size 16K --key-file "$key"
check "no file left behind" test ! -e "$tmp/tiny"
expect 6 "info on a missing file -> 6" "$pc" info "$tmp/none"
expect 6 "dump of a directory -> 6" "$pc" dump "$tmp" --key-file "$key"
expect 6 "create in a missing directory -> 6" "$pc" create "$tmp/no/dir/pool" --size 1M --key-file "$key"

echo "1..$n"
