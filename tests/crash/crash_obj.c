// SPDX-License-Identifier: BSD-3-Clause
/*
 * crash_obj.c -- object pools stopped at every media store and fence of
 * their updates (atomic allocation, realloc and free, the root's growth,
 * transactions that allocate, free and abort, actions, lists) and opened
 * again: the objects, the pointers that name them and the lists are as
 * before or as after the interrupted operation, and every object is
 * named exactly once (none leaked, none owned twice).  On both engines
 * (the hardware one forced on a plain file) and on the software engine
 * with the smallest view budget.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemobj.h>

#include "binding.h"
#include "crash_hook.h"

#define POOL_BYTES ((off_t)2 << 20)
#define NSLOTS 8
#define MAX_OPS 8
#define STATE_LEN 2048
/* Objects of at least twice this size are described by a second word. */
#define MID 50000

POBJ_LAYOUT_BEGIN(crash);
POBJ_LAYOUT_ROOT(crash, struct croot);
POBJ_LAYOUT_TOID(crash, struct elem);
POBJ_LAYOUT_END(crash);

struct elem {
	uint64_t tag;
	POBJ_LIST_ENTRY(struct elem) link;
};

POBJ_LIST_HEAD(elems, struct elem);

struct croot {
	PMEMoid slot[NSLOTS];
	uint64_t counter;
	struct elems list, list2;
};

struct workload {
	const char *name;
	int (*ops[MAX_OPS])(PMEMobjpool *pop, struct croot *r);
	int nops;
};

static const char *pool_path;

static struct croot *root_of(PMEMobjpool *pop)
{
	return pmemobj_direct(pmemobj_root(pop, sizeof(struct croot)));
}

/* Objects start with a tag: the constructor writes it. */
static int tag_constr(PMEMobjpool *pop, void *ptr, void *arg)
{
	*(uint64_t *)ptr = *(uint64_t *)arg;
	pmemobj_persist(pop, ptr, 8);
	return 0;
}

static int alloc_tagged(PMEMobjpool *pop, PMEMoid *dest, size_t size,
			uint64_t type, uint64_t tag)
{
	return pmemobj_alloc(pop, dest, size, type, tag_constr, &tag);
}

/* The atomic API. */
static int a_small(PMEMobjpool *pop, struct croot *r)
{
	return alloc_tagged(pop, &r->slot[0], 64, 1, 0xa1);
}

static int a_span(PMEMobjpool *pop, struct croot *r)
{
	return alloc_tagged(pop, &r->slot[1], 300000, 2, 0xb1);
}

static int a_realloc(PMEMobjpool *pop, struct croot *r)
{
	return pmemobj_realloc(pop, &r->slot[0], 5000, 1);
}

static int a_free(PMEMobjpool *pop, struct croot *r)
{
	(void)pop;
	pmemobj_free(&r->slot[1]);
	return 0;
}

static int a_zalloc(PMEMobjpool *pop, struct croot *r)
{
	return pmemobj_zalloc(pop, &r->slot[2], 200, 3);
}

static int a_strdup(PMEMobjpool *pop, struct croot *r)
{
	return pmemobj_strdup(pop, &r->slot[3], "crashing", 4);
}

static int a_root(PMEMobjpool *pop, struct croot *r)
{
	(void)r;
	return OID_IS_NULL(pmemobj_root(pop, 3 * sizeof(struct croot)));
}

/* Transactions. */
static int t_alloc(PMEMobjpool *pop, struct croot *r)
{
	TX_BEGIN(pop)
	{
		pmemobj_tx_add_range_direct(&r->slot[4], 2 * sizeof(PMEMoid));
		pmemobj_tx_add_range_direct(&r->counter, 8);
		r->slot[4] = pmemobj_tx_zalloc(128, 5);
		*(uint64_t *)pmemobj_direct(r->slot[4]) = 0xc1;
		r->slot[5] = pmemobj_tx_alloc(100000, 6);
		*(uint64_t *)pmemobj_direct(r->slot[5]) = 0xc2;
		/* far from the header: only this object's persist covers it */
		((uint64_t *)pmemobj_direct(r->slot[5]))[MID / 8] = 0xc4;
		r->counter = 1;
	}
	TX_END
	return errno = 0;
}

