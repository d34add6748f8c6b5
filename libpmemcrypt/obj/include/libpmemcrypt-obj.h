/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemcrypt-obj.h -- what libpmemcrypt-obj offers beyond libpmemobj's
 * API: the object heap of a pool opened with libpmemcrypt, inspected
 * without opening it as an object pool (pmemcrypt info and check).
 */
#ifndef PMEMCRYPT_LIBPMEMCRYPT_OBJ_H
#define PMEMCRYPT_LIBPMEMCRYPT_OBJ_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmemcrypt_pool;

struct pmemcrypt_obj_type_stat {
	uint64_t type_num;
	uint64_t objects;
	uint64_t bytes; /* usable bytes of these objects */
};

struct pmemcrypt_obj_stats {
	char layout[1024];
	uint64_t chunks, chunk_size;
	uint64_t heap_bytes;	  /* chunks * chunk_size */
	uint64_t allocated_bytes; /* blocks of allocated objects */
	uint64_t runs, spans;	  /* chunk groups in use */
	uint64_t objects;	  /* allocated, the root not counted */
	uint64_t root_size;	  /* 0: no root */
	uint64_t errors;	  /* object headers that contradict the heap */
	size_t ntypes;
	struct pmemcrypt_obj_type_stat *types; /* by type number */
};

/*
 * Checks the object heap in an open pool's data and fills st.  Returns 0;
 * -ENOENT when the data holds no object heap; -EINVAL when its metadata
 * does not hold together (pmemobj_errormsg() says where); -ENOMEM.
 * Writes nothing.  Free st with pmemcrypt_obj_stats_free().
 */
int pmemcrypt_obj_stats(struct pmemcrypt_pool *pool,
			struct pmemcrypt_obj_stats *st);
void pmemcrypt_obj_stats_free(struct pmemcrypt_obj_stats *st);
const char *pmemobj_errormsg(void);

#ifdef __cplusplus
}
#endif

#endif
