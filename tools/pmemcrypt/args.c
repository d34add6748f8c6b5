// SPDX-License-Identifier: BSD-3-Clause
/* args.c -- numbers and sizes on the command line */

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cmd.h"

/* Parses the number at the start of s: decimal, or hex after "0x". */
static int parse_number(const char *s, unsigned long long *v, char **end)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, end, hex ? 16 : 10);
	return errno ? -EINVAL : 0;
}

/* Parses a number that fills the whole string. */
int parse_u64(const char *s, uint64_t *val)
{
	unsigned long long v;
	char *end;

	if (parse_number(s, &v, &end) || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

/* Parses a number that fits 32 bits. */
int parse_u32(const char *s, uint32_t *val)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -EINVAL;
	*val = v;
	return 0;
}

/* Parses a size: a number with an optional K, M, G or T (powers of 1024). */
int parse_size(const char *s, uint64_t *size)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (parse_number(s, &v, &end))
		return -EINVAL;
	if (*end) {
		for (unsigned int i = 0; units[i]; i++)
			if (toupper((unsigned char)*end) == units[i])
				shift = 10 * (i + 1);
		if (!shift)
			return -EINVAL;
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (toupper((unsigned char)*end) == 'B')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*size = (uint64_t)v << shift;
	return 0;
}
