/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemobj.h -- libpmemobj's programming model on encrypted pools.
 *
 * Programs written for PMDK's libpmemobj build against this header and
 * link libpmemcrypt-obj instead (pkg-config libpmemcrypt-obj): the same
 * names, types and macros, source-compatible (not binary-compatible).
 * Pools are libpmemcrypt pools whose data holds an object heap; the key
 * comes from the environment (PMEMCRYPT_KEY, see libpmemcrypt-obj(7)).
 */
#ifndef PMEMCRYPT_LIBPMEMOBJ_H
#define PMEMCRYPT_LIBPMEMOBJ_H 1

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The libpmemobj API level this header provides. */
#define PMEMOBJ_MAJOR_VERSION 2
#define PMEMOBJ_MINOR_VERSION 4

#define PMEMOBJ_MIN_POOL ((size_t)(1024 * 1024 * 8))
#define PMEMOBJ_MAX_LAYOUT ((size_t)1024)
/* The largest object: one span of the heap's chunks. */
#define PMEMOBJ_MAX_ALLOC_SIZE ((size_t)1 << 40)

typedef struct pmemobjpool PMEMobjpool;

/* A persistent pointer: the pool's id and an offset in its data. */
typedef struct pmemoid {
	uint64_t pool_uuid_lo;
	uint64_t off;
} PMEMoid;

static const PMEMoid OID_NULL = {0, 0};
#define OID_IS_NULL(o) ((o).off == 0)
#define OID_EQUALS(lhs, rhs) \
	((lhs).off == (rhs).off && (lhs).pool_uuid_lo == (rhs).pool_uuid_lo)

/*
 * Pools.
 */
PMEMobjpool *pmemobj_create(const char *path, const char *layout,
			    size_t poolsize, mode_t mode);
PMEMobjpool *pmemobj_open(const char *path, const char *layout);
void pmemobj_close(PMEMobjpool *pop);
int pmemobj_check(const char *path, const char *layout);
const char *pmemobj_errormsg(void);
const char *pmemobj_check_version(unsigned major_required,
				  unsigned minor_required);

void *pmemobj_direct(PMEMoid oid);
PMEMoid pmemobj_oid(const void *addr);
PMEMobjpool *pmemobj_pool_by_oid(PMEMoid oid);
PMEMobjpool *pmemobj_pool_by_ptr(const void *addr);

/*
 * Persistence.  Durable (and, each up to the pool's atomic limit,
 * all-or-nothing) when the call returns; flush persists, drain waits for
 * nothing more.
 */
void pmemobj_persist(PMEMobjpool *pop, const void *addr, size_t len);
void pmemobj_flush(PMEMobjpool *pop, const void *addr, size_t len);
void pmemobj_drain(PMEMobjpool *pop);
int pmemobj_xpersist(PMEMobjpool *pop, const void *addr, size_t len,
		     unsigned flags);
int pmemobj_xflush(PMEMobjpool *pop, const void *addr, size_t len,
		   unsigned flags);

#define PMEMOBJ_F_MEM_NODRAIN (1U << 0)
#define PMEMOBJ_F_MEM_NONTEMPORAL (1U << 1)
#define PMEMOBJ_F_MEM_TEMPORAL (1U << 2)
#define PMEMOBJ_F_MEM_WC (1U << 3)
#define PMEMOBJ_F_MEM_WB (1U << 4)
#define PMEMOBJ_F_MEM_NOFLUSH (1U << 5)
#define PMEMOBJ_F_RELAXED (1U << 31)

void *pmemobj_memcpy_persist(PMEMobjpool *pop, void *dest, const void *src,
			     size_t len);
void *pmemobj_memset_persist(PMEMobjpool *pop, void *dest, int c, size_t len);
void *pmemobj_memcpy(PMEMobjpool *pop, void *dest, const void *src, size_t len,
		     unsigned flags);
void *pmemobj_memmove(PMEMobjpool *pop, void *dest, const void *src, size_t len,
		      unsigned flags);
void *pmemobj_memset(PMEMobjpool *pop, void *dest, int c, size_t len,
		     unsigned flags);

/*
 * Objects.
 */
typedef int (*pmemobj_constr)(PMEMobjpool *pop, void *ptr, void *arg);

#define POBJ_FLAG_ZERO (((uint64_t)1) << 0)
#define POBJ_FLAG_NO_FLUSH (((uint64_t)1) << 1)
#define POBJ_FLAG_NO_SNAPSHOT (((uint64_t)1) << 2)
#define POBJ_FLAG_ASSUME_INITIALIZED (((uint64_t)1) << 3)
#define POBJ_FLAG_TX_NO_ABORT (((uint64_t)1) << 4)
#define POBJ_XALLOC_ZERO POBJ_FLAG_ZERO
#define POBJ_XALLOC_NO_FLUSH POBJ_FLAG_NO_FLUSH
#define POBJ_XALLOC_NO_ABORT POBJ_FLAG_TX_NO_ABORT
#define POBJ_XALLOC_VALID_FLAGS \
	(POBJ_XALLOC_ZERO | POBJ_XALLOC_NO_FLUSH | POBJ_XALLOC_NO_ABORT)
