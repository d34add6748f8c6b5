// SPDX-License-Identifier: BSD-3-Clause
/* test_keyslots.c -- adding, removing and changing the keys of a pool */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <keyutils.h>

#include "format.h"
#include "helpers.h"

static const char data[] = "data that no key change may touch";

static const char *make_pool(const char *name, const struct pmemcrypt_key *k,
			     struct pmemcrypt_pool **pool)
{
	const char *path = th_path(name);

	*pool = th_create(path, TH_POOL_SIZE, k);
	assert_int_equal(pmemcrypt_write(*pool, data, sizeof(data), 70000), 0);
	return path;
}

/* SHA-256 of the encrypted data blocks of the pool file. */
static void hash_data_area(const char *path, uint8_t out[32])
{
	struct pc_header h;

	th_pread(path, &h, sizeof(h), 0);
	assert_true(h.data_off > 0 && h.data_off < h.file_size);
	th_hash_range(path, h.data_off, h.file_size - h.data_off, out);
}

static void expect_opens(const char *path, const struct pmemcrypt_key *k)
{
	struct pmemcrypt_pool *pool = th_open(path, k);
	char buf[sizeof(data)];

	assert_int_equal(pmemcrypt_read(pool, buf, sizeof(buf), 70000), 0);
	assert_memory_equal(buf, data, sizeof(data));
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
}

static void expect_refused(const char *path, const struct pmemcrypt_key *k)
{
	struct pmemcrypt_pool *pool = NULL;

	assert_int_equal(pmemcrypt_pool_open(&pool, path, k, 0),
			 PMEMCRYPT_E_WRONG_KEY);
	assert_null(pool);
}

static void test_add_until_full(void **state)
{
	struct pmemcrypt_key *keys[PMEMCRYPT_MAX_SLOTS + 1];
	struct pmemcrypt_pool *pool;
	uint8_t before[32], after[32];
	const char *path;
	int slot = -1;

	for (int i = 0; i <= PMEMCRYPT_MAX_SLOTS; i++)
		keys[i] = th_raw_key((uint8_t)(10 + i));
	path = make_pool("full.pool", keys[0], &pool);
	for (int i = 1; i < PMEMCRYPT_MAX_SLOTS; i++) {
		assert_int_equal(pmemcrypt_pool_add_key(pool, keys[i], &slot),
				 0);
		assert_int_equal(slot, i);
		assert_int_equal(pmemcrypt_pool_find_slot(pool, keys[i]), i);
	}
	th_hash_file(path, before);
	slot = -1;
	assert_int_equal(pmemcrypt_pool_add_key(pool, keys[8], &slot),
			 PMEMCRYPT_E_NO_SLOT);
	th_assert_msg("all 8 key slots");
	assert_int_equal(slot, -1);
	assert_int_equal(pmemcrypt_pool_find_slot(pool, keys[8]),
			 PMEMCRYPT_E_WRONG_KEY);
	assert_int_equal(pmemcrypt_pool_add_key(pool, NULL, NULL),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_add_key(NULL, keys[8], NULL),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_find_slot(pool, NULL),
			 PMEMCRYPT_E_INVALID);
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);

	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		expect_opens(path, keys[i]);
	expect_refused(path, keys[8]);
	for (int i = 0; i <= PMEMCRYPT_MAX_SLOTS; i++)
		pmemcrypt_key_delete(&keys[i]);
}

