// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_obj.c -- object pools through <libpmemobj.h> of libpmemcrypt-obj:
 * pools and layouts, keys, the root object, atomic allocation,
 * transactions (stages, nesting, abort), actions, lists and locks.
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
#include <keyutils.h>

#include "obj_helpers.h"

POBJ_LAYOUT_BEGIN(test_obj);
POBJ_LAYOUT_ROOT(test_obj, struct root_t);
POBJ_LAYOUT_TOID(test_obj, struct item);
POBJ_LAYOUT_TOID(test_obj, struct node);
POBJ_LAYOUT_END(test_obj);

struct item {
	uint64_t key;
	char data[56];
};

struct node {
	POBJ_LIST_ENTRY(struct node) link;
	uint64_t v;
};

POBJ_LIST_HEAD(node_list, struct node);

struct root_t {
	TOID(struct item) item;
	PMEMoid other;
	struct node_list list, list2;
	PMEMmutex lock;
	uint64_t counter;
};

static void test_pool_layout(void **state)
{
	PMEMobjpool *pop = create("layout");
	char p[4096];

	(void)state;
	snprintf(p, sizeof(p), "%s", th_path("layout"));
	pmemobj_close(pop);
	assert_null(pmemobj_open(p, "another"));
	assert_int_equal(errno, EINVAL);
	assert_msg("layout");
	pop = pmemobj_open(p, NULL);
	assert_non_null(pop);
	pmemobj_close(pop);
	pop = pmemobj_open(p, LAYOUT);
	assert_non_null(pop);
	pmemobj_close(pop);
	/* nothing that exists is overwritten */
	assert_null(pmemobj_create(p, LAYOUT, POOL, 0600));
	assert_int_equal(errno, EEXIST);
	assert_null(pmemobj_create(th_path("small"), LAYOUT, 1 << 20, 0600));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(access(th_path("small"), F_OK), -1);
}

static void test_key_missing_or_wrong(void **state)
{
	char p[4096];
	char *saved = strdup(getenv("PMEMCRYPT_KEY"));
	uint8_t before[32], after[32], raw[PMEMCRYPT_KEY_SIZE];

	(void)state;
	snprintf(p, sizeof(p), "%s", th_path("keyed"));
	pmemobj_close(create("keyed"));
	unsetenv("PMEMCRYPT_KEY");
	assert_null(pmemobj_open(p, LAYOUT));
	assert_int_equal(errno, ENOKEY);
	assert_msg("PMEMCRYPT_KEY");
	setenv("PMEMCRYPT_KEY", "hex:00", 1);
	assert_null(pmemobj_open(p, LAYOUT));
	assert_msg("keyring:");
	th_raw_bytes(raw, 8);
	th_pwrite(th_path("wrong"), raw, sizeof(raw));
	{
		char env[4200];

		snprintf(env, sizeof(env), "file:%s", th_path("wrong"));
		setenv("PMEMCRYPT_KEY", env, 1);
	}
	th_hash_file(p, before);
	assert_null(pmemobj_open(p, LAYOUT));
	assert_int_equal(errno, EKEYREJECTED);
	/* clevis: the pool's clevis slots, of which it has none. */
	setenv("PMEMCRYPT_KEY", "clevis", 1);
	assert_null(pmemobj_open(p, LAYOUT));
	assert_int_equal(errno, EKEYREJECTED);
	assert_msg("clevis");
	th_hash_file(p, after);
	assert_memory_equal(before, after, sizeof(before));
	setenv("PMEMCRYPT_KEY", saved, 1);
	free(saved);
}

