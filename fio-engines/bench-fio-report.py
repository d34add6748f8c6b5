#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# bench-fio-report.py -- medians, tables and ratios of a bench-fio.sh run.
#
# usage: bench-fio-report.py RESULTS-DIR
# Reads RESULTS-DIR/json/r<round>-<bs>-<jobs>.json (fio --output-format=json
# of examples/compare.fio), machine.txt and, when present,
# json/r<round>-lib.txt (the library's own benchmark, bench_pool
# --write-4k).  Writes results.md (a ratio table and the
# full table), throughput.dat and latency.dat (for bench-fio.gp), and
# prints the table, 'ratio: <name> = <value>' lines and the targets.
#
# A ratio is variant / fio's libpmem engine, both measured in the same fio
# run on the same file; the figure reported is the median over the rounds
# of that per-round ratio (bandwidths and latencies: medians too).  The
# library comparison sets the engine's time per 4 KiB write against the
# library benchmark run at the start of the same round (json/r<k>-lib.txt).
# Python standard library only.

import glob
import json
import os
import re
import statistics
import sys

VARIANTS = ["libpmem", "plain", "aes256", "aes128"]
NAMES = {"libpmem": "fio libpmem", "plain": "encryption=0",
         "aes256": "aes-256-xts", "aes128": "aes-128-xts",
         "null": "fio null (fio's own time)"}
PATTERNS = ["seqread", "randread", "seqwrite", "randwrite"]
RW = {"seqread": "read", "randread": "randread", "seqwrite": "write",
      "randwrite": "randwrite"}
OFF_TARGET = 0.95      # encryption=0: median over the cases >= 0.95 x libpmem
CALL_TOLERANCE = 0.15  # engine's time per 4 KiB write within 15% of a call
SCALE_TARGET = 1.8     # aes-256-xts 4 KiB random writes: 2 jobs >= 1.8 x 1


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
    """{(bs, jobs, pattern, variant): {round: (bw, lat_mean, lat_p99)}},
    and the same with every repeat, in run order, as a list.

    Jobs of one name in one run are repeats (compare.fio runs the baseline
    pair as libpmem, plain, plain, libpmem): the one of highest bandwidth
    stands for them, as other work on the machine only slows a run down.
    The variant "null" is fio's null engine."""
    samples = {}
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
            samples.setdefault((bs, n, pattern, variant), {}).setdefault(
                rnd, []).append((side["bw_bytes"], side["lat_ns"]["mean"],
                                 pct.get("99.000000", float("nan"))))
    best = {key: {rnd: max(v) for rnd, v in by_round.items()}
            for key, by_round in samples.items()}
    return best, samples


def lib_rounds(out):
    """{round: (copy GB/s, pmemcrypt_write GB/s)} of the library benchmark
    (bench_pool --write-4k, run at the start of each round), the latter on
    units not in the view, as the engine's are."""
    rounds = {}
    for path in glob.glob(os.path.join(out, "json", "r*-lib.txt")):
        rnd = int(re.fullmatch(r"r(\d+)-lib\.txt",
                               os.path.basename(path)).group(1))
        with open(path) as f:
            text = f.read()
        copy = re.search(r"libpmem2 copy\+persist.*?([\d.]+) GB/s", text)
        # The engine's pool is never mapped: its units are not in the
        # view, and writing one copies nothing into it.  Older runs had
        # only the side with every unit in the view.
        write = (re.search(r"pmemcrypt_write, units not in the view"
                           r".*?([\d.]+) GB/s", text) or
                 re.search(r"pmemcrypt_write.*?([\d.]+) GB/s", text))
        if not (copy and write):
            die("%s: no 4 KiB write figures in it" % path)
        rounds[rnd] = (float(copy.group(1)), float(write.group(1)))
    return rounds


def library_comparison(runs, lib):
    """aes-256-xts 4 KiB random writes, 1 job, against the library
    benchmark of the same round: medians over the rounds, or None.

    fio's bandwidth counts fio's own work per I/O (the null engine's time,
    about as long as a 4 KiB libpmem write here) on both sides, which
    pulls its ratio towards 1.  A job's mean latency times the engine's
    call plus the part of fio's work inside the timed span, which is the
    null engine's mean latency: less that, it is the time per call that
    the library benchmark measures in a loop."""
    cell = ("4k", 1, "randwrite")
    if any(cell + (v,) not in runs for v in ("libpmem", "aes256", "null")):
        return None
    base, enc, null = (runs[cell + (v,)] for v in ("libpmem", "aes256",
                                                   "null"))
    per = []
    for k in sorted(set(lib) & set(base) & set(enc) & set(null)):
        copy, write = lib[k]                      # GB/s
        t_base = (base[k][1] - null[k][1]) / 1e3  # us
        t_enc = (enc[k][1] - null[k][1]) / 1e3
        per.append({
            "lib": write / copy,
            "bw": enc[k][0] / base[k][0],
            "time": t_base / t_enc,
            "t_base": t_base, "t_enc": t_enc,
            "t_copy": 4096 / copy / 1e3, "t_write": 4096 / write / 1e3,
            "t_fio": 4096 / null[k][0] * 1e6,
        })
    if not per:
        return None
    for x in per:
        x["time_vs_lib"] = x["time"] / x["lib"]
        x["bw_vs_lib"] = x["bw"] / x["lib"]
        x["enc_vs_call"] = x["t_enc"] / x["t_write"]
    med = {key: statistics.median(x[key] for x in per) for key in per[0]}
    med["range"] = (min(x["time_vs_lib"] for x in per),
                    max(x["time_vs_lib"] for x in per))
    return med


