#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# build.sh -- build Debian's Linux 6.1 with the pmemcrypt patch series.
#
# usage: kernel/build.sh [-k N] [--each] [--checkpatch]
#
#   (default)     apply every patch of kernel/patches/series, build bzImage
#                 and print its path as the last line of stdout
#   -k N          use only the first N patches of the series (0 = plain 6.1)
#   --each        build every prefix of the series (each patch must build)
#                 and run checkpatch on every patch; the last line printed
#                 is the bzImage of the whole series
#   --checkpatch  only run scripts/checkpatch.pl --strict on every patch
#
# The tree, object directory and results live in ${PMEMCRYPT_CACHE:-
# /var/cache/pmemcrypt}: linux-src/ (a git repository of the unpacked
# linux-source-6.1 tarball, patches become commits), linux-obj/ (make O=,
# kept between builds so that a changed patch rebuilds only what it touches)
# and kernel-<hash>/ (bzImage, .config, build log) named by the hash of every
# input.  An unchanged re-run only hashes the inputs.  JOBS (default 2) sets
# make -j; KERNEL_PATCHES names another folder of patches and series.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${PMEMCRYPT_CACHE:-/var/cache/pmemcrypt}
tarball=/usr/src/linux-source-6.1.tar.xz
fragment=$here/config/pmemcrypt.config
patchdir=${KERNEL_PATCHES:-$here/patches}
series=$patchdir/series
jobs=${JOBS:-2}
src=$cache/linux-src
obj=$cache/linux-obj

die() {
	echo "kernel/build.sh: $*" >&2
	exit 1
}
log() { echo "kernel/build.sh: $*" >&2; }

limit=""
mode=build
while [ $# -gt 0 ]; do
	case $1 in
	-k) limit=$2; shift 2 ;;
	--each) mode=each; shift ;;
	--checkpatch) mode=checkpatch; shift ;;
	-h | --help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done

[ -r "$tarball" ] ||
	die "$tarball missing: install linux-source-6.1 ('make deps')"
for tool in gcc make bc bison flex git perl xz; do
	command -v $tool >/dev/null || die "'$tool' missing: run 'make deps'"
done
[ -e /usr/include/libelf.h ] || die "libelf-dev missing: run 'make deps'"
[ -e /usr/include/openssl/ssl.h ] || die "libssl-dev missing: run 'make deps'"

mapfile -t patches < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$series")
for p in "${patches[@]}"; do
	[ -r "$patchdir/$p" ] || die "series names missing patch '$p'"