/* The key as a keyring key named in PMEMCRYPT_KEY, in both spellings. */
static void test_keyring_key(void **state)
{
	char *saved = strdup(getenv("PMEMCRYPT_KEY"));
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	char desc[64], env[96], p[4096];
	PMEMobjpool *pop;
	key_serial_t k;

	(void)state;
	snprintf(p, sizeof(p), "%s", th_path("keyring"));
	pmemobj_close(create("keyring"));
	snprintf(desc, sizeof(desc), "pmemcrypt-obj-test-%d", (int)getpid());
	th_raw_bytes(raw, 7);
	k = add_key("user", desc, raw, sizeof(raw), KEY_SPEC_PROCESS_KEYRING);
	if (k < 0) {
		free(saved);
		print_message("# SKIP keyring unavailable: add_key: %s\n",
			      strerror(errno));
		skip();
	}
	snprintf(env, sizeof(env), "keyring:%s", desc);
	setenv("PMEMCRYPT_KEY", env, 1);
	pop = pmemobj_open(p, LAYOUT);
	assert_non_null(pop);
	pmemobj_close(pop);
	snprintf(env, sizeof(env), "keyring:user:%s", desc);
	setenv("PMEMCRYPT_KEY", env, 1);
	pop = pmemobj_open(p, LAYOUT);
	assert_non_null(pop);
	pmemobj_close(pop);
	setenv("PMEMCRYPT_KEY", "keyring:pmemcrypt-obj-no-such-key", 1);
	assert_null(pmemobj_open(p, LAYOUT));
	assert_int_equal(errno, ENOKEY);
	assert_msg("PMEMCRYPT_KEY");
	keyctl_invalidate(k);
	setenv("PMEMCRYPT_KEY", saved, 1);
	free(saved);
}

static void test_root(void **state)
{
	PMEMobjpool *pop = create("root");
	PMEMoid r;
	char *d;

	(void)state;
	assert_true(OID_IS_NULL(pmemobj_root(pop, 0)));
	assert_int_equal(errno, EINVAL);
	r = pmemobj_root(pop, 100);
	assert_false(OID_IS_NULL(r));
	d = pmemobj_direct(r);
	for (int i = 0; i < 100; i++)
		assert_int_equal(d[i], 0);
	memset(d, 'r', 100);
	pmemobj_persist(pop, d, 100);
	assert_true(OID_EQUALS(pmemobj_root(pop, 50), r));
	assert_int_equal(pmemobj_root_size(pop), 100);
	r = pmemobj_root(pop, 5000);
	d = pmemobj_direct(r);
	assert_int_equal(d[99], 'r');
	assert_int_equal(d[100], 0);
	assert_int_equal(d[4999], 0);
	/* the root is not among the objects */
	assert_int_equal(count_objects(pop, UINT64_MAX), 0);
	pmemobj_close(pop);
	pop = pmemobj_open(th_path("root"), LAYOUT);
	assert_int_equal(pmemobj_root_size(pop), 5000);
	d = pmemobj_direct(pmemobj_root(pop, 1));
	assert_int_equal(d[0], 'r');
	assert_int_equal(d[100], 0);
	pmemobj_close(pop);
}

static int item_constr(PMEMobjpool *pop, void *ptr, void *arg)
{
	struct item *it = ptr;

	it->key = *(uint64_t *)arg;
	snprintf(it->data, sizeof(it->data), "item %lu",
		 (unsigned long)it->key);
	pmemobj_persist(pop, it, sizeof(*it));
	return 0;
}

static int failing_constr(PMEMobjpool *pop, void *ptr, void *arg)
{
	(void)pop;
	(void)ptr;
	(void)arg;
	return 1;
}

