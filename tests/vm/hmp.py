#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# hmp.py -- send HMP commands to a QEMU monitor socket, print the replies.
#
# usage: hmp.py SOCKET COMMAND...
# Each reply is printed after a line "=== COMMAND"; the pseudo-command
# "sleep:N" waits N seconds.
import socket
import sys
import time


def main():
    """Connect (retrying while QEMU starts), run each command in turn."""
    path, cmds = sys.argv[1], sys.argv[2:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(50):
        try:
            sock.connect(path)
            break
        except OSError:
            time.sleep(0.2)
    else:
        sys.exit("hmp.py: cannot connect to " + path)
    sock.settimeout(20)
    buf = b""

    def until_prompt():
        nonlocal buf
        while b"(qemu)" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        out, buf = buf, b""
        return out.decode(errors="replace")

    until_prompt()
    for cmd in cmds:
        print("=== " + cmd, flush=True)
        if cmd.startswith("sleep:"):
            time.sleep(float(cmd[6:]))
            continue
        sock.sendall(cmd.encode() + b"\n")
        if cmd == "quit":
            # wait for QEMU to close the connection
            try:
                while sock.recv(4096):
                    pass
            except OSError:
                pass
            break
        print(until_prompt(), flush=True)


main()
