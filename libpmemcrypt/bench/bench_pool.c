// SPDX-License-Identifier: BSD-3-Clause
/*
 * bench_pool.c -- libpmemcrypt against the libraries a user would pick for
 * the same job, every side on the same file, with the same persistence
 * (cache-line flushes), in one run of alternating rounds:
 *
 * (a) atomic 4 KiB writes at random units: the libpmem2 copy (the limit,
 *     not atomic), the cipher+copy bound, libpmemblk, libpmemobj 4 KiB
 *     transactions, pmemcrypt_write (on units in the view, and on units
 *     not in it, as an application that never maps the pool has them), a
 *     view store + pmemcrypt_persist, and pmemcrypt_write on the hardware
 *     engine forced on a plain file;
 * (b) transactions of 64 B to 1 KiB: libpmemobj, libpmemobj with records
 *     encrypted by the application (AES-256-GCM, OpenSSL), libpmemcrypt
 *     on both engines;
 * (c) open of a 1 GiB pool and of the largest the file system allows;
 * (d) first touch of an opened pool, sequential and random, against the
 *     cipher's decryption of 4 KiB units;
 * (e) (a) and (b) with 2 threads on disjoint ranges against 1 thread;
 * (f) the view's workloads with a view budget of a quarter of the pool.
 *
 * usage: bench_pool [--write-4k | --only LETTERS] [--quick] [--out DIR]
 *                   [PATH]
 * --write-4k: only the libpmem2 copy and the two pmemcrypt_write sides of
 * (a), which bench-fio.sh sets against the fio engine in each of its
 * rounds (the engine's units are not in the view).
 * --only: only these sections ("d", "cf"; a, b and e share their runs).
 * --budget is --only f.  --quick: small sizes and one round (a check
 * that every side runs, not a measurement).  --out DIR: write raw.tsv
 * (every run), results.md and targets.dat (for bench-pool.gp) into DIR.
 */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <gcrypt.h>

#include "libpmemcrypt.h"

#include "bench.h"
#include "report.h"

#define ROUNDS_MAX 9
#define NTHREADS 2

static struct {
	const char *path;
	uint64_t data;	  /* (a), (b), (d), (f) */
	uint64_t open;	  /* (c) */
	uint64_t largest; /* (c) */
	/* Operations of a run: of 4 KiB, transactions (about 0.5 s on one
	 * thread; a third of that left 2 threads over 1 at 1.79 in one run
	 * and 2.01 in the next). */
	uint64_t n4k, ntx;
	int rounds;
	FILE *raw;
} g = {NULL, 256ull << 20, 1ull << 30, 0, 200000, 300000, 5, NULL};

/* The sides of (a) and (b), each run with 1 and NTHREADS threads. */
static const struct bench_side *const sides_a[] = {
	&side_pmem2_copy,	&side_xts_copy,	   &side_blk_write,
	&side_obj_tx4k,		&side_pc_write,	   &side_pc_write_absent,
	&side_pc_store_persist, &side_pc_hw_write,
};
static const struct bench_side *const sides_b[] = {
	&side_obj_tx_small,
	&side_obj_gcm_small,
	&side_pc_tx_small,
	&side_pc_hw_tx_small,
};
#define NA (sizeof(sides_a) / sizeof(sides_a[0]))
#define NB (sizeof(sides_b) / sizeof(sides_b[0]))
#define NS (NA + NB)

/* v[side][threads == NTHREADS][round] */
static double v[NS][2][ROUNDS_MAX];

static const struct bench_side *side_at(size_t i)
{
	return i < NA ? sides_a[i] : sides_b[i - NA];
}

static size_t side_index(const struct bench_side *s)
{
	for (size_t i = 0; i < NS; i++)
		if (side_at(i) == s)
			return i;
	bench_die("side", "not in the run");
}

static double med_of(const double *x, int n)
{
	double c[ROUNDS_MAX];

	memcpy(c, x, sizeof(*x) * (size_t)n);
	return bench_median(c, n);
}

static double min_of(const double *x, int n)
{
	double m = x[0];

	for (int i = 1; i < n; i++)
		m = x[i] < m ? x[i] : m;
	return m;
}