static int t_free_realloc(PMEMobjpool *pop, struct croot *r)
{
	TX_BEGIN(pop)
	{
		pmemobj_tx_add_range_direct(&r->slot[4], 2 * sizeof(PMEMoid));
		pmemobj_tx_add_range_direct(&r->counter, 8);
		pmemobj_tx_free(r->slot[4]);
		r->slot[4] = OID_NULL;
		r->slot[5] = pmemobj_tx_realloc(r->slot[5], 200, 6);
		r->counter = 2;
	}
	TX_END
	return 0;
}

static int t_abort(PMEMobjpool *pop, struct croot *r)
{
	TX_BEGIN(pop)
	{
		pmemobj_tx_add_range_direct(&r->slot[6], sizeof(PMEMoid));
		pmemobj_tx_add_range_direct(&r->counter, 8);
		r->slot[6] = pmemobj_tx_alloc(64, 7);
		r->counter = 99;
		pmemobj_tx_abort(ECANCELED);
	}
	TX_END
	return 0;
}

static int t_nested(PMEMobjpool *pop, struct croot *r)
{
	TX_BEGIN(pop)
	{
		pmemobj_tx_add_range_direct(&r->counter, 8);
		r->counter = 3;
		TX_BEGIN(pop)
		{
			pmemobj_tx_add_range_direct(&r->slot[6],
						    sizeof(PMEMoid));
			r->slot[6] = pmemobj_tx_zalloc(64, 7);
			*(uint64_t *)pmemobj_direct(r->slot[6]) = 0xc3;
		}
		TX_END
	}
	TX_END
	return 0;
}

/* Actions. */
static int c_publish(PMEMobjpool *pop, struct croot *r)
{
	struct pobj_action act[6];
	PMEMoid a = pmemobj_reserve(pop, &act[0], 64, 8);
	PMEMoid b = pmemobj_xreserve(pop, &act[1], 1000, 9, POBJ_XALLOC_ZERO);

	if (OID_IS_NULL(a) || OID_IS_NULL(b))
		return -1;
	*(uint64_t *)pmemobj_direct(a) = 0xd1;
	pmemobj_persist(pop, pmemobj_direct(a), 8);
	*(uint64_t *)pmemobj_direct(b) = 0xd2;
	pmemobj_persist(pop, pmemobj_direct(b), 8);
	pmemobj_set_value(pop, &act[2], &r->slot[0].pool_uuid_lo,
			  a.pool_uuid_lo);
	pmemobj_set_value(pop, &act[3], &r->slot[0].off, a.off);
	pmemobj_set_value(pop, &act[4], &r->slot[1].pool_uuid_lo,
			  b.pool_uuid_lo);
	pmemobj_set_value(pop, &act[5], &r->slot[1].off, b.off);
	return pmemobj_publish(pop, act, 6);
}

static int c_defer_free(PMEMobjpool *pop, struct croot *r)
{
	struct pobj_action act[3];

	pmemobj_defer_free(pop, r->slot[0], &act[0]);
	pmemobj_set_value(pop, &act[1], &r->slot[0].pool_uuid_lo, 0);
	pmemobj_set_value(pop, &act[2], &r->slot[0].off, 0);
	return pmemobj_publish(pop, act, 3);
}

static int c_cancel_then_publish(PMEMobjpool *pop, struct croot *r)
{
	struct pobj_action act[3];
	PMEMoid c = pmemobj_reserve(pop, &act[0], 64, 10);

	if (OID_IS_NULL(c))
		return -1;
	pmemobj_cancel(pop, act, 1);
	c = pmemobj_reserve(pop, &act[0], 64, 10);
	*(uint64_t *)pmemobj_direct(c) = 0xd3;
	pmemobj_persist(pop, pmemobj_direct(c), 8);
	pmemobj_set_value(pop, &act[1], &r->slot[2].pool_uuid_lo,
			  c.pool_uuid_lo);
	pmemobj_set_value(pop, &act[2], &r->slot[2].off, c.off);
	return pmemobj_publish(pop, act, 3);
}

/* Lists. */
static int l_insert(PMEMobjpool *pop, struct croot *r, uint64_t tag)
{
	return OID_IS_NULL(POBJ_LIST_INSERT_NEW_HEAD(
		pop, &r->list, link, sizeof(struct elem), tag_constr, &tag));
}

static int l_insert1(PMEMobjpool *pop, struct croot *r)
{
	return l_insert(pop, r, 0xe1);
}

static int l_insert2(PMEMobjpool *pop, struct croot *r)
{
	return l_insert(pop, r, 0xe2);
}

static int l_insert3(PMEMobjpool *pop, struct croot *r)
{
	return l_insert(pop, r, 0xe3);
}

