// SPDX-License-Identifier: BSD-3-Clause
/*
 * bigarray.c -- zeroed arrays of the pool's size on 2 MiB pages
 *
 * Opening a pool fills two arrays of 8 bytes per unit (2 MiB each for a
 * 1 GiB pool).  On 4 KiB pages each page faults once when first written;
 * an array of at least 2 MiB is mapped 2 MiB-aligned and advised for
 * transparent huge pages instead, so that it faults once per 2 MiB where
 * the kernel allows it (the advice is a hint: without it the array still
 * works, on small pages).
 */

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bigarray.h"

#define HUGE_SIZE (2u << 20)

/* Bytes of the mapping of n elements of size, or 0 for the heap. */
static size_t mapped_len(size_t n, size_t size)
{
	size_t len = n * size;

	if (len < HUGE_SIZE)
		return 0;
	return (len + HUGE_SIZE - 1) / HUGE_SIZE * HUGE_SIZE;
}

void *pc_array_alloc(size_t n, size_t size)
{
	size_t len;
	uint8_t *m, *a;

	if (size && n > (SIZE_MAX - 2 * (size_t)HUGE_SIZE) / size)
		return NULL;
	len = mapped_len(n, size);
	if (!len)
		return calloc(n ? n : 1, size ? size : 1);
	m = mmap(NULL, len + HUGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	/* Trims the mapping to len bytes from a 2 MiB boundary. */
	a = (uint8_t *)(((uintptr_t)m + HUGE_SIZE - 1) &
			~(uintptr_t)(HUGE_SIZE - 1));
	if (a > m)
		munmap(m, (size_t)(a - m));
	if (m + HUGE_SIZE > a)
		munmap(a + len, (size_t)(m + HUGE_SIZE - a));
	madvise(a, len, MADV_HUGEPAGE);
	return a;
}

void pc_array_free(void *a, size_t n, size_t size)
{
	size_t len = mapped_len(n, size);

	if (!a)
		return;
	if (len)
		munmap(a, len);
	else
		free(a);
}