def scaling(runs, sizes, counts):
    """{(pattern, bs, variant): bandwidth with 2 jobs over 1 job}, the
    median over the rounds of the ratio of the same round's runs; empty
    unless both counts ran."""
    if 1 not in counts or 2 not in counts:
        return {}
    scale = {}
    for p in PATTERNS:
        for bs in sizes:
            for v in VARIANTS:
                one, two = runs[bs, 1, p, v], runs[bs, 2, p, v]
                scale[p, bs, v] = statistics.median(
                    two[k][0] / one[k][0] for k in one if k in two)
    return scale


def main():
    if len(sys.argv) != 2:
        die("usage: bench-fio-report.py RESULTS-DIR")
    out = sys.argv[1]
    runs, repeats = read_runs(out)
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
    # Control: libpmem against itself, its second run of a round over its
    # first.  How far that strays from 1 is what the machine's noise does
    # to a ratio of two equal things.
    ctl = []
    for c in cells:
        r = repeats[c[1], c[2], c[0], "libpmem"]
        if all(len(v) == 2 for v in r.values()):
            ctl.append((statistics.median(v[1][0] / v[0][0]
                                          for v in r.values()), c))
    lib = lib_rounds(out)
    cmp = library_comparison(runs, lib) if lib else None
    scale = scaling(runs, sizes, counts)

    # results.md
    md = ["# fio: the pmemcrypt engine against fio's libpmem engine", ""]
    md += ["- " + line for line in machine]
    md += ["", "Medians of %d rounds. A ratio is the pmemcrypt engine's "
           "figure over fio's libpmem engine's, both measured in the same "
           "fio run on the same file; bandwidth: higher is better, "
           "latency: lower is better (sync I/O, one I/O in flight per job). "
           "libpmem and encryption=0 run twice per round (libpmem, plain, "
           "plain, libpmem) and the faster run of each counts. Every job "
           "runs a ramp before its measured time, so that faulting the "
           "mapping in is not measured." % rounds, "",
           "## Bandwidth ratios (latency ratios) vs libpmem", "",
           "| rw | bs | jobs | libpmem MiB/s | encryption=0 | aes-256-xts "
           "| aes-128-xts |", "|---|---|---|---:|---:|---:|---:|"]
    for p, bs, n in cells:
        md.append("| %s | %s | %d | %.0f | " % (
            RW[p], bs, n, med[p, bs, n, "libpmem"][0] / 2**20) + " | ".join(
                "%.2f (%.2f)" % (bw_ratio[p, bs, n, v], lat_ratio[p, bs, n, v])
                for v in VARIANTS[1:]) + " |")
    # Target 1: the median over the cases, and no case below the lowest
    # case of fio's libpmem engine against itself (the run's own noise).
    floor = min(ctl)[0] if ctl else None
    off_holds = off_median >= OFF_TARGET and (
        floor is not None and off_min[0] >= floor)
    targets = ["encryption=0 vs fio's libpmem engine, median over the cases "
               ">= %.2f and no case below the lowest case of libpmem against "
               "itself: %s (median %.2f; lowest %.2f, %s %s %d job%s; "
               "libpmem against itself: lowest %s; %d of %d cases >= %.2f)" % (
                   OFF_TARGET, "HOLDS" if off_holds else "MISSED",
                   off_median, off_min[0], RW[off_min[1][0]], off_min[1][1],
                   off_min[1][2], "s" if off_min[1][2] > 1 else "",
                   "%.2f" % floor if floor is not None else "not measured",
                   len(off_ok), len(off), OFF_TARGET)]
    notes = []
    if ctl:
        low = min(ctl)
        notes.append(
            "control, fio's libpmem engine against itself (its second run "
            "of each round over its first): >= %.2f in %d of %d cases; "
            "lowest %.2f, %s %s %d job%s; median %.2f" % (
                OFF_TARGET, sum(x[0] >= OFF_TARGET for x in ctl), len(ctl),
                low[0], RW[low[1][0]], low[1][1], low[1][2],
                "s" if low[1][2] > 1 else "",
                statistics.median(x[0] for x in ctl)))
    if cmp:
        # Target 2: the engine's time per 4 KiB write against the time
        # per pmemcrypt_write() call in the library benchmark of the same
        # rounds.
        targets.append(
            "aes-256-xts 4 KiB random writes, 1 job: the engine's time per "
            "write within %.0f%% of pmemcrypt_write()'s time per call in the "
            "library benchmark of the same rounds: %s (%.2f us vs %.2f us, "
            "ratio %.2f)" % (
                CALL_TOLERANCE * 100,
                "HOLDS" if abs(cmp["enc_vs_call"] - 1) <= CALL_TOLERANCE
                else "MISSED", cmp["t_enc"], cmp["t_write"],
                cmp["enc_vs_call"]))
        notes.append(
            "the earlier form of this target compared ratios (fio's "
            "libpmem-over-engine time against the library's "
            "pmemcrypt_write-over-libpmem2): %.2f, %.2f-%.2f over the "
            "rounds" % (cmp["time_vs_lib"], cmp["range"][0],
                        cmp["range"][1]))
        notes.append(
            "time per write is a job's mean latency less fio's own (its "
            "null engine's, same run): %.2f us through the engine vs "
            "%.2f us per pmemcrypt_write() call in the library benchmark; "
            "%.2f us through libpmem vs %.2f us per libpmem2 copy"
            % (cmp["t_enc"], cmp["t_write"], cmp["t_base"], cmp["t_copy"]))
        notes.append(
            "the bandwidth ratio of these writes is %.2f (fio/library = "
            "%.2f): fio's own %.2f us per I/O is on both of its sides"
            % (cmp["bw"], cmp["bw_vs_lib"], cmp["t_fio"]))
    else:
        notes.append("no library benchmark or null-engine output: no "
                     "fio/library comparison")
    if scale:
        # Target 3: encrypted 4 KiB random writes scale with the jobs.
        key = ("randwrite", "4k", "aes256")
        if key in scale:
            targets.append(
                "aes-256-xts 4 KiB random writes, 2 jobs over 1 job >= %.1f: "
                "%s (%.2f; fio's libpmem engine %.2f)" % (
                    SCALE_TARGET,
                    "HOLDS" if scale[key] >= SCALE_TARGET else "MISSED",
                    scale[key], scale["randwrite", "4k", "libpmem"]))
        md += ["", "## Bandwidth with 2 jobs over 1 job", "",
               "Median over the rounds of the ratio of the same round's "
               "runs (this machine has 2 cores).", "",
               "| rw | bs | libpmem | encryption=0 | aes-256-xts "
               "| aes-128-xts |", "|---|---|---:|---:|---:|---:|"]
        for p in PATTERNS:
            for bs in sizes:
                md.append("| %s | %s | " % (RW[p], bs) + " | ".join(
                    "%.2f" % scale[p, bs, v] for v in VARIANTS) + " |")
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
        null = runs.get((bs, n, p, "null"))
        if null:
            bw, lat = (statistics.median(x[i] for x in null.values())
                       for i in range(2))
            md.append("| null-%s | %s | %s | %s | %d | %.0f | %.2f | - | - "
                      "| - |" % (p, NAMES["null"], RW[p], bs, n,
                                 bw / 2**20, lat / 1e3))
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
    for (p, bs, v), x in sorted(scale.items()):
        print("ratio: fio_%s_%s_2j_vs_1j_%s = %.2f" % (p, bs, v, x))
    print("ratio: fio_plain_vs_libpmem_min = %.2f" % off_min[0])
    print("ratio: fio_plain_vs_libpmem_median = %.2f" % off_median)
    if ctl:
        print("ratio: fio_libpmem_vs_itself_min = %.2f" % min(ctl)[0])
    if cmp:
        print("ratio: lib_persist_4k_pmemcrypt_vs_pmem2 = %.2f" % cmp["lib"])
        print("ratio: fio_time_4k_randwrite_aes256_vs_libpmem = %.2f"
              % cmp["time"])
        print("ratio: fio_vs_lib_4k_write_time = %.2f" % cmp["time_vs_lib"])
        print("ratio: fio_vs_lib_4k_write_bw = %.2f" % cmp["bw_vs_lib"])
        print("ratio: fio_engine_vs_lib_call_4k_write_time = %.2f"
              % cmp["enc_vs_call"])
    for t in targets:
        print("target: " + t)
    for t in notes:
        print("note: " + t)
    print("report: %s" % os.path.join(out, "results.md"))


main()
