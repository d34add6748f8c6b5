// SPDX-License-Identifier: BSD-3-Clause
/* test_key.c -- key constructors: raw, file, fd, passphrase, keyring */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyutils.h>

#include "helpers.h"
#include "key.h"

/* Writes len pattern bytes to a file in the test directory. */
static const char *key_file(const char *name, size_t len, uint8_t *bytes)
{
	const char *path = th_path(name);
	uint8_t buf[64];
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	th_fill(buf, sizeof(buf), (uint32_t)len);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
	if (bytes)
		memcpy(bytes, buf, len);
	return path;
}

static void test_raw(void **state)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[PMEMCRYPT_KEY_SIZE];

	th_fill(raw, sizeof(raw), 1);
	assert_int_equal(pmemcrypt_key_from_raw(&key, raw), 0);
	assert_non_null(key);
	assert_int_equal(pmemcrypt_key_get_type(key), PMEMCRYPT_KEY_RAW);
	assert_int_equal(key->len, PMEMCRYPT_KEY_SIZE);
	assert_memory_equal(key->secret, raw, sizeof(raw));
	pmemcrypt_key_delete(&key);
	assert_null(key);
	pmemcrypt_key_delete(&key);
	pmemcrypt_key_delete(NULL);

	assert_int_equal(pmemcrypt_key_from_raw(&key, NULL),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("raw key");
	assert_null(key);
	assert_int_equal(pmemcrypt_key_from_raw(NULL, raw),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("out-pointer");
}

/* A key file others may read or change is refused, as ssh does. */
static void test_file_private(void **state)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t bytes[64];
	const char *path = key_file("key-modes", 32, bytes);
	static const mode_t open_modes[] = {0640, 0604, 0620, 0602, 0610};

	for (size_t i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]);
	     i++) {
		assert_int_equal(chmod(path, open_modes[i]), 0);
		assert_int_equal(pmemcrypt_key_from_file(&key, path),
				 PMEMCRYPT_E_KEY_SOURCE);
		th_assert_msg("group or others may access it; run 'chmod 600");
		assert_null(key);
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(pmemcrypt_key_from_file(&key, path), 0);
	pmemcrypt_key_delete(&key);
	/* Another user's file, when this test may give one away. */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(pmemcrypt_key_from_file(&key, path),
				 PMEMCRYPT_E_KEY_SOURCE);
		th_assert_msg("belongs to uid 65534");
	}
	/* Devices and pipes are not checked: here, an empty one. */
	assert_int_equal(pmemcrypt_key_from_file(&key, "/dev/null"),
			 PMEMCRYPT_E_KEY_SOURCE);
	th_assert_msg("exactly 32 bytes");
}

static void test_file(void **state)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t bytes[64];
	const char *path = key_file("key32", 32, bytes);

	assert_int_equal(pmemcrypt_key_from_file(&key, path), 0);
	assert_int_equal(pmemcrypt_key_get_type(key), PMEMCRYPT_KEY_RAW);
	assert_int_equal(key->len, PMEMCRYPT_KEY_SIZE);
	assert_memory_equal(key->secret, bytes, PMEMCRYPT_KEY_SIZE);
	pmemcrypt_key_delete(&key);
	assert_int_equal(pmemcrypt_key_from_file(NULL, path),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_key_from_file(&key, NULL),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("path");
}

static void test_file_wrong_size(void **state)
{
	static const size_t sizes[] = {0, 1, 31, 33, 64};
	struct pmemcrypt_key *key = NULL;
	char name[32];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "key%zu", sizes[i]);
		const char *path = key_file(name, sizes[i], NULL);

		assert_int_equal(pmemcrypt_key_from_file(&key, path),
				 PMEMCRYPT_E_KEY_SOURCE);
		assert_null(key);
		th_assert_msg(path);
		th_assert_msg("exactly 32 bytes");
	}
}

static void test_file_missing(void **state)
{
	struct pmemcrypt_key *key = NULL;
	const char *path = th_path("no-such-key");

	assert_int_equal(pmemcrypt_key_from_file(&key, path),
			 PMEMCRYPT_E_KEY_SOURCE);
	assert_null(key);
	th_assert_msg(path);
	th_assert_msg(strerror(ENOENT));
	/* A directory is not a key either. */
	assert_int_equal(pmemcrypt_key_from_file(&key, th_dir()),
			 PMEMCRYPT_E_KEY_SOURCE);
	assert_null(key);
}

static void test_fd(void **state)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[40];
	int p[2];

	/* Exactly 32 bytes, written in two pieces. */
	th_fill(raw, sizeof(raw), 9);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], raw, 10), 10);
	assert_int_equal(write(p[1], raw + 10, 22), 22);
	close(p[1]);
	assert_int_equal(pmemcrypt_key_from_fd(&key, p[0]), 0);
	close(p[0]);
	assert_memory_equal(key->secret, raw, PMEMCRYPT_KEY_SIZE);
	pmemcrypt_key_delete(&key);

	/* 31 and 33 bytes. */
	for (int len = 31; len <= 33; len += 2) {
		assert_int_equal(pipe(p), 0);
		assert_int_equal(write(p[1], raw, len), len);
		close(p[1]);
		assert_int_equal(pmemcrypt_key_from_fd(&key, p[0]),
				 PMEMCRYPT_E_KEY_SOURCE);
		close(p[0]);
		assert_null(key);
		th_assert_msg("exactly 32 bytes");
	}

	/* A closed descriptor. */
	assert_int_equal(pmemcrypt_key_from_fd(&key, -1),
			 PMEMCRYPT_E_KEY_SOURCE);
	assert_null(key);
	th_assert_msg(strerror(EBADF));
	assert_int_equal(pmemcrypt_key_from_fd(NULL, 0), PMEMCRYPT_E_INVALID);
}

