// SPDX-License-Identifier: BSD-3-Clause
/*
 * crash_test.c -- stop workloads at every media store and fence, recover;
 * on both engines (the hardware engine forced on a plain file through
 * pc_binding_assume_bound: its logic does not depend on real MKTME), and
 * on the software engine again with a view budget of a quarter of the
 * pool, so that units are evicted and faulted in again between updates
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "binding.h"
#include "crash_hook.h"
#include "libpmemcrypt.h"
#include "pool.h"

#define UNITS 64
#define POOL_SIZE (UNITS * PMEMCRYPT_UNIT_SIZE)
#define MAX_OPS 32
#define BUDGET (POOL_SIZE / 4)

/* One step of a workload: set [off, off+len) to byte val. */
struct op {
	enum { OP_PERSIST, OP_WRITE, OP_TX, OP_TX_ABORT, OP_TX_OPEN,
	       OP_ADD_KEY, OP_CHANGE_KEY, OP_REMOVE_KEY, OP_SCAN } kind;
	uint64_t off[3];
	size_t len[3];
	int nranges;
	uint8_t val;
};

struct workload {
	const char *name;
	struct op ops[MAX_OPS];
	int nops;
};

static uint8_t key_bytes[3][PMEMCRYPT_KEY_SIZE];
static const char *pool_path;
static int hw;	   /* the run on the hardware engine */
static int budget; /* the run with a view budget (software engine) */
/*
 * A transaction OP_TX_OPEN leaves open (never committed, aborted when the
 * workload ends): whatever other updates do, none of it may persist.
 */
static struct pmemcrypt_tx *open_tx;

static struct pmemcrypt_key *key(int i)
{
	struct pmemcrypt_key *k;

	if (pmemcrypt_key_from_raw(&k, key_bytes[i]))
		abort();
	return k;
}

/*
 * A store of the workload to the view.  On the hardware engine the view
 * is the media: the store goes through the hook like the library's, so
 * a crash keeps or drops it as the mode says until the next fence.
 */
static void view_set(struct pmemcrypt_pool *p, uint64_t off, uint8_t val,
		     size_t len)
{
	if (hw && pc_media_hook)
		pc_media_hook(&p->media, PC_EV_WRITE, p->hdr.data_off + off,
			      len);
	memset((uint8_t *)pmemcrypt_pool_base(p) + off, val, len);
}

/* Runs one op on an open pool. */
static int run_op(struct pmemcrypt_pool *p, const struct op *o)
{
	uint8_t *base = pmemcrypt_pool_base(p), buf[POOL_SIZE];
	struct pmemcrypt_key *a, *b;
	struct pmemcrypt_tx *tx;
	int ret = 0;

	switch (o->kind) {
	case OP_PERSIST:
		if (hw) /* not atomic on the hardware engine: a write is */
			goto write;
		view_set(p, o->off[0], o->val, o->len[0]);
		return pmemcrypt_persist(p, base + o->off[0], o->len[0]);
	case OP_WRITE:
write:
		memset(buf, o->val, o->len[0]);
		return pmemcrypt_write(p, buf, o->len[0], o->off[0]);
	case OP_TX:
	case OP_TX_ABORT:
		ret = pmemcrypt_tx_begin(p, &tx);
		for (int i = 0; i < o->nranges && !ret; i++) {
			ret = pmemcrypt_tx_add(tx, base + o->off[i], o->len[i]);
			if (!ret)
				view_set(p, o->off[i], (uint8_t)(o->val + i),
					 o->len[i]);
		}
		if (o->kind == OP_TX_ABORT && !ret) {
			pmemcrypt_tx_abort(&tx);
			return 0;
		}
		return ret ? ret : pmemcrypt_tx_commit(&tx);
	case OP_TX_OPEN:
		ret = open_tx ? 0 : pmemcrypt_tx_begin(p, &open_tx);
		for (int i = 0; i < o->nranges && !ret; i++) {
			ret = pmemcrypt_tx_add(open_tx, base + o->off[i],
					       o->len[i]);
			if (!ret)
				view_set(p, o->off[i], (uint8_t)(o->val + i),
					 o->len[i]);
		}
		return ret;
	case OP_ADD_KEY:
		a = key(o->val);
		ret = pmemcrypt_pool_add_key(p, a, NULL);
		pmemcrypt_key_delete(&a);
		return ret;
	case OP_CHANGE_KEY:
		a = key(o->val);
		b = key(o->val + 1);
		ret = pmemcrypt_pool_change_key(p, a, b);
		pmemcrypt_key_delete(&a);
		pmemcrypt_key_delete(&b);
		return ret;
	case OP_REMOVE_KEY:
		a = key(o->val);
		ret = pmemcrypt_pool_find_slot(p, a);
		pmemcrypt_key_delete(&a);
		return ret < 0 ? ret : pmemcrypt_pool_remove_key(p, ret);
	case OP_SCAN: /* a load from every unit of the view */
		for (uint64_t u = 0; u < UNITS; u++)
			ret += *(volatile uint8_t *)(base +
						     u * PMEMCRYPT_UNIT_SIZE);
		return 0;
	}
	return -EINVAL;
}

