// SPDX-License-Identifier: BSD-3-Clause
/*
 * bench_pool.c -- libpmemcrypt against unencrypted libpmem2 and libpmemobj;
 * section (e) runs the hardware engine forced on a plain file (no MKTME
 * here): the engine's own cost, its undo log and fences, not MKTME's
 *
 * Section (f) runs the view's workloads again with a view budget of a
 * quarter of the pool, alternating with runs without one.
 *
 * usage: bench_pool [--write-4k | --budget] [PATH]
 * --write-4k: only the 4 KiB writes of section (a) and their ratio, which
 * bench-fio.sh sets against the fio engine's in each of its rounds.
 * --budget: only section (f).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpmem2.h>
#include <libpmemobj.h>

#include "libpmemcrypt.h"

#define U PMEMCRYPT_UNIT_SIZE
#define DATA_SIZE (256ull << 20) /* (a) and (b) */
#define OPEN_SIZE (1ull << 30)	 /* (c) */
#define ROUNDS 5

/* The library's test hook (binding.h): every file counts as bound. */
extern int pc_binding_assume_bound;

static const char *path;
static uint8_t src[1 << 20] __attribute__((aligned(64)));

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static void die(const char *what, const char *msg)
{
	fprintf(stderr, "bench_pool: %s: %s\n", what, msg);
	exit(1);
}

/* xorshift: reproducible offsets and sizes, same for both sides. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* (a) baseline: libpmem2 persisting copy of 4 KiB units, random units. */
static double pmem2_copy(uint64_t ops)
{
	struct pmem2_config *cfg;
	struct pmem2_source *s;
	struct pmem2_map *map;
	int fd = open(path, O_RDWR);
	uint64_t seed = 1, units = DATA_SIZE / U;
	pmem2_memcpy_fn cpy;
	uint8_t *base;
	double t;

	if (fd < 0 || pmem2_config_new(&cfg) ||
	    pmem2_config_set_required_store_granularity(
		    cfg, PMEM2_GRANULARITY_CACHE_LINE) ||
	    pmem2_source_from_fd(&s, fd) || pmem2_map_new(&map, cfg, s))
		die("pmem2", pmem2_errormsg());
	base = pmem2_map_get_address(map);
	cpy = pmem2_get_memcpy_fn(map);
	for (uint64_t i = 0; i < units; i++) /* fault the pages in */
		base[i * U] = 0;
	t = now();
	for (uint64_t i = 0; i < ops; i++)
		cpy(base + (rnd(&seed) % units) * U, src, U,
		    PMEM2_F_MEM_NONTEMPORAL);
	t = now() - t;
	pmem2_map_delete(&map);
	pmem2_source_delete(&s);
	pmem2_config_delete(&cfg);
	close(fd);
	return ops * (double)U / t / 1e9;
}

static struct pmemcrypt_pool *pc_create_engine(uint64_t size,
					       struct pmemcrypt_key *k,
					       enum pmemcrypt_engine engine)
{
	struct pmemcrypt_config *cfg;
	struct pmemcrypt_pool *p;

	unlink(path);
	pc_binding_assume_bound = engine == PMEMCRYPT_ENGINE_HARDWARE;
	if (pmemcrypt_config_new(&cfg) || pmemcrypt_config_set_size(cfg, size) ||
	    pmemcrypt_config_set_engine(cfg, engine) ||
	    pmemcrypt_pool_create(&p, path, cfg, k))
		die("create", pmemcrypt_errormsg());
	pmemcrypt_config_delete(&cfg);
	return p;
}

static struct pmemcrypt_pool *pc_create(uint64_t size, struct pmemcrypt_key *k)
{
	return pc_create_engine(size, k, PMEMCRYPT_ENGINE_SOFTWARE);
}

/* (a) libpmemcrypt: atomic 4 KiB writes, random units. */
static double pc_write(struct pmemcrypt_pool *p, uint64_t ops)
{
	uint64_t seed = 1, units = pmemcrypt_pool_size(p) / U;
	double t = now();

	for (uint64_t i = 0; i < ops; i++)
		if (pmemcrypt_write(p, src, U, (rnd(&seed) % units) * U))
			die("write", pmemcrypt_errormsg());
	t = now() - t;
	return ops * (double)U / t / 1e9;
}

