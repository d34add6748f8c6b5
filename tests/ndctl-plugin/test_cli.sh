#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_cli.sh -- ndctl-crypt's command line: help, usage errors and exit
# codes, and remove-key on a key store in a temporary directory.  Needs no
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
for c in list create-key import-key remove-key; do
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
echo "1..$n"
exit $failed