static void test_remove(void **state)
{
	struct pmemcrypt_key *k0 = th_raw_key(20), *k1 = th_raw_key(21);
	struct pmemcrypt_key *k2 = th_pass_key("slot two");
	struct pmemcrypt_pool *pool;
	const char *path = make_pool("remove.pool", k0, &pool);
	struct pmemcrypt_info info;
	uint8_t before[32], after[32];

	assert_int_equal(pmemcrypt_pool_add_key(pool, k1, NULL), 0);
	assert_int_equal(pmemcrypt_pool_add_key(pool, k2, NULL), 0);
	th_hash_file(path, before);
	assert_int_equal(pmemcrypt_pool_remove_key(pool, -1),
			 PMEMCRYPT_E_NO_SLOT);
	th_assert_msg("not in use");
	assert_int_equal(pmemcrypt_pool_remove_key(pool, PMEMCRYPT_MAX_SLOTS),
			 PMEMCRYPT_E_NO_SLOT);
	assert_int_equal(pmemcrypt_pool_remove_key(pool, 99),
			 PMEMCRYPT_E_NO_SLOT);
	assert_int_equal(pmemcrypt_pool_remove_key(pool, 5),
			 PMEMCRYPT_E_NO_SLOT);
	th_assert_msg("slot 5");
	assert_int_equal(pmemcrypt_pool_remove_key(NULL, 0),
			 PMEMCRYPT_E_INVALID);
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);

	hash_data_area(path, before);
	assert_int_equal(pmemcrypt_pool_remove_key(pool, 1), 0);
	assert_int_equal(pmemcrypt_pool_remove_key(pool, 1),
			 PMEMCRYPT_E_NO_SLOT);
	assert_int_equal(pmemcrypt_pool_remove_key(pool, 0), 0);
	assert_int_equal(pmemcrypt_pool_remove_key(pool, 2),
			 PMEMCRYPT_E_LAST_SLOT);
	th_assert_msg("last key slot");
	hash_data_area(path, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);

	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_false(info.slots[0].used);
	assert_false(info.slots[1].used);
	assert_true(info.slots[2].used);
	assert_int_equal(info.slots[2].type, PMEMCRYPT_KEY_PASSPHRASE);
	assert_int_equal(info.slots[2].kdf_t_cost, 1);
	assert_int_equal(info.slots[2].kdf_m_cost_kib, 64);
	assert_int_equal(info.slots[2].kdf_parallelism, 1);
	expect_refused(path, k0);
	expect_refused(path, k1);
	expect_opens(path, k2);
	/* The freed slot is reused first. */
	pool = th_open(path, k2);
	assert_int_equal(pmemcrypt_pool_add_key(pool, k1, NULL), 0);
	assert_int_equal(pmemcrypt_pool_find_slot(pool, k1), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pmemcrypt_key_delete(&k0);
	pmemcrypt_key_delete(&k1);
	pmemcrypt_key_delete(&k2);
}