static void test_atomic_alloc(void **state)
{
	PMEMobjpool *pop = create("atomic");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);
	uint64_t key = 42;
	PMEMoid big = OID_NULL, s = OID_NULL;

	(void)state;
	assert_int_equal(POBJ_NEW(pop, &D_RW(root)->item, struct item,
				  item_constr, &key),
			 0);
	assert_int_equal(D_RO(D_RO(root)->item)->key, 42);
	assert_true(TOID_VALID(D_RO(root)->item));
	assert_true(pmemobj_alloc_usable_size(D_RO(root)->item.oid) >=
		    sizeof(struct item));
	assert_int_equal(pmemobj_alloc(pop, &D_RW(root)->other, 64, 9,
				       failing_constr, NULL),
			 -1);
	assert_int_equal(errno, ECANCELED);
	assert_true(OID_IS_NULL(D_RO(root)->other));
	/* a span of chunks, and a string */
	assert_int_equal(pmemobj_zalloc(pop, &big, 3 << 20, 5), 0);
	assert_int_equal(((char *)pmemobj_direct(big))[(3 << 20) - 1], 0);
	assert_int_equal(pmemobj_type_num(big), 5);
	assert_int_equal(pmemobj_strdup(pop, &s, "persistent", 6), 0);
	assert_string_equal(pmemobj_direct(s), "persistent");
	assert_int_equal(pmemobj_realloc(pop, &s, 100000, 6), 0);
	assert_string_equal(pmemobj_direct(s), "persistent");
	assert_int_equal(count_objects(pop, 6), 1);
	assert_int_equal(count_objects(pop, TOID_TYPE_NUM(struct item)), 1);
	pmemobj_close(pop);

	pop = pmemobj_open(th_path("atomic"), LAYOUT);
	root = POBJ_ROOT(pop, struct root_t);
	assert_string_equal(D_RO(D_RO(root)->item)->data, "item 42");
	assert_int_equal(count_objects(pop, UINT64_MAX), 3);
	POBJ_FREE(&D_RW(root)->item);
	assert_true(TOID_IS_NULL(D_RO(root)->item));
	pmemobj_free(&big);
	assert_true(OID_IS_NULL(big));
	assert_int_equal(count_objects(pop, UINT64_MAX), 1);
	/* freeing what is not an object changes nothing */
	{
		PMEMoid bogus = s;

		bogus.off += 8;
		pmemobj_free(&bogus);
		assert_int_equal(count_objects(pop, UINT64_MAX), 1);
	}
	pmemobj_close(pop);
}

/* Allocates until the heap is full, frees all: the same fits again. */
static void test_exhaustion(void **state)
{
	PMEMobjpool *pop = create("full");
	size_t n = 0, again = 0, cap = 1 << 16;
	PMEMoid *v = calloc(cap, sizeof(*v));

	(void)state;
	while (n < cap && pmemobj_alloc(pop, &v[n], 4000, 1, NULL, NULL) == 0)
		n++;
	assert_int_equal(errno, ENOMEM);
	assert_true(n > 1000);
	for (size_t i = 0; i < n; i++)
		pmemobj_free(&v[i]);
	assert_int_equal(count_objects(pop, UINT64_MAX), 0);
	while (again < cap &&
	       pmemobj_alloc(pop, &v[again], 4000, 1, NULL, NULL) == 0)
		again++;
	assert_int_equal(again, n);
	free(v);
	pmemobj_close(pop);
}

static void test_tx_commit(void **state)
{
	PMEMobjpool *pop = create("txc");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);
	int stages = 0;

	(void)state;
	TX_BEGIN(pop)
	{
		TX_ADD(root);
		D_RW(root)->item = TX_ZNEW(struct item);
		D_RW(D_RW(root)->item)->key = 7;
		D_RW(root)->counter = 1;
		stages |= 1;
	}
	TX_ONCOMMIT
	{
		stages |= 2;
	}
	TX_ONABORT
	{
		stages |= 4;
	}
	TX_FINALLY
	{
		stages |= 8;
	}
	TX_END
	assert_int_equal(stages, 1 | 2 | 8);
	assert_int_equal(pmemobj_tx_stage(), TX_STAGE_NONE);
	pmemobj_close(pop);
	pop = pmemobj_open(th_path("txc"), LAYOUT);
	root = POBJ_ROOT(pop, struct root_t);
	assert_int_equal(D_RO(root)->counter, 1);
	assert_int_equal(D_RO(D_RO(root)->item)->key, 7);
	pmemobj_close(pop);
}

static void test_tx_abort(void **state)
{
	PMEMobjpool *pop = create("txa");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);
	volatile int after_abort = 0, onabort = 0;

	(void)state;
	D_RW(root)->counter = 5;
	pmemobj_persist(pop, &D_RW(root)->counter, 8);
	errno = 0;
	TX_BEGIN(pop)
	{
		TX_SET(root, counter, 6);
		D_RW(root)->item = TX_NEW(struct item);
		pmemobj_tx_abort(EINVAL);
		after_abort = 1;
	}
	TX_ONABORT
	{
		onabort = 1;
	}
	TX_END
	assert_int_equal(errno, EINVAL);
	assert_int_equal(after_abort, 0);
	assert_int_equal(onabort, 1);
	assert_int_equal(D_RO(root)->counter, 5);
	/* the allocation is undone */
	assert_int_equal(count_objects(pop, UINT64_MAX), 0);
	pmemobj_close(pop);
}

