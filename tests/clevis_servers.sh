# SPDX-License-Identifier: BSD-3-Clause
# clevis_servers.sh -- sourced by the clevis tests: Tang servers (tangd
# behind socat, as its systemd socket runs it) and a TPM 2.0 (swtpm), on
# 127.0.0.1 only, each for the time of a test.
#
# Needs $tmp (a work folder the test removes).  clevis_servers_missing
# prints what is not installed.  tang_start NAME starts a server with its
# own keys in $tmp/NAME (again on the same port after tang_stop NAME);
# tang_url NAME is its URL.  tpm_start starts a TPM with its state in
# $tmp/tpm and points TPM2TOOLS_TCTI at it (tpm_stop; remove $tmp/tpm for
# a fresh TPM).  clevis_servers_stop ends them all (for the EXIT trap).
# shellcheck shell=bash

declare -A clevis_pid clevis_port

clevis_servers_missing() {
	local prog
	for prog in clevis socat curl /usr/libexec/tangd \
		/usr/libexec/tangd-keygen; do
		command -v "$prog" >/dev/null || echo "$prog"
	done
}

clevis_free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

tang_start() {
	local name=$1
	if [ ! -d "$tmp/$name" ]; then
		mkdir "$tmp/$name"
		/usr/libexec/tangd-keygen "$tmp/$name" >/dev/null 2>&1
	fi
	[ -n "${clevis_port[$name]:-}" ] || clevis_port[$name]=$(clevis_free_port)
	socat "TCP-LISTEN:${clevis_port[$name]},bind=127.0.0.1,reuseaddr,fork" \
		EXEC:"/usr/libexec/tangd $tmp/$name" 2>/dev/null &
	clevis_pid[$name]=$!
	for _ in $(seq 50); do
		curl -sf "$(tang_url "$name")/adv" >/dev/null && return
		sleep 0.1
	done
	echo "# tang server $name did not start"
}

tang_stop() {
	kill "${clevis_pid[$1]}" 2>/dev/null || true
	wait "${clevis_pid[$1]}" 2>/dev/null || true
	unset "clevis_pid[$1]"
}

tang_url() { echo "http://127.0.0.1:${clevis_port[$1]}"; }

# Whether the TPM cases can run: swtpm, tpm2-tools and clevis's tpm2 pin.
tpm_available() {
	command -v swtpm >/dev/null && command -v tpm2_getcap >/dev/null &&
		command -v clevis-encrypt-tpm2 >/dev/null
}

tpm_start() {
	[ -n "${clevis_port[tpm]:-}" ] || clevis_port[tpm]=$(clevis_free_port)
	export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=${clevis_port[tpm]}"
	mkdir -p "$tmp/tpm"
	swtpm socket --tpm2 --tpmstate dir="$tmp/tpm" \
		--server type=tcp,port="${clevis_port[tpm]}",bindaddr=127.0.0.1 \
		--ctrl type=tcp,port=$((clevis_port[tpm] + 1)),bindaddr=127.0.0.1 \
		--flags not-need-init,startup-clear 2>/dev/null &
	clevis_pid[tpm]=$!
	for _ in $(seq 50); do
		tpm2_getcap properties-fixed >/dev/null 2>&1 && return
		sleep 0.1
	done
	echo "# swtpm did not start"
}

tpm_stop() { tang_stop tpm; }

clevis_servers_stop() {
	local p
	for p in "${clevis_pid[@]}"; do kill "$p" 2>/dev/null || true; done
}