/* (a') libpmemcrypt: store 4 KiB through the view, then persist. */
static double pc_store_persist(struct pmemcrypt_pool *p, uint64_t ops)
{
	uint64_t seed = 1, units = pmemcrypt_pool_size(p) / U;
	uint8_t *base = pmemcrypt_pool_base(p);
	double t = now();

	for (uint64_t i = 0; i < ops; i++) {
		uint8_t *d = base + (rnd(&seed) % units) * U;

		memcpy(d, src, U);
		if (pmemcrypt_persist(p, d, U))
			die("persist", pmemcrypt_errormsg());
	}
	t = now() - t;
	return ops * (double)U / t / 1e9;
}

/* (b) baseline: libpmemobj transactions of 64 B to 1 KiB. */
static double pmemobj_tx(uint64_t ops)
{
	static uint64_t seed; /* static: TX_BEGIN is a setjmp */
	uint64_t size = DATA_SIZE / 2;
	PMEMobjpool *pop;
	PMEMoid root;
	uint8_t *base;
	double t;

	seed = 7;
	unlink(path);
	pop = pmemobj_create(path, "bench", DATA_SIZE, 0600);
	if (!pop)
		die("pmemobj_create", pmemobj_errormsg());
	root = pmemobj_root(pop, size);
	base = pmemobj_direct(root);
	for (uint64_t i = 0; i < size; i += U)
		base[i] = 0;
	t = now();
	for (uint64_t i = 0; i < ops; i++) {
		size_t len = 64 + rnd(&seed) % (1024 - 64 + 1);
		uint64_t off = rnd(&seed) % (size - len);

		TX_BEGIN(pop) {
			pmemobj_tx_add_range(root, off, len);
			memcpy(base + off, src, len);
		} TX_ONABORT {
			die("pmemobj tx", pmemobj_errormsg());
		} TX_END
	}
	t = now() - t;
	pmemobj_close(pop);
	return ops / t;
}

/* (b) libpmemcrypt: the same transactions through the view. */
static double pc_tx(struct pmemcrypt_pool *p, uint64_t ops)
{
	uint64_t seed = 7, size = DATA_SIZE / 2;
	uint8_t *base = pmemcrypt_pool_base(p);
	double t;

	for (uint64_t i = 0; i < size; i += U) /* populate the view */
		base[i] = 0;
	t = now();
	for (uint64_t i = 0; i < ops; i++) {
		size_t len = 64 + rnd(&seed) % (1024 - 64 + 1);
		uint64_t off = rnd(&seed) % (size - len);
		struct pmemcrypt_tx *tx;

		if (pmemcrypt_tx_begin(p, &tx) ||
		    pmemcrypt_tx_add(tx, base + off, len))
			die("tx", pmemcrypt_errormsg());
		memcpy(base + off, src, len);
		if (pmemcrypt_tx_commit(&tx))
			die("tx_commit", pmemcrypt_errormsg());
	}
	t = now() - t;
	return ops / t;
}

/* (c) median time to open (and close) a 1 GiB pool with a raw key. */
static double pc_open_ms(struct pmemcrypt_key *k, double *close_ms)
{
	double open_t[ROUNDS * 2], close_t[ROUNDS * 2];
	struct pmemcrypt_pool *p = pc_create(OPEN_SIZE, k);

	/* Map a unit in every 64: the map scan sees a used pool. */
	for (uint64_t off = 0; off < OPEN_SIZE; off += 64 * U)
		if (pmemcrypt_write(p, src, U, off))
			die("write", pmemcrypt_errormsg());
	pmemcrypt_pool_close(&p);
	for (int i = 0; i < ROUNDS * 2; i++) {
		double t = now();

		if (pmemcrypt_pool_open(&p, path, k, 0))
			die("open", pmemcrypt_errormsg());
		open_t[i] = (now() - t) * 1e3;
		t = now();
		pmemcrypt_pool_close(&p);
		close_t[i] = (now() - t) * 1e3;
	}
	*close_ms = median(close_t, ROUNDS * 2);
	return median(open_t, ROUNDS * 2);
}