static void test_tx_nested(void **state)
{
	PMEMobjpool *pop = create("txn");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);
	volatile int outer_rest = 0, outer_abort = 0, inner_abort = 0;

	(void)state;
	/* nested commits fold into the outer one */
	TX_BEGIN(pop)
	{
		TX_SET(root, counter, 1);
		TX_BEGIN(pop)
		{
			TX_SET(root, counter, 2);
		}
		TX_END
		assert_int_equal(pmemobj_tx_stage(), TX_STAGE_WORK);
	}
	TX_END
	assert_int_equal(D_RO(root)->counter, 2);
	/* an inner abort aborts all: the outer work stops */
	TX_BEGIN(pop)
	{
		TX_SET(root, counter, 3);
		TX_BEGIN(pop)
		{
			TX_SET(root, counter, 4);
			pmemobj_tx_abort(ECANCELED);
		}
		TX_ONABORT
		{
			inner_abort = 1;
		}
		TX_END
		outer_rest = 1;
	}
	TX_ONABORT
	{
		outer_abort = 1;
	}
	TX_END
	assert_int_equal(inner_abort, 1);
	assert_int_equal(outer_abort, 1);
	assert_int_equal(outer_rest, 0);
	assert_int_equal(D_RO(root)->counter, 2);
	pmemobj_close(pop);
}

static void test_tx_free(void **state)
{
	PMEMobjpool *pop = create("txf");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);
	TOID(struct item) it;

	(void)state;
	POBJ_ZNEW(pop, &D_RW(root)->item, struct item);
	it = D_RO(root)->item;
	/* an aborted free leaves the object */
	TX_BEGIN(pop)
	{
		TX_FREE(it);
		pmemobj_tx_abort(ECANCELED);
	}
	TX_END
	assert_int_equal(count_objects(pop, UINT64_MAX), 1);
	/* a committed one frees it; a second free is refused */
	TX_BEGIN(pop)
	{
		TX_FREE(it);
		TX_SET(root, item, TOID_NULL(struct item));
	}
	TX_END
	assert_int_equal(count_objects(pop, UINT64_MAX), 0);
	errno = 0;
	TX_BEGIN(pop)
	{
		TX_FREE(it);
	}
	TX_END
	assert_int_equal(errno, EINVAL);
	/* allocated and freed in one transaction: nothing stays */
	TX_BEGIN(pop)
	{
		PMEMoid o = pmemobj_tx_alloc(100, 3);

		pmemobj_tx_free(o);
	}
	TX_END
	assert_int_equal(count_objects(pop, UINT64_MAX), 0);
	pmemobj_close(pop);
}

static void test_actions(void **state)
{
	PMEMobjpool *pop = create("act");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);
	struct pobj_action act[4];
	PMEMoid a, b;

	(void)state;
	a = pmemobj_reserve(pop, &act[0], 128, 11);
	b = pmemobj_xreserve(pop, &act[1], 200000, 12, POBJ_XALLOC_ZERO);
	assert_false(OID_IS_NULL(a));
	assert_false(OID_IS_NULL(b));
	assert_int_equal(count_objects(pop, UINT64_MAX), 0);
	strcpy(pmemobj_direct(a), "reserved");
	pmemobj_persist(pop, pmemobj_direct(a), 9);
	pmemobj_set_value(pop, &act[2], &D_RW(root)->other.pool_uuid_lo,
			  a.pool_uuid_lo);
	pmemobj_set_value(pop, &act[3], &D_RW(root)->other.off, a.off);
	pmemobj_cancel(pop, &act[1], 1);
	assert_int_equal(pmemobj_publish(pop, act, 1), 0);
	assert_int_equal(pmemobj_publish(pop, &act[2], 2), 0);
	assert_int_equal(count_objects(pop, UINT64_MAX), 1);
	assert_true(OID_EQUALS(D_RO(root)->other, a));
	/* a deferred free published in a transaction */
	pmemobj_defer_free(pop, a, &act[0]);
	TX_BEGIN(pop)
	{
		pmemobj_tx_publish(act, 1);
	}
	TX_END
	assert_int_equal(count_objects(pop, UINT64_MAX), 0);
	pmemobj_close(pop);
}

