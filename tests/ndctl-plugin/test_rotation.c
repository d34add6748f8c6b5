// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_rotation.c -- the parts of 'rotate-key' without side effects: the
 * mktme_rekey attribute ("none" or "DONE TOTAL"), the names of the new
 * key, what rotate-key does in each state of the store and the kernel,
 * what it does after the kernel's answer, load-keys' refusal, and the
 * progress bar.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crypt.h"

#define UUID "5d8c4f0e-8b3a-4b1e-9f0a-2c1d3e4f5a6b"
#define MK "pmemcrypt-mktme:" UUID
#define MK_NEXT "pmemcrypt-mktme-next:" UUID

/* "none" and "DONE TOTAL", with or without the final newline. */
static void test_rekey_parse(void **state)
{
	struct crypt_rekey r;

	assert_int_equal(crypt_rekey_parse("none\n", &r), 0);
	assert_true(r.supported);
	assert_false(r.recorded);
	assert_int_equal(crypt_rekey_parse("none", &r), 0);
	assert_false(r.recorded);

	assert_int_equal(crypt_rekey_parse("4194304 33554432\n", &r), 0);
	assert_true(r.supported);
	assert_true(r.recorded);
	assert_true(r.done == 4194304ULL);
	assert_true(r.total == 33554432ULL);
	/* recorded but nothing done yet, and all done */
	assert_int_equal(crypt_rekey_parse("0 33554432", &r), 0);
	assert_true(r.recorded);
	assert_true(r.done == 0);
	assert_int_equal(crypt_rekey_parse("33554432 33554432\n", &r), 0);
	assert_true(r.done == r.total);
	/* 64-bit sizes */
	assert_int_equal(
		crypt_rekey_parse("18446744073709551614 18446744073709551615",
				  &r),
		0);
	assert_true(r.total == ~0ULL);
}

/* Anything else is refused, and reads as no rekey. */
static void test_rekey_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"None\n",
		"nonex\n",
		"12\n",
		"12 \n",
		" 12 34\n",
		"12  34\n",
		"12 34 56\n",
		"-1 34\n",
		"12 -34\n",
		"0x10 0x20\n",
		"12 34x\n",
		"35 34\n",		    /* more done than to do */
		"0 0\n",		    /* nothing to do */
		"18446744073709551616 1\n", /* overflow */
		"1 18446744073709551616\n", /* overflow */
		"12 34\ngarbage",
	};
	struct crypt_rekey r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r.recorded = true;
		if (crypt_rekey_parse(bad[i], &r) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_false(r.recorded);
	}
}

/* The new key's names: apart from the current key's, by UUID. */
static void test_next_names(void **state)
{
	char buf[CRYPT_DESC_MAX], small[20];

	assert_int_equal(crypt_enc_next_desc(UUID, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "pmemcrypt-next:" UUID);
	assert_int_equal(crypt_mktme_next_desc(UUID, buf, sizeof(buf)), 0);
	assert_string_equal(buf, MK_NEXT);
	assert_int_equal(crypt_mktme_next_desc(UUID, small, sizeof(small)),
			 -ENAMETOOLONG);
	/* the payload of the new mktme key names the new encrypted key */
	assert_int_equal(crypt_enc_next_desc(UUID, small, sizeof(small)),
			 -ENAMETOOLONG);
	assert_int_equal(crypt_mktme_payload(buf, sizeof(buf), 64,
					     "pmemcrypt-next:" UUID),
			 0);
	assert_string_equal(buf, "type=user algorithm=aes-xts-256 "
				 "source=encrypted:pmemcrypt-next:" UUID);
}

/* A namespace with its current blob, bound to its key, nothing recorded. */
static void base(struct crypt_rotate_state *s)
{
	memset(s, 0, sizeof(*s));
	s->has_blob = true;
	s->binding.supported = true;
	s->binding.bound = true;
	snprintf(s->binding.desc, sizeof(s->binding.desc), "%s", MK);
	s->rekey.supported = true;
	s->mktme_desc = MK;
	s->mktme_next_desc = MK_NEXT;
}

/* Records a rekey at @done of 32 MiB. */
static void recorded(struct crypt_rotate_state *s, unsigned long long done)
{
	s->rekey.recorded = true;
	s->rekey.done = done;
	s->rekey.total = 32ULL << 20;
}

/* Nothing under way: a new rotation, bound or not, enabled or not. */
static void test_plan_start(void **state)
{
	struct crypt_rotate_state s;

	base(&s);
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_START);
	s.binding.bound = false; /* after a boot: disabled and unbound */
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_START);
}

/*
 * A crash at each point of a rotation, and what the next run does:
 * new blob stored, kernel not started (resume); kernel part way (resume,
 * bound or not); kernel done but blob not committed (finish); blob
 * committed but old keys not dropped (finish); all done (a new rotation).
 */
