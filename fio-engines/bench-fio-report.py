#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# bench-fio-report.py -- medians, tables and ratios of a bench-fio.sh run.
#
# usage: bench-fio-report.py RESULTS-DIR
# Reads RESULTS-DIR/json/r<round>-<bs>-<jobs>.json (fio --output-format=json
# of examples/compare.fio), machine.txt and, when present, bench_pool.txt
# (the library's own benchmark).  Writes results.md (a ratio table and the
# full table), throughput.dat and latency.dat (for bench-fio.gp), and
# prints the table, 'ratio: <name> = <value>' lines and the targets.
#
# A ratio is variant / fio's libpmem engine, both measured in the same fio
# run on the same file; the figure reported is the median over the rounds
# of that per-round ratio (bandwidths and latencies: medians too).
# Python standard library only.

import glob
import json
import os
import re
import statistics
import sys

VARIANTS = ["libpmem", "plain", "aes256", "aes128"]
NAMES = {"libpmem": "fio libpmem", "plain": "encryption=0",
         "aes256": "aes-256-xts", "aes128": "aes-128-xts"}
PATTERNS = ["seqread", "randread", "seqwrite", "randwrite"]
RW = {"seqread": "read", "randread": "randread", "seqwrite": "write",
      "randwrite": "randwrite"}
OFF_TARGET = 0.95      # encryption=0 >= 0.95 x libpmem
LIB_TOLERANCE = 0.10   # encrypted ratio within 10% of the library's


def die(msg):
    sys.exit("bench-fio-report: " + msg)