static double max_of(const double *x, int n)
{
	double m = x[0];

	for (int i = 1; i < n; i++)
		m = x[i] > m ? x[i] : m;
	return m;
}

/* A figure from per-round values: median and range. */
static void figure(const char *label, const char *unit, const double *x, int n)
{
	rep_figure(label, unit, med_of(x, n), min_of(x, n), max_of(x, n));
}

/* Median over the rounds of a/b, each round's pair measured together. */
static double ratio_of(const double *a, const double *b, int n)
{
	double r[ROUNDS_MAX];

	for (int i = 0; i < n; i++)
		r[i] = a[i] / b[i];
	return bench_median(r, n);
}

static double side_ratio(const struct bench_side *a, const struct bench_side *b,
			 int two)
{
	return ratio_of(v[side_index(a)][two], v[side_index(b)][two], g.rounds);
}

static double ratio_line(const char *name, const struct bench_side *a,
			 const struct bench_side *b)
{
	double r = side_ratio(a, b, 0);

	rep_ratio(name, r);
	return r;
}

static void run_sides(void)
{
	for (int r = 0; r < g.rounds; r++)
		for (size_t i = 0; i < NS; i++)
			for (int two = 0; two < 2; two++) {
				const struct bench_side *s = side_at(i);
				int n = two ? NTHREADS : 1;

				v[i][two][r] = bench_run(s, g.path, g.data, n,
							 s->tx ? g.ntx : g.n4k);
				rep_raw(g.raw, i < NA ? "a" : "b", s->id, n, r,
					v[i][two][r], s->tx ? "tx/s" : "GB/s");
			}
}

static void report_ab(void)
{
	double r;

	rep_section("(a) atomic 4 KiB writes, random units, 1 thread");
	for (size_t i = 0; i < NA; i++)
		figure(sides_a[i]->label, "GB/s", v[i][0], g.rounds);
	rep_section("(b) transactions of 64 B to 1 KiB, random offsets, "
		    "1 thread");
	for (size_t i = NA; i < NS; i++)
		figure(side_at(i)->label, "tx/s", v[i][0], g.rounds);

	ratio_line("a_pmemcrypt_write_vs_pmem2", &side_pc_write,
		   &side_pmem2_copy);
	ratio_line("a_bound_vs_pmem2", &side_xts_copy, &side_pmem2_copy);
	ratio_line("a_pmemblk_vs_pmem2", &side_blk_write, &side_pmem2_copy);
	r = ratio_line("a_pmemcrypt_write_vs_pmemblk", &side_pc_write,
		       &side_blk_write);
	rep_target("(a) pmemcrypt_write vs libpmemblk", r, 1.5);
	r = ratio_line("a_pmemcrypt_write_vs_bound", &side_pc_write,
		       &side_xts_copy);
	rep_target("(a) pmemcrypt_write vs the cipher+copy bound", r, 0.9);
	ratio_line("a_pmemcrypt_write_vs_pmemobj_tx_4k", &side_pc_write,
		   &side_obj_tx4k);
	ratio_line("a_pmemcrypt_write_absent_vs_pmemblk", &side_pc_write_absent,
		   &side_blk_write);
	ratio_line("a_pmemcrypt_write_absent_vs_bound", &side_pc_write_absent,
		   &side_xts_copy);
	ratio_line("a_view_persist_vs_pmemblk", &side_pc_store_persist,
		   &side_blk_write);
	r = ratio_line("a_hw_write_vs_pmemblk", &side_pc_hw_write,
		       &side_blk_write);
	rep_target("(a) hardware engine (forced, plain file) vs libpmemblk", r,
		   1.0);

	r = ratio_line("b_pmemcrypt_vs_pmemobj", &side_pc_tx_small,
		       &side_obj_tx_small);
	rep_target("(b) libpmemcrypt software engine vs libpmemobj", r, 1.0);
	r = ratio_line("b_pmemcrypt_hw_vs_pmemobj", &side_pc_hw_tx_small,
		       &side_obj_tx_small);
	rep_target("(b) libpmemcrypt hardware engine (forced) vs libpmemobj", r,
		   1.0);
	ratio_line("b_pmemcrypt_vs_pmemobj_gcm", &side_pc_tx_small,
		   &side_obj_gcm_small);
	ratio_line("b_pmemobj_gcm_vs_pmemobj", &side_obj_gcm_small,
		   &side_obj_tx_small);
}