static void test_plan_crash_points(void **state)
{
	struct crypt_rotate_state s;

	/* 1. the new blob is stored, the kernel has not started */
	base(&s);
	s.has_next = true;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_RESUME);
	s.binding.bound = false;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_RESUME);

	/* 2. the kernel stopped part way: after a reboot, unbound */
	recorded(&s, 12ULL << 20);
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_RESUME);
	/* ... or still bound to the current key (rotate-key killed) */
	base(&s);
	s.has_next = true;
	recorded(&s, 0);
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_RESUME);

	/* 3. the kernel is done and bound it to the new key; no commit */
	base(&s);
	s.has_next = true;
	snprintf(s.binding.desc, sizeof(s.binding.desc), "%s", MK_NEXT);
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_FINISH);

	/* 4. committed, the old keys not dropped yet */
	s.has_next = false;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_FINISH);

	/* 5. the kernel done, then a reboot before the commit: unbound */
	base(&s);
	s.has_next = true;
	s.binding.bound = false;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_RESUME);

	/* 6. all done: a run makes another new key */
	base(&s);
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_START);
}

/* Refusals: no key, a lost new key, another key, an old kernel. */
static void test_plan_refusals(void **state)
{
	struct crypt_rotate_state s;

	base(&s);
	s.has_blob = false;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_NO_KEY);
	s.has_next = true; /* a new key alone is not enough */
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_NO_KEY);

	base(&s);
	recorded(&s, 1ULL << 20);
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_NO_NEXT);
	s.binding.bound = false;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_NO_NEXT);

	base(&s);
	snprintf(s.binding.desc, sizeof(s.binding.desc), "pmem0");
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_FOREIGN);
	s.has_next = true;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_FOREIGN);
	/* a prefix of ours is another key */
	snprintf(s.binding.desc, sizeof(s.binding.desc), "%.20s", MK_NEXT);
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_FOREIGN);

	base(&s);
	s.rekey.supported = false;
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_UNSUPPORTED);
	base(&s);
	memset(&s.binding, 0, sizeof(s.binding));
	assert_int_equal(crypt_plan_rotate(&s), CRYPT_ROTATE_UNSUPPORTED);
}

/*
 * After the kernel's answer: done; refused before any change (undone);
 * the old key refused on a resume with nothing recorded (try the new
 * key); anything that leaves a record, or is unknown, keeps everything.
 */
static void test_outcome(void **state)
{
	struct crypt_rekey none = {.supported = true};
	struct crypt_rekey part = {
		.supported = true, .recorded = true, .done = 1, .total = 2};

	assert_int_equal(crypt_rekey_outcome(0, &none, true), CRYPT_REKEY_DONE);
	assert_int_equal(crypt_rekey_outcome(0, &none, false),
			 CRYPT_REKEY_DONE);
	assert_int_equal(crypt_rekey_outcome(-EBUSY, &none, true),
			 CRYPT_REKEY_NOT_STARTED);
	assert_int_equal(crypt_rekey_outcome(-ENOKEY, &none, false),
			 CRYPT_REKEY_NOT_STARTED);
	assert_int_equal(crypt_rekey_outcome(-EINVAL, &none, true),
			 CRYPT_REKEY_NOT_STARTED);
	assert_int_equal(crypt_rekey_outcome(-EOPNOTSUPP, &none, true),
			 CRYPT_REKEY_NOT_STARTED);
	/* a new rotation: the stored key is not the namespace's */
	assert_int_equal(crypt_rekey_outcome(-EKEYREJECTED, &none, true),
			 CRYPT_REKEY_NOT_STARTED);
	/* a resumed one: maybe the kernel had finished */
	assert_int_equal(crypt_rekey_outcome(-EKEYREJECTED, &none, false),
			 CRYPT_REKEY_PROBE);
	/* a record: the wrong new key, or a stop part way */
	assert_int_equal(crypt_rekey_outcome(-EKEYREJECTED, &part, false),
			 CRYPT_REKEY_INTERRUPTED);
	assert_int_equal(crypt_rekey_outcome(-EBUSY, &part, false),
			 CRYPT_REKEY_INTERRUPTED);
	assert_int_equal(crypt_rekey_outcome(-EINTR, &part, true),
			 CRYPT_REKEY_INTERRUPTED);
	/* failures that may come after a change keep everything */
	assert_int_equal(crypt_rekey_outcome(-EIO, &none, true),
			 CRYPT_REKEY_INTERRUPTED);
	assert_int_equal(crypt_rekey_outcome(-EINTR, &none, true),
			 CRYPT_REKEY_INTERRUPTED);
	assert_int_equal(crypt_rekey_outcome(-ENOMEM, &none, true),
			 CRYPT_REKEY_INTERRUPTED);
}

/* Every documented errno of mktme_rekey has its reason. */
static void test_rekey_strerror(void **state)
{
	assert_non_null(strstr(crypt_rekey_strerror(-EBUSY), "enabled"));
	assert_non_null(strstr(crypt_rekey_strerror(-ENOKEY), "not bound"));
	assert_non_null(strstr(crypt_rekey_strerror(-EINVAL), "devdax"));
	assert_non_null(
		strstr(crypt_rekey_strerror(-EKEYREJECTED), "interrupted"));
	assert_non_null(strstr(crypt_rekey_strerror(-EINTR), "signal"));
	assert_non_null(strstr(crypt_rekey_strerror(-EOPNOTSUPP), "journal"));
	assert_non_null(strstr(crypt_rekey_strerror(-EIO), "I/O"));
	assert_string_equal(crypt_rekey_strerror(-ENOMEM), strerror(ENOMEM));
}