done
[ -z "$limit" ] || [ "$limit" -le ${#patches[@]} ] ||
	die "-k $limit: the series has only ${#patches[@]} patches"

mkdir -p "$cache"
exec 9>"$cache/linux.lock"
flock 9

# Identifies the base source: package version and tarball size and time.
tar_id=$(stat -c '%s %Y' "$tarball")
tar_id="$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) $tar_id"

# Hash of everything that decides the bzImage of the first $1 patches.
inputs_hash() {
	{
		echo "$tar_id"
		gcc --version | head -1
		cat "$here/build.sh" "$fragment"
		local i
		# the code of each patch: its message and number change no binary
		for ((i = 0; i < $1; i++)); do
			echo "patch $i"
			sed -n '/^diff --git /,$p' "$patchdir/${patches[i]}"
		done
	} | sha256sum | cut -c1-16
}

# Unpacks the tarball into a git repository once (tag 'base').
prepare_source() {
	if [ -e "$src/.git/pmemcrypt-base" ] &&
		[ "$(cat "$src/.git/pmemcrypt-base")" = "$tar_id" ]; then
		return
	fi
	log "unpacking $tarball (once, about a minute)"
	rm -rf "$src" "$obj"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	git -C "$src" init -q
	git -C "$src" config user.name "pmemcrypt build"
	git -C "$src" config user.email "build@pmemcrypt.invalid"
	git -C "$src" config gc.auto 0
	git -C "$src" add -A -f .
	git -C "$src" commit -q -m "linux-source-6.1 $tar_id"
	git -C "$src" tag -f base >/dev/null
	echo "$tar_id" >"$src/.git/pmemcrypt-base"
}

# Turns the first $1 patches into commits on top of 'base', without touching
# the work tree; prints the commit.
series_commit() {
	local n=$1 head i p idx
	head=$(git -C "$src" rev-parse base)
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$src" read-tree "$head"
	for ((i = 0; i < n; i++)); do
		p=$patchdir/${patches[i]}
		GIT_INDEX_FILE=$idx git -C "$src" apply --cached \
			--whitespace=nowarn "$p" ||
			{ rm -f "$idx"; die "patch ${patches[i]} does not apply"; }
		head=$(sed -n -e '/^Subject: /{s/^Subject: \(\[PATCH[^]]*\] \)\{0,1\}//p;q}' "$p" |
			GIT_INDEX_FILE=$idx git -C "$src" commit-tree \
				"$(GIT_INDEX_FILE=$idx git -C "$src" write-tree)" \
				-p "$head")
	done
	rm -f "$idx"
	echo "$head"
}

# Writes the wanted .config into $obj, replacing it only if it changed so
# that Kbuild rebuilds only what a changed option touches.  With $1 = prefix,
# options the series adds later may be undefined yet.
make_config() {
	local cfgdir=$cache/linux-config missing="" line sym partial=$1
	rm -rf "$cfgdir"
	mkdir -p "$cfgdir" "$obj"
	make -s -C "$src" O="$cfgdir" tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$cfgdir" \
		"$cfgdir/.config" "$fragment" >/dev/null
	make -s -C "$src" O="$cfgdir" olddefconfig >/dev/null
	while read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*}
			if [ "$partial" = prefix ] &&
				! grep -rqx --include='Kconfig*' "config ${sym#CONFIG_}" \
					"$src"; then
				continue
			fi
			grep -qxF "$line" "$cfgdir/.config" ||
				missing="$missing $sym" ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			! grep -q "^$sym=" "$cfgdir/.config" ||
				missing="$missing $sym(unset)" ;;
		esac
	done <"$fragment"
	[ -z "$missing" ] ||
		die "config fragment options lost by Kconfig (unmet dependencies):$missing"
	if ! cmp -s "$cfgdir/.config" "$obj/.config"; then
		cp "$cfgdir/.config" "$obj/.config"
	fi
	rm -rf "$cfgdir"
}

# Builds bzImage for the first $1 patches unless cached; prints its path.
build_prefix() {
	local n=$1 hash out commit start tmp
	hash=$(inputs_hash "$n")
	out=$cache/kernel-$hash
	if [ -e "$out/bzImage" ]; then
		echo "$out/bzImage"
		return
	fi
	prepare_source
	commit=$(series_commit "$n")
	git -C "$src" checkout -q -f --detach "$commit"
	git -C "$src" clean -q -fdx
	if [ "$n" -lt ${#patches[@]} ]; then make_config prefix; else make_config full; fi
	log "building $n/${#patches[@]} patches (commit ${commit:0:12}) with -j$jobs"
	start=$(date +%s)
	rm -rf "$cache"/.kernel-*	# logs of earlier failed builds
	tmp=$(mktemp -d "$cache/.kernel-$hash.XXXXXX")
	if ! make -C "$src" O="$obj" -j"$jobs" bzImage >"$tmp/build.log" 2>&1; then
		grep -E 'error|Error' "$tmp/build.log" | head -20 >&2
		die "build failed with ${patches[n - 1]:-no patches} (log: $tmp/build.log)"
	fi
	cp "$obj/arch/x86/boot/bzImage" "$obj/.config" "$obj/System.map" "$tmp/"
	printf '%s\n' "${patches[@]:0:n}" >"$tmp/series"
	git -C "$src" log --oneline "base..$commit" >"$tmp/commits"
	rm -rf "$out"
	mv "$tmp" "$out"
	chmod 755 "$out"
	log "built in $(($(date +%s) - start)) s: $out"
	echo "$out/bzImage"
}

# Runs checkpatch --strict on every patch; returns 1 if one has an ERROR.
run_checkpatch() {
	local p outp rc=0 total
	prepare_source
	for p in "${patches[@]}"; do
		outp=$("$src/scripts/checkpatch.pl" --strict --no-tree --terse \
			--show-types "$patchdir/$p" 2>&1 || true)
		# --terse prints nothing at all for a clean patch
		total=$(echo "$outp" | grep -E '^total:' ||
			echo "total: 0 errors, 0 warnings, 0 checks")
		printf '  checkpatch %-60s %s\n' "$p" "$total" >&2
		echo "$outp" | grep -vE '^(total:|$|NOTE:|.*has style problems|.*has no obvious)' |
			sed 's/^/      /' >&2 || true
		echo "$total" | grep -q '^total: 0 errors' || rc=1
	done
	return $rc
}

case $mode in
build)
	build_prefix "${limit:-${#patches[@]}}"
	;;
checkpatch)
	run_checkpatch
	;;
each)
	rc=0
	for ((k = 0; k <= ${#patches[@]}; k++)); do
		path=$(build_prefix "$k")
		name="(plain 6.1)"
		[ "$k" -eq 0 ] || name=${patches[k - 1]}
		printf '  build %2d %-60s ok\n' "$k" "$name" >&2
	done
	run_checkpatch || rc=1
	[ $rc -eq 0 ] || die "checkpatch reported errors"
	echo "$path"
	;;
esac
