// SPDX-License-Identifier: BSD-3-Clause
/*
 * sides_pc.c -- libpmemcrypt: atomic 4 KiB writes (pmemcrypt_write, and a
 * store through the view with pmemcrypt_persist) and transactions of 64 B
 * to 1 KiB, on the software engine and on the hardware engine forced on a
 * plain file (no MKTME here: the engine's own cost, its log, checksum and
 * fences, without memory encryption)
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpmemcrypt.h"

#include "bench.h"

/* The library's test hook (binding.h): every file counts as bound. */
extern int pc_binding_assume_bound;

uint64_t bench_view_budget;

struct pc {
	struct pmemcrypt_pool *pool;
	uint8_t *base;
};

/*
 * A new pool of the run's size, every unit written, and, when touch, the
 * view stored to.
 */
static int pc_open(struct bench_run *r, enum pmemcrypt_engine engine, int touch)
{
	static const uint8_t raw[PMEMCRYPT_KEY_SIZE] = {1, 2, 3};
	struct pmemcrypt_config *cfg;
	struct pmemcrypt_key *k;
	struct pc *pc = calloc(1, sizeof(*pc));
	volatile uint8_t sum = 0;

	if (!pc)
		return -1;
	unlink(r->path);
	pc_binding_assume_bound = engine == PMEMCRYPT_ENGINE_HARDWARE;
	if (pmemcrypt_key_from_raw(&k, raw) || pmemcrypt_config_new(&cfg) ||
	    pmemcrypt_config_set_size(cfg, r->size) ||
	    pmemcrypt_config_set_engine(cfg, engine) ||
	    pmemcrypt_pool_create(&pc->pool, r->path, cfg, k))
		bench_die("pmemcrypt_pool_create", pmemcrypt_errormsg());
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&k);
	if (bench_view_budget &&
	    pmemcrypt_pool_set_view_budget(pc->pool, bench_view_budget))
		bench_die("pmemcrypt_pool_set_view_budget",
			  pmemcrypt_errormsg());
	if (pmemcrypt_pool_size(pc->pool) < r->size)
		r->size =
			pmemcrypt_pool_size(pc->pool) / BENCH_UNIT * BENCH_UNIT;
	pc->base = pmemcrypt_pool_base(pc->pool);
	for (uint64_t off = 0; off < r->size; off += BENCH_UNIT)
		if (pmemcrypt_write(pc->pool, bench_src, BENCH_UNIT, off))
			bench_die("pmemcrypt_write", pmemcrypt_errormsg());
	/* Steady state: every unit present in the view and stored to
	 * (a store to a clean unit's write-protected page faults once). */
	for (uint64_t off = 0; touch && off < r->size; off += 64)
		sum += pc->base[off];
	for (uint64_t off = 0; touch && off < r->size; off += BENCH_UNIT)
		((volatile uint8_t *)pc->base)[off] = pc->base[off];
	r->st = pc;
	return 0;
}

static int sw_open(struct bench_run *r)
{
	return pc_open(r, PMEMCRYPT_ENGINE_SOFTWARE, 1);
}

/* A pool used through pmemcrypt_write() alone, as fio's engine does. */
static int sw_open_untouched(struct bench_run *r)
{
	return pc_open(r, PMEMCRYPT_ENGINE_SOFTWARE, 0);
}

static int hw_open(struct bench_run *r)
{
	return pc_open(r, PMEMCRYPT_ENGINE_HARDWARE, 1);
}

static void pc_close(struct bench_run *r)
{
	struct pc *pc = r->st;

	if (pmemcrypt_pool_close(&pc->pool))
		bench_die("pmemcrypt_pool_close", pmemcrypt_errormsg());
	pc_binding_assume_bound = 0;
	free(pc);
	r->st = NULL;
}

static void write_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct pc *pc = r->st;
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++)
		if (pmemcrypt_write(pc->pool, bench_src, BENCH_UNIT,
				    bench_unit_at(r, t, &seed)))
			bench_die("pmemcrypt_write", pmemcrypt_errormsg());
}

const struct bench_side side_pc_write = {"pmemcrypt_write",
					 "pmemcrypt_write (aes-256-xts)",
					 0,
					 sw_open,
					 write_loop,
					 pc_close};

const struct bench_side side_pc_write_absent = {
	"pmemcrypt_write_absent",
	"pmemcrypt_write, units not in the view",
	0,
	sw_open_untouched,
	write_loop,
	pc_close};

const struct bench_side side_pc_hw_write = {
	"pmemcrypt_hw_write",
	"pmemcrypt_write, hardware engine forced",
	0,
	hw_open,
	write_loop,
	pc_close};

static void store_persist_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct pc *pc = r->st;
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++) {
		uint8_t *d = pc->base + bench_unit_at(r, t, &seed);

		memcpy(d, bench_src, BENCH_UNIT);
		if (pmemcrypt_persist(pc->pool, d, BENCH_UNIT))
			bench_die("pmemcrypt_persist", pmemcrypt_errormsg());
	}
}

const struct bench_side side_pc_store_persist = {
	"pmemcrypt_view",
	"view store + pmemcrypt_persist",
	0,
	sw_open,
	store_persist_loop,
	pc_close};

static void tx_loop(struct bench_run *r, int t, uint64_t ops)
{
	struct pc *pc = r->st;
	uint64_t seed = bench_seed(t);

	for (uint64_t i = 0; i < ops; i++) {
		struct pmemcrypt_tx *tx;
		uint64_t off;
		size_t len;

		bench_small_at(r, t, &seed, 0, &off, &len);
		if (pmemcrypt_tx_begin(pc->pool, &tx) ||
		    pmemcrypt_tx_add(tx, pc->base + off, len))
			bench_die("pmemcrypt_tx", pmemcrypt_errormsg());
		memcpy(pc->base + off, bench_src, len);
		if (pmemcrypt_tx_commit(&tx))
			bench_die("pmemcrypt_tx_commit", pmemcrypt_errormsg());
	}
}

const struct bench_side side_pc_tx_small = {
	"pmemcrypt", "libpmemcrypt, software engine (aes-256-xts)",
	1,	     sw_open,
	tx_loop,     pc_close};

const struct bench_side side_pc_hw_tx_small = {
	"pmemcrypt_hw",
	"libpmemcrypt, hardware engine forced",
	1,
	hw_open,
	tx_loop,
	pc_close};