/* load-keys and enable-namespace leave a rotation to rotate-key. */
static void test_unfinished(void **state)
{
	struct crypt_rekey none = {.supported = true};
	struct crypt_rekey part = {
		.supported = true, .recorded = true, .done = 0, .total = 2};

	assert_false(crypt_rotation_unfinished(false, &none));
	assert_false(crypt_rotation_unfinished(false, NULL));
	assert_true(crypt_rotation_unfinished(true, &none));
	assert_true(crypt_rotation_unfinished(false, &part));
	assert_true(crypt_rotation_unfinished(true, &part));
}

/* load-keys: a namespace left for rotate-key fails the boot, and counts. */
static void test_load_rotating(void **state)
{
	struct crypt_load_counts c = {.enabled = 1, .rotating = 1};
	char buf[256];

	assert_int_equal(crypt_load_exit(&c, CRYPT_EXIT_ROTATING),
			 CRYPT_EXIT_ROTATING);
	assert_int_equal(crypt_load_summary(buf, sizeof(buf), &c), 0);
	assert_non_null(strstr(buf, "1 left disabled"));
	assert_non_null(strstr(buf, "1 with an unfinished key rotation"));
}

/* Percentages: rounded down, 100 only when done, any size. */
static void test_percent(void **state)
{
	assert_int_equal(crypt_progress_percent(0, 100), 0);
	assert_int_equal(crypt_progress_percent(1, 3), 33);
	assert_int_equal(crypt_progress_percent(99, 100), 99);
	assert_int_equal(crypt_progress_percent(999999, 1000000), 99);
	assert_int_equal(crypt_progress_percent(100, 100), 100);
	assert_int_equal(crypt_progress_percent(200, 100), 100);
	assert_int_equal(crypt_progress_percent(0, 0), 0);
	assert_int_equal(crypt_progress_percent(~0ULL / 2, ~0ULL), 50);
	assert_int_equal(crypt_progress_percent(~0ULL - 1, ~0ULL), 99);
}

/* Sizes in binary units with one decimal. */
static void test_size_str(void **state)
{
	char buf[32], tiny[4];

	assert_int_equal(crypt_size_str(buf, sizeof(buf), 0), 0);
	assert_string_equal(buf, "0 B");
	assert_int_equal(crypt_size_str(buf, sizeof(buf), 1023), 0);
	assert_string_equal(buf, "1023 B");
	assert_int_equal(crypt_size_str(buf, sizeof(buf), 1536), 0);
	assert_string_equal(buf, "1.5 KiB");
	assert_int_equal(crypt_size_str(buf, sizeof(buf), 32ULL << 20), 0);
	assert_string_equal(buf, "32.0 MiB");
	assert_int_equal(crypt_size_str(buf, sizeof(buf), 3ULL << 39), 0);
	assert_string_equal(buf, "1.5 TiB");
	assert_int_equal(crypt_size_str(buf, sizeof(buf), ~0ULL), 0);
	assert_string_equal(buf, "16.0 EiB");
	assert_int_equal(crypt_size_str(tiny, sizeof(tiny), 32ULL << 20),
			 -ENAMETOOLONG);
}

/* The bar: filled cells, percentage, sizes; bad widths and short buffers. */
static void test_bar(void **state)
{
	char buf[128], tiny[16];

	assert_int_equal(
		crypt_progress_bar(buf, sizeof(buf), 0, 32ULL << 20, 10), 0);
	assert_string_equal(buf, "[..........]   0%  0 B of 32.0 MiB");
	assert_int_equal(crypt_progress_bar(buf, sizeof(buf), 12ULL << 20,
					    32ULL << 20, 10),
			 0);
	assert_string_equal(buf, "[###.......]  37%  12.0 MiB of 32.0 MiB");
	assert_int_equal(crypt_progress_bar(buf, sizeof(buf), 32ULL << 20,
					    32ULL << 20, 20),
			 0);
	assert_string_equal(
		buf, "[####################] 100%  32.0 MiB of 32.0 MiB");
	assert_int_equal(crypt_progress_bar(buf, sizeof(buf), 1, 2, 0),
			 -EINVAL);
	assert_int_equal(crypt_progress_bar(buf, sizeof(buf), 1, 2, 200),
			 -EINVAL);
	assert_int_equal(crypt_progress_bar(tiny, sizeof(tiny), 1, 2, 10),
			 -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_parse),
		cmocka_unit_test(test_rekey_parse_invalid),
		cmocka_unit_test(test_next_names),
		cmocka_unit_test(test_plan_start),
		cmocka_unit_test(test_plan_crash_points),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_outcome),
		cmocka_unit_test(test_rekey_strerror),
		cmocka_unit_test(test_unfinished),
		cmocka_unit_test(test_load_rotating),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_size_str),
		cmocka_unit_test(test_bar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
