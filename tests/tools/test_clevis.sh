#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_clevis.sh -- key slots bound through clevis to Tang servers that the
# test starts on 127.0.0.1 (socat in front of tangd, as its systemd socket
# does): unlocking without a key option, a server down, rotated server
# keys, sss thresholds, a damaged token, crafted slot fields.  Prints TAP.
#
# Run from the build tree (make copies it to $(B)/tests/tools/), or with
# PMEMCRYPT_BUILD=<build dir>.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=${PMEMCRYPT_BUILD:-$(cd "$here/../.." && pwd)}
pc=$build/tools/pmemcrypt/pmemcrypt
# shellcheck source=tests/clevis_servers.sh
. "$build/tests/clevis_servers.sh"
missing=$(clevis_servers_missing)
if [ -n "$missing" ]; then
	echo "1..0 # SKIP missing: $missing (make deps installs them)"
	exit 0
fi
[ -x "$pc" ] || { echo "# $pc is missing: run 'make check-build'"; exit 1; }

tmp=$(mktemp -d /tmp/pmemcrypt-clevis.XXXXXX)
trap 'clevis_servers_stop; rm -rf "$tmp"' EXIT

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
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# expect CODE DESC PROGRAM ARGS...: stdout in $tmp/out, stderr in $tmp/err
expect() {
	local want=$1 d=$2 rc
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$d"; else not_ok "$d (exit $rc, want $want)"; fi
}
# hdr POOL FIELD: a header field of copy A (tokens_off, incompat)
hdr() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
h = open(sys.argv[1], "rb").read(8192)
print({"incompat": struct.unpack_from("<I", h, 104)[0],
       "incompat_b": struct.unpack_from("<I", h, 4096 + 104)[0],
       "tokens_off": struct.unpack_from("<Q", h, 128)[0]}[sys.argv[2]])
PY
}

head -c 32 /dev/urandom >"$tmp/k" && chmod 600 "$tmp/k"
tang_start a
tang_start b
tang_a="{\"url\":\"$(tang_url a)\"}"

# --- binding, unlocking without a key option
pool=$tmp/p.pool
expect 0 "create a pool" "$pc" create "$pool" --size 8M --key-file "$tmp/k"
check "a new pool has a token area and no clevis flag" \
	test "$(hdr "$pool" tokens_off)" -gt 0 -a "$(hdr "$pool" incompat)" -eq 0
expect 0 "add-key --clevis tang binds a slot" \
	"$pc" add-key "$pool" --key-file "$tmp/k" --clevis tang "$tang_a" -y
check "it prints slot 1 of type clevis" \
	grep -q '"type":"clevis"' "$tmp/out"
check "both header copies set the clevis feature flag" \
	test "$(hdr "$pool" incompat)" -eq 2 -a "$(hdr "$pool" incompat_b)" -eq 2
expect 0 "info shows the slot's pin and server" "$pc" info "$pool"
check "info names the server" grep -q "clevis.*$(tang_url a)" "$tmp/out"
expect 0 "check opens the pool with no key option" "$pc" check "$pool"
expect 0 "dump opens it too" "$pc" dump "$pool" --length 4096

# --- the server down: locked, a clear error, nothing changed
tang_stop a
cp "$pool" "$tmp/before"
expect 2 "with the server down the pool stays locked" "$pc" check "$pool"
check "the error names the server" grep -q "$(tang_url a)" "$tmp/err"
check "and says that no key option was given" grep -q "no key option" "$tmp/err"
check "the pool is unchanged" cmp -s "$pool" "$tmp/before"
expect 0 "the raw key still opens it" "$pc" check "$pool" --key-file "$tmp/k"

# --- rotated server keys: old bindings still unlock, new ones too
/usr/libexec/tangd-rotate-keys -d "$tmp/a" >/dev/null 2>&1
tang_start a
expect 0 "after tangd-rotate-keys the old binding unlocks" "$pc" check "$pool"
expect 0 "a binding made after the rotation" \
	"$pc" add-key "$pool" --clevis tang "$tang_a" -y
expect 0 "remove-key of the old binding, opened through clevis" \
	"$pc" remove-key "$pool" --key-file "$tmp/k" --slot 1
expect 0 "the new binding unlocks" "$pc" check "$pool"
expect 0 "remove-key of the last clevis slot" \
	"$pc" remove-key "$pool" --key-file "$tmp/k" --slot 2
check "clears the clevis feature flag in both copies" \
	test "$(hdr "$pool" incompat)" -eq 0 -a "$(hdr "$pool" incompat_b)" -eq 0
expect 2 "with no clevis slot left, no key option is refused" \
	"$pc" check "$pool"
check "saying the pool has no clevis slot" grep -q "no key slot of this pool takes a clevis" "$tmp/err"

# --- sss: a threshold of servers
sss() {
	echo "{\"t\":$1,\"pins\":{\"tang\":[{\"url\":\"$(tang_url a)\"},{\"url\":\"$(tang_url b)\"}]}}"
}
for t in 1 2; do
	expect 0 "create a pool for sss t=$t" \
		"$pc" create "$tmp/sss$t.pool" --size 8M --key-file "$tmp/k"
	expect 0 "add-key --clevis sss, t=$t of 2 servers" \
		"$pc" add-key "$tmp/sss$t.pool" --key-file "$tmp/k" \
		--clevis sss "$(sss $t)" -y