/* (e): every side of (a) and (b), NTHREADS threads over 1. */
static void report_threads(void)
{
	double x[ROUNDS_MAX], e[NS];
	char name[96];

	rep_section("(e) 2 threads on disjoint ranges over 1 thread (the runs "
		    "of (a) and (b))");
	for (size_t i = 0; i < NS; i++) {
		const struct bench_side *s = side_at(i);

		for (int r = 0; r < g.rounds; r++)
			x[r] = v[i][1][r] / v[i][0][r];
		figure(s->label, "x", x, g.rounds);
		e[i] = med_of(x, g.rounds);
		snprintf(name, sizeof(name), "e_%s_%s_2t_vs_1t",
			 i < NA ? "a" : "b", s->id);
		rep_ratio(name, e[i]);
	}
	rep_target("(e) pmemcrypt_write, 2 threads vs 1",
		   e[side_index(&side_pc_write)], 1.8);
	rep_target("(e) libpmemcrypt transactions, 2 threads vs 1",
		   e[side_index(&side_pc_tx_small)], 1.8);
}

/* A pool of size with one unit in every 64 written (or all), closed. */
static void make_pool(uint64_t size, uint64_t stride)
{
	static const uint8_t raw[PMEMCRYPT_KEY_SIZE] = {1, 2, 3};
	struct pmemcrypt_config *cfg;
	struct pmemcrypt_pool *p;
	struct pmemcrypt_key *k;

	unlink(g.path);
	if (pmemcrypt_key_from_raw(&k, raw) || pmemcrypt_config_new(&cfg) ||
	    pmemcrypt_config_set_size(cfg, size) ||
	    pmemcrypt_config_set_engine(cfg, PMEMCRYPT_ENGINE_SOFTWARE) ||
	    pmemcrypt_pool_create(&p, g.path, cfg, k))
		bench_die("pmemcrypt_pool_create", pmemcrypt_errormsg());
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&k);
	for (uint64_t off = 0; off + BENCH_UNIT <= pmemcrypt_pool_size(p);
	     off += stride)
		if (pmemcrypt_write(p, bench_src, BENCH_UNIT, off))
			bench_die("pmemcrypt_write", pmemcrypt_errormsg());
	if (pmemcrypt_pool_close(&p))
		bench_die("pmemcrypt_pool_close", pmemcrypt_errormsg());
}

static struct pmemcrypt_pool *open_pool(uint64_t budget)
{
	static const uint8_t raw[PMEMCRYPT_KEY_SIZE] = {1, 2, 3};
	struct pmemcrypt_pool *p;
	struct pmemcrypt_key *k;

	if (pmemcrypt_key_from_raw(&k, raw) ||
	    pmemcrypt_pool_open(&p, g.path, k, 0) ||
	    (budget && pmemcrypt_pool_set_view_budget(p, budget)))
		bench_die("pmemcrypt_pool_open", pmemcrypt_errormsg());
	pmemcrypt_key_delete(&k);
	return p;
}

/* (c) open and close times of a pool of size, ms, medians of 2 x rounds. */
static void open_times(uint64_t size, const char *name)
{
	double o[2 * ROUNDS_MAX], c[2 * ROUNDS_MAX];
	int n = 2 * g.rounds;
	char label[96];

	make_pool(size, 64 * BENCH_UNIT);
	for (int i = 0; i < n; i++) {
		double t = bench_now();
		struct pmemcrypt_pool *p = open_pool(0);

		o[i] = (bench_now() - t) * 1e3;
		t = bench_now();
		if (pmemcrypt_pool_close(&p))
			bench_die("close", pmemcrypt_errormsg());
		c[i] = (bench_now() - t) * 1e3;
		rep_raw(g.raw, "c", name, 1, i, o[i], "ms");
	}
	unlink(g.path);
	snprintf(label, sizeof(label), "open, %llu MiB pool",
		 (unsigned long long)(size >> 20));
	figure(label, "ms", o, n);
	snprintf(label, sizeof(label), "close, %llu MiB pool",
		 (unsigned long long)(size >> 20));
	figure(label, "ms", c, n);
	snprintf(label, sizeof(label), "c_open_%s_ms", name);
	rep_ratio(label, med_of(o, n));
}