def bs_bytes(bs):
    m = re.fullmatch(r"(\d+)([kmg]?)", bs.lower())
    if not m:
        die("block size %r: expected e.g. 4k, 64k, 2m" % bs)
    return int(m.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[m.group(2)]


def load(path):
    """fio's JSON output (fio may print warnings before it)."""
    with open(path) as f:
        text = f.read()
    start = text.find("{")
    if start < 0:
        die("%s: no JSON in fio's output" % path)
    return json.loads(text[start:])


def read_runs(out):
    """{(bs, jobs, pattern, variant): [(bw, lat_mean, lat_p99) per round]}"""
    runs = {}
    files = glob.glob(os.path.join(out, "json", "r*-*-*.json"))
    if not files:
        die("no fio results in %s/json" % out)
    for path in sorted(files):
        m = re.fullmatch(r"r(\d+)-([^-]+)-(\d+)\.json",
                         os.path.basename(path))
        if not m:
            continue
        rnd, bs, n = int(m.group(1)), m.group(2), int(m.group(3))
        for job in load(path)["jobs"]:
            variant, pattern = job["jobname"].split("-", 1)
            if pattern == "fill":
                continue
            if job["error"]:
                die("job %s (bs=%s, %d jobs, round %d) failed: error %d"
                    % (job["jobname"], bs, n, rnd, job["error"]))
            side = job["read" if "read" in pattern else "write"]
            pct = side["clat_ns"].get("percentile", {})
            runs.setdefault((bs, n, pattern, variant), {})[rnd] = (
                side["bw_bytes"], side["lat_ns"]["mean"],
                pct.get("99.000000", float("nan")))
    return runs


def lib_ratio(out):
    """The library benchmark's (a) ratio and its two bandwidths, or None."""
    path = os.path.join(out, "bench_pool.txt")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read()
    ratio = re.search(r"ratio: persist_4k_pmemcrypt_vs_pmem2 = ([\d.]+)",
                      text)
    copy = re.search(r"libpmem2 copy\+persist.*?([\d.]+) GB/s", text)
    write = re.search(r"pmemcrypt_write.*?([\d.]+) GB/s", text)
    if not (ratio and copy and write):
        die("%s: no 4 KiB write figures in it" % path)
    # Its ratio line has two decimals: recompute it from the bandwidths.
    copy, write = float(copy.group(1)), float(write.group(1))
    return write / copy, copy, write


def main():
    if len(sys.argv) != 2:
        die("usage: bench-fio-report.py RESULTS-DIR")
    out = sys.argv[1]
    runs = read_runs(out)
    sizes = sorted({k[0] for k in runs}, key=bs_bytes)
    counts = sorted({k[1] for k in runs})
    cells = [(p, bs, n) for p in PATTERNS for bs in sizes for n in counts]

    # Per cell and variant: medians, and per-round ratios to libpmem.
    med, bw_ratio, lat_ratio, spread = {}, {}, {}, {}
    for p, bs, n in cells:
        base = runs.get((bs, n, p, "libpmem"))
        if not base:
            die("no libpmem result for %s bs=%s %d jobs" % (p, bs, n))
        for v in VARIANTS:
            r = runs.get((bs, n, p, v))
            if not r or sorted(r) != sorted(base):
                die("%s-%s bs=%s %d jobs: not in every round" % (v, p, bs, n))
            med[p, bs, n, v] = tuple(
                statistics.median(x[i] for x in r.values()) for i in range(3))
            bws = [r[k][0] / base[k][0] for k in r]
            bw_ratio[p, bs, n, v] = statistics.median(bws)
            spread[p, bs, n, v] = (min(bws), max(bws))
            lat_ratio[p, bs, n, v] = statistics.median(
                r[k][1] / base[k][1] for k in r)
    rounds = len(next(iter(runs.values())))
    with open(os.path.join(out, "machine.txt")) as f:
        machine = [line.rstrip("\n") for line in f]

    def cell_name(p, bs, n):
        return "fio_%s_%s_%dj" % (p, bs, n)

    # The targets.
    off = [(bw_ratio[c + ("plain",)], c) for c in cells]
    off_ok = [x for x in off if x[0] >= OFF_TARGET]
    off_min = min(off)
    off_median = statistics.median(x[0] for x in off)
    lib = lib_ratio(out)
    match = ("randwrite", "4k", 1)
    fio_vs_lib = None
    if lib and match in cells:
        fio_enc = bw_ratio[match + ("aes256",)]
        fio_vs_lib = fio_enc / lib[0]
        fio_gbs = med[match + ("aes256",)][0] / 1e9
        lib_gbs = lib[2]
        # What encryption adds to one 4 KiB write, in microseconds: fio's
        # own per-I/O work is on both sides and cancels out.
        base, enc = (runs["4k", 1, "randwrite", v]
                     for v in ("libpmem", "aes256"))
        fio_add = statistics.median(
            4096 / enc[k][0] - 4096 / base[k][0] for k in base) * 1e6
        lib_add = (4096 / (lib[2] * 1e9) - 4096 / (lib[1] * 1e9)) * 1e6

    # results.md
    md = ["# fio: the pmemcrypt engine against fio's libpmem engine", ""]
    md += ["- " + line for line in machine]
    md += ["", "Medians of %d rounds. A ratio is the pmemcrypt engine's "
           "figure over fio's libpmem engine's, both measured in the same "
           "fio run on the same file; bandwidth: higher is better, "
           "latency: lower is better (sync I/O, one I/O in flight per job)."
           % rounds, "",
           "## Bandwidth ratios (latency ratios) vs libpmem", "",
           "| rw | bs | jobs | libpmem MiB/s | encryption=0 | aes-256-xts "
           "| aes-128-xts |", "|---|---|---|---:|---:|---:|---:|"]
    for p, bs, n in cells:
        md.append("| %s | %s | %d | %.0f | " % (
            RW[p], bs, n, med[p, bs, n, "libpmem"][0] / 2**20) + " | ".join(
                "%.2f (%.2f)" % (bw_ratio[p, bs, n, v], lat_ratio[p, bs, n, v])
                for v in VARIANTS[1:]) + " |")
    targets = ["encryption=0 >= %.2f x libpmem: %s (met in %d of %d "
               "cases; lowest %.2f, %s %s %d job%s; median %.2f)" % (
                   OFF_TARGET, "HOLDS" if len(off_ok) == len(off) else
                   "MISSED", len(off_ok), len(off), off_min[0],
                   RW[off_min[1][0]], off_min[1][1], off_min[1][2],
                   "s" if off_min[1][2] > 1 else "", off_median)]
    notes = []
    if fio_vs_lib is not None:
        targets.append(
            "aes-256-xts 4 KiB random writes, 1 job, within %.0f%% of the "
            "library benchmark: %s (fio ratio %.2f, library ratio %.2f "
            "for pmemcrypt_write vs libpmem2 copy+persist: fio/library = "
            "%.2f)" % (LIB_TOLERANCE * 100,
                       "HOLDS" if abs(fio_vs_lib - 1) <= LIB_TOLERANCE
                       else "MISSED", bw_ratio[match + ("aes256",)], lib[0],
                       fio_vs_lib))
        notes.append(
            "the same writes: %.2f GB/s through fio and the engine, "
            "%.2f GB/s from pmemcrypt_write() in a loop (library benchmark)"
            % (fio_gbs, lib_gbs))
        notes.append(
            "time encryption adds to a 4 KiB write: %.2f us through fio, "
            "%.2f us in the library benchmark (fio/library = %.2f; fio's "
            "own per-I/O time, on both sides of the fio ratio, dilutes "
            "that ratio but cancels out here)"
            % (fio_add, lib_add, fio_add / lib_add))
    else:
        notes.append("no library benchmark output: no fio/library ratio")
    md += ["", "## Targets", ""] + ["- " + t for t in targets + notes]
    md += ["", "## All runs", "",
           "| job | engine | rw | bs | jobs | MiB/s | mean lat us "
           "| p99 lat us | bw ratio (min-max) | lat ratio |",
           "|---|---|---|---|---|---:|---:|---:|---:|---:|"]
    for p, bs, n in cells:
        for v in VARIANTS:
            bw, lat, p99 = med[p, bs, n, v]
            lo, hi = spread[p, bs, n, v]
            md.append("| %s-%s | %s | %s | %s | %d | %.0f | %.2f | %.2f | "
                      "%.2f (%.2f-%.2f) | %.2f |" % (
                          v, p, NAMES[v], RW[p], bs, n, bw / 2**20,
                          lat / 1e3, p99 / 1e3, bw_ratio[p, bs, n, v], lo,
                          hi, lat_ratio[p, bs, n, v]))
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")

    # Plot data: one row per case, one column per pmemcrypt variant.
    for name, table in (("throughput", bw_ratio), ("latency", lat_ratio)):
        with open(os.path.join(out, name + ".dat"), "w") as f:
            f.write("# case encryption=0 aes-256-xts aes-128-xts\n")
            for p, bs, n in cells:
                f.write('"%s %s %dj" ' % (RW[p], bs, n) + " ".join(
                    "%.4f" % table[p, bs, n, v] for v in VARIANTS[1:]) + "\n")

    # Standard output.
    print("%-10s %-5s %-4s %10s %9s %9s %9s  (bandwidth, ratio to libpmem)"
          % ("rw", "bs", "jobs", "libpmem", "off", "aes256", "aes128"))
    for p, bs, n in cells:
        print("%-10s %-5s %-4d %5.2f GB/s" % (
            RW[p], bs, n, med[p, bs, n, "libpmem"][0] / 1e9) + "".join(
                " %9.2f" % bw_ratio[p, bs, n, v] for v in VARIANTS[1:]))
    for p, bs, n in cells:
        for v in VARIANTS[1:]:
            print("ratio: %s_%s_vs_libpmem = %.2f"
                  % (cell_name(p, bs, n), v, bw_ratio[p, bs, n, v]))
        print("ratio: %s_aes256_vs_plain = %.2f" % (
            cell_name(p, bs, n), statistics.median(
                runs[bs, n, p, "aes256"][k][0] / runs[bs, n, p, "plain"][k][0]
                for k in runs[bs, n, p, "plain"])))
    print("ratio: fio_plain_vs_libpmem_min = %.2f" % off_min[0])
    print("ratio: fio_plain_vs_libpmem_median = %.2f" % off_median)
    if lib:
        print("ratio: lib_persist_4k_pmemcrypt_vs_pmem2 = %.2f" % lib[0])
    if fio_vs_lib is not None:
        print("ratio: fio_vs_lib_4k_write = %.2f" % fio_vs_lib)
        print("ratio: fio_engine_vs_lib_4k_write_gbs = %.2f"
              % (fio_gbs / lib_gbs))
        print("ratio: fio_vs_lib_4k_write_added_time = %.2f"
              % (fio_add / lib_add))
    for t in targets:
        print("target: " + t)
    for t in notes:
        print("note: " + t)
    print("report: %s" % os.path.join(out, "results.md"))


main()