/* (d) first touch: read a freshly opened pool through its view. */
static double pc_scan_budget(struct pmemcrypt_key *k, uint64_t budget)
{
	struct pmemcrypt_pool *p;
	volatile uint8_t sum = 0;
	const uint8_t *base;
	double t;

	if (pmemcrypt_pool_open(&p, path, k, 0))
		die("open", pmemcrypt_errormsg());
	if (pmemcrypt_pool_set_view_budget(p, budget))
		die("budget", pmemcrypt_errormsg());
	base = pmemcrypt_pool_base(p);
	t = now();
	for (size_t off = 0; off < pmemcrypt_pool_size(p); off += 64)
		sum += base[off];
	t = now() - t;
	pmemcrypt_pool_close(&p);
	return DATA_SIZE / t / 1e9;
}

static double pc_scan(struct pmemcrypt_key *k)
{
	return pc_scan_budget(k, UINT64_MAX);
}

/* Median of ROUNDS runs of a throughput function of ops. */
#define MEDIAN_OF(expr)                                                        \
	({                                                                     \
		double v_[ROUNDS];                                             \
		for (int r_ = 0; r_ < ROUNDS; r_++)                            \
			v_[r_] = (expr);                                       \
		median(v_, ROUNDS);                                            \
	})

/* The lines of section (a) both runs print. */
static void print_write_4k(double copy_gbs, double write_gbs)
{
	printf("(a) 4 KiB atomic persists, random units\n");
	printf("    libpmem2 copy+persist (plain)       %7.2f GB/s\n", copy_gbs);
	printf("    pmemcrypt_write (aes-256-xts)        %7.2f GB/s\n",
	       write_gbs);
}

/*
 * (f) The view's workloads with a budget of a quarter of the pool (so
 * that units are evicted and decrypted again), against no budget, in
 * alternating runs on the same pool.
 */
static int budget_section(struct pmemcrypt_key *k, uint64_t n4k, uint64_t ntx)
{
	static const char *name[] = {"store_persist_4k", "tx_small",
				     "first_touch_scan"};
	uint64_t budgets[2] = {UINT64_MAX, DATA_SIZE / 4};
	double v[3][2][ROUNDS], m[3][2];
	struct pmemcrypt_pool *p = pc_create(DATA_SIZE, k);

	pmemcrypt_pool_close(&p);
	for (int r = 0; r < ROUNDS; r++)
		for (int b = 0; b < 2; b++) {
			if (pmemcrypt_pool_open(&p, path, k, 0) ||
			    pmemcrypt_pool_set_view_budget(p, budgets[b]))
				die("open", pmemcrypt_errormsg());
			v[0][b][r] = pc_store_persist(p, n4k / 4);
			v[1][b][r] = pc_tx(p, ntx);
			pmemcrypt_pool_close(&p);
			v[2][b][r] = pc_scan_budget(k, budgets[b]);
		}
	for (int w = 0; w < 3; w++)
		for (int b = 0; b < 2; b++)
			m[w][b] = median(v[w][b], ROUNDS);
	printf("(f) view budget of a quarter of the pool (%llu MiB) against "
	       "none\n",
	       (unsigned long long)(DATA_SIZE / 4) >> 20);
	printf("    view store + persist 4 KiB  %7.2f GB/s  budget %7.2f "
	       "GB/s\n",
	       m[0][0], m[0][1]);
	printf("    transactions 64 B-1 KiB     %7.0f tx/s  budget %7.0f "
	       "tx/s\n",
	       m[1][0], m[1][1]);
	printf("    first-touch scan            %7.2f GB/s  budget %7.2f "
	       "GB/s\n",
	       m[2][0], m[2][1]);
	for (int w = 0; w < 3; w++)
		printf("ratio: budget_quarter_%s_vs_unlimited = %.2f\n",
		       name[w], m[w][1] / m[w][0]);
	return 0;
}