/* Applies op to the expected content and key set. */
static void model_op(uint8_t *data, int *keys, const struct op *o)
{
	switch (o->kind) {
	case OP_PERSIST:
	case OP_WRITE:
		memset(data + o->off[0], o->val, o->len[0]);
		break;
	case OP_TX:
		for (int i = 0; i < o->nranges; i++)
			memset(data + o->off[i], o->val + i, o->len[i]);
		break;
	case OP_TX_ABORT:
	case OP_TX_OPEN:
	case OP_SCAN:
		break;
	case OP_ADD_KEY:
		keys[o->val] = 1;
		break;
	case OP_CHANGE_KEY:
		keys[o->val] = 0;
		keys[o->val + 1] = 1;
		break;
	case OP_REMOVE_KEY:
		keys[o->val] = 0;
		break;
	}
}

/* Child: opens the pool, arms the hook, runs the workload. */
static void child(const struct workload *w, volatile int *done)
{
	struct pmemcrypt_key *k = key(0);
	struct pmemcrypt_pool *p;

	if (pmemcrypt_pool_open(&p, pool_path, k, 0))
		_exit(3);
	pmemcrypt_key_delete(&k);
	if (budget && pmemcrypt_pool_set_view_budget(p, BUDGET))
		_exit(5);
	pc_media_hook = crash_hook;
	for (int i = 0; i < w->nops; i++) {
		if (run_op(p, &w->ops[i]))
			_exit(4);
		*done = i + 1;
	}
	pmemcrypt_tx_abort(&open_tx);
	pc_media_hook = NULL;
	pmemcrypt_pool_close(&p);
	_exit(0);
}

/* Which of the three keys open the pool now; opens it with the first. */
static int open_any(struct pmemcrypt_pool **p, int opens[3])
{
	int first = -1;

	for (int i = 0; i < 3; i++) {
		struct pmemcrypt_key *k = key(i);
		struct pmemcrypt_pool *q = NULL;
		int ret = pmemcrypt_pool_open(&q, pool_path, k,
					      PMEMCRYPT_OPEN_REPAIR);

		pmemcrypt_key_delete(&k);
		opens[i] = ret == 0;
		if (ret == 0 && first < 0)
			first = i;
		pmemcrypt_pool_close(&q);
	}
	if (first >= 0) {
		struct pmemcrypt_key *k = key(first);

		if (pmemcrypt_pool_open(p, pool_path, k, 0))
			first = -1;
		pmemcrypt_key_delete(&k);
	}
	return first;
}