/* The largest pool: half the free space where the pool is, in GiB. */
static uint64_t largest_pool(void)
{
	char dir[4096], *slash;
	struct statvfs st;
	uint64_t free_b;

	snprintf(dir, sizeof(dir), "%s", g.path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if (statvfs(dir, &st))
		bench_die(dir, "statvfs failed");
	free_b = (uint64_t)st.f_bavail * st.f_frsize / 2;
	free_b = free_b > (64ull << 30) ? 64ull << 30 : free_b;
	return free_b >> 30 << 30;
}

static void section_open(void)
{
	rep_section("(c) open and close, raw key, one unit in 64 written");
	open_times(g.open, "1g");
	if (g.largest > g.open)
		open_times(g.largest, "largest");
	else
		rep_note("(c) no pool larger than %llu MiB fits beside the "
			 "others",
			 (unsigned long long)(g.open >> 20));
}

/* (d) first touch: read every 64 B of the view after open, GB/s. */
static double scan(uint64_t budget, int random)
{
	struct pmemcrypt_pool *p = open_pool(budget);
	const volatile uint8_t *base = pmemcrypt_pool_base(p);
	uint64_t units = pmemcrypt_pool_size(p) / BENCH_UNIT, seed = 5;
	uint32_t *order = malloc(units * sizeof(*order));
	uint8_t sum = 0;
	double t;

	if (!order)
		bench_die("scan", "out of memory");
	for (uint64_t i = 0; i < units; i++)
		order[i] = (uint32_t)i;
	for (uint64_t i = units - 1; random && i > 0; i--) {
		uint64_t j = bench_rnd(&seed) % (i + 1);
		uint32_t x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	t = bench_now();
	for (uint64_t i = 0; i < units; i++)
		for (uint64_t off = 0; off < BENCH_UNIT; off += 64)
			sum += base[order[i] * (uint64_t)BENCH_UNIT + off];
	t = bench_now() - t;
	(void)sum;
	free(order);
	if (pmemcrypt_pool_close(&p))
		bench_die("close", pmemcrypt_errormsg());
	return units * (double)BENCH_UNIT / t / 1e9;
}

static void section_first_touch(void)
{
	double seq[ROUNDS_MAX], rnd[ROUNDS_MAX], dec[ROUNDS_MAX];
	double fresh[ROUNDS_MAX], rs, rr;
	uint64_t units = g.data / BENCH_UNIT;

	for (int r = 0; r < g.rounds; r++) {
		dec[r] = bench_run(&side_xts_decrypt, g.path, g.data, 1, units);
		fresh[r] = bench_run(&side_xts_decrypt_fresh, g.path, g.data, 1,
				     units);
		make_pool(g.data, BENCH_UNIT);
		seq[r] = scan(0, 0);
		rnd[r] = scan(0, 1);
		rep_raw(g.raw, "d", "xts_decrypt", 1, r, dec[r], "GB/s");
		rep_raw(g.raw, "d", "xts_decrypt_fresh", 1, r, fresh[r],
			"GB/s");
		rep_raw(g.raw, "d", "first_touch_seq", 1, r, seq[r], "GB/s");
		rep_raw(g.raw, "d", "first_touch_random", 1, r, rnd[r], "GB/s");
	}
	unlink(g.path);
	rep_section("(d) first touch of an opened pool, read through the view");
	figure("sequential units", "GB/s", seq, g.rounds);
	figure("random units", "GB/s", rnd, g.rounds);
	figure(side_xts_decrypt.label, "GB/s", dec, g.rounds);
	figure(side_xts_decrypt_fresh.label, "GB/s", fresh, g.rounds);
	rs = ratio_of(seq, dec, g.rounds);
	rr = ratio_of(rnd, dec, g.rounds);
	rep_ratio("d_first_touch_seq_vs_decrypt", rs);
	rep_ratio("d_first_touch_random_vs_decrypt", rr);
	rep_ratio("d_first_touch_seq_vs_untouched_bound",
		  ratio_of(seq, fresh, g.rounds));
	rep_ratio("d_first_touch_random_vs_untouched_bound",
		  ratio_of(rnd, fresh, g.rounds));
	rep_ratio("d_untouched_bound_vs_decrypt",
		  ratio_of(fresh, dec, g.rounds));
	rep_target("(d) first touch, sequential, vs decryption", rs, 0.5);
	rep_target("(d) first touch, random, vs decryption", rr, 0.5);
}

/*
 * (f) The view's workloads with a budget of a quarter of the pool (so
 * that units are evicted and decrypted again), against none, alternating.
 */
static void section_budget(void)
{
	static const char *name[] = {"store_persist_4k", "tx_small",
				     "first_touch_scan"};
	static const char *label[] = {"view store + persist 4 KiB",
				      "transactions 64 B-1 KiB",
				      "first-touch scan"};
	static const char *unit[] = {"GB/s", "tx/s", "GB/s"};
	uint64_t budgets[2] = {0, g.data / 4};
	double x[3][2][ROUNDS_MAX];
	char text[96];

	for (int r = 0; r < g.rounds; r++)
		for (int b = 0; b < 2; b++) {
			bench_view_budget = budgets[b];
			x[0][b][r] = bench_run(&side_pc_store_persist, g.path,
					       g.data, 1, g.n4k / 4);
			x[1][b][r] = bench_run(&side_pc_tx_small, g.path,
					       g.data, 1, g.ntx / 3);
			make_pool(g.data, BENCH_UNIT);
			x[2][b][r] = scan(budgets[b], 0);
			for (int w = 0; w < 3; w++)
				rep_raw(g.raw, b ? "f-budget" : "f-none",
					name[w], 1, r, x[w][b][r], unit[w]);
		}
	bench_view_budget = 0;
	unlink(g.path);
	snprintf(text, sizeof(text),
		 "(f) view budget of a quarter of the pool (%llu MiB), "
		 "then none",
		 (unsigned long long)(g.data / 4) >> 20);
	rep_section(text);
	for (int w = 0; w < 3; w++) {
		snprintf(text, sizeof(text), "%s, budget", label[w]);
		figure(text, unit[w], x[w][1], g.rounds);
		snprintf(text, sizeof(text), "%s, none", label[w]);
		figure(text, unit[w], x[w][0], g.rounds);
	}
	for (int w = 0; w < 3; w++) {
		snprintf(text, sizeof(text), "f_budget_quarter_%s_vs_unlimited",
			 name[w]);
		rep_ratio(text, ratio_of(x[w][1], x[w][0], g.rounds));
	}
}

/*
 * --write-4k: (a)'s libpmem2 copy and pmemcrypt_write, on units in the
 * view and not, alternating.
 */
static void section_write_4k(void)
{
	double copy[ROUNDS_MAX], write[ROUNDS_MAX], absent[ROUNDS_MAX];

	for (int r = 0; r < g.rounds; r++) {
		copy[r] = bench_run(&side_pmem2_copy, g.path, g.data, 1, g.n4k);
		write[r] = bench_run(&side_pc_write, g.path, g.data, 1, g.n4k);
		absent[r] = bench_run(&side_pc_write_absent, g.path, g.data, 1,
				      g.n4k);
	}
	unlink(g.path);
	rep_section("(a) atomic 4 KiB writes, random units, 1 thread");
	figure(side_pmem2_copy.label, "GB/s", copy, g.rounds);
	figure(side_pc_write.label, "GB/s", write, g.rounds);
	figure(side_pc_write_absent.label, "GB/s", absent, g.rounds);
	rep_ratio("a_pmemcrypt_write_vs_pmem2",
		  ratio_of(write, copy, g.rounds));
	rep_ratio("a_pmemcrypt_write_absent_vs_pmem2",
		  ratio_of(absent, copy, g.rounds));
}

static FILE *out_file(const char *dir, const char *name)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		bench_die(p, "cannot create");
	return f;
}

static const char usage_text[] =
	"usage: bench_pool [--write-4k | --only LETTERS | --budget] [--quick]\n"
	"                  [--out DIR] [PATH]\n"
	"\n"
	"Atomic writes, transactions, open, first touch and scaling of\n"
	"libpmemcrypt against libpmem2, libpmemblk and libpmemobj, on one\n"
	"file (default /dev/shm/pmemcrypt-bench.pool), cache-line\n"
	"persistence on every side.  Prints 'ratio:' and 'target:' lines.\n"
	"\n"
	"  --only LETTERS  only these sections, of a (4 KiB writes),\n"
	"                  b (transactions), c (open), d (first touch),\n"
	"                  e (2 threads; with a and b), f (view budget)\n"
	"  --budget        the same as --only f\n"
	"  --write-4k      only the libpmem2 copy and pmemcrypt_write of (a)\n"
	"                  (units in the view and not)\n"
	"  --quick         small sizes and one round: a check, not a figure\n"
	"  --out DIR       write raw.tsv, results.md and targets.dat there\n"
	"  -h, --help      show this help\n";

/* A usage error: the usage on stderr, exit status 2. */
static void usage(void)
{
	fputs(usage_text, stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"write-4k", no_argument, NULL, 'w'},
		{"budget", no_argument, NULL, 'b'},
		{"only", required_argument, NULL, 's'},
		{"quick", no_argument, NULL, 'q'},
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *sections = "abcdef";
	int c, only = 0, quick = 0;
	char title[256];

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage_text, stdout);
			return 0;
		}
		if (c == 'w' || c == 'b' || c == 's') {
			if (only)
				usage();
			only = c;
			sections = c == 'b' ? "f" : c == 's' ? optarg : "";
			if (strspn(sections, "abcdef") != strlen(sections))
				usage();
		} else if (c == 'q') {
			quick = 1;
		} else if (c == 'o') {
			out = optarg;
		} else {
			usage();
		}
	}
	if (argc - optind > 1)
		usage();
	g.path = optind < argc ? argv[optind] : "/dev/shm/pmemcrypt-bench.pool";
	if (quick) {
		g.data = 16ull << 20;
		g.open = 64ull << 20;
		g.largest = 128ull << 20;
		g.n4k = 2000;
		g.ntx = 1000;
		g.rounds = 1;
	}
	/* Same persistence for every side: cache-line flushes, not msync. */
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	if (!gcry_check_version(NULL))
		bench_die("libgcrypt", "cannot initialise");
	for (size_t i = 0; i < sizeof(bench_src); i++)
		bench_src[i] = (uint8_t)(i * 131);
	if (out)
		g.raw = out_file(out, "raw.tsv");
	snprintf(title, sizeof(title),
		 "libpmemcrypt benchmark on %s (%llu MiB, cache-line "
		 "persistence on every side, medians of %d alternating "
		 "rounds)",
		 g.path, (unsigned long long)(g.data >> 20), g.rounds);
	printf("%s\n", title);
	fflush(stdout);
	if (only == 'w')
		section_write_4k();
	if (strpbrk(sections, "abe")) {
		run_sides();
		report_ab();
	}
	if (strchr(sections, 'c')) {
		if (!g.largest)
			g.largest = largest_pool();
		section_open();
	}
	if (strchr(sections, 'd'))
		section_first_touch();
	if (strpbrk(sections, "abe"))
		report_threads();
	if (strchr(sections, 'f'))
		section_budget();
	rep_print(stdout);
	if (out) {
		FILE *md = out_file(out, "results.md");
		FILE *dat = out_file(out, "targets.dat");

		rep_markdown(md, title);
		rep_targets_dat(dat);
		fclose(md);
		fclose(dat);
		fclose(g.raw);
	}
	return 0;
}
