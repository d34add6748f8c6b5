// SPDX-License-Identifier: BSD-3-Clause
/* test_bigarray.c -- zeroed arrays of the pool's size, on 2 MiB pages */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigarray.h"
#include "helpers.h"

#define MIB (1ull << 20)

static void expect_zero_and_writable(uint8_t *a, size_t len)
{
	for (size_t i = 0; i < len; i += 4096)
		assert_int_equal(a[i], 0);
	assert_int_equal(a[len - 1], 0);
	memset(a, 0xa5, len);
	assert_int_equal(a[len - 1], 0xa5);
}

static void test_small(void **state)
{
	uint64_t *a = pc_array_alloc(1000, sizeof(*a));

	assert_non_null(a);
	expect_zero_and_writable((uint8_t *)a, 1000 * sizeof(*a));
	pc_array_free(a, 1000, sizeof(*a));
	/* No element: still something to free. */
	a = pc_array_alloc(0, sizeof(*a));
	assert_non_null(a);
	pc_array_free(a, 0, sizeof(*a));
}

/* Whether THP is on for advised memory ("always" or "madvise"). */
static int thp_advisable(void)
{
	char buf[256] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[always]") || strstr(buf, "[madvise]");
}

/* The THPeligible line of the mapping that holds addr, or -1. */
static int thp_eligible(const void *addr)
{
	char line[512];
	FILE *f = fopen("/proc/self/smaps", "r");
	int in = 0, v = -1;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		else if (in && sscanf(line, "THPeligible: %d", &v) == 1)
			break;
	}
	fclose(f);
	return v;
}

static void test_large(void **state)
{
	size_t n = 3 * MIB / 8 + 1; /* just over 3 MiB */
	uint64_t *a = pc_array_alloc(n, sizeof(*a));

	assert_non_null(a);
	assert_int_equal((uintptr_t)a % (2 * MIB), 0);
	expect_zero_and_writable((uint8_t *)a, n * sizeof(*a));
	if (thp_advisable())
		assert_int_equal(thp_eligible(a), 1);
	pc_array_free(a, n, sizeof(*a));
}

static void test_overflow(void **state)
{
	assert_null(pc_array_alloc(SIZE_MAX / 8, 8));
	assert_null(pc_array_alloc(SIZE_MAX, 2));
	pc_array_free(NULL, 4 * MIB, 8);
	pc_array_free(NULL, 10, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
