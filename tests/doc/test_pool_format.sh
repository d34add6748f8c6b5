#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_pool_format.sh -- doc/pool-format.md read as a second implementation
# would: pools made by 'pmemcrypt create' are parsed with the offsets of
# the spec alone and must keep its geometry rules and its units_per_tx
# (against 'pmemcrypt info'), and redo records written from the spec
# (Fletcher-64 from zero over the head and entries) must be replayed,
# ignored or refused at open as it says.  Prints TAP.
#
# usage: test_pool_format.sh BUILD-DIR
set -u

build=$(cd "${1:?usage: test_pool_format.sh BUILD-DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
pc=$build/tools/pmemcrypt/pmemcrypt
[ -x "$pc" ] || { echo "# $pc is missing"; exit 1; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 77; }
tmp=$(mktemp -d /tmp/pmemcrypt-format.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
umask 077
head -c 32 /dev/urandom >"$tmp/key"

# pools: software ones of several shapes, and a hardware one on a fake
# sysfs that binds the device holding $tmp (as tests/tools/test_cli.sh)
"$pc" create "$tmp/sw8" --size 8M --key-file "$tmp/key" --engine software \
	--no-progress >/dev/null 2>"$tmp/err" &&
"$pc" create "$tmp/sw3" --size 8M --lanes 3 --tx-units 40 \
	--key-file "$tmp/key" --engine software --no-progress >/dev/null 2>>"$tmp/err" &&
"$pc" create "$tmp/sw64" --size 64M --lanes 7 --cipher aes-128-xts \
	--key-file "$tmp/key" --engine software --no-progress >/dev/null 2>>"$tmp/err" || {
	echo "not ok 1 - pmemcrypt create"
	sed 's/^/# /' "$tmp/err"
	exit 1
}
hwsys=$tmp/sys
. "$top/tests/fake_sysfs.sh"
fake_mktme_sysfs "$hwsys" "$tmp" format-test-key
PMEMCRYPT_SYSFS_ROOT=$hwsys "$pc" create "$tmp/hw" --size 8M --lanes 4 \
	--engine hardware --key-file "$tmp/key" --no-progress >/dev/null 2>>"$tmp/err"
for p in sw8 sw3 sw64 hw; do
	[ -e "$tmp/$p" ] && "$pc" info "$tmp/$p" >"$tmp/$p.json" 2>>"$tmp/err"
done

python3 - "$tmp" "$pc" "$top/doc/man/pmemcrypt-info.1.md" <<'PY'
import hashlib, json, os, re, struct, subprocess, sys

tmp, pc, info_page = sys.argv[1:]
n = 0
failed = False

def check(desc, cond, why=""):
    global n, failed
    n += 1
    if cond:
        print(f"ok {n} - {desc}")
    else:
        failed = True
        print(f"not ok {n} - {desc}" + (f": {why}" if why else ""))

def header(path, copy=0):
    """The header fields at the offsets of the spec's table."""
    raw = open(path, "rb").read(8192)[copy * 4096:(copy + 1) * 4096]
    f = dict(zip(
        ("major", "minor", "generation"), struct.unpack_from("<IIQ", raw, 8)))
    f["magic"] = raw[0:8]
    f["uuid"] = raw[24:40]
    (f["file_size"], f["unit_size"], f["cipher"], f["units"], f["blocks"],
     f["lanes_off"], f["lanes"], f["lane_size"], f["map_off"], f["data_off"],
     f["incompat"], f["compat"]) = struct.unpack_from("<QIIQQQIIQQII", raw, 40)
    (f["tokens_off"],) = struct.unpack_from("<Q", raw, 128)
    f["raw"] = raw
    return f

def uuid(b):
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

def ru(x, a):
    return (x + a - 1) // a * a

def common(name, h, j):
    check(f"{name}: magic and SHA-256 checksum of bytes 0..4063 at 4064",
          h["magic"] == b"PMEMCRYP" and
          hashlib.sha256(h["raw"][:4064]).digest() == h["raw"][4064:])
    check(f"{name}: copy B holds the same header",
          header(f"{tmp}/{name}", 1)["raw"] == h["raw"])
    check(f"{name}: info agrees with the fields at the spec's offsets",
          j["version"] == f"{h['major']}.{h['minor']}" and
          j["uuid"] == uuid(h["uuid"]) and j["units"] == h["units"] and
          j["blocks"] == h["blocks"] and j["lanes"] == h["lanes"] and
          j["file_size"] == h["file_size"] and
          j["generation"] == h["generation"] and
          j["size"] == 4096 * h["units"] and
          j["cipher"] == {1: "aes-256-xts", 2: "aes-128-xts"}[h["cipher"]])
    r = h["raw"]
    check(f"{name}: reserved header bytes are zero in a new pool",
          r[124:128] == bytes(4) and r[136:512] == bytes(376) and
          r[2560:4032] == bytes(1472) and
          all(r[512 + 256 * i + 20:512 + 256 * i + 24] == bytes(4) and
              r[512 + 256 * i + 192:512 + 256 * i + 256] == bytes(64)
              for i in range(8)))
    check(f"{name}: file size", os.path.getsize(f"{tmp}/{name}") >= h["file_size"])
    check(f"{name}: rule 1, lanes_off, map_off",
          h["unit_size"] == 4096 and h["units"] >= 1 and h["lanes"] >= 1 and
          h["lane_size"] % 4096 == 0 and h["lanes_off"] == 8192 and
          h["map_off"] == 8192 + h["lanes"] * h["lane_size"])
    meta_end = h["map_off"] + (0 if h["incompat"] & 1 else 8 * h["units"])
    check(f"{name}: the token area: aligned, past the map, before the data",
          h["tokens_off"] % 4096 == 0 and h["tokens_off"] >= meta_end and
          h["tokens_off"] + 65536 <= h["data_off"])

# --- software pools: geometry and units_per_tx
for name, t in (("sw8", 1020), ("sw3", 40), ("sw64", 1020)):
    h, j = header(f"{tmp}/{name}"), json.load(open(f"{tmp}/{name}.json"))
    common(name, h, j)
    u, L = h["units"], h["lanes"]
    check(f"{name}: minor 0, no flags",
          (h["major"], h["minor"], h["incompat"], h["compat"]) == (1, 0, 0, 0))
    check(f"{name}: units + lanes < blocks <= 2^48 - 1",
          u + L < h["blocks"] <= 2**48 - 1)
    check(f"{name}: data_off >= map_off + 8 units, a multiple of 4096; file_size",
          h["data_off"] >= h["map_off"] + 8 * u and h["data_off"] % 4096 == 0
          and h["file_size"] >= h["data_off"] + 4096 * h["blocks"])
    upt = min((h["lane_size"] - 64) // 16, h["blocks"] - u - L)
    check(f"{name}: units_per_tx = min((lane_size - 64) / 16, blocks - units - lanes)",
          j["units_per_tx"] == upt, f"{j['units_per_tx']} vs {upt}")
    per_tx = min(t, max(16, u // 8))
    check(f"{name}: the layout libpmemcrypt chose (informative)",
          h["lane_size"] == ru(64 + 16 * per_tx, 4096) and
          h["blocks"] == u + per_tx + L and upt == per_tx and
          h["tokens_off"] == ru(h["map_off"] + 8 * u, 4096) and
          h["data_off"] == h["tokens_off"] + 65536 and
          h["file_size"] == h["data_off"] + 4096 * h["blocks"])
h = header(f"{tmp}/sw8")
got = (h["units"], h["lane_size"], h["map_off"], h["tokens_off"],
       h["data_off"], h["blocks"], h["file_size"])
check("the spec's example: 16 lanes in 8 MiB",
      got == (1773, 4096, 73728, 90112, 155648, 2010, 8 << 20), str(got))

# pmemcrypt-info(1)'s example is a pool of 16 lanes in 8 MiB
example = json.loads(re.search(r"\n(    \{\n.*?\n    \})\n",
                               open(info_page).read(), re.S).group(1))
j = json.load(open(f"{tmp}/sw8.json"))
keys = ("size", "file_size", "units", "blocks", "lanes", "units_per_tx")
check("pmemcrypt-info(1)'s example has the geometry of such a pool",
      all(example[k] == j[k] for k in keys),
      ", ".join(f"{k} {example[k]} vs {j[k]}" for k in keys if example[k] != j[k]))

# --- the hardware pool
if os.path.exists(f"{tmp}/hw.json"):
    h, j = header(f"{tmp}/hw"), json.load(open(f"{tmp}/hw.json"))
    common("hw", h, j)
    check("hw: minor 1, incompatible flag 1",
          (h["major"], h["minor"], h["incompat"], h["compat"]) == (1, 1, 1, 0))
    check("hw: blocks = units, lane_size >= 64 + 4160",
          h["blocks"] == h["units"] and h["lane_size"] >= 64 + 4160)
    check("hw: data_off >= map_off, a multiple of 4096; file_size",
          h["data_off"] >= h["map_off"] and h["data_off"] % 4096 == 0 and
          h["file_size"] >= h["data_off"] + 4096 * h["units"])
    check("hw: units_per_tx = (lane_size - 64) / 4160",
          j["units_per_tx"] == (h["lane_size"] - 64) // 4160)
else:
    check("hw: a hardware pool on the fake sysfs", False, "not created")

# --- redo records written from the spec, in sw8
pool = f"{tmp}/sw8"
h = header(pool)

def fletcher(data, lo=0, hi=0):
    for (w,) in struct.iter_unpack("<I", data):
        lo = (lo + w) % 2**32
        hi = (hi + lo) % 2**32
    return hi << 32 | lo

def record(seq, kind, entries, count=None, start=(0, 0), extra=b""):
    count = len(entries) if count is None else count
    body = b"".join(struct.pack("<QQ", a, b) for a, b in entries)
    head = struct.pack("<QII", seq, count, kind) + bytes(48)
    covered = (head + body + extra)[:64 + 16 * count]
    s = fletcher(covered, *start)
    return head[:16] + struct.pack("<Q", s) + head[24:] + body

def lane(i):
    return h["lanes_off"] + i * h["lane_size"]

def pwrite(off, data):
    with open(pool, "r+b") as f:
        f.seek(off)
        f.write(data)

def pread(off, n_):
    with open(pool, "rb") as f:
        f.seek(off)
        return f.read(n_)

def mapent(u):
    return struct.unpack("<Q", pread(h["map_off"] + 8 * u, 8))[0]

def pool_open():
    """Opens the pool (replaying its logs) and reads a byte of it."""
    return subprocess.run([pc, "dump", pool, "--key-file", f"{tmp}/key",
                           "--length", "1"], capture_output=True, text=True)

def digest():
    return hashlib.sha256(open(pool, "rb").read()).digest()

# a committed map record in lane 2 is replayed, then emptied
pwrite(lane(2), record(7, 0, [(5, 101), (6, 102)]))
r = pool_open()
check("a map record from the spec is replayed (Fletcher-64 from lo = hi = 0)",
      r.returncode == 0 and (mapent(5), mapent(6)) == (101, 102),
      f"exit {r.returncode}, map {mapent(5)} {mapent(6)} {r.stderr.strip()}")
check("... and emptied: sequence number 0",
      pread(lane(2), 8) == bytes(8))

# records that are not committed are ignored and left as they are
for desc, rec in (
        ("checksum from lo = hi = 1", record(9, 0, [(7, 103)], start=(1, 1))),
        ("unknown kind 2", record(9, 2, [(7, 103)])),
        ("count 0", record(9, 0, [], count=0)),
        ("a count that overflows the lane",
         record(9, 0, [(7, 103)], count=(h["lane_size"] - 64) // 16 + 1,
                extra=bytes(h["lane_size"])))):
    pwrite(lane(3), bytes(h["lane_size"]))
    pwrite(lane(3), rec)
    r = pool_open()
    check(f"a record with {desc} is ignored and left",
          r.returncode == 0 and mapent(7) == 0 and pread(lane(3), len(rec)) == rec,
          f"exit {r.returncode}, map {mapent(7)} {r.stderr.strip()}")
pwrite(lane(3), bytes(h["lane_size"]))

# a sector record on the unit's block is replayed to data_off + 4096 pba +
# 1024 sector, its sector at 64 + round_up(16 count, 64)
sector = os.urandom(1024)
pwrite(lane(0), record(3, 1, [(5, 100 * 4 + 1)]) + bytes(48) + sector)
r = pool_open()
check("a sector record from the spec is copied into its block",
      r.returncode == 0 and
      pread(h["data_off"] + 4096 * 100 + 1024, 1024) == sector and
      pread(lane(0), 8) == bytes(8), f"exit {r.returncode} {r.stderr.strip()}")

# a sector record whose unit's map entry does not name its block: corrupt,
# the open refused, the file unchanged
pwrite(lane(0), record(4, 1, [(5, 200 * 4 + 1)]) + bytes(48) + sector)
before = digest()
r = pool_open()
check("a sector record on a block its unit's map entry does not name: refused",
      r.returncode == 3 and "redo record" in r.stderr,
      f"exit {r.returncode} {r.stderr.strip()}")
check("... and the file is left as it was", digest() == before)

print(f"1..{n}")
sys.exit(1 if failed else 0)
PY
