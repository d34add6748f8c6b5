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
 *
 * Word by word, every step waits for the one before.  Over n words from
 * (lo, hi), word i (from 0) adds to lo once and to hi n - i times, so
 * the sum can be taken in PC_CSUM_LANES interleaved lanes, each its own
 * Fletcher sum (a, b) over words l, l + LANES, ..., and joined: over m
 * rounds of LANES words, hi += n lo + sum_l (LANES b_l - l a_l) and
 * lo += sum_l a_l, all modulo 2^32 as before.  The lanes are independent
 * (and vectorise); the result is the same, bit for bit.
 */
#define PC_CSUM_LANES 8

/* Four lanes in one 16-byte vector (GCC and Clang vector extension). */
typedef uint32_t pc_csum_v4 __attribute__((vector_size(16)));

static inline uint64_t pc_fletcher64_more(uint64_t sum, const void *buf,
					  size_t len)
{
	const unsigned char *p = buf;
	uint32_t lo = (uint32_t)sum, hi = (uint32_t)(sum >> 32);
	size_t rounds = len / (4 * PC_CSUM_LANES), i;

	if (rounds) {
		/* lanes 0-3 in a0/b0, lanes 4-7 in a1/b1 */
		pc_csum_v4 a0 = {0}, a1 = {0}, b0 = {0}, b1 = {0};
		uint32_t sa = 0, sb = 0;

		for (size_t r = 0; r < rounds; r++) {
			pc_csum_v4 w0, w1;

			/* no alignment or aliasing assumptions */
			memcpy(&w0, p + r * 32, sizeof(w0));
			memcpy(&w1, p + r * 32 + 16, sizeof(w1));
			a0 += w0;
			a1 += w1;
			b0 += a0;
			b1 += a1;
		}
		for (uint32_t l = 0; l < 4; l++) {
			sa += a0[l] + a1[l];
			sb += PC_CSUM_LANES * b0[l] - l * a0[l];
			sb += PC_CSUM_LANES * b1[l] - (l + 4) * a1[l];
		}
		hi += (uint32_t)(rounds * PC_CSUM_LANES) * lo + sb;
		lo += sa;
	}
	for (i = rounds * 4 * PC_CSUM_LANES; i + 4 <= len; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, sizeof(w));
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