static int l_move(PMEMobjpool *pop, struct croot *r)
{
	TOID(struct elem) e = POBJ_LIST_FIRST(&r->list);

	return POBJ_LIST_MOVE_ELEMENT_TAIL(pop, &r->list, &r->list2, e, link,
					   link);
}

static int l_remove_free(PMEMobjpool *pop, struct croot *r)
{
	TOID(struct elem) e = POBJ_LIST_FIRST(&r->list);

	return POBJ_LIST_REMOVE_FREE(pop, &r->list, e, link);
}

static const struct workload workloads[] = {
	{"atomic",
	 {a_small, a_span, a_realloc, a_free, a_zalloc, a_strdup, a_root},
	 7},
	{"tx", {t_alloc, t_free_realloc, t_abort, t_nested}, 4},
	{"actions", {c_publish, c_defer_free, c_cancel_then_publish}, 3},
	{"lists", {l_insert1, l_insert2, l_insert3, l_move, l_remove_free}, 5},
};

/* Appends one object's description: type, tag, usable size. */
static void describe(char *s, size_t len, PMEMoid o)
{
	size_t n = strlen(s);

	if (OID_IS_NULL(o))
		snprintf(s + n, len - n, " -");
	else if (pmemobj_alloc_usable_size(o) == 0)
		snprintf(s + n, len - n, " DANGLING");
	else
		snprintf(s + n, len - n, " %lu:%lx:%lx:%zu",
			 (unsigned long)pmemobj_type_num(o),
			 (unsigned long)*(uint64_t *)pmemobj_direct(o),
			 pmemobj_alloc_usable_size(o) >= 2 * MID
				 ? (unsigned long)((uint64_t *)pmemobj_direct(
					   o))[MID / 8]
				 : 0UL,
			 pmemobj_alloc_usable_size(o));
}

/* The tags of a list, at most 16 (a longer one is broken). */
static void describe_list(char *s, size_t len, struct elems *head,
			  PMEMoid *named, int *nnamed)
{
	TOID(struct elem) e;
	int n = 0;

	strncat(s, " [", len - strlen(s) - 1);
	POBJ_LIST_FOREACH(e, head, link)
	{
		if (++n > 16) {
			strncat(s, " CYCLE", len - strlen(s) - 1);
			break;
		}
		describe(s, len, e.oid);
		named[(*nnamed)++] = e.oid;
	}
	strncat(s, " ]", len - strlen(s) - 1);
}

