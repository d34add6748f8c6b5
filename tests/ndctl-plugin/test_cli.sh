#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_cli.sh -- ndctl-crypt's command line: help, usage errors and exit
# codes, remove-key and load-keys on a key store in a temporary directory.  Needs no
# NVDIMM: namespaces that do not exist are part of what is tested.
set -u

here=$(cd "$(dirname "$0")" && pwd)
tool=$here/../../ndctl-plugin/ndctl-crypt
store=$(mktemp -d /tmp/ndctl-crypt-cli.XXXXXX)
trap 'rm -rf "$store"' EXIT
export NDCTL_CRYPT_STORE=$store/crypt
uuid=5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b

n=0 failed=0
# check WANT_RC DESCRIPTION COMMAND...: runs the command, compares its exit code.
check() {
	local want=$1 what=$2 rc
	shift 2
	n=$((n + 1))
	"$@" >"$store/out" 2>"$store/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what (exit $rc, want $want)"
		sed 's/^/# /' "$store/out" "$store/err"
		failed=1
	fi
}
# grep_out PATTERN DESCRIPTION: the last command's output matches.
grep_out() {
	n=$((n + 1))
	if grep -qE -- "$1" "$store/out" "$store/err"; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

check 0 "--help" "$tool" --help
grep_out "create-key" "--help lists the commands"
check 2 "no command" "$tool"
check 2 "unknown command" "$tool" frobnicate
grep_out "unknown command 'frobnicate'" "unknown command is named"
for c in list create-key import-key remove-key enable-namespace \
	disable-namespace load-keys rotate-key erase; do
	check 0 "$c --help" "$tool" "$c" --help
done
check 0 "help create-key" "$tool" help create-key
grep_out "^usage: ndctl-crypt create-key" "help shows the command's usage"
check 2 "bad namespace argument" "$tool" create-key pmem0
grep_out "'pmem0' is not a namespace" "the bad argument is named"
check 3 "missing namespace" "$tool" create-key namespace99.99
grep_out "no namespace namespace99.99" "the missing namespace is named"
check 2 "import-key without --key-file" "$tool" import-key namespace0.0
check 2 "unknown algorithm" "$tool" create-key -a aes-xts-512 namespace0.0
check 2 "bad master handle" "$tool" create-key -m logon:x namespace0.0
check 5 "remove-key without a sealed key" "$tool" remove-key $uuid
mkdir -p "$NDCTL_CRYPT_STORE"
echo "default user:pmemcrypt-master 64 00" >"$NDCTL_CRYPT_STORE/$uuid.blob"
check 0 "remove-key of a deleted namespace's key (by UUID)" \
	"$tool" remove-key "${uuid^^}"
n=$((n + 1))
if [ -e "$NDCTL_CRYPT_STORE/$uuid.blob" ]; then
	echo "not ok $n - the blob is gone"
	failed=1
else
	echo "ok $n - the blob is gone"
fi
check 0 "list" "$tool" list
for c in enable-namespace disable-namespace; do
	check 2 "$c without a namespace" "$tool" $c
	grep_out "$c takes one namespace" "$c: the missing argument is named"
	check 2 "$c with two namespaces" "$tool" $c namespace0.0 namespace0.1
	check 2 "$c with an unknown option" "$tool" $c --frob namespace0.0
	check 2 "$c with a bad namespace argument" "$tool" $c pmem0
	grep_out "'pmem0' is not a namespace" "$c: the bad argument is named"
	check 3 "$c of a missing namespace" "$tool" $c namespace99.99
	check 3 "$c of a missing UUID" "$tool" $c $uuid
done
check 0 "help enable-namespace" "$tool" help enable-namespace
grep_out "^usage: ndctl-crypt enable-namespace" "help shows its usage"
check 0 "--help lists the new commands" "$tool" --help
grep_out "load-keys" "--help lists load-keys"
check 2 "load-keys with a namespace" "$tool" load-keys namespace0.0
grep_out "load-keys takes no namespace" "load-keys: the extra argument is named"
check 2 "load-keys with an unknown option" "$tool" load-keys -x
# rotate-key: usage errors come before anything is looked at
check 0 "--help lists rotate-key" "$tool" --help
grep_out "rotate-key +re-encrypt a namespace" "--help lists rotate-key"
check 0 "help rotate-key" "$tool" help rotate-key
grep_out "^usage: ndctl-crypt rotate-key" "help rotate-key shows its usage"
grep_out "--no-progress" "rotate-key --help names --no-progress"
check 2 "rotate-key without a namespace" "$tool" rotate-key
grep_out "rotate-key takes one namespace" "rotate-key: the missing argument is named"
check 2 "rotate-key with two namespaces" "$tool" rotate-key namespace0.0 namespace0.1
check 2 "rotate-key with an unknown option" "$tool" rotate-key --frob namespace0.0
check 2 "rotate-key --import without a file" "$tool" rotate-key namespace0.0 --import
check 2 "rotate-key --import with --algorithm" \
	"$tool" rotate-key --import /dev/null -a aes-xts-128 namespace0.0
grep_out "takes the algorithm from the key's size" "rotate-key: the conflict is named"
check 2 "rotate-key with an unknown algorithm" \
	"$tool" rotate-key -a aes-xts-512 namespace0.0
grep_out "unknown algorithm 'aes-xts-512'" "rotate-key: the algorithm is named"
check 2 "rotate-key with a bad master handle" \
	"$tool" rotate-key -m logon:x namespace0.0
check 2 "rotate-key with a bad namespace argument" "$tool" rotate-key pmem0
# erase: usage errors come before anything is looked at or asked
check 0 "--help lists erase" "$tool" --help
grep_out "erase +destroy a namespace's key" "--help lists erase"
check 2 "erase without a namespace" "$tool" erase
grep_out "erase takes one namespace" "erase: the missing argument is named"
check 2 "erase --import with --algorithm" \
	"$tool" erase --import /dev/null -a aes-xts-128 namespace0.0
grep_out "takes the algorithm from the key's size" "erase: the conflict is named"
check 2 "erase with an unknown algorithm" "$tool" erase -a aes-xts-512 namespace0.0
check 2 "erase with an unknown --map" "$tool" erase -M ram namespace0.0
grep_out "unknown --map 'ram'" "erase: the map is named"
check 2 "erase with a bad master handle" "$tool" erase -m logon:x namespace0.0
check 2 "erase with a bad namespace argument" "$tool" erase pmem0
grep_out "'pmem0' is not a namespace" "rotate-key: the bad argument is named"
check 3 "rotate-key of a missing namespace" "$tool" rotate-key namespace99.99
check 3 "rotate-key of a missing UUID" "$tool" rotate-key --no-progress $uuid
# the new key of a rotation is not a key of its own for load-keys
mkdir -p "$NDCTL_CRYPT_STORE"
echo "default user:pmemcrypt-master 64 00" >"$NDCTL_CRYPT_STORE/$uuid.next.blob"
check 0 "load-keys: a new key's blob alone is not a stored key" "$tool" load-keys
grep_out "0 stored keys without a namespace" "load-keys does not count it"
check 5 "remove-key: a new key's blob alone is no sealed key" \
	"$tool" remove-key $uuid
rm -rf "$NDCTL_CRYPT_STORE"
check 0 "load-keys without a store: nothing to do" "$tool" load-keys
grep_out "0 enabled with their keys" "load-keys prints its summary"
mkdir -p "$NDCTL_CRYPT_STORE"
echo "default user:pmemcrypt-master 64 00" >"$NDCTL_CRYPT_STORE/$uuid.blob"
check 0 "load-keys skips a key whose namespace is absent" "$tool" load-keys
grep_out "$uuid.blob has no namespace on this machine" \
	"load-keys names the key without a namespace"
grep_out "1 stored keys without a namespace" "load-keys counts it"
# a store others can write, or another user owns, is not trusted
chmod 777 "$NDCTL_CRYPT_STORE"
check 1 "load-keys with a store others can write" "$tool" load-keys
grep_out "cannot read the key store $NDCTL_CRYPT_STORE: $NDCTL_CRYPT_STORE has mode 0777: group or others may write to it; run 'chmod 700 $NDCTL_CRYPT_STORE'" \
	"load-keys names the store, its mode and the fix"
check 0 "list with a store others can write" "$tool" list
grep_out "warning: not trusting the key store: .*mode 0777" "list says it does not trust the store"
chmod 700 "$NDCTL_CRYPT_STORE"
if chown 65534 "$NDCTL_CRYPT_STORE" 2>/dev/null && [ "$(id -u)" != 65534 ]; then
	check 1 "load-keys with a store another user owns" "$tool" load-keys
	grep_out "$NDCTL_CRYPT_STORE is owned by uid 65534, neither root nor you" \
		"load-keys names the store's owner"
	chown "$(id -u)" "$NDCTL_CRYPT_STORE"
else
	n=$((n + 2))
	echo "ok $((n - 1)) - load-keys with a store another user owns # SKIP not root"
	echo "ok $n - load-keys names the store's owner # SKIP not root"
fi
check 0 "load-keys once the store is safe again" "$tool" load-keys
rm -rf "$NDCTL_CRYPT_STORE"
echo not-a-directory >"$NDCTL_CRYPT_STORE"
check 1 "load-keys with an unreadable store" "$tool" load-keys
grep_out "cannot read the key store" "load-keys names the store"
rm -f "$NDCTL_CRYPT_STORE"

# the boot units: systemd accepts them; the early one runs load-keys
# without clevis before local-fs-pre.target, the other after the network
unit=$here/../../ndctl-plugin/ndctl-crypt-load-keys.service
netunit=$here/../../ndctl-plugin/ndctl-crypt-load-keys-network.service
check 0 "the boot unit runs load-keys --no-clevis before local-fs-pre.target" sh -c \
	"grep -q '^ExecStart=.*/ndctl-crypt load-keys --no-clevis\$' '$unit' &&
	 grep -q '^Before=local-fs-pre.target' '$unit' &&
	 grep -q '^DefaultDependencies=no' '$unit'"
check 0 "the network unit runs load-keys after network-online.target" sh -c \
	"grep -q '^ExecStart=.*/ndctl-crypt load-keys\$' '$netunit' &&
	 grep -q '^After=network-online.target' '$netunit' &&
	 grep -q '^Before=remote-fs-pre.target' '$netunit'"
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$store/unit"
	for u in "$unit" "$netunit"; do
		sed "s|^ExecStart=[^ ]*|ExecStart=$tool|" "$u" \
			>"$store/unit/${u##*/}"
		check 0 "systemd-analyze verify ${u##*/}: no complaint" sh -c \
			"systemd-analyze verify --man=no '$store/unit/${u##*/}' 2>&1 | tee /dev/stderr | grep -q . && exit 1 || exit 0"
	done
else
	n=$((n + 1))
	echo "ok $n - systemd-analyze verify # SKIP no systemd-analyze here"
fi
echo "1..$n"
exit $failed
