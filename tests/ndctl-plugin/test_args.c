// SPDX-License-Identifier: BSD-3-Clause
/* test_args.c -- namespace names, UUIDs, master handles and algorithms */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "crypt.h"

/* namespaceX.Y and UUIDs are told apart; anything else is refused. */
static void test_ns_kind(void **state)
{
	assert_int_equal(crypt_ns_kind("namespace0.0"), CRYPT_NS_NAME);
	assert_int_equal(crypt_ns_kind("namespace12.345"), CRYPT_NS_NAME);
	assert_int_equal(crypt_ns_kind("5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b"),
			 CRYPT_NS_UUID);
	assert_int_equal(crypt_ns_kind("5D8C4F0E-8B3A-4B1E-9F0A-2C1D3E4F5A6B"),
			 CRYPT_NS_UUID);
	assert_int_equal(crypt_ns_kind(NULL), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind(""), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("namespace"), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("namespace0"), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("namespace0."), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("namespace.0"), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("namespace0.0.1"), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("namespace0.0x"), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("region0"), CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("pmem0"), CRYPT_NS_INVALID);
	/* wrong dash places, wrong length, non-hex, path tricks */
	assert_int_equal(crypt_ns_kind("5d8c4f0e8-b3a-4b1e-9f0a-2c1d3e4f5a6b"),
			 CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6"),
			 CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6bc"),
			 CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("5d8c4f0g-8b3a-4b1e-9f0a-2c1d3e4f5a6b"),
			 CRYPT_NS_INVALID);
	assert_int_equal(crypt_ns_kind("../../../../etc/passwd-aaaa-bbbbbbbb"),
			 CRYPT_NS_INVALID);
}

/* UUIDs are stored in lower case; malformed ones are refused. */
static void test_uuid_canonical(void **state)
{
	char out[CRYPT_UUID_LEN];

	assert_int_equal(crypt_uuid_canonical(
				 "5D8C4F0E-8B3A-4B1E-9F0A-2C1D3E4F5A6B", out),
			 0);
	assert_string_equal(out, "5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b");
	assert_int_equal(crypt_uuid_canonical("namespace0.0", out), -EINVAL);
	assert_int_equal(crypt_uuid_canonical(NULL, out), -EINVAL);
}

/* Master handles: user:/trusted: prefixes, bare names are user keys. */
static void test_master_parse(void **state)
{
	char type[16], desc[32];

	assert_int_equal(crypt_master_parse("user:pmemcrypt-master", type,
					    sizeof(type), desc, sizeof(desc)),
			 0);
	assert_string_equal(type, "user");
	assert_string_equal(desc, "pmemcrypt-master");
	assert_int_equal(crypt_master_parse("trusted:tpm-kek", type,
					    sizeof(type), desc, sizeof(desc)),
			 0);
	assert_string_equal(type, "trusted");
	assert_string_equal(desc, "tpm-kek");
	assert_int_equal(crypt_master_parse("kek", type, sizeof(type), desc,
					    sizeof(desc)),
			 0);
	assert_string_equal(type, "user");
	assert_string_equal(desc, "kek");

	assert_int_equal(crypt_master_parse("logon:kek", type, sizeof(type),
					    desc, sizeof(desc)),
			 -EINVAL);
	assert_int_equal(crypt_master_parse("users:kek", type, sizeof(type),
					    desc, sizeof(desc)),
			 -EINVAL);
	assert_int_equal(crypt_master_parse("user:", type, sizeof(type), desc,
					    sizeof(desc)),
			 -EINVAL);
	assert_int_equal(
		crypt_master_parse("", type, sizeof(type), desc, sizeof(desc)),
		-EINVAL);
	assert_int_equal(crypt_master_parse(NULL, type, sizeof(type), desc,
					    sizeof(desc)),
			 -EINVAL);
	assert_int_equal(crypt_master_parse("user:a b", type, sizeof(type),
					    desc, sizeof(desc)),
			 -EINVAL);
	assert_int_equal(crypt_master_parse("user:a:b", type, sizeof(type),
					    desc, sizeof(desc)),
			 -EINVAL);
	assert_int_equal(
		crypt_master_parse("user:0123456789012345678901234567890123",
				   type, sizeof(type), desc, sizeof(desc)),
		-ENAMETOOLONG);
}

/* Algorithm names and source key sizes map onto each other. */
static void test_algorithms(void **state)
{
	assert_int_equal(crypt_algorithm_key_len("aes-xts-256"), 64);
	assert_int_equal(crypt_algorithm_key_len("aes-xts-128"), 32);
	assert_int_equal(crypt_algorithm_key_len("aes-xts-512"), -EINVAL);
	assert_int_equal(crypt_algorithm_key_len(NULL), -EINVAL);
	assert_string_equal(crypt_key_len_algorithm(64), "aes-xts-256");
	assert_string_equal(crypt_key_len_algorithm(32), "aes-xts-128");
	assert_null(crypt_key_len_algorithm(48));
	assert_null(crypt_key_len_algorithm(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_kind),
		cmocka_unit_test(test_uuid_canonical),
		cmocka_unit_test(test_master_parse),
		cmocka_unit_test(test_algorithms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
