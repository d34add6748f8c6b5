#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# pfn_sb.py -- read and rewrite the pfn/dax info block of a namespace in an
# NVDIMM backing file, as Linux 6.1 lays it out (drivers/nvdimm/pfn.h).
#
# usage: pfn_sb.py IMG OFFSET verify          exit 0 if the checksum holds
#        pfn_sb.py IMG OFFSET get FIELD...    print the fields, one a line
#        pfn_sb.py IMG OFFSET set FIELD=V...  rewrite fields (V decimal or
#                                             0x hex), then the checksum
# OFFSET: where the info block starts in IMG (namespace offset + 4096).
# The checksum is nd_fletcher64() over the 4 KiB block with its checksum
# field zero.  A file a running QEMU maps (share=on) sees the write at once.
import struct
import sys

SB_SIZE = 4096
# name: (offset, struct format)
FIELDS = {
    "signature": (0, "16s"),
    "flags": (48, "<I"),
    "version_major": (52, "<H"),
    "version_minor": (54, "<H"),
    "dataoff": (56, "<Q"),
    "npfns": (64, "<Q"),
    "mode": (72, "<I"),
    "start_pad": (76, "<I"),
    "end_trunc": (80, "<I"),
    "align": (84, "<I"),
    "page_size": (88, "<I"),
    "page_struct_size": (92, "<H"),
    "checksum": (SB_SIZE - 8, "<Q"),
}


def fletcher64(block):
    """nd_fletcher64(block, len, le=1)"""
    lo, hi = 0, 0
    for (word,) in struct.iter_unpack("<I", block):
        lo = (lo + word) & 0xFFFFFFFF
        hi += lo
    return ((hi << 32) | lo) & 0xFFFFFFFFFFFFFFFF


def checksum(block):
    off = FIELDS["checksum"][0]
    return fletcher64(block[:off] + bytes(8) + block[off + 8:])


def get(block, name):
    off, fmt = FIELDS[name]
    return struct.unpack_from(fmt, block, off)[0]


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: pfn_sb.py IMG OFFSET verify | get FIELD... | "
                 "set FIELD=VALUE...")
    img, offset, cmd = argv[1], int(argv[2], 0), argv[3]
    with open(img, "r+b") as f:
        f.seek(offset)
        block = bytearray(f.read(SB_SIZE))
        if len(block) != SB_SIZE:
            sys.exit("pfn_sb.py: %s is too short" % img)
        if cmd == "verify":
            sys.exit(0 if checksum(block) == get(block, "checksum") else 1)
        if cmd == "get":
            for name in argv[4:]:
                value = get(block, name)
                print(value.rstrip(b"\0").decode() if name == "signature"
                      else value)
            return
        if cmd != "set":
            sys.exit("pfn_sb.py: unknown command %s" % cmd)
        for arg in argv[4:]:
            name, value = arg.split("=", 1)
            off, fmt = FIELDS[name]
            struct.pack_into(fmt, block, off, int(value, 0))
        struct.pack_into("<Q", block, FIELDS["checksum"][0], checksum(block))
        f.seek(offset)
        f.write(block)
        f.flush()


if __name__ == "__main__":
    main(sys.argv)