#define POBJ_XADD_NO_FLUSH POBJ_FLAG_NO_FLUSH
#define POBJ_XADD_NO_SNAPSHOT POBJ_FLAG_NO_SNAPSHOT
#define POBJ_XADD_ASSUME_INITIALIZED POBJ_FLAG_ASSUME_INITIALIZED
#define POBJ_XADD_NO_ABORT POBJ_FLAG_TX_NO_ABORT
#define POBJ_XADD_VALID_FLAGS                         \
	(POBJ_XADD_NO_FLUSH | POBJ_XADD_NO_SNAPSHOT | \
	 POBJ_XADD_ASSUME_INITIALIZED | POBJ_XADD_NO_ABORT)
#define POBJ_XFREE_NO_ABORT POBJ_FLAG_TX_NO_ABORT
#define POBJ_XFREE_VALID_FLAGS POBJ_XFREE_NO_ABORT

int pmemobj_alloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		  uint64_t type_num, pmemobj_constr constructor, void *arg);
int pmemobj_xalloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		   uint64_t type_num, uint64_t flags,
		   pmemobj_constr constructor, void *arg);
int pmemobj_zalloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		   uint64_t type_num);
int pmemobj_realloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		    uint64_t type_num);
int pmemobj_zrealloc(PMEMobjpool *pop, PMEMoid *oidp, size_t size,
		     uint64_t type_num);
int pmemobj_strdup(PMEMobjpool *pop, PMEMoid *oidp, const char *s,
		   uint64_t type_num);
void pmemobj_free(PMEMoid *oidp);
size_t pmemobj_alloc_usable_size(PMEMoid oid);
uint64_t pmemobj_type_num(PMEMoid oid);

/* The root object: created on first request, grown (zero-filled) later. */
PMEMoid pmemobj_root(PMEMobjpool *pop, size_t size);
PMEMoid pmemobj_root_construct(PMEMobjpool *pop, size_t size,
			       pmemobj_constr constructor, void *arg);
size_t pmemobj_root_size(PMEMobjpool *pop);

/* Iteration over allocated objects (the root object excluded). */
PMEMoid pmemobj_first(PMEMobjpool *pop);
PMEMoid pmemobj_next(PMEMoid oid);

/*
 * Actions: reservations published (or cancelled) together.
 */
enum pobj_action_type {
	POBJ_ACTION_TYPE_HEAP,
	POBJ_ACTION_TYPE_MEM,
	POBJ_MAX_ACTION_TYPE
};

/* Opaque to programs; filled by reserve, set_value and defer_free. */
struct pobj_action {
	enum pobj_action_type type;
	uint32_t data[3];
	union {
		struct {
			uint64_t offset;
			uint64_t usable_size;
		} heap;
		uint64_t data2[14];
	};
};

PMEMoid pmemobj_reserve(PMEMobjpool *pop, struct pobj_action *act, size_t size,
			uint64_t type_num);
PMEMoid pmemobj_xreserve(PMEMobjpool *pop, struct pobj_action *act, size_t size,
			 uint64_t type_num, uint64_t flags);
void pmemobj_set_value(PMEMobjpool *pop, struct pobj_action *act, uint64_t *ptr,
		       uint64_t value);
void pmemobj_defer_free(PMEMobjpool *pop, PMEMoid oid, struct pobj_action *act);
int pmemobj_publish(PMEMobjpool *pop, struct pobj_action *actv, size_t actvcnt);
int pmemobj_tx_publish(struct pobj_action *actv, size_t actvcnt);
void pmemobj_cancel(PMEMobjpool *pop, struct pobj_action *actv, size_t actvcnt);

/*
 * Transactions.
 */
enum pobj_tx_stage {
	TX_STAGE_NONE,
	TX_STAGE_WORK,
	TX_STAGE_ONCOMMIT,
	TX_STAGE_ONABORT,
	TX_STAGE_FINALLY,
	MAX_TX_STAGE
};

enum pobj_tx_param {
	TX_PARAM_NONE,
	TX_PARAM_MUTEX,
	TX_PARAM_RWLOCK,
	TX_PARAM_CB,
};

enum tx_lock {
	TX_LOCK_NONE,
	TX_LOCK_MUTEX,
	TX_LOCK_RWLOCK,
};

enum pobj_tx_failure_behavior {
	POBJ_TX_FAILURE_ABORT,
	POBJ_TX_FAILURE_RETURN,
};

typedef void (*pmemobj_tx_callback)(PMEMobjpool *pop, enum pobj_tx_stage stage,
				    void *arg);

