/* SPDX-License-Identifier: BSD-3-Clause */
/* csum.h -- the checksum of redo records */

#ifndef PC_CSUM_H
#define PC_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Fletcher-64 over little-endian 32-bit words (len a multiple of 4):
 * lo += word, hi += lo, both modulo 2^32; the result is hi << 32 | lo.
 * It detects torn writes; it authenticates nothing.  _more() continues
 * the sum of earlier buffers.
 */
static inline uint64_t pc_fletcher64_more(uint64_t sum, const void *buf,
					  size_t len)
{
	const unsigned char *p = buf;
	uint32_t lo = (uint32_t)sum, hi = (uint32_t)(sum >> 32);

	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, sizeof(w)); /* no aliasing assumptions */
		lo += w;
		hi += lo;
	}
	return (uint64_t)hi << 32 | lo;
}

/* Fletcher-64 of one buffer. */
static inline uint64_t pc_fletcher64(const void *buf, size_t len)
{
	return pc_fletcher64_more(0, buf, len);
}

#endif
