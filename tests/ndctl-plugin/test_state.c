// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_state.c -- decisions without side effects: the mode 'list' shows
 * for disabled namespaces, what enable-namespace does in each state, the
 * messages for kernel refusals, the summary and exit code of load-keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <ndctl/libndctl.h>

#include "crypt.h"

#define MK "pmemcrypt-mktme:5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b"

/* Enabled namespaces show their mode; disabled ones the recorded one. */
static void test_mode_name(void **state)
{
	assert_string_equal(
		crypt_mode_name(NDCTL_NS_MODE_FSDAX, NDCTL_NS_MODE_FSDAX, true),
		"fsdax");
	assert_string_equal(
		crypt_mode_name(NDCTL_NS_MODE_RAW, NDCTL_NS_MODE_RAW, true),
		"raw");
	/* enabled raw stays raw, whatever the label says */
	assert_string_equal(
		crypt_mode_name(NDCTL_NS_MODE_RAW, NDCTL_NS_MODE_FSDAX, true),
		"raw");
	/* disabled: the claim is gone, the label's holder class is right */
	assert_string_equal(
		crypt_mode_name(NDCTL_NS_MODE_RAW, NDCTL_NS_MODE_FSDAX, false),
		"fsdax");
	assert_string_equal(
		crypt_mode_name(NDCTL_NS_MODE_RAW, NDCTL_NS_MODE_DEVDAX, false),
		"devdax");
	assert_string_equal(
		crypt_mode_name(-ENXIO, NDCTL_NS_MODE_SECTOR, false), "sector");
	/* v1.1 labels record nothing: raw */
	assert_string_equal(
		crypt_mode_name(NDCTL_NS_MODE_RAW, NDCTL_NS_MODE_RAW, false),
		"raw");
	assert_string_equal(crypt_mode_name(NDCTL_NS_MODE_RAW,
					    NDCTL_NS_MODE_UNKNOWN, false),
			    "raw");
	/* disabled but still claimed: the claim's mode */
	assert_string_equal(
		crypt_mode_name(NDCTL_NS_MODE_FSDAX, NDCTL_NS_MODE_RAW, false),
		"fsdax");
	assert_string_equal(crypt_mode_name(-ENXIO, -ENXIO, true), "unknown");
}

/* What enable-namespace does, for each state of a namespace. */
static void test_plan(void **state)
{
	struct crypt_binding b = {.supported = true};

	assert_int_equal(crypt_plan_enable(false, &b, MK), CRYPT_PLAN_BIND);
	assert_int_equal(crypt_plan_enable(true, &b, MK), CRYPT_PLAN_REBIND);
	b.bound = true;
	snprintf(b.desc, sizeof(b.desc), "%s", MK);
	assert_int_equal(crypt_plan_enable(false, &b, MK), CRYPT_PLAN_ENABLE);
	assert_int_equal(crypt_plan_enable(true, &b, MK), CRYPT_PLAN_UP);
	snprintf(b.desc, sizeof(b.desc), "pmem0");
	assert_int_equal(crypt_plan_enable(false, &b, MK), CRYPT_PLAN_FOREIGN);
	assert_int_equal(crypt_plan_enable(true, &b, MK), CRYPT_PLAN_FOREIGN);
	/* a prefix of ours is another key */
	snprintf(b.desc, sizeof(b.desc), "%.20s", MK);
	assert_int_equal(crypt_plan_enable(true, &b, MK), CRYPT_PLAN_FOREIGN);
	b.supported = false;
	b.bound = false;
	assert_int_equal(crypt_plan_enable(true, &b, MK),
			 CRYPT_PLAN_UNSUPPORTED);
}

/* Each documented errno of mktme_key and of a blob load has its reason. */
static void test_strerror(void **state)
{
	assert_non_null(strstr(crypt_bind_strerror(-EBUSY), "enabled"));
	assert_non_null(strstr(crypt_bind_strerror(-EOPNOTSUPP), "sector"));
	assert_non_null(strstr(crypt_bind_strerror(-ENOKEY), "keyrings"));
	assert_non_null(strstr(crypt_bind_strerror(-EKEYREVOKED), "revoked"));
	assert_non_null(strstr(crypt_bind_strerror(-EINVAL), "expiry"));
	assert_non_null(strstr(crypt_bind_strerror(-EACCES), "searchable"));
	assert_string_equal(crypt_bind_strerror(-EIO), strerror(EIO));
	assert_non_null(strstr(crypt_load_strerror(-EINVAL), "wrong master"));
	assert_non_null(strstr(crypt_load_strerror(-ENOKEY), "master key"));
	assert_string_equal(crypt_load_strerror(-ENOMEM), strerror(ENOMEM));
}

/* load-keys: 0 only when nothing was left disabled. */
static void test_load_exit(void **state)
{
	struct crypt_load_counts c = {0};

	assert_int_equal(crypt_load_exit(&c, 0), CRYPT_EXIT_OK);
	c.enabled = 2;
	c.already = 1;
	c.orphans = 3; /* keys of other machines do not fail the boot */
	assert_int_equal(crypt_load_exit(&c, 0), CRYPT_EXIT_OK);
	c.no_key = 1;
	assert_int_equal(crypt_load_exit(&c, CRYPT_EXIT_NO_KEY),
			 CRYPT_EXIT_NO_KEY);
	c.no_key = 0;
	c.failed = 1;
	assert_int_equal(crypt_load_exit(&c, CRYPT_EXIT_KERNEL),
			 CRYPT_EXIT_KERNEL);
	assert_int_equal(crypt_load_exit(&c, 0), CRYPT_EXIT_FAIL);
	/* A master key clevis could not unseal fails the boot too, even
	 * when no namespace of this machine needed it. */
	c.failed = 0;
	c.masters = 1;
	assert_int_equal(crypt_load_exit(&c, CRYPT_EXIT_NO_KEY),
			 CRYPT_EXIT_NO_KEY);
}

/* The summary line counts every outcome. */
static void test_load_summary(void **state)
{
	struct crypt_load_counts c = {.enabled = 2,
				      .already = 1,
				      .failed = 1,
				      .no_key = 3,
				      .orphans = 4};
	char buf[256], tiny[16];

	assert_int_equal(crypt_load_summary(buf, sizeof(buf), &c), 0);
	assert_string_equal(buf, "load-keys: 2 enabled with their keys, 1 "
				 "already enabled, 4 left disabled (3 without "
				 "a sealed key, 1 refused, 0 with an "
				 "unfinished key rotation), 4 stored keys "
				 "without a namespace");
	assert_int_equal(crypt_load_summary(tiny, sizeof(tiny), &c),
			 -ENAMETOOLONG);
	c.masters = 2;
	assert_int_equal(crypt_load_summary(buf, sizeof(buf), &c), 0);
	assert_non_null(strstr(buf, "without a namespace; 2 master keys "
				    "bound through clevis not unsealed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mode_name),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_load_exit),
		cmocka_unit_test(test_load_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
