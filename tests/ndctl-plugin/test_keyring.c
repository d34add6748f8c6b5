// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_keyring.c -- the real kernel keyring: a master user key, encrypted
 * keys created by the kernel, sealed, stored, loaded back; imports where
 * the kernel allows them.  Runs in a private session keyring; skips with
 * the reason when the kernel has no encrypted keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "crypt.h"

#define RING KEY_SPEC_SESSION_KEYRING
#define MASTER "user:pmemcrypt-test-master"
#define UUID "5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b"

static char skip_reason[160];
static char top[64];

/* A private session keyring holding a master key, and a temporary store. */
static int group_setup(void **state)
{
	unsigned char kek[32];
	size_t i;

	for (i = 0; i < sizeof(kek); i++)
		kek[i] = (unsigned char)(i * 7 + 1);
	if (keyctl_join_session_keyring(NULL) < 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "no session keyring: %s", strerror(errno));
		return 0;
	}
	if (add_key("user", "pmemcrypt-test-master", kek, sizeof(kek), RING) <
	    0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "cannot add a user key: %s", strerror(errno));
		return 0;
	}
	if (crypt_key_create("pmemcrypt-test-probe", MASTER, 64, RING) < 0) {
		snprintf(skip_reason, sizeof(skip_reason),
			 "the kernel has no encrypted keys "
			 "(CONFIG_ENCRYPTED_KEYS): %s",
			 strerror(errno));
		return 0;
	}
	snprintf(top, sizeof(top), "/tmp/ndctl-crypt-ring.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	return setenv(CRYPT_STORE_ENV, top, 1);
}

static int group_teardown(void **state)
{
	char cmd[128];

	keyctl_clear(RING);
	if (!top[0])
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) ? -1 : 0;
}

/* Skips the test, saying why, when the group setup found no support. */
static void need_keys(void)
{
	if (skip_reason[0]) {
		print_message("# SKIP %s\n", skip_reason);
		skip();
	}
}

/* The master key is found by its handle; a missing one is -ENOKEY. */
static void test_master(void **state)
{
	need_keys();
	assert_true(crypt_master_check(MASTER, RING) > 0);
	assert_true(crypt_master_check("pmemcrypt-test-master", RING) > 0);
	assert_int_equal(crypt_master_check("user:pmemcrypt-no-such-key", RING),
			 -ENOKEY);
	assert_int_equal(crypt_master_check("logon:x", RING), -EINVAL);
}

/*
 * A random key made by the kernel, sealed, stored, unlinked and loaded
 * back from the store gives the same sealed form: the kernel verified
 * and decrypted it under the master key.
 */
static void test_create_store_load(void **state)
{
	char desc[CRYPT_DESC_MAX], *blob, *stored, *again;
	size_t len, slen, alen;
	unsigned int key_len;
	key_serial_t key;

	need_keys();
	crypt_enc_desc(UUID, desc, sizeof(desc));
	key = crypt_key_create(desc, MASTER, 64, RING);
	assert_true(key > 0);
	assert_int_equal(crypt_key_find(desc, RING), key);
	assert_int_equal(crypt_key_blob(key, &blob, &len), 0);
	assert_int_equal(crypt_blob_key_len(blob, len, &key_len), 0);
	assert_int_equal(key_len, 64);
	assert_non_null(strstr(blob, MASTER));

	assert_int_equal(crypt_store_write(UUID, blob, len, false), 0);
	assert_int_equal(crypt_store_read(UUID, &stored, &slen), 0);
	assert_int_equal(slen, len);
	assert_memory_equal(stored, blob, len);

	assert_int_equal(keyctl_unlink(key, RING), 0);
	assert_int_equal(crypt_key_find(desc, RING), -ENOKEY);
	key = crypt_key_load(desc, stored, slen, RING);
	assert_true(key > 0);
	assert_int_equal(crypt_key_blob(key, &again, &alen), 0);
	assert_int_equal(alen, len);
	assert_memory_equal(again, blob, len);
	keyctl_unlink(key, RING);
	crypt_store_remove(UUID);
	free(blob);
	free(stored);
	free(again);
}

/* aes-xts-128 keys are 32 bytes. */
static void test_create_128(void **state)
{
	unsigned int key_len;
	key_serial_t key;
	size_t len;
	char *blob;

	need_keys();
	key = crypt_key_create("pmemcrypt-test-128", MASTER, 32, RING);
	assert_true(key > 0);
	assert_int_equal(crypt_key_blob(key, &blob, &len), 0);
	assert_int_equal(crypt_blob_key_len(blob, len, &key_len), 0);
	assert_int_equal(key_len, 32);
	keyctl_unlink(key, RING);
	free(blob);
}

/* Tampered blobs and missing master keys are refused by the kernel. */
static void test_load_refused(void **state)
{
	char *blob, *master;
	key_serial_t key;
	size_t len;

	need_keys();
	key = crypt_key_create("pmemcrypt-test-tamper", MASTER, 64, RING);
	assert_true(key > 0);
	assert_int_equal(crypt_key_blob(key, &blob, &len), 0);
	keyctl_unlink(key, RING);
	blob[len - 3] = blob[len - 3] == '0' ? '1' : '0';
	assert_true(crypt_key_load("pmemcrypt-test-tamper", blob, len, RING) <
		    0);
	blob[len - 3] = blob[len - 3] == '0' ? '1' : '0';

	/* the same blob naming a master key that does not exist */
	master = strstr(blob, "test-master");
	assert_non_null(master);
	memcpy(master, "test-mastex", strlen("test-mastex"));
	assert_int_equal(
		crypt_key_load("pmemcrypt-test-tamper", blob, len, RING),
		-ENOKEY);
	free(blob);
	/* the kernel seals a new key only when it is read: that fails */
	key = crypt_key_create("pmemcrypt-test-x", "user:pmemcrypt-test-mastex",
			       64, RING);
	assert_true(key > 0);
	assert_int_equal(crypt_key_blob(key, &blob, &len), -ENOKEY);
	keyctl_unlink(key, RING);
	assert_int_equal(crypt_key_load(NULL, NULL, 0, RING), -EINVAL);
}

/*
 * An imported key is sealed like a created one and never appears in its
 * sealed form.  Kernels without CONFIG_USER_DECRYPTED_DATA refuse it.
 */
static void test_import(void **state)
{
	unsigned char raw[64];
	char hex[129], *blob;
	key_serial_t key;
	size_t len, i;

	need_keys();
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)(0x5a ^ (i * 13));
	for (i = 0; i < sizeof(raw); i++)
		sprintf(hex + 2 * i, "%02x", raw[i]);
	key = crypt_key_import("pmemcrypt-test-import", MASTER, raw, 64, RING);
	if (key == -EINVAL) {
		print_message("# SKIP the kernel refuses user-provided data "
			      "(CONFIG_USER_DECRYPTED_DATA is off)\n");
		skip();
	}
	assert_true(key > 0);
	assert_int_equal(crypt_key_blob(key, &blob, &len), 0);
	assert_null(strstr(blob, hex));
	assert_null(memmem(blob, len, raw, sizeof(raw)));
	keyctl_unlink(key, RING);
	key = crypt_key_load("pmemcrypt-test-import", blob, len, RING);
	assert_true(key > 0);
	keyctl_unlink(key, RING);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_master),
		cmocka_unit_test(test_create_store_load),
		cmocka_unit_test(test_create_128),
		cmocka_unit_test(test_load_refused),
		cmocka_unit_test(test_import),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