/* Parameters after env: pairs (param, value), ended by TX_PARAM_NONE. */
int pmemobj_tx_begin(PMEMobjpool *pop, jmp_buf env, ...);
int pmemobj_tx_lock(enum tx_lock type, void *lockp);
int pmemobj_tx_xlock(enum tx_lock type, void *lockp, uint64_t flags);
void pmemobj_tx_abort(int errnum);
void pmemobj_tx_commit(void);
int pmemobj_tx_end(void);
void pmemobj_tx_process(void);
enum pobj_tx_stage pmemobj_tx_stage(void);
int pmemobj_tx_errno(void);
void pmemobj_tx_set_failure_behavior(enum pobj_tx_failure_behavior behavior);
enum pobj_tx_failure_behavior pmemobj_tx_get_failure_behavior(void);

int pmemobj_tx_add_range(PMEMoid oid, uint64_t off, size_t size);
int pmemobj_tx_add_range_direct(const void *ptr, size_t size);
int pmemobj_tx_xadd_range(PMEMoid oid, uint64_t off, size_t size,
			  uint64_t flags);
int pmemobj_tx_xadd_range_direct(const void *ptr, size_t size, uint64_t flags);

PMEMoid pmemobj_tx_alloc(size_t size, uint64_t type_num);
PMEMoid pmemobj_tx_zalloc(size_t size, uint64_t type_num);
PMEMoid pmemobj_tx_xalloc(size_t size, uint64_t type_num, uint64_t flags);
PMEMoid pmemobj_tx_realloc(PMEMoid oid, size_t size, uint64_t type_num);
PMEMoid pmemobj_tx_zrealloc(PMEMoid oid, size_t size, uint64_t type_num);
PMEMoid pmemobj_tx_strdup(const char *s, uint64_t type_num);
PMEMoid pmemobj_tx_xstrdup(const char *s, uint64_t type_num, uint64_t flags);
int pmemobj_tx_free(PMEMoid oid);
int pmemobj_tx_xfree(PMEMoid oid, uint64_t flags);

/*
 * Locks that live in objects: reset whenever their pool is opened.
 */
typedef union padded_pmemmutex {
	char padding[64];
	struct {
		uint64_t runid;
		pthread_mutex_t mutex;
	} pmemmutex;
} PMEMmutex;

typedef union padded_pmemrwlock {
	char padding[64];
	struct {
		uint64_t runid;
		pthread_rwlock_t rwlock;
	} pmemrwlock;
} PMEMrwlock;

typedef union padded_pmemcond {
	char padding[64];
	struct {
		uint64_t runid;
		pthread_cond_t cond;
	} pmemcond;
} PMEMcond;

void pmemobj_mutex_zero(PMEMobjpool *pop, PMEMmutex *mutexp);
int pmemobj_mutex_lock(PMEMobjpool *pop, PMEMmutex *mutexp);
int pmemobj_mutex_timedlock(PMEMobjpool *pop, PMEMmutex *mutexp,
			    const struct timespec *abs_timeout);
int pmemobj_mutex_trylock(PMEMobjpool *pop, PMEMmutex *mutexp);
int pmemobj_mutex_unlock(PMEMobjpool *pop, PMEMmutex *mutexp);
void pmemobj_rwlock_zero(PMEMobjpool *pop, PMEMrwlock *rwlockp);
int pmemobj_rwlock_rdlock(PMEMobjpool *pop, PMEMrwlock *rwlockp);
int pmemobj_rwlock_wrlock(PMEMobjpool *pop, PMEMrwlock *rwlockp);
int pmemobj_rwlock_tryrdlock(PMEMobjpool *pop, PMEMrwlock *rwlockp);
int pmemobj_rwlock_trywrlock(PMEMobjpool *pop, PMEMrwlock *rwlockp);
int pmemobj_rwlock_unlock(PMEMobjpool *pop, PMEMrwlock *rwlockp);
void pmemobj_cond_zero(PMEMobjpool *pop, PMEMcond *condp);
int pmemobj_cond_broadcast(PMEMobjpool *pop, PMEMcond *condp);
int pmemobj_cond_signal(PMEMobjpool *pop, PMEMcond *condp);
int pmemobj_cond_wait(PMEMobjpool *pop, PMEMcond *condp, PMEMmutex *mutexp);

/*
 * Atomic lists: an entry (next, prev) at pe_offset in each element.
 */
int pmemobj_list_insert(PMEMobjpool *pop, size_t pe_offset, void *head,
			PMEMoid dest, int before, PMEMoid oid);
PMEMoid pmemobj_list_insert_new(PMEMobjpool *pop, size_t pe_offset, void *head,
				PMEMoid dest, int before, size_t size,
				uint64_t type_num, pmemobj_constr constructor,
				void *arg);
int pmemobj_list_remove(PMEMobjpool *pop, size_t pe_offset, void *head,
			PMEMoid oid, int free);
int pmemobj_list_move(PMEMobjpool *pop, size_t pe_old_offset, void *head_old,
		      size_t pe_new_offset, void *head_new, PMEMoid dest,
		      int before, PMEMoid oid);

#include <libpmemobj/macros.h>

#ifdef __cplusplus
}
#endif

#endif