/* Checks the recovered pool equals the model before or after op i. */
static int verify(const struct workload *w, int i, char *why, size_t whylen)
{
	static uint8_t before[POOL_SIZE], after[POOL_SIZE], got[POOL_SIZE];
	int kb[3] = {1, 0, 0}, ka[3], opens[3];
	struct pmemcrypt_check_report r;
	struct pmemcrypt_pool *p;
	int ok_b, ok_a;

	memset(before, 0, sizeof(before));
	for (int j = 0; j < i; j++)
		model_op(before, kb, &w->ops[j]);
	memcpy(after, before, sizeof(after));
	memcpy(ka, kb, sizeof(ka));
	if (i < w->nops)
		model_op(after, ka, &w->ops[i]);
	if (open_any(&p, opens) < 0) {
		snprintf(why, whylen, "no key opens: %s", pmemcrypt_errormsg());
		return 0;
	}
	if (pmemcrypt_read(p, got, sizeof(got), 0) ||
	    pmemcrypt_pool_check(p, &r, NULL, NULL)) {
		snprintf(why, whylen, "read/check: %s", pmemcrypt_errormsg());
		pmemcrypt_pool_close(&p);
		return 0;
	}
	pmemcrypt_pool_close(&p);
	ok_b = !memcmp(got, before, sizeof(got)) && !memcmp(opens, kb, sizeof(kb));
	ok_a = !memcmp(got, after, sizeof(got)) && !memcmp(opens, ka, sizeof(ka));
	if (!ok_b && !ok_a)
		snprintf(why, whylen,
			 "content/keys match neither the state before nor "
			 "after op %d (keys open: %d%d%d)",
			 i, opens[0], opens[1], opens[2]);
	return ok_b || ok_a;
}

static void run_child(void *arg, volatile int *done)
{
	child(arg, done);
}

static int run_verify(void *arg, int done, char *why, size_t whylen)
{
	return verify(arg, done, why, whylen);
}

/* Crashes w at every event under one mode; returns failures. */
static int crash_all(const struct workload *w, enum mode mode,
		     const char *pristine, long *points)
{
	struct crash_run run = {w->name,   pristine,   pool_path, mode,
				run_child, run_verify, (void *)w};

	return crash_each(&run, points);
}

#define U PMEMCRYPT_UNIT_SIZE
static const struct workload workloads[] = {
	{"persist", {
		{OP_PERSIST, {0}, {100}, 1, 0x11},
		{OP_PERSIST, {U + 10}, {3 * U}, 1, 0x22},
		{OP_PERSIST, {50}, {20}, 1, 0x33},
		{OP_PERSIST, {5 * U}, {8 * U}, 1, 0x44},
		{OP_PERSIST, {2 * U - 8}, {16}, 1, 0x55},
	}, 5},
	{"write", {
		{OP_WRITE, {7}, {U}, 1, 0x61},
		{OP_WRITE, {3 * U + 100}, {2 * U}, 1, 0x62},
		{OP_WRITE, {0}, {U}, 1, 0x63},
		{OP_WRITE, {10 * U - 1}, {2}, 1, 0x64},
	}, 4},
	{"tx", {
		{OP_TX, {0, 8 * U, 20 * U + 5}, {64, 2 * U, 100}, 3, 0x70},
		{OP_TX, {U, 30 * U}, {U, 16}, 2, 0x80},
		{OP_TX, {8 * U + 1, 40 * U}, {10, 3 * U}, 2, 0x90},
	}, 3},
	{"tx-abort", {
		{OP_TX, {0, 8 * U}, {U, 100}, 2, 0x30},
		{OP_TX_ABORT, {10, 8 * U + 50, 3 * U}, {200, 100, 2 * U}, 3,
		 0x40},
		{OP_WRITE, {U}, {U}, 1, 0x50},
	}, 3},
	/* Updates of the sectors of a transaction left open: its stores
	 * (0x1*) never persist, on either engine. */
	{"tx-open", {
		{OP_TX_OPEN, {100, 2 * U + 10}, {50, 8}, 2, 0x10},
		{OP_TX, {600, 2 * U + 700}, {30, 40}, 2, 0x20},
		{OP_PERSIST, {300}, {8}, 1, 0x30},
		{OP_TX_OPEN, {4 * U + 1000}, {100}, 1, 0x18},
		{OP_WRITE, {4 * U + 1200}, {64}, 1, 0x40},
		{OP_TX, {4 * U}, {1000}, 1, 0x50},
	}, 6},
	/* With a view budget: units persisted, then evicted by a scan,
	 * next to a transaction left open whose stores must stay. */
	{"evict", {
		{OP_PERSIST, {0}, {100}, 1, 0x11},
		{OP_TX_OPEN, {U + 10}, {50}, 1, 0x20},
		{OP_SCAN, {0}, {0}, 0, 0},
		{OP_PERSIST, {40 * U}, {2 * U}, 1, 0x33},
		{OP_TX, {0, 50 * U}, {U, 10}, 2, 0x44},
		{OP_SCAN, {0}, {0}, 0, 0},
		{OP_WRITE, {U + 100}, {20}, 1, 0x55},
		{OP_TX, {U + 200, 62 * U}, {8, 2 * U}, 2, 0x66},
		{OP_SCAN, {0}, {0}, 0, 0},
		{OP_PERSIST, {U + 300}, {4}, 1, 0x77},
	}, 10},
	{"keys", {
		{OP_PERSIST, {0}, {2 * U}, 1, 0xa0},
		{OP_ADD_KEY, {0}, {0}, 0, 1},
		{OP_CHANGE_KEY, {0}, {0}, 0, 1},
		{OP_REMOVE_KEY, {0}, {0}, 0, 0},
	}, 4},
};

