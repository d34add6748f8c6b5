// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_payload.c -- strings for the kernel: key descriptions, the mktme
 * payload, encrypted key commands, blob headers, the mktme_key attribute.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "crypt.h"

#define UUID "5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b"

/* Key descriptions carry the namespace UUID; short buffers are refused. */
static void test_descriptions(void **state)
{
	char buf[CRYPT_DESC_MAX], small[20];

	assert_int_equal(crypt_enc_desc(UUID, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pmemcrypt:" UUID);
	assert_int_equal(crypt_mktme_desc(UUID, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pmemcrypt-mktme:" UUID);
	assert_int_equal(crypt_enc_desc(UUID, small, sizeof(small)),
			 -ENAMETOOLONG);
}

/* The mktme payload of patch 0005, its algorithm from the key size. */
static void test_mktme_payload(void **state)
{
	char buf[256];

	assert_int_equal(
		crypt_mktme_payload(buf, sizeof(buf), 64, "pmemcrypt:" UUID),
		0);
	assert_string_equal(buf, "type=user algorithm=aes-xts-256 "
				 "source=encrypted:pmemcrypt:" UUID);
	assert_int_equal(crypt_mktme_payload(buf, sizeof(buf), 32, "k"), 0);
	assert_string_equal(
		buf, "type=user algorithm=aes-xts-128 source=encrypted:k");
	/* no other sizes, no empty or white-space descriptions */
	assert_int_equal(crypt_mktme_payload(buf, sizeof(buf), 48, "k"),
			 -EINVAL);
	assert_int_equal(crypt_mktme_payload(buf, sizeof(buf), 64, ""),
			 -EINVAL);
	assert_int_equal(crypt_mktme_payload(buf, sizeof(buf), 64, NULL),
			 -EINVAL);
	assert_int_equal(crypt_mktme_payload(buf, sizeof(buf), 64, "a b"),
			 -EINVAL);
	assert_int_equal(crypt_mktme_payload(buf, 40, 64, "k"), -ENAMETOOLONG);
}

/* "new default <master> <len>" for the encrypted key type. */
static void test_new_cmd(void **state)
{
	char buf[64];

	assert_int_equal(
		crypt_new_cmd(buf, sizeof(buf), "user:pmemcrypt-master", 64),
		0);
	assert_string_equal(buf, "new default user:pmemcrypt-master 64");
	assert_int_equal(crypt_new_cmd(buf, sizeof(buf), "trusted:k", 32), 0);
	assert_string_equal(buf, "new default trusted:k 32");
	assert_int_equal(crypt_new_cmd(buf, sizeof(buf), "user:k", 20),
			 -EINVAL);
	assert_int_equal(crypt_new_cmd(buf, sizeof(buf), "", 64), -EINVAL);
	assert_int_equal(crypt_new_cmd(buf, 10, "user:k", 64), -ENAMETOOLONG);
}

/* The key size is read from a sealed blob's header. */
static void test_blob_key_len(void **state)
{
	const char *b64 = "default user:pmemcrypt-master 64 0123abcd";
	const char *b32 = "default trusted:kek 32 0123abcd\n";
	unsigned int len = 0;

	assert_int_equal(crypt_blob_key_len(b64, strlen(b64), &len), 0);
	assert_int_equal(len, 64);
	assert_int_equal(crypt_blob_key_len(b32, strlen(b32), &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(crypt_blob_key_len("ecryptfs user:k 64 00", 21, &len),
			 -EINVAL);
	assert_int_equal(crypt_blob_key_len("default logon:k 64 00", 21, &len),
			 -EINVAL);
	assert_int_equal(crypt_blob_key_len("default user:k", 14, &len),
			 -EINVAL);
	assert_int_equal(crypt_blob_key_len("default user:k\0 64", 18, &len),
			 -EINVAL);
	assert_int_equal(crypt_blob_key_len("", 0, &len), -EINVAL);
	assert_int_equal(crypt_blob_key_len(NULL, 4, &len), -EINVAL);
}

/* The master key a blob names in its header. */
static void test_blob_master(void **state)
{
	const char *b64 = "default user:pmemcrypt-master 64 0123abcd";
	const char *b32 = "default trusted:kek 32 0123abcd\n";
	char m[CRYPT_DESC_MAX + 16], tiny[8];

	assert_int_equal(crypt_blob_master(b64, strlen(b64), m, sizeof(m)), 0);
	assert_string_equal(m, "user:pmemcrypt-master");
	assert_int_equal(crypt_blob_master(b32, strlen(b32), m, sizeof(m)), 0);
	assert_string_equal(m, "trusted:kek");
	assert_int_equal(
		crypt_blob_master(b64, strlen(b64), tiny, sizeof(tiny)),
		-ENAMETOOLONG);
	assert_int_equal(
		crypt_blob_master("default logon:k 64 00", 21, m, sizeof(m)),
		-EINVAL);
	assert_int_equal(crypt_blob_master("", 0, m, sizeof(m)), -EINVAL);
}

/* The mktme_key attribute: "none" or "serial description keyid". */
static void test_binding_parse(void **state)
{
	struct crypt_binding b;

	assert_int_equal(crypt_binding_parse("none\n", &b), 0);
	assert_true(b.supported);
	assert_false(b.bound);

	assert_int_equal(crypt_binding_parse("428379263 pmem0 1\n", &b), 0);
	assert_true(b.bound);
	assert_int_equal(b.serial, 428379263);
	assert_string_equal(b.desc, "pmem0");
	assert_int_equal(b.keyid, 1);

	assert_int_equal(
		crypt_binding_parse("7 pmemcrypt-mktme:" UUID " 63", &b), 0);
	assert_string_equal(b.desc, "pmemcrypt-mktme:" UUID);
	assert_int_equal(b.keyid, 63);

	/* a description with spaces: serial first, KeyID last */
	assert_int_equal(crypt_binding_parse("9 my key 2\n", &b), 0);
	assert_string_equal(b.desc, "my key");
	assert_int_equal(b.keyid, 2);

	assert_int_equal(crypt_binding_parse("", &b), -EINVAL);
	assert_int_equal(crypt_binding_parse("nonesuch\n", &b), -EINVAL);
	assert_int_equal(crypt_binding_parse("12 pmem0\n", &b), -EINVAL);
	assert_int_equal(crypt_binding_parse("x pmem0 1\n", &b), -EINVAL);
	assert_int_equal(crypt_binding_parse("12 pmem0 0\n", &b), -EINVAL);
	assert_int_equal(crypt_binding_parse("12 pmem0 1x\n", &b), -EINVAL);
	assert_int_equal(crypt_binding_parse("-3 pmem0 1\n", &b), -EINVAL);
	assert_int_equal(crypt_binding_parse("12  1\n", &b), -EINVAL);
	assert_false(b.bound);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptions),
		cmocka_unit_test(test_mktme_payload),
		cmocka_unit_test(test_new_cmd),
		cmocka_unit_test(test_blob_key_len),
		cmocka_unit_test(test_blob_master),
		cmocka_unit_test(test_binding_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
