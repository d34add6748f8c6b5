#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""crash_mapcli.py -- drive PMDK's mapcli example on an encrypted object
pool, SIGKILL it at random points, reopen and check that every
acknowledged insert and remove holds.

usage: crash_mapcli.py MAPCLI KIND POOL ROUNDS SEED
An operation is acknowledged when mapcli has answered the lookup that
follows it ("i K" then "c K" answered 1; "r K" then "c K" answered 0).
Then the listing ("p") must agree (except for rtree, whose traversal
misses keys with libpmemobj itself).  Exit 0 when every round held; the
reason is printed otherwise.
"""
import random
import select
import subprocess
import sys
import time

mapcli, kind, pool, rounds, seed = sys.argv[1:6]
rng = random.Random(int(seed))
present, absent = set(), set()


class Fail(Exception):
    pass


def start():
    return subprocess.Popen(["stdbuf", "-oL", mapcli, kind, pool, "1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0)


def answer(p):
    """The next answer of a lookup."""
    line = b""
    while True:
        r, _, _ = select.select([p.stdout], [], [], 60)
        if not r:
            raise Fail("mapcli did not answer within 60 s")
        c = p.stdout.read(1)
        if not c:
            err = p.stderr.read().decode(errors="replace").strip()
            raise Fail("mapcli ended (%s): %s" % (p.poll(), err))
        if c != b"\n":
            line += c
            continue
        if line not in (b"0", b"1"):
            # recovery messages ("count dirty, ..."), the seed
            line = b""
            continue
        return line.decode()


def ask(p, cmds, check):
    p.stdin.write(("".join(c + "\n" for c in cmds) + "c %d\n" % check)
                  .encode())
    return answer(p)


def verify(p):
    for k in sorted(present):
        if ask(p, [], k) != "1":
            raise Fail("acknowledged key %d is lost" % k)
    for k in sorted(absent):
        if ask(p, [], k) != "0":
            raise Fail("acknowledged removal of %d is undone" % k)


def work(p):
    for _ in range(rng.randint(10, 80)):
        if present and rng.random() < 0.3:
            k = rng.choice(sorted(present))
            if ask(p, ["r %d" % k], k) != "0":
                raise Fail("key %d still there after removal" % k)
            present.discard(k)
            absent.add(k)
        else:
            k = rng.getrandbits(62) + 1
            if ask(p, ["i %d" % k], k) != "1":
                raise Fail("key %d missing after insert" % k)
            present.add(k)
            absent.discard(k)
    # operations in flight when the process is killed: either outcome
    inflight = []
    for _ in range(rng.randint(1, 40)):
        if present and rng.random() < 0.3:
            k = rng.choice(sorted(present))
            p.stdin.write(b"r %d\n" % k)
        else:
            k = rng.getrandbits(62) + 1
            p.stdin.write(b"i %d\n" % k)
        inflight.append(k)
    # random inserts keep it busy: the kill lands inside an operation
    p.stdin.write(b"n %d\n" % rng.randint(100, 2000))
    time.sleep(rng.uniform(0, 0.05))
    p.kill()
    p.wait()
    for k in inflight:
        present.discard(k)
        absent.discard(k)


try:
    for r in range(int(rounds)):
        p = start()
        try:
            verify(p)
            work(p)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    p = start()
    verify(p)
    p.stdin.write(b"p\nq\n")
    out, err = p.communicate(timeout=120)
    if p.returncode != 0:
        raise Fail("final run failed: %s" % err.decode(errors="replace"))
    listed = set(int(x) for x in out.split() if x.isdigit())
    # rtree's own traversal skips keys, with libpmemobj as well
    if kind != "rtree" and (not present <= listed or listed & absent):
        raise Fail("the listing disagrees with the lookups: %d missing "
                   "(%s), %d removed ones listed (%s)" %
                   (len(present - listed), sorted(present - listed)[:3],
                    len(listed & absent), sorted(listed & absent)[:3]))
except Fail as e:
    print("%s: %s" % (kind, e))
    sys.exit(1)
print("%s: %d rounds, %d keys present, %d removed" %
      (kind, int(rounds), len(present), len(absent)))
