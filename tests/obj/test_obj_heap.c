// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_obj_heap.c -- the object heap under stress: metadata that does not
 * hold together (crafted through libpmemcrypt with the key) refused at
 * open with the file unchanged, and threads allocating and freeing at
 * once.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpmemcrypt.h>
#include <libpmemobj.h>
#include <pthread.h>

#include "obj_helpers.h"

/*
 * Heap metadata written through libpmemcrypt (as a pool file would be
 * crafted by someone with the key, or decrypted from a damaged medium):
 * open refuses it with EINVAL and leaves the file as it was.
 */
static void corrupt_and_open(const char *name, uint64_t off, uint64_t value,
			     const char *msg)
{
	struct pmemcrypt_key *key = th_raw_key(7);
	struct pmemcrypt_pool *pool;
	uint8_t before[32], after[32];

	pool = th_open(th_path(name), key);
	assert_int_equal(pmemcrypt_write(pool, &value, 8, off), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
	th_hash_file(th_path(name), before);
	assert_null(pmemobj_open(th_path(name), LAYOUT));
	assert_int_equal(errno, EINVAL);
	assert_msg(msg);
	th_hash_file(th_path(name), after);
	assert_memory_equal(before, after, sizeof(before));
}

static void test_hostile_heap(void **state)
{
	PMEMobjpool *pop;
	PMEMoid o;
	uint64_t table = 4096;

	(void)state;
	/* a span word running past the heap */
	pmemobj_close(create("bad1"));
	corrupt_and_open("bad1", table, (1ULL << 32 | 1) + (1000ULL << 32),
			 "table word");
	/* an unknown chunk type */
	pmemobj_close(create("bad2"));
	corrupt_and_open("bad2", table + 8, 7, "table word");
	/* a run's bitmap marking blocks past its end */
	pop = create("bad3");
	pmemobj_alloc(pop, &o, 100, 1, NULL, NULL);
	pmemobj_close(pop);
	{
		struct pmemcrypt_key *key = th_raw_key(7);
		struct pmemcrypt_pool *pool = th_open(th_path("bad3"), key);
		uint64_t chunks_off, word = ~0ULL;

		memcpy(&chunks_off, (char *)pmemcrypt_pool_base(pool) + 56, 8);
		/* class 1 (128-byte blocks): 2045 blocks in 32 words */
		pmemcrypt_pool_close(&pool);
		pmemcrypt_key_delete(&key);
		corrupt_and_open("bad3", chunks_off + 8 + 31 * 8, word,
				 "past its end");
	}
	/* a root pointer into the middle of nowhere */
	pop = create("bad4");
	pmemobj_root(pop, 64);
	pmemobj_close(pop);
	corrupt_and_open("bad4", 80, 1 << 20, "root object");
	/* a libpmemcrypt pool that is no object pool */
	{
		struct pmemcrypt_key *key = th_raw_key(7);
		struct pmemcrypt_config *cfg = NULL;
		struct pmemcrypt_pool *pool = NULL;

		assert_int_equal(pmemcrypt_config_new(&cfg), 0);
		assert_int_equal(pmemcrypt_config_set_size(cfg, 8 << 20), 0);
		assert_int_equal(pmemcrypt_pool_create(&pool, th_path("plain"),
						       cfg, key),
				 0);
		pmemcrypt_config_delete(&cfg);
		pmemcrypt_pool_close(&pool);
		pmemcrypt_key_delete(&key);
		assert_null(pmemobj_open(th_path("plain"), NULL));
		assert_msg("not an object pool");
	}
}

#define THREADS 4
#define TSLOTS 32
#define TITER 1500

struct troot {
	PMEMoid slot[THREADS][TSLOTS];
};

struct targ {
	PMEMobjpool *pop;
	struct troot *r;
	int id;
};

/* An object's tag: which thread and slot own it. */
static uint64_t tag(int t, int i)
{
	return 0x7a00000000ULL | (uint64_t)t << 16 | (uint64_t)i;
}

/* Allocates, frees and reallocates in its own slots, every way. */
static void *worker(void *arg)
{
	struct targ *a = arg;
	PMEMoid *slot = a->r->slot[a->id];
	unsigned seed = (unsigned)a->id * 7919u + 1;

	for (int n = 0; n < TITER; n++) {
		int i = rand_r(&seed) % TSLOTS, how = rand_r(&seed) % 3;
		size_t size = 16 + (size_t)(rand_r(&seed) % 6000);

		if (OID_IS_NULL(slot[i]) && how == 0) {
			TX_BEGIN(a->pop)
			{
				pmemobj_tx_add_range_direct(&slot[i],
							    sizeof(PMEMoid));
				slot[i] = pmemobj_tx_alloc(size, 1);
				*(uint64_t *)pmemobj_direct(slot[i]) =
					tag(a->id, i);
			}
			TX_END
		} else if (OID_IS_NULL(slot[i])) {
			uint64_t t = tag(a->id, i);

			if (pmemobj_alloc(a->pop, &slot[i], size, 1, tag_constr,
					  &t))
				return (void *)1;
		} else if (how == 0) {
			TX_BEGIN(a->pop)
			{
				pmemobj_tx_add_range_direct(&slot[i],
							    sizeof(PMEMoid));
				pmemobj_tx_free(slot[i]);
				slot[i] = OID_NULL;
			}
			TX_END
		} else if (how == 1) {
			pmemobj_free(&slot[i]);
		} else if (pmemobj_realloc(a->pop, &slot[i], size, 1)) {
			return (void *)1;
		}
	}
	return NULL;
}

/* Every slot names its own object, and nothing else is allocated. */
static void check_slots(PMEMobjpool *pop, struct troot *r)
{
	size_t named = 0;

	for (int t = 0; t < THREADS; t++)
		for (int i = 0; i < TSLOTS; i++) {
			if (OID_IS_NULL(r->slot[t][i]))
				continue;
			named++;
			assert_int_equal(pmemobj_type_num(r->slot[t][i]), 1);
			assert_int_equal(
				*(uint64_t *)pmemobj_direct(r->slot[t][i]),
				tag(t, i));
		}
	assert_int_equal(count_objects(pop, UINT64_MAX), named);
}

/* Threads allocating and freeing at once, in transactions or not. */
static void test_threads(void **state)
{
	PMEMobjpool *pop = create("threads");
	struct troot *r = pmemobj_direct(pmemobj_root(pop, sizeof(*r)));
	struct targ args[THREADS];
	pthread_t th[THREADS];

	(void)state;
	for (int t = 0; t < THREADS; t++) {
		args[t] = (struct targ){pop, r, t};
		assert_int_equal(pthread_create(&th[t], NULL, worker, &args[t]),
				 0);
	}
	for (int t = 0; t < THREADS; t++) {
		void *ret;

		assert_int_equal(pthread_join(th[t], &ret), 0);
		assert_null(ret);
	}
	check_slots(pop, r);
	pmemobj_close(pop);
	pop = pmemobj_open(th_path("threads"), LAYOUT);
	assert_non_null(pop);
	check_slots(pop, pmemobj_direct(pmemobj_root(pop, 1)));
	pmemobj_close(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_heap),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