static void test_change_key(void **state)
{
	struct pmemcrypt_key *old = th_raw_key(30), *new = th_raw_key(31);
	struct pmemcrypt_key *pass = th_pass_key("new passphrase");
	struct pmemcrypt_key *stranger = th_raw_key(32);
	struct pmemcrypt_pool *pool;
	const char *path = make_pool("change.pool", old, &pool);
	uint8_t before[32], after[32], file1[32], file2[32];
	struct pmemcrypt_info i1, i2;

	assert_int_equal(pmemcrypt_info_read(&i1, path), 0);
	hash_data_area(path, before);
	th_hash_file(path, file1);
	assert_int_equal(pmemcrypt_pool_change_key(pool, stranger, new),
			 PMEMCRYPT_E_WRONG_KEY);
	assert_int_equal(pmemcrypt_pool_change_key(pool, NULL, new),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_change_key(pool, old, NULL),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_change_key(NULL, old, new),
			 PMEMCRYPT_E_INVALID);
	th_hash_file(path, file2);
	assert_memory_equal(file1, file2, 32);

	assert_int_equal(pmemcrypt_pool_change_key(pool, old, new), 0);
	assert_int_equal(pmemcrypt_pool_find_slot(pool, new), 0);
	assert_int_equal(pmemcrypt_pool_find_slot(pool, old),
			 PMEMCRYPT_E_WRONG_KEY);
	hash_data_area(path, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	hash_data_area(path, after);
	assert_memory_equal(before, after, 32);

	assert_int_equal(pmemcrypt_info_read(&i2, path), 0);
	assert_true(i2.generation > i1.generation);
	assert_memory_equal(i1.uuid, i2.uuid, 16);
	expect_refused(path, old);
	expect_opens(path, new);

	/* From a raw key to a passphrase: the slot changes type. */
	pool = th_create(path, TH_POOL_SIZE, new);
	assert_int_equal(pmemcrypt_write(pool, data, sizeof(data), 70000), 0);
	hash_data_area(path, before);
	assert_int_equal(pmemcrypt_pool_change_key(pool, new, pass), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	hash_data_area(path, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(pmemcrypt_info_read(&i2, path), 0);
	assert_int_equal(i2.slots[0].type, PMEMCRYPT_KEY_PASSPHRASE);
	expect_refused(path, new);
	expect_opens(path, pass);
	pmemcrypt_key_delete(&old);
	pmemcrypt_key_delete(&new);
	pmemcrypt_key_delete(&pass);
	pmemcrypt_key_delete(&stranger);
}

/* A pool opened with a raw key seals new passphrases at its own cost. */
static void test_passphrase_cost_after_reopen(void **state)
{
	struct pmemcrypt_key *raw = th_raw_key(50), *pass = th_pass_key("p");
	struct pmemcrypt_pool *pool;
	const char *path = make_pool("cost.pool", raw, &pool);
	struct pmemcrypt_info info;
	int slot = -1;

	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	pool = th_open(path, raw);
	assert_int_equal(pmemcrypt_pool_add_key(pool, pass, &slot), 0);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_int_equal(info.slots[slot].type, PMEMCRYPT_KEY_PASSPHRASE);
	assert_int_equal(info.slots[slot].kdf_t_cost, 1);
	assert_int_equal(info.slots[slot].kdf_m_cost_kib, 64);
	assert_int_equal(info.slots[slot].kdf_parallelism, 1);
	expect_opens(path, pass);
	pmemcrypt_key_delete(&raw);
	pmemcrypt_key_delete(&pass);
}

static void test_keyring_slot(void **state)
{
	struct pmemcrypt_key *k0 = th_raw_key(40), *kr = NULL, *same = NULL;
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	struct pmemcrypt_pool *pool;
	struct pmemcrypt_info info;
	const char *path;
	char desc[64];
	key_serial_t serial;
	int slot = -1;

	snprintf(desc, sizeof(desc), "pmemcrypt-slot-test:%d", (int)getpid());
	th_fill(raw, sizeof(raw), 41);
	serial = add_key("user", desc, raw, sizeof(raw),
			 KEY_SPEC_PROCESS_KEYRING);
	if (serial < 0) {
		print_message("# SKIP keyring unavailable: add_key: %s\n",
			      strerror(errno));
		pmemcrypt_key_delete(&k0);
		skip();
	}
	assert_int_equal(pmemcrypt_key_from_keyring(&kr, desc), 0);
	path = make_pool("keyring.pool", k0, &pool);
	assert_int_equal(pmemcrypt_pool_add_key(pool, kr, &slot), 0);
	assert_int_equal(slot, 1);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);

	assert_int_equal(pmemcrypt_info_read(&info, path), 0);
	assert_true(info.slots[1].used);
	assert_int_equal(info.slots[1].type, PMEMCRYPT_KEY_KEYRING);
	assert_string_equal(info.slots[1].description, desc);
	assert_int_equal(info.slots[0].type, PMEMCRYPT_KEY_RAW);
	assert_string_equal(info.slots[0].description, "");
	expect_opens(path, kr);
	/* The payload is a raw key: the same bytes open the slot. */
	assert_int_equal(pmemcrypt_key_from_raw(&same, raw), 0);
	expect_opens(path, same);
	keyctl_unlink(serial, KEY_SPEC_PROCESS_KEYRING);
	pmemcrypt_key_delete(&k0);
	pmemcrypt_key_delete(&kr);
	pmemcrypt_key_delete(&same);
}

/*
 * The clevis calls refuse what they cannot use before running clevis and
 * change nothing: a clevis key as a new slot's key, bad pins and flags, a
 * pool without clevis slots.  (Binding and unlocking with Tang servers is
 * tests/tools/test_clevis.sh.)
 */
static void test_clevis_refusals(void **state)
{
	struct pmemcrypt_key *k = th_raw_key(40), *c = NULL;
	struct pmemcrypt_pool *pool, *other = NULL;
	uint8_t before[32], after[32];
	const char *path;
	int slot = -1;

	(void)state;
	path = make_pool("clevis.pool", k, &pool);
	assert_int_equal(pmemcrypt_key_from_clevis(&c), 0);
	assert_int_equal(pmemcrypt_key_get_type(c), PMEMCRYPT_KEY_CLEVIS);
	th_hash_file(path, before);
	assert_int_equal(pmemcrypt_pool_add_key(pool, c, &slot),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("pmemcrypt_pool_add_clevis");
	assert_int_equal(
		pmemcrypt_pool_add_clevis(pool, "../tang", "{}", 0, &slot),
		PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_add_clevis(pool, "", "{}", 0, &slot),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(
		pmemcrypt_pool_add_clevis(pool, "tang", NULL, 0, &slot),
		PMEMCRYPT_E_INVALID);
	assert_int_equal(
		pmemcrypt_pool_add_clevis(pool, "tang", "{}", 2, &slot),
		PMEMCRYPT_E_INVALID);
	assert_int_equal(
		pmemcrypt_pool_add_clevis(NULL, "tang", "{}", 0, &slot),
		PMEMCRYPT_E_INVALID);
	assert_int_equal(slot, -1);
	assert_int_equal(pmemcrypt_pool_find_slot(pool, c),
			 PMEMCRYPT_E_WRONG_KEY);
	assert_int_equal(pmemcrypt_pool_change_key(pool, k, c),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_pool_close(&pool), 0);
	th_hash_file(path, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(pmemcrypt_pool_open(&other, path, c, 0),
			 PMEMCRYPT_E_WRONG_KEY);
	th_assert_msg("no key slot of this pool takes a clevis");
	assert_null(other);
	expect_opens(path, k);
	pmemcrypt_key_delete(&c);
	pmemcrypt_key_delete(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_until_full),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_change_key),
		cmocka_unit_test(test_passphrase_cost_after_reopen),
		cmocka_unit_test(test_keyring_slot),
		cmocka_unit_test(test_clevis_refusals),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}