static int cmp_oid(const void *a, const void *b)
{
	const PMEMoid *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * The pool's state as a string: the slots, the counter, the lists, then
 * LEAK or TWICE if an object is named by no pointer or by two.
 */
static void state(PMEMobjpool *pop, char *s, size_t len)
{
	struct croot *r = root_of(pop);
	PMEMoid named[NSLOTS + 40], o;
	int nnamed = 0, nobj = 0;

	snprintf(s, len, "root %zu:", pmemobj_root_size(pop));
	for (int i = 0; i < NSLOTS; i++) {
		describe(s, len, r->slot[i]);
		if (!OID_IS_NULL(r->slot[i]))
			named[nnamed++] = r->slot[i];
	}
	snprintf(s + strlen(s), len - strlen(s), " counter %lu",
		 (unsigned long)r->counter);
	describe_list(s, len, &r->list, named, &nnamed);
	describe_list(s, len, &r->list2, named, &nnamed);
	qsort(named, (size_t)nnamed, sizeof(named[0]), cmp_oid);
	for (int i = 1; i < nnamed; i++)
		if (named[i].off == named[i - 1].off)
			strncat(s, " TWICE", len - strlen(s) - 1);
	POBJ_FOREACH(pop, o)
	{
		if (!bsearch(&o, named, (size_t)nnamed, sizeof(o), cmp_oid))
			strncat(s, " LEAK", len - strlen(s) - 1);
		nobj++;
	}
	if (nobj != nnamed)
		snprintf(s + strlen(s), len - strlen(s), " objects %d", nobj);
}

/* The states before each operation and after the last. */
static char states[MAX_OPS + 1][STATE_LEN];

static int reference(const struct workload *w, const char *pristine)
{
	PMEMobjpool *pop;

	if (copy_file(pristine, pool_path))
		return -1;
	pop = pmemobj_open(pool_path, "crash");
	if (!pop)
		return -1;
	for (int i = 0; i <= w->nops; i++) {
		state(pop, states[i], STATE_LEN);
		if (i < w->nops && w->ops[i](pop, root_of(pop))) {
			printf("# %s: op %d fails: %s\n", w->name, i,
			       pmemobj_errormsg());
			pmemobj_close(pop);
			return -1;
		}
	}
	pmemobj_close(pop);
	return 0;
}

static void child(void *arg, volatile int *done)
{
	const struct workload *w = arg;
	PMEMobjpool *pop = pmemobj_open(pool_path, "crash");

	if (!pop)
		_exit(3);
	pc_media_hook = crash_hook;
	for (int i = 0; i < w->nops; i++) {
		if (w->ops[i](pop, root_of(pop)))
			_exit(4);
		*done = i + 1;
	}
	pc_media_hook = NULL;
	pmemobj_close(pop);
}

static int verify(void *arg, int done, char *why, size_t whylen)
{
	const struct workload *w = arg;
	static char got[STATE_LEN];
	PMEMobjpool *pop = pmemobj_open(pool_path, "crash");

	if (!pop) {
		snprintf(why, whylen, "open: %s", pmemobj_errormsg());
		return 0;
	}
	state(pop, got, sizeof(got));
	pmemobj_close(pop);
	if (!strcmp(got, states[done]) ||
	    (done < w->nops && !strcmp(got, states[done + 1])))
		return 1;
	snprintf(why, whylen, "state %s matches neither before (%s) nor after",
		 got, states[done]);
	return 0;
}

/* A pristine object pool of the engine the environment names. */
static int make_pristine(const char *path, const char *pristine)
{
	PMEMobjpool *pop;
	int fd;

	unlink(path);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
	if (fd < 0 || ftruncate(fd, POOL_BYTES) || close(fd))
		return -1;
	pop = pmemobj_create(path, "crash", 0, 0600);
	if (!pop) {
		printf("Bail out! create: %s\n", pmemobj_errormsg());
		return -1;
	}
	root_of(pop);
	pmemobj_close(pop);
	close(open(pristine, O_CREAT | O_WRONLY, 0600));
	return copy_file(path, pristine) ? -1 : 0;
}

int main(void)
{
	char dir[] = "/dev/shm/pmemcrypt-crash-obj-XXXXXX", path[128],
	     pristine[128], key[128], env[160];
	size_t nw = sizeof(workloads) / sizeof(workloads[0]);
	uint8_t raw[32];
	int n = 0, failed = 0, fd;

	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 0);
	if (!mkdtemp(dir)) {
		printf("1..0 # SKIP no /dev/shm: %s\n", strerror(errno));
		return 77;
	}
	snprintf(path, sizeof(path), "%s/pool", dir);
	snprintf(pristine, sizeof(pristine), "%s/pristine", dir);
	snprintf(key, sizeof(key), "%s/key", dir);
	memset(raw, 0x5a, sizeof(raw));
	fd = open(key, O_CREAT | O_WRONLY, 0600);
	if (fd < 0 || write(fd, raw, sizeof(raw)) != sizeof(raw) || close(fd))
		return 1;
	snprintf(env, sizeof(env), "file:%s", key);
	setenv("PMEMCRYPT_KEY", env, 1);
	pool_path = path;
	printf("1..%zu\n", 3 * nw * NMODES);
	for (int run = 0; run < 3; run++) {
		const char *tag = run == 1 ? "hw/" : run == 2 ? "budget/" : "";

		/* The hardware engine on a plain file (see binding.h). */
		pc_binding_assume_bound = run == 1;
		setenv("PMEMCRYPT_ENGINE", run == 1 ? "hardware" : "software",
		       1);
		if (run == 2)
			setenv("PMEMCRYPT_VIEW_BUDGET", "64K", 1);
		if (make_pristine(path, pristine))
			return 1;
		for (size_t w = 0; w < nw; w++) {
			if (reference(&workloads[w], pristine)) {
				printf("Bail out! %s: no reference run\n",
				       workloads[w].name);
				return 1;
			}
			for (int m = 0; m < NMODES; m++) {
				struct crash_run cr = {
					workloads[w].name,    pristine, path,
					(enum mode)m,	      child,	verify,
					(void *)&workloads[w]};
				long points = 0;
				int f = crash_each(&cr, &points);

				failed |= f != 0;
				printf("%sok %d - obj %s%s/%s: %ld crash "
				       "points%s\n",
				       f ? "not " : "", ++n, tag,
				       workloads[w].name, mode_name[m], points,
				       f ? "" : ", all before or after");
			}
		}
	}
	unlink(path);
	unlink(pristine);
	unlink(key);
	rmdir(dir);
	return failed;
}