static int node_constr(PMEMobjpool *pop, void *ptr, void *arg)
{
	struct node *n = ptr;

	n->v = *(uint64_t *)arg;
	pmemobj_persist(pop, &n->v, sizeof(n->v));
	return 0;
}

static void test_lists(void **state)
{
	PMEMobjpool *pop = create("lists");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);
	TOID(struct node) n;
	uint64_t v, want[] = {3, 2, 1}, got[3];
	int i = 0;

	(void)state;
	for (v = 1; v <= 3; v++)
		assert_false(OID_IS_NULL(POBJ_LIST_INSERT_NEW_HEAD(
			pop, &D_RW(root)->list, link, sizeof(struct node),
			node_constr, &v)));
	POBJ_LIST_FOREACH(n, &D_RO(root)->list, link)
	got[i++] = D_RO(n)->v;
	assert_int_equal(i, 3);
	assert_memory_equal(got, want, sizeof(want));
	/* the middle one moves to the other list, the head is freed */
	n = POBJ_LIST_NEXT(POBJ_LIST_FIRST(&D_RO(root)->list), link);
	assert_int_equal(POBJ_LIST_MOVE_ELEMENT_TAIL(pop, &D_RW(root)->list,
						     &D_RW(root)->list2, n,
						     link, link),
			 0);
	assert_int_equal(
		POBJ_LIST_REMOVE_FREE(pop, &D_RW(root)->list,
				      POBJ_LIST_FIRST(&D_RO(root)->list), link),
		0);
	pmemobj_close(pop);
	pop = pmemobj_open(th_path("lists"), LAYOUT);
	root = POBJ_ROOT(pop, struct root_t);
	i = 0;
	POBJ_LIST_FOREACH(n, &D_RO(root)->list, link)
	got[i++] = D_RO(n)->v;
	assert_int_equal(i, 1);
	assert_int_equal(got[0], 1);
	n = POBJ_LIST_FIRST(&D_RO(root)->list2);
	assert_int_equal(D_RO(n)->v, 2);
	assert_int_equal(count_objects(pop, TOID_TYPE_NUM(struct node)), 2);
	assert_int_equal(count_objects(pop, UINT64_MAX), 2);
	pmemobj_close(pop);
}

/* A lock left held when the pool was closed is free after reopening. */
static void test_lock_reset(void **state)
{
	PMEMobjpool *pop = create("locks");
	TOID(struct root_t) root = POBJ_ROOT(pop, struct root_t);

	(void)state;
	assert_int_equal(pmemobj_mutex_lock(pop, &D_RW(root)->lock), 0);
	assert_int_equal(pmemobj_mutex_trylock(pop, &D_RW(root)->lock), EBUSY);
	pmemobj_persist(pop, &D_RW(root)->lock, sizeof(PMEMmutex));
	pmemobj_close(pop);
	pop = pmemobj_open(th_path("locks"), LAYOUT);
	root = POBJ_ROOT(pop, struct root_t);
	assert_int_equal(pmemobj_mutex_trylock(pop, &D_RW(root)->lock), 0);
	/* a transaction takes it and gives it back */
	assert_int_equal(pmemobj_mutex_unlock(pop, &D_RW(root)->lock), 0);
	TX_BEGIN_PARAM(pop, TX_PARAM_MUTEX, &D_RW(root)->lock, TX_PARAM_NONE)
	{
		assert_int_equal(pmemobj_mutex_trylock(pop, &D_RW(root)->lock),
				 EBUSY);
	}
	TX_END
	assert_int_equal(pmemobj_mutex_trylock(pop, &D_RW(root)->lock), 0);
	pmemobj_close(pop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_layout),
		cmocka_unit_test(test_key_missing_or_wrong),
		cmocka_unit_test(test_keyring_key),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_atomic_alloc),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_tx_commit),
		cmocka_unit_test(test_tx_abort),
		cmocka_unit_test(test_tx_nested),
		cmocka_unit_test(test_tx_free),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_lock_reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
