// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_traps.c -- misuse gets an error, never a crash or a surprise: NULL
 * and ended handles, close with a transaction open, a forked child's use
 * of the parent's pool and key, the atomic limit of persist and tx_add
 */

#include <pthread.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

#define UNIT PMEMCRYPT_UNIT_SIZE

/* Every call that takes a pool refuses a NULL one. */
static void test_null_pool(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_check_report r;
	struct pmemcrypt_tx *tx = NULL;
	uint8_t buf[8];

	assert_int_equal(pmemcrypt_persist(NULL, buf, 1), PMEMCRYPT_E_INVALID);
	th_assert_msg("persist: NULL pool");
	assert_int_equal(pmemcrypt_read(NULL, buf, 1, 0), PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_write(NULL, buf, 1, 0), PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_tx_begin(NULL, &tx), PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_check(NULL, &r, NULL, NULL),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_add_key(NULL, key, NULL),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_remove_key(NULL, 0),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_change_key(NULL, key, key),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_find_slot(NULL, key),
			 PMEMCRYPT_E_INVALID);
	assert_null(pmemcrypt_pool_base(NULL));
	assert_int_equal(pmemcrypt_pool_size(NULL), 0);
	assert_int_equal(pmemcrypt_pool_max_atomic(NULL), 0);
	assert_int_equal(pmemcrypt_pool_engine(NULL), PMEMCRYPT_ENGINE_AUTO);
	assert_int_equal(pmemcrypt_pool_close(NULL), 0);
	pmemcrypt_key_delete(&key);
}

/* Close refuses while a transaction is open; an ended one is NULL. */
static void test_close_with_tx(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path("close-tx.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	uint8_t *base = pmemcrypt_pool_base(pool);
	struct pmemcrypt_tx *tx, *other;

	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_begin(pool, &other), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base, 8), 0);
	memcpy(base, "stays", 6);
	assert_int_equal(pmemcrypt_pool_close(&pool), PMEMCRYPT_E_TX_STATE);
	th_assert_msg("2 transactions");
	assert_non_null(pool);
	pmemcrypt_tx_abort(&other);
	assert_int_equal(pmemcrypt_pool_close(&pool), PMEMCRYPT_E_TX_STATE);
	th_assert_msg("1 transaction");
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_null(tx);
	assert_int_equal(pmemcrypt_tx_add(tx, base, 1), PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_tx_commit(&tx), PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_null(pool);
	pool = th_open(path, key);
	assert_memory_equal(pmemcrypt_pool_base(pool), "stays", 6);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

#define TX_THREADS 5

struct begun {
	struct pmemcrypt_pool *pool;
	struct pmemcrypt_tx *tx;
};

static void *begin_one(void *arg)
{
	struct begun *b = arg;

	assert_int_equal(pmemcrypt_tx_begin(b->pool, &b->tx), 0);
	return NULL;
}

/*
 * Transactions begun in several threads all count, and ones ended in
 * another thread than the one that began them are counted out.
 */
static void test_close_with_tx_threads(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	const char *path = th_path("close-tx-threads.pool");
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	struct begun b[TX_THREADS];
	pthread_t t[TX_THREADS];

	for (int i = 0; i < TX_THREADS; i++) {
		b[i] = (struct begun){pool, NULL};
		assert_int_equal(pthread_create(&t[i], NULL, begin_one, &b[i]),
				 0);
	}
	for (int i = 0; i < TX_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), PMEMCRYPT_E_TX_STATE);
	th_assert_msg("5 transactions");
	for (int i = 0; i < TX_THREADS - 1; i++)
		assert_int_equal(pmemcrypt_tx_commit(&b[i].tx), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), PMEMCRYPT_E_TX_STATE);
	th_assert_msg("1 transaction");
	pmemcrypt_tx_abort(&b[TX_THREADS - 1].tx);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

struct forked {
	struct pmemcrypt_pool *pool;
	struct pmemcrypt_key *key;
	const char *path;
};