/* Creates the pristine pool of one engine; 0 or -1. */
static int make_pristine(const char *path, const char *pristine)
{
	struct pmemcrypt_config *cfg;
	struct pmemcrypt_pool *p;
	struct pmemcrypt_key *k = key(0);
	int ret;

	unlink(path);
	ret = pmemcrypt_config_new(&cfg) ||
	      pmemcrypt_config_set_size(cfg, POOL_SIZE) ||
	      pmemcrypt_config_set_lanes(cfg, 2, 16) ||
	      pmemcrypt_config_set_engine(cfg, hw ? PMEMCRYPT_ENGINE_HARDWARE
						  : PMEMCRYPT_ENGINE_SOFTWARE) ||
	      pmemcrypt_pool_create(&p, path, cfg, k);
	pmemcrypt_key_delete(&k);
	pmemcrypt_config_delete(&cfg);
	if (ret) {
		printf("Bail out! create: %s\n", pmemcrypt_errormsg());
		return -1;
	}
	pmemcrypt_pool_close(&p);
	close(open(pristine, O_CREAT | O_WRONLY, 0600));
	if (copy_file(path, pristine)) {
		printf("Bail out! copy\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/dev/shm/pmemcrypt-crash-XXXXXX", path[128], pristine[128];
	size_t nw = sizeof(workloads) / sizeof(workloads[0]);
	int n = 0, failed = 0;

	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 0);
	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP no /dev/shm: %s\n", strerror(errno));
		return 77;
	}
	snprintf(path, sizeof(path), "%s/pool", dir);
	snprintf(pristine, sizeof(pristine), "%s/pristine", dir);
	pool_path = path;
	for (int i = 0; i < 3; i++)
		memset(key_bytes[i], 0x10 * (i + 1), PMEMCRYPT_KEY_SIZE);
	printf("1..%zu\n", 3 * nw * NMODES);
	for (int run = 0; run < 3; run++) {
		const char *tag = run == 1 ? "hw/" : run == 2 ? "budget/" : "";

		hw = run == 1;
		budget = run == 2;
		/* The hardware engine on a plain file (see binding.h). */
		pc_binding_assume_bound = hw;
		if (make_pristine(path, pristine))
			return 1;
		for (size_t w = 0; w < nw; w++)
			for (int m = 0; m < NMODES; m++) {
				long points = 0;
				int f = crash_all(&workloads[w], m, pristine,
						  &points);

				failed |= f != 0;
				printf("%sok %d - %s%s/%s: %ld crash points%s\n",
				       f ? "not " : "", ++n, tag,
				       workloads[w].name, mode_name[m], points,
				       f ? "" : ", all recovered to before or "
						"after");
			}
	}
	unlink(path);
	unlink(pristine);
	rmdir(dir);
	(void)argc;
	(void)argv;
	return failed;
}
