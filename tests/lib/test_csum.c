// SPDX-License-Identifier: BSD-3-Clause
/* test_csum.c -- the lane-parallel Fletcher-64 against its definition */

#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "helpers.h"

/* The definition: one word at a time. */
static uint64_t fletcher_ref(uint64_t sum, const uint8_t *p, size_t len)
{
	uint32_t lo = (uint32_t)sum, hi = (uint32_t)(sum >> 32);

	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t w = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
			     (uint32_t)p[i + 2] << 16 |
			     (uint32_t)p[i + 3] << 24;

		lo += w;
		hi += lo;
	}
	return (uint64_t)hi << 32 | lo;
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
	srand(seed);
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)rand();
}

/* Words 1, 2, 3: lo 1, 3, 6; hi 1, 4, 10. */
static void test_known_answer(void **state)
{
	const uint8_t words[12] = {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};

	(void)state;
	assert_int_equal(pc_fletcher64(words, sizeof(words)), 10ull << 32 | 6);
	assert_int_equal(pc_fletcher64(words, 0), 0);
	/* A trailing partial word is not summed. */
	assert_int_equal(pc_fletcher64(words, 11), 4ull << 32 | 3);
}

/* Every length up to 1 KiB and a 4 KiB unit, random data. */
static void test_lengths(void **state)
{
	static uint8_t buf[4096 + 8];

	(void)state;
	fill(buf, sizeof(buf), 1);
	for (size_t len = 0; len <= 1024; len++)
		assert_int_equal(pc_fletcher64(buf, len),
				 fletcher_ref(0, buf, len));
	assert_int_equal(pc_fletcher64(buf, 4096), fletcher_ref(0, buf, 4096));
	/* Misaligned start. */
	assert_int_equal(pc_fletcher64(buf + 3, 4096),
			 fletcher_ref(0, buf + 3, 4096));
}

/* Words near 2^32 make every lane sum wrap around. */
static void test_wraparound(void **state)
{
	static uint8_t buf[4096];

	(void)state;
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(pc_fletcher64(buf, sizeof(buf)),
			 fletcher_ref(0, buf, sizeof(buf)));
	fill(buf, sizeof(buf), 2);
	for (size_t i = 3; i < sizeof(buf); i += 4)
		buf[i] |= 0xf0;
	assert_int_equal(pc_fletcher64(buf, sizeof(buf)),
			 fletcher_ref(0, buf, sizeof(buf)));
}

/* _more() continues a sum: split anywhere on a word boundary. */
static void test_more(void **state)
{
	static uint8_t buf[2048];
	uint64_t whole;

	(void)state;
	fill(buf, sizeof(buf), 3);
	whole = fletcher_ref(0, buf, sizeof(buf));
	for (size_t cut = 0; cut <= sizeof(buf); cut += 4) {
		uint64_t s = pc_fletcher64_more(0, buf, cut);

		assert_int_equal(
			pc_fletcher64_more(s, buf + cut, sizeof(buf) - cut),
			whole);
	}
	/* From a sum whose halves are both non-zero. */
	assert_int_equal(pc_fletcher64_more(0x123456789abcdef0ull, buf, 1000),
			 fletcher_ref(0x123456789abcdef0ull, buf, 1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_more),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