/* In the child: every use of the parent's pool and key is an error. */
static int child_uses_parent(void *arg)
{
	struct forked *f = arg;
	struct pmemcrypt_pool *mine = NULL;
	struct pmemcrypt_tx *tx = NULL;
	uint8_t buf[16];

	if (pmemcrypt_read(f->pool, buf, sizeof(buf), 0) !=
		    PMEMCRYPT_E_INVALID ||
	    !strstr(pmemcrypt_errormsg(), "opened by the parent process"))
		return 1;
	if (pmemcrypt_write(f->pool, buf, 1, 0) != PMEMCRYPT_E_INVALID ||
	    pmemcrypt_tx_begin(f->pool, &tx) != PMEMCRYPT_E_INVALID ||
	    pmemcrypt_pool_base(f->pool) != NULL)
		return 2;
	if (pmemcrypt_pool_open(&mine, f->path, f->key, 0) !=
		    PMEMCRYPT_E_INVALID ||
	    !strstr(pmemcrypt_errormsg(), "make the key again"))
		return 3;
	pmemcrypt_key_delete(&f->key);
	if (pmemcrypt_pool_close(&f->pool) || f->pool)
		return 4;
	return 0;
}

/* A forked child gets clear errors, not a crash; the parent goes on. */
static void test_forked_child(void **state)
{
	const char *path = th_path("forked.pool");
	struct forked f = {NULL, th_raw_key(2), path};
	uint8_t buf[16] = "parent's record";

	f.pool = th_create(path, TH_POOL_SIZE, f.key);
	assert_int_equal(pmemcrypt_write(f.pool, buf, sizeof(buf), 0), 0);
	assert_int_equal(th_run_child(child_uses_parent, &f, 30), 0);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(pmemcrypt_read(f.pool, buf, sizeof(buf), 0), 0);
	assert_string_equal((char *)buf, "parent's record");
	assert_int_equal(pmemcrypt_pool_close(&f.pool), 0);
	f.pool = th_open(path, f.key);
	assert_int_equal(pmemcrypt_pool_close(&f.pool), 0);
	pmemcrypt_key_delete(&f.key);
}

/* A pool of 4 units per update. */
static struct pmemcrypt_pool *small_updates(const char *name,
					    struct pmemcrypt_key *key)
{
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_pool *pool = NULL;

	unlink(th_path(name));
	assert_int_equal(pmemcrypt_config_set_lanes(cfg, 2, 4), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, th_path(name), cfg, key),
			 0);
	pmemcrypt_config_delete(&cfg);
	assert_int_equal(pmemcrypt_pool_max_atomic(pool), 4 * UNIT);
	return pool;
}

/* persist past the limit fails whether or not its units were touched. */
static void test_persist_limit(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(3);
	struct pmemcrypt_pool *pool = small_updates("limit.pool", key);
	uint8_t *base = pmemcrypt_pool_base(pool);

	assert_int_equal(pmemcrypt_persist(pool, base + 10, 4 * UNIT),
			 PMEMCRYPT_E_TOO_BIG);
	th_assert_msg("spans 5 units");
	assert_int_equal(pmemcrypt_persist(pool, base, 4 * UNIT), 0);
	memset(base, 1, 5 * UNIT);
	assert_int_equal(pmemcrypt_persist(pool, base + 10, 4 * UNIT),
			 PMEMCRYPT_E_TOO_BIG);
	assert_int_equal(pmemcrypt_persist(pool, base, 4 * UNIT), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

/* A transaction growing past the limit is told at the tx_add. */
static void test_tx_add_limit(void **state)
{
	struct pmemcrypt_key *key = th_raw_key(4);
	struct pmemcrypt_pool *pool = small_updates("txlimit.pool", key);
	uint8_t *base = pmemcrypt_pool_base(pool), got[4];
	struct pmemcrypt_tx *tx;

	assert_int_equal(pmemcrypt_tx_begin(pool, &tx), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base, 2 * UNIT), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 10 * UNIT, 8), 0);
	/* Units 0 and 1 again: nothing new. */
	assert_int_equal(pmemcrypt_tx_add(tx, base + 100, UNIT), 0);
	assert_int_equal(pmemcrypt_tx_add(tx, base + 20 * UNIT - 4, 8),
			 PMEMCRYPT_E_TOO_BIG);
	th_assert_msg("would cover 5 units");
	assert_int_equal(pmemcrypt_tx_add(tx, base + 20 * UNIT, 8), 0);
	memcpy(base + 20 * UNIT, "tx4", 4);
	assert_int_equal(pmemcrypt_tx_commit(&tx), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pool = th_open(th_path("txlimit.pool"), key);
	assert_int_equal(pmemcrypt_read(pool, got, 4, 20 * UNIT), 0);
	assert_string_equal((char *)got, "tx4");
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_pool),
		cmocka_unit_test(test_close_with_tx),
		cmocka_unit_test(test_close_with_tx_threads),
		cmocka_unit_test(test_forked_child),
		cmocka_unit_test(test_persist_limit),
		cmocka_unit_test(test_tx_add_limit),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}