static void test_passphrase(void **state)
{
	static char pass[1025];
	struct pmemcrypt_key *key = NULL;

	memset(pass, 'p', sizeof(pass));
	/* Any byte, even NUL, is part of a passphrase of given length. */
	pass[3] = '\0';
	assert_int_equal(pmemcrypt_key_from_passphrase(&key, pass, 5), 0);
	assert_int_equal(pmemcrypt_key_get_type(key), PMEMCRYPT_KEY_PASSPHRASE);
	assert_int_equal(key->len, 5);
	assert_memory_equal(key->secret, pass, 5);
	pmemcrypt_key_delete(&key);
	assert_int_equal(pmemcrypt_key_from_passphrase(&key, pass, 1024), 0);
	assert_int_equal(key->len, 1024);
	pmemcrypt_key_delete(&key);

	assert_int_equal(pmemcrypt_key_from_passphrase(&key, pass, 0),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("1 to 1024");
	assert_null(key);
	assert_int_equal(pmemcrypt_key_from_passphrase(&key, pass, 1025),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("1 to 1024");
	assert_null(key);
	assert_int_equal(pmemcrypt_key_from_passphrase(&key, NULL, 4),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_key_from_passphrase(NULL, pass, 4),
			 PMEMCRYPT_E_INVALID);
}

/* Adds a user key to the process keyring; skips the test when refused. */
static key_serial_t add_user_key(const char *desc, const void *payload,
				 size_t len)
{
	key_serial_t k =
		add_key("user", desc, payload, len, KEY_SPEC_PROCESS_KEYRING);

	if (k < 0) {
		print_message("# SKIP keyring unavailable: add_key: %s\n",
			      strerror(errno));
		skip();
	}
	return k;
}

static void test_keyring(void **state)
{
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	char desc[64];
	key_serial_t k;

	snprintf(desc, sizeof(desc), "pmemcrypt-test:%d", (int)getpid());
	th_fill(raw, sizeof(raw), 77);
	k = add_user_key(desc, raw, sizeof(raw));
	assert_int_equal(pmemcrypt_key_from_keyring(&key, desc), 0);
	assert_int_equal(pmemcrypt_key_get_type(key), PMEMCRYPT_KEY_KEYRING);
	assert_memory_equal(key->secret, raw, sizeof(raw));
	assert_string_equal(key->desc, desc);
	pmemcrypt_key_delete(&key);
	assert_int_equal(pmemcrypt_key_from_keyring(NULL, desc),
			 PMEMCRYPT_E_INVALID);

	/* Gone from the keyring: missing. */
	assert_int_equal(keyctl_unlink(k, KEY_SPEC_PROCESS_KEYRING), 0);
	assert_int_equal(pmemcrypt_key_from_keyring(&key, desc),
			 PMEMCRYPT_E_KEY_SOURCE);
	assert_null(key);
	th_assert_msg(desc);
	th_assert_msg("no user key");
}

static void test_keyring_wrong_size(void **state)
{
	static const size_t sizes[] = {1, 16, 31, 33, 64};
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[64];
	char desc[64], want[32];

	th_fill(raw, sizeof(raw), 5);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		key_serial_t k;

		snprintf(desc, sizeof(desc), "pmemcrypt-test:%d:%zu",
			 (int)getpid(), sizes[i]);
		k = add_user_key(desc, raw, sizes[i]);
		assert_int_equal(pmemcrypt_key_from_keyring(&key, desc),
				 PMEMCRYPT_E_KEY_SOURCE);
		assert_null(key);
		snprintf(want, sizeof(want), "holds %zu bytes", sizes[i]);
		th_assert_msg(want);
		th_assert_msg(desc);
		keyctl_unlink(k, KEY_SPEC_PROCESS_KEYRING);
	}
}

static void test_keyring_bad_description(void **state)
{
	struct pmemcrypt_key *key = NULL;
	char desc[65];

	assert_int_equal(pmemcrypt_key_from_keyring(&key, NULL),
			 PMEMCRYPT_E_INVALID);
	assert_int_equal(pmemcrypt_key_from_keyring(&key, ""),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("description");
	memset(desc, 'd', 64);
	desc[64] = '\0';
	assert_int_equal(pmemcrypt_key_from_keyring(&key, desc),
			 PMEMCRYPT_E_INVALID);
	th_assert_msg("1 to 63");
	assert_null(key);
	/* The longest description is accepted, then not found. */
	desc[63] = '\0';
	assert_int_equal(pmemcrypt_key_from_keyring(&key, desc),
			 PMEMCRYPT_E_KEY_SOURCE);
}

static void test_type_names(void **state)
{
	assert_string_equal(pmemcrypt_key_type_name(PMEMCRYPT_KEY_RAW),
			    "raw key");
	assert_string_equal(pmemcrypt_key_type_name(PMEMCRYPT_KEY_PASSPHRASE),
			    "passphrase");
	assert_string_equal(pmemcrypt_key_type_name(PMEMCRYPT_KEY_KEYRING),
			    "keyring key");
	assert_string_equal(pmemcrypt_key_type_name(0), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_file_private),
		cmocka_unit_test(test_file_wrong_size),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_fd),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_keyring),
		cmocka_unit_test(test_keyring_wrong_size),
		cmocka_unit_test(test_keyring_bad_description),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}
