#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_clevis.sh -- ndctl-crypt's master keys bound through clevis, on the
# host: bind-master, load-keys putting the key back into the user keyring
# from a Tang server (started here on 127.0.0.1) or a TPM (swtpm), a
# server down, rotated server keys, sss, unbind-master, refusals.  The
# namespaces that such a key seals are tested in the emulated machine.
# Prints TAP.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/../.." && pwd)
tool=$build/ndctl-plugin/ndctl-crypt
# shellcheck source=tests/clevis_servers.sh
. "$build/tests/clevis_servers.sh"
missing=$(clevis_servers_missing)
if [ -n "$missing" ]; then
	echo "1..0 # SKIP missing: $missing (make deps installs them)"
	exit 0
fi
if ! command -v keyctl >/dev/null ||
	! keyctl add user "pmemcrypt-probe-$$" x @u >/dev/null 2>&1; then
	echo "1..0 # SKIP no user keyring here"
	exit 0
fi
keyctl purge user "pmemcrypt-probe-$$" >/dev/null 2>&1

tmp=$(mktemp -d /tmp/ndctl-crypt-clevis.XXXXXX)
desc="pmemcrypt-test-master-$$"
master="user:$desc"
cleanup() {
	clevis_servers_stop
	keyctl purge user "$desc" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
export NDCTL_CRYPT_STORE=$tmp/store
jwe=$NDCTL_CRYPT_STORE/$desc.master.jwe

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
	sed 's/^/#   /' "$tmp/out" "$tmp/err" 2>/dev/null | head -n 12
	failed=1
}
# expect CODE DESC COMMAND...: stdout in $tmp/out, stderr in $tmp/err
expect() {
	local want=$1 d=$2 rc
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$d"; else not_ok "$d (exit $rc, want $want)"; fi
}
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# The master key's payload, hashed (never printed), or "none".
key_hash() {
	local id
	id=$(keyctl search @u user "$desc" 2>/dev/null) || { echo none; return; }
	keyctl pipe "$id" | sha256sum | cut -d' ' -f1
}
unload() { keyctl purge user "$desc" >/dev/null 2>&1; }

tang_start a
tang_start b
head -c 32 /dev/urandom | keyctl padd user "$desc" @u >/dev/null
want=$(key_hash)
tang_a="{\"url\":\"$(tang_url a)\"}"

# --- binding
expect 0 "help lists bind-master" "$tool" --help
check "with unbind-master" grep -q "unbind-master" "$tmp/out"
expect 2 "bind-master needs a pin and a configuration" \
	"$tool" bind-master tang -m "$master"
expect 2 "a trusted master key is refused" \
	"$tool" bind-master tang "$tang_a" -m trusted:kmk
check "saying the TPM seals it already" grep -q "sealed by the TPM" "$tmp/err"
expect 5 "a master key that is not loaded cannot be bound" \
	"$tool" bind-master tang "$tang_a" -m user:pmemcrypt-no-such-master
expect 0 "bind-master tang" "$tool" bind-master tang "$tang_a" -y -m "$master"
check "the JWE is in the store, mode 0600" \
	test "$(stat -c %a "$jwe" 2>/dev/null)" = 600
expect 4 "a second binding needs -f" \
	"$tool" bind-master tang "$tang_a" -y -m "$master"
expect 0 "-f replaces it" "$tool" bind-master tang "$tang_a" -y -f -m "$master"

# --- load-keys puts the key back
unload
expect 0 "load-keys unseals the master key" "$tool" load-keys
check "which is back in the user keyring, the same" test "$(key_hash)" = "$want"
check "and says so" grep -q "unsealed through clevis" "$tmp/err"
expect 0 "load-keys with the key loaded leaves it" "$tool" load-keys
unload
expect 0 "load-keys --no-clevis does not unseal it" "$tool" load-keys --no-clevis
check "the key stays out of the keyring" test "$(key_hash)" = none

# --- the server down, then its keys rotated
tang_stop a
expect 5 "with the server down load-keys fails" "$tool" load-keys
check "naming the server" grep -q "$(tang_url a)" "$tmp/err"
check "and counting the master key in its summary" \
	grep -q "1 master keys bound through clevis not unsealed" "$tmp/err"
check "no key was added" test "$(key_hash)" = none
/usr/libexec/tangd-rotate-keys -d "$tmp/a" >/dev/null 2>&1
tang_start a
expect 0 "after tangd-rotate-keys the old binding unseals" "$tool" load-keys
check "the same key" test "$(key_hash)" = "$want"

# --- sss: one of two servers is enough with t=1, not with t=2
sss() {
	echo "{\"t\":$1,\"pins\":{\"tang\":[{\"url\":\"$(tang_url a)\"},{\"url\":\"$(tang_url b)\"}]}}"
}
expect 0 "bind-master sss t=1 of two servers" \
	"$tool" bind-master sss "$(sss 1)" -y -f -m "$master"
tang_stop b
unload
expect 0 "sss t=1 unseals with one server down" "$tool" load-keys
check "the same key" test "$(key_hash)" = "$want"
tang_start b
expect 0 "bind-master sss t=2" "$tool" bind-master sss "$(sss 2)" -y -f -m "$master"
tang_stop b
unload
expect 5 "sss t=2 fails with one server down" "$tool" load-keys
tang_start b

# --- the TPM
if tpm_available; then
	tpm_start
	head -c 32 /dev/urandom | keyctl padd user "$desc" @u >/dev/null
	want=$(key_hash)
	expect 0 "bind-master tpm2" "$tool" bind-master tpm2 '{}' -f -m "$master"
	unload
	expect 0 "the TPM unseals it" "$tool" load-keys
	check "the same key" test "$(key_hash)" = "$want"
	tpm_stop
	rm -rf "$tmp/tpm"
	tpm_start
	unload
	expect 5 "a TPM with a fresh state does not" "$tool" load-keys
	check "no key was added" test "$(key_hash)" = none
	tpm_stop
else
	ok "the TPM cases # SKIP swtpm, tpm2-tools or clevis-tpm2 missing"
fi

# --- the store is checked; unbind
chmod 666 "$jwe"
expect 5 "a JWE others may write to is refused" "$tool" load-keys
check "with the fix" grep -q "chmod" "$tmp/err"
chmod 600 "$jwe"
expect 0 "unbind-master" "$tool" unbind-master -m "$master"
check "removes the JWE" test ! -e "$jwe"
expect 5 "unbind-master of an unbound key" "$tool" unbind-master -m "$master"
expect 0 "load-keys with nothing bound" "$tool" load-keys

echo "1..$n"
exit $failed