done
tang_stop b
expect 0 "sss t=1 unlocks with one of its two servers down" \
	"$pc" check "$tmp/sss1.pool"
expect 2 "sss t=2 stays locked with one of its two servers down" \
	"$pc" check "$tmp/sss2.pool"
tang_start b
expect 0 "sss t=2 unlocks with both servers up" "$pc" check "$tmp/sss2.pool"

# --- a TPM 2.0 (swtpm on 127.0.0.1), alone and in sss with Tang
if tpm_available; then
	tpm_start
	tp=$tmp/tpm.pool
	expect 0 "create a pool for the TPM" \
		"$pc" create "$tp" --size 8M --key-file "$tmp/k"
	expect 0 "add-key --clevis tpm2" \
		"$pc" add-key "$tp" --key-file "$tmp/k" --clevis tpm2 '{}'
	expect 0 "add-key --clevis sss of Tang and the TPM, t=2" \
		"$pc" add-key "$tp" --key-file "$tmp/k" --clevis sss \
		"{\"t\":2,\"pins\":{\"tang\":[{\"url\":\"$(tang_url a)\"}],\"tpm2\":{}}}" -y
	expect 0 "the TPM opens the pool with no key option" "$pc" check "$tp"
	expect 0 "remove-key of the tpm2 slot" \
		"$pc" remove-key "$tp" --key-file "$tmp/k" --slot 1
	expect 0 "sss of Tang and the TPM opens with both" "$pc" check "$tp"
	tang_stop a
	expect 2 "sss t=2 stays locked with the Tang pin missing" \
		"$pc" check "$tp"
	tang_start a
	expect 0 "add-key --clevis tpm2 again" \
		"$pc" add-key "$tp" --key-file "$tmp/k" --clevis tpm2 '{}'
	tpm_stop
	rm -rf "$tmp/tpm"
	tpm_start
	cp "$tp" "$tmp/before"
	expect 2 "a TPM with a fresh state opens nothing" "$pc" check "$tp"
	check "the error names the tpm2 slot" grep -q "slot 1 (tpm2" "$tmp/err"
	check "and the pool is unchanged" cmp -s "$tp" "$tmp/before"
	tpm_stop
else
	n=$((n + 1))
	echo "ok $n - the TPM cases # SKIP swtpm, tpm2-tools or clevis-tpm2 missing"
fi

# --- the media is hostile: a damaged token, a forged token length
off=$(( $(hdr "$tmp/sss1.pool" tokens_off) + 8192 + 10 ))
printf '\001' | dd of="$tmp/sss1.pool" bs=1 seek="$off" conv=notrunc 2>/dev/null
cp "$tmp/sss1.pool" "$tmp/before"
expect 2 "a damaged token is refused" "$pc" check "$tmp/sss1.pool"
check "as damaged, before clevis runs" grep -q "token is damaged" "$tmp/err"
check "and nothing changes" cmp -s "$tmp/sss1.pool" "$tmp/before"
expect 0 "the other slots still open the pool" \
	"$pc" check "$tmp/sss1.pool" --key-file "$tmp/k"
python3 - "$tmp/sss2.pool" <<'PY'
import hashlib, struct, sys
f = open(sys.argv[1], "r+b")
for base in (0, 4096):
    f.seek(base)
    h = bytearray(f.read(4096))
    struct.pack_into("<I", h, 512 + 256 + 20, 8193)  # slot 1 token_len
    h[4064:4096] = hashlib.sha256(h[:4064]).digest()
    f.seek(base)
    f.write(h)
PY
expect 3 "a token length past its region makes the header corrupt" \
	"$pc" check "$tmp/sss2.pool" --key-file "$tmp/k"

# --- bad options, no clevis
expect 1 "--trust without --clevis is a usage error" \
	"$pc" add-key "$pool" --key-file "$tmp/k" --new-key-file "$tmp/k" -y
expect 1 "--clevis without the configuration is a usage error" \
	"$pc" add-key "$pool" --key-file "$tmp/k" --clevis tang
expect 1 "change-key takes no --clevis" \
	"$pc" change-key "$pool" --key-file "$tmp/k" --clevis tang "$tang_a"
expect 1 "a pin that is not a name is refused" \
	"$pc" add-key "$pool" --key-file "$tmp/k" --clevis ../tang "$tang_a"
check "as such" grep -q "pin is 1 to 32" "$tmp/err"
cp "$pool" "$tmp/before"
expect 2 "a refusing clevis encrypt adds no slot" \
	"$pc" add-key "$pool" --key-file "$tmp/k" --clevis tang '{"url":' -y
check "the pool is unchanged" cmp -s "$pool" "$tmp/before"
expect 0 "bind once more" \
	"$pc" add-key "$pool" --key-file "$tmp/k" --clevis tang "$tang_a" -y
expect 2 "without the clevis program the slot cannot open" \
	env PATH=/nonexistent "$pc" check "$pool"
check "and the error says to install clevis" grep -q "install clevis" "$tmp/err"

echo "1..$n"
