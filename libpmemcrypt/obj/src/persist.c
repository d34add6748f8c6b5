// SPDX-License-Identifier: BSD-3-Clause
/*
 * persist.c -- persistence of ranges of the view.  libpmemobj's calls
 * return nothing: a range outside the pool, or media that cannot be
 * written, ends the program with a message, as a failed flush would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "pool.h"

int pool_persist(PMEMobjpool *pop, const void *addr, size_t len)
{
	const char *p = addr;

	if (!pool_holds(pop, addr, len))
		return pcobj_err(EINVAL, "persist: range outside the pool");
	while (len) {
		/* pieces end on unit boundaries */
		uint64_t off = (uint64_t)(p - pop->base);
		size_t n = pop->max_atomic - off % PMEMCRYPT_UNIT_SIZE;
		int ret;

		if (n > len)
			n = len;
		ret = pmemcrypt_persist(pop->pool, p, n);
		if (ret)
			return pcobj_err_lib(ret, "persist");
		p += n;
		len -= n;
	}
	return 0;
}

static void persist_or_die(PMEMobjpool *pop, const void *addr, size_t len)
{
	if (len && pool_persist(pop, addr, len)) {
		fprintf(stderr, "libpmemcrypt-obj: %s\n", pmemobj_errormsg());
		abort();
	}
}

void pmemobj_persist(PMEMobjpool *pop, const void *addr, size_t len)
{
	persist_or_die(pop, addr, len);
}

void pmemobj_flush(PMEMobjpool *pop, const void *addr, size_t len)
{
	persist_or_die(pop, addr, len);
}

void pmemobj_drain(PMEMobjpool *pop)
{
	(void)pop;
}

int pmemobj_xpersist(PMEMobjpool *pop, const void *addr, size_t len,
		     unsigned flags)
{
	if (flags & ~PMEMOBJ_F_RELAXED)
		return pcobj_err(EINVAL, "pmemobj_xpersist: unknown flags");
	return pool_persist(pop, addr, len) ? -1 : 0;
}

int pmemobj_xflush(PMEMobjpool *pop, const void *addr, size_t len,
		   unsigned flags)
{
	return pmemobj_xpersist(pop, addr, len, flags);
}

void *pmemobj_memcpy_persist(PMEMobjpool *pop, void *dest, const void *src,
			     size_t len)
{
	memcpy(dest, src, len);
	persist_or_die(pop, dest, len);
	return dest;
}

void *pmemobj_memset_persist(PMEMobjpool *pop, void *dest, int c, size_t len)
{
	memset(dest, c, len);
	persist_or_die(pop, dest, len);
	return dest;
}

/* With PMEMOBJ_F_MEM_NOFLUSH the range is left to a later persist. */
void *pmemobj_memcpy(PMEMobjpool *pop, void *dest, const void *src, size_t len,
		     unsigned flags)
{
	memcpy(dest, src, len);
	if (!(flags & PMEMOBJ_F_MEM_NOFLUSH))
		persist_or_die(pop, dest, len);
	return dest;
}

void *pmemobj_memmove(PMEMobjpool *pop, void *dest, const void *src, size_t len,
		      unsigned flags)
{
	memmove(dest, src, len);
	if (!(flags & PMEMOBJ_F_MEM_NOFLUSH))
		persist_or_die(pop, dest, len);
	return dest;
}

void *pmemobj_memset(PMEMobjpool *pop, void *dest, int c, size_t len,
		     unsigned flags)
{
	memset(dest, c, len);
	if (!(flags & PMEMOBJ_F_MEM_NOFLUSH))
		persist_or_die(pop, dest, len);
	return dest;
}
