/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench.h -- the sides bench_pool compares and the runner that times them
 *
 * A side is one way of doing a workload (a libpmem2 copy, a libpmemblk
 * block write, a pmemcrypt transaction...).  The runner opens it (untimed:
 * create the file or pool, fill it), starts its threads together, each on
 * its own range of the data, and times from the first start to the last
 * end.
 */

#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_UNIT 4096
#define BENCH_MAX_THREADS 8
#define BENCH_TX_MIN 64	  /* small transactions: 64 B ... */
#define BENCH_TX_MAX 1024 /* ... to 1 KiB */

struct bench_run {
	const char *path; /* the file every side uses in turn */
	uint64_t size;	  /* bytes of data the threads share */
	int nthreads;
	void *st; /* the side's state while open */
};

struct bench_side {
	const char *id;	   /* in ratio names: "pmem2_copy" */
	const char *label; /* printed: "libpmem2 copy+persist (plain)" */
	int tx;		   /* figure in tx/s (else GB/s of 4 KiB units) */
	int (*open)(struct bench_run *r);
	/* Thread t's ops on its range; a failure ends the program. */
	void (*loop)(struct bench_run *r, int t, uint64_t ops);
	void (*close)(struct bench_run *r);
};

/* Runs a side once: GB/s (4 KiB units) or tx/s. */
double bench_run(const struct bench_side *s, const char *path, uint64_t size,
		 int nthreads, uint64_t ops);

/* Thread t's range [*lo, *lo + *len), unit-aligned. */
void bench_range(const struct bench_run *r, int t, uint64_t *lo, uint64_t *len);
/* A random unit offset in thread t's range (seeded per thread). */
uint64_t bench_unit_at(const struct bench_run *r, int t, uint64_t *seed);
/* A small transaction's offset and length (+ extra bytes) in t's range. */
void bench_small_at(const struct bench_run *r, int t, uint64_t *seed,
		    size_t extra, uint64_t *off, size_t *len);
uint64_t bench_rnd(uint64_t *seed);
uint64_t bench_seed(int t);

double bench_now(void);
double bench_median(double *v, int n);
/* Ends the program with a message: what failed and why. */
void bench_die(const char *what, const char *msg) __attribute__((noreturn));
/* The source of every write: 1 MiB of a fixed pattern. */
extern uint8_t bench_src[1 << 20];

/* The view budget of the pools the libpmemcrypt sides open (0: none). */
extern uint64_t bench_view_budget;

/* The sides, each in its file. */
extern const struct bench_side side_pmem2_copy, side_xts_copy, side_xts_decrypt,
	side_xts_decrypt_fresh;
extern const struct bench_side side_blk_write, side_obj_tx4k, side_obj_tx_small,
	side_obj_gcm_small;
extern const struct bench_side side_pc_write, side_pc_write_absent,
	side_pc_store_persist, side_pc_tx_small, side_pc_hw_write,
	side_pc_hw_tx_small;

#endif
