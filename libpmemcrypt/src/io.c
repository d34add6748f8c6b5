// SPDX-License-Identifier: BSD-3-Clause
/* io.c -- persist, read and write: checks, then the pool's engine */

#include "errormsg.h"
#include "io.h"
#include "pool.h"

int pc_check_range(const struct pmemcrypt_pool *p, uint64_t off, size_t len)
{
	if (off > p->size || len > p->size - off)
		return pc_err(PMEMCRYPT_E_RANGE,
			      "range %llu+%zu is outside the pool (%zu bytes)",
			      (unsigned long long)off, len, p->size);
	return 0;
}

int pc_view_offset(const struct pmemcrypt_pool *p, const char *what,
		   const void *addr, size_t len, uint64_t *off)
{
	*off = (uintptr_t)addr - (uintptr_t)p->base;
	if ((uintptr_t)addr < (uintptr_t)p->base)
		return pc_err(PMEMCRYPT_E_RANGE,
			      "%s: address %p is below the pool view", what,
			      addr);
	return pc_check_range(p, *off, len);
}

/* Refuses caller buffers inside the view (they could fault under a lock). */
static int check_buffer(const struct pmemcrypt_pool *p, const void *buf,
			size_t len)
{
	uintptr_t b = (uintptr_t)buf, v = (uintptr_t)p->base;

	if (!buf)
		return pc_err(PMEMCRYPT_E_INVALID, "NULL buffer");
	if (b < v + p->size && v < b + len)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "buffer lies inside the pool view; store "
			      "through the view and use pmemcrypt_persist");
	return 0;
}

PC_EXPORT int pmemcrypt_persist(struct pmemcrypt_pool *pool, const void *addr,
				size_t len)
{
	uint64_t off;
	int ret = pc_pool_usable(pool, "persist");

	if (!ret)
		ret = pc_view_offset(pool, "persist", addr, len, &off);
	if (ret || !len)
		return ret;
	return pool->engine->persist(pool, off, len);
}

PC_EXPORT int pmemcrypt_write(struct pmemcrypt_pool *pool, const void *buf,
			      size_t len, uint64_t offset)
{
	int ret = pc_pool_usable(pool, "write");

	if (!ret)
		ret = pc_check_range(pool, offset, len);
	if (!ret)
		ret = check_buffer(pool, buf, len);
	if (ret || !len)
		return ret;
	return pool->engine->write(pool, buf, len, offset);
}

PC_EXPORT int pmemcrypt_read(struct pmemcrypt_pool *pool, void *buf, size_t len,
			     uint64_t offset)
{
	int ret = pc_pool_usable(pool, "read");

	if (!ret)
		ret = pc_check_range(pool, offset, len);
	if (!ret)
		ret = check_buffer(pool, buf, len);
	if (ret || !len)
		return ret;
	return pool->engine->read(pool, buf, len, offset);
}