/* (a) without the view store: pmemcrypt_write against its baseline. */
static int write_4k_only(struct pmemcrypt_key *k, uint64_t n4k)
{
	struct pmemcrypt_pool *p = pc_create(DATA_SIZE, k);
	double write_gbs = MEDIAN_OF(pc_write(p, n4k));
	double copy_gbs;

	pmemcrypt_pool_close(&p);
	copy_gbs = MEDIAN_OF(pmem2_copy(n4k));
	print_write_4k(copy_gbs, write_gbs);
	printf("ratio: persist_4k_pmemcrypt_vs_pmem2 = %.2f\n",
	       write_gbs / copy_gbs);
	pmemcrypt_key_delete(&k);
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE] = {1, 2, 3};
	uint64_t n4k = 200000, ntx = 100000;
	double copy_gbs, write_gbs, store_gbs, obj_tps, pc_tps, open_ms, cl_ms;
	double scan_gbs, hw_write_gbs, hw_tps;
	struct pmemcrypt_pool *p;
	struct pmemcrypt_key *k;
	int only = argc > 1 && !strcmp(argv[1], "--write-4k");
	int budget = argc > 1 && !strcmp(argv[1], "--budget");

	only |= budget;
	if (argc > 2 + only || (argc > 1 + only && argv[1 + only][0] == '-')) {
		fprintf(stderr,
			"usage: bench_pool [--write-4k | --budget] [PATH]\n");
		return 2;
	}
	path = argc > 1 + only ? argv[1 + only]
			       : "/dev/shm/pmemcrypt-bench.pool";
	/* Same persistence for every side: cache-line flushes. */
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 131);
	if (pmemcrypt_key_from_raw(&k, raw))
		die("key", pmemcrypt_errormsg());
	printf("libpmemcrypt benchmark on %s (%llu MiB, cache-line "
	       "persistence on every side, median of %d)\n",
	       path, DATA_SIZE >> 20, ROUNDS);
	if (budget)
		return budget_section(k, n4k, ntx);
	if (only)
		return write_4k_only(k, n4k);

	p = pc_create(DATA_SIZE, k);
	write_gbs = MEDIAN_OF(pc_write(p, n4k));
	store_gbs = MEDIAN_OF(pc_store_persist(p, n4k / 4));
	pmemcrypt_pool_close(&p);
	scan_gbs = MEDIAN_OF(pc_scan(k));
	copy_gbs = MEDIAN_OF(pmem2_copy(n4k));
	print_write_4k(copy_gbs, write_gbs);
	printf("    view store + pmemcrypt_persist       %7.2f GB/s\n",
	       store_gbs);

	obj_tps = MEDIAN_OF(pmemobj_tx(ntx));
	p = pc_create(DATA_SIZE, k);
	pc_tps = MEDIAN_OF(pc_tx(p, ntx));
	pmemcrypt_pool_close(&p);
	printf("(b) transactions of 64 B to 1 KiB at random offsets\n");
	printf("    libpmemobj (plain)                  %9.0f tx/s\n", obj_tps);
	printf("    libpmemcrypt (aes-256-xts)          %9.0f tx/s\n", pc_tps);

	open_ms = pc_open_ms(k, &cl_ms);
	printf("(c) 1 GiB pool, raw key\n");
	printf("    open %.2f ms, close %.2f ms\n", open_ms, cl_ms);
	printf("(d) first touch: sequential read through the view after open\n");
	printf("    %.2f GB/s\n", scan_gbs);

	p = pc_create_engine(DATA_SIZE, k, PMEMCRYPT_ENGINE_HARDWARE);
	hw_write_gbs = MEDIAN_OF(pc_write(p, n4k));
	hw_tps = MEDIAN_OF(pc_tx(p, ntx));
	pmemcrypt_pool_close(&p);
	pc_binding_assume_bound = 0;
	printf("(e) hardware engine FORCED ON A PLAIN FILE (no MKTME on this "
	       "host: the engine's\n"
	       "    own overhead -- undo log, fences -- without memory "
	       "encryption)\n");
	printf("    pmemcrypt_write 4 KiB, random units  %7.2f GB/s\n",
	       hw_write_gbs);
	printf("    transactions of 64 B to 1 KiB       %9.0f tx/s\n", hw_tps);

	printf("ratio: persist_4k_pmemcrypt_vs_pmem2 = %.2f\n",
	       write_gbs / copy_gbs);
	printf("ratio: persist_4k_view_vs_pmem2 = %.2f\n", store_gbs / copy_gbs);
	printf("ratio: tx_small_pmemcrypt_vs_pmemobj = %.2f\n",
	       pc_tps / obj_tps);
	printf("ratio: open_1g_ms_vs_10ms_target = %.2f\n", open_ms / 10.0);
	printf("ratio: hw-engine-4k-write-vs-pmem2 = %.2f\n",
	       hw_write_gbs / copy_gbs);
	printf("ratio: hw-engine-tx-small-vs-pmemobj = %.2f\n",
	       hw_tps / obj_tps);
	budget_section(k, n4k, ntx);
	pmemcrypt_key_delete(&k);
	unlink(path);
	return 0;
}
