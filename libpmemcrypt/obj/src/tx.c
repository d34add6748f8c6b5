// SPDX-License-Identifier: BSD-3-Clause
/*
 * tx.c -- libpmemobj transactions on a libpmemcrypt transaction: nested
 * ones flattened into the outermost, stages run by the TX_* blocks,
 * allocations published and frees done by the outermost commit.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "pool.h"
#include "publish.h"
#include "tx.h"

struct tx_lock_rec {
	enum tx_lock type;
	void *lock;
};

struct tx_block {
	struct pcobj_block b;
	enum tx_block_state state;
};

struct tx {
	PMEMobjpool *pop;
	struct pmemcrypt_tx *ptx;
	enum pobj_tx_stage stage;
	enum pobj_tx_failure_behavior failure;
	int depth, err;
	jmp_buf **envs;
	int nenvs;
	struct tx_block *allocs;
	size_t nallocs, cap_allocs;
	struct pcobj_block *frees;
	size_t nfrees, cap_frees;
	struct tx_lock_rec *locks;
	size_t nlocks, cap_locks;
	pmemobj_tx_callback cb;
	void *cb_arg;
};

static __thread struct tx tx;
static pthread_key_t tx_key;
static pthread_once_t tx_key_once = PTHREAD_ONCE_INIT;

/* At thread exit: the arrays of the thread's transaction state. */
static void tx_thread_end(void *arg)
{
	struct tx *t = arg;

	free(t->envs);
	free(t->allocs);
	free(t->frees);
	free(t->locks);
	memset(t, 0, sizeof(*t));
}

static void tx_key_make(void)
{
	pthread_key_create(&tx_key, tx_thread_end);
}

/* Arms tx_thread_end for the calling thread (before its first array). */
static void tx_arm(void)
{
	pthread_once(&tx_key_once, tx_key_make);
	if (!pthread_getspecific(tx_key))
		pthread_setspecific(tx_key, &tx);
}

/* Makes room for one more element in an array of the transaction. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	tx_arm();
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static void set_stage(enum pobj_tx_stage stage)
{
	tx.stage = stage;
	if (tx.cb && tx.depth == 1)
		tx.cb(tx.pop, stage, tx.cb_arg);
}

/* Gives back every block reserved by the transaction. */
static void release_allocs(void)
{
	for (size_t i = 0; i < tx.nallocs; i++)
		heap_release(&tx.pop->heap, &tx.allocs[i].b);
	tx.nallocs = 0;
	tx.nfrees = 0;
}

/* Undoes the whole transaction; the stage becomes ONABORT. */
static void abort_all(int err)
{
	if (tx.ptx)
		pmemcrypt_tx_abort(&tx.ptx);
	release_allocs();
	tx.err = err;
	set_stage(TX_STAGE_ONABORT);
}

static void unlock_all(void)
{
	while (tx.nlocks) {
		struct tx_lock_rec *l = &tx.locks[--tx.nlocks];

		if (l->type == TX_LOCK_MUTEX)
			pmemobj_mutex_unlock(tx.pop, l->lock);
		else
			pmemobj_rwlock_unlock(tx.pop, l->lock);
	}
}

static int take_lock(enum tx_lock type, void *lockp)
{
	int ret;

	if (type != TX_LOCK_MUTEX && type != TX_LOCK_RWLOCK)
		return EINVAL;
	for (size_t i = 0; i < tx.nlocks; i++)
		if (tx.locks[i].lock == lockp)
			return 0;
	if (grow((void **)&tx.locks, &tx.cap_locks, tx.nlocks,
		 sizeof(*tx.locks)))
		return ENOMEM;
	ret = type == TX_LOCK_MUTEX ? pmemobj_mutex_lock(tx.pop, lockp)
				    : pmemobj_rwlock_wrlock(tx.pop, lockp);
	if (ret)
		return ret;
	tx.locks[tx.nlocks].type = type;
	tx.locks[tx.nlocks++].lock = lockp;
	return 0;
}

/* Takes the parameters after env, up to TX_PARAM_NONE. */
static int take_params(va_list ap)
{
	for (;;) {
		enum pobj_tx_param p = va_arg(ap, enum pobj_tx_param);
		pmemobj_tx_callback cb;
		void *arg;
		int ret;

		switch (p) {
		case TX_PARAM_NONE:
			return 0;
		case TX_PARAM_MUTEX:
			ret = take_lock(TX_LOCK_MUTEX, va_arg(ap, void *));
			break;
		case TX_PARAM_RWLOCK:
			ret = take_lock(TX_LOCK_RWLOCK, va_arg(ap, void *));
			break;
		case TX_PARAM_CB:
			cb = va_arg(ap, pmemobj_tx_callback);
			arg = va_arg(ap, void *);
			ret = tx.cb && (tx.cb != cb || tx.cb_arg != arg) ? EBUSY
									 : 0;
			tx.cb = cb;
			tx.cb_arg = arg;
			break;
		default:
			ret = EINVAL;
		}
		if (ret) {
			pcobj_err(ret, "transaction parameter %d failed", p);
			return ret;
		}
	}
}

static int push_env(jmp_buf *env)
{
	if (tx.depth >= tx.nenvs) {
		jmp_buf **p;

		tx_arm();
		p = realloc(tx.envs, (tx.nenvs + 8) * sizeof(*p));
		if (!p)
			return ENOMEM;
		tx.envs = p;
		tx.nenvs += 8;
	}
	tx.envs[tx.depth++] = env;
	return 0;
}

int pmemobj_tx_begin(PMEMobjpool *pop, jmp_buf env, ...)
{
	va_list ap;
	int ret;

	if (tx.stage == TX_STAGE_WORK) {
		if (pop != tx.pop) {
			pcobj_err(EINVAL, "a nested transaction must be on "
					  "the pool of the outer one");
			return EINVAL;
		}
		ret = push_env((jmp_buf *)env);
		if (ret)
			return pcobj_err(ret, "transaction: out of memory"),
			       ret;
	} else if (tx.stage == TX_STAGE_NONE) {
		if (!pop)
			return pcobj_err(EINVAL, "transaction: no pool"),
			       EINVAL;
		tx.pop = pop;
		tx.ptx = NULL;
		tx.failure = POBJ_TX_FAILURE_ABORT;
		tx.err = 0;
		tx.nallocs = tx.nfrees = tx.nlocks = 0;
		ret = push_env((jmp_buf *)env);
		if (ret)
			return pcobj_err(ret, "transaction: out of memory"),
			       ret;
		tx.stage = TX_STAGE_WORK;
		ret = pmemcrypt_tx_begin(pop->pool, &tx.ptx);
		if (ret) {
			ret = -pcobj_err_lib(ret, "transaction");
			abort_all(ret);
			return ret;
		}
	} else {
		pcobj_err(EINVAL, "transaction begun in stage %d", tx.stage);
		return EINVAL;
	}
	va_start(ap, env);
	ret = take_params(ap);
	va_end(ap);
	if (ret) {
		abort_all(ret);
		return ret;
	}
	return 0;
}

int pmemobj_tx_xlock(enum tx_lock type, void *lockp, uint64_t flags)
{
	int ret;

	if (tx.stage != TX_STAGE_WORK)
		return pcobj_err(EINVAL, "pmemobj_tx_lock outside the work "
					 "stage"),
		       EINVAL;
	ret = take_lock(type, lockp);
	return ret ? tx_fail(ret, flags) : 0;
}

int pmemobj_tx_lock(enum tx_lock type, void *lockp)
{
	return pmemobj_tx_xlock(type, lockp, 0);
}

void pmemobj_tx_abort(int errnum)
{
	if (tx.stage != TX_STAGE_WORK) {
		pcobj_err(EINVAL, "pmemobj_tx_abort outside the work stage");
		return;
	}
	abort_all(errnum ? errnum : ECANCELED);
	errno = tx.err;
	if (tx.envs[tx.depth - 1])
		longjmp(*tx.envs[tx.depth - 1], tx.err);
}

int tx_fail(int err, uint64_t flags)
{
	if ((flags & POBJ_FLAG_TX_NO_ABORT) ||
	    tx.failure == POBJ_TX_FAILURE_RETURN) {
		errno = err;
		return err;
	}
	pmemobj_tx_abort(err);
	return err;
}

/* Publishes the allocations, frees and sets with the commit. */
static int commit_outer(void)
{
	struct pcobj_publish p = {
		.tx = tx.ptx, .frees = tx.frees, .nfrees = tx.nfrees};
	struct pcobj_block *live = NULL;
	size_t nlive = 0;
	int ret = 0;

	if (tx.nallocs) {
		live = malloc(tx.nallocs * sizeof(*live));
		if (!live)
			return pcobj_err(ENOMEM, "commit: out of memory");
	}
	for (size_t i = 0; i < tx.nallocs && !ret; i++) {
		const struct pcobj_block *b = &tx.allocs[i].b;

		if (tx.allocs[i].state == TX_BLOCK_FREED)
			continue;
		if (tx.allocs[i].state == TX_BLOCK_PERSIST)
			ret = pool_persist(tx.pop, tx.pop->base + b->off,
					   b->size);
		live[nlive++] = *b;
	}
	if (ret) {
		free(live);
		return ret;
	}
	p.allocs = live;
	p.nallocs = nlive;
	tx.ptx = NULL; /* publish consumes it */
	ret = publish(tx.pop, &p);
	free(live);
	if (ret)
		return ret;
	/* what stays reserved: blocks freed in the transaction itself */
	for (size_t i = 0; i < tx.nallocs; i++)
		if (tx.allocs[i].state == TX_BLOCK_FREED)
			heap_release(&tx.pop->heap, &tx.allocs[i].b);
	tx.nallocs = tx.nfrees = 0;
	return 0;
}

void pmemobj_tx_commit(void)
{
	int ret;

	if (tx.stage != TX_STAGE_WORK) {
		pcobj_err(EINVAL, "pmemobj_tx_commit outside the work stage");
		return;
	}
	if (tx.depth > 1) {
		tx.stage = TX_STAGE_ONCOMMIT;
		return;
	}
	ret = commit_outer();
	if (ret) {
		abort_all(-ret);
		errno = tx.err;
		return;
	}
	set_stage(TX_STAGE_ONCOMMIT);
}

void pmemobj_tx_process(void)
{
	switch (tx.stage) {
	case TX_STAGE_WORK:
		pmemobj_tx_commit();
		break;
	case TX_STAGE_ONABORT:
	case TX_STAGE_ONCOMMIT:
		set_stage(TX_STAGE_FINALLY);
		break;
	case TX_STAGE_FINALLY:
		set_stage(TX_STAGE_NONE);
		break;
	default:
		break;
	}
}

int pmemobj_tx_end(void)
{
	int err;

	if (tx.depth == 0) {
		pcobj_err(EINVAL, "pmemobj_tx_end without a transaction");
		return EINVAL;
	}
	if (tx.stage == TX_STAGE_WORK) {
		/* ended without commit: nothing of it stays */
		abort_all(ECANCELED);
		tx.stage = TX_STAGE_NONE;
	}
	err = tx.err;
	if (--tx.depth == 0) {
		unlock_all();
		tx.pop = NULL;
		tx.cb = NULL;
		tx.stage = TX_STAGE_NONE;
		tx.err = 0;
		if (err)
			errno = err;
		return err;
	}
	if (err) {
		tx.stage = TX_STAGE_ONABORT;
		if (tx.envs[tx.depth - 1])
			longjmp(*tx.envs[tx.depth - 1], err);
		return err;
	}
	tx.stage = TX_STAGE_WORK;
	return 0;
}

enum pobj_tx_stage pmemobj_tx_stage(void)
{
	return tx.stage;
}

int pmemobj_tx_errno(void)
{
	return tx.err;
}

void pmemobj_tx_set_failure_behavior(enum pobj_tx_failure_behavior behavior)
{
	tx.failure = behavior;
}

enum pobj_tx_failure_behavior pmemobj_tx_get_failure_behavior(void)
{
	return tx.failure;
}

/* Fails unless the thread is in the work stage of a transaction. */
static int in_work(const char *what)
{
	if (tx.stage == TX_STAGE_WORK)
		return 0;
	pcobj_err(EINVAL, "%s outside a transaction's work stage", what);
	return EINVAL;
}

int pmemobj_tx_xadd_range_direct(const void *ptr, size_t size, uint64_t flags)
{
	int ret;

	if (in_work("pmemobj_tx_add_range"))
		return EINVAL;
	if (flags & ~POBJ_XADD_VALID_FLAGS) {
		pcobj_err(EINVAL, "pmemobj_tx_xadd_range: unknown flags");
		return tx_fail(EINVAL, flags);
	}
	if (!pool_holds(tx.pop, ptr, size)) {
		pcobj_err(EINVAL, "a range outside the transaction's pool");
		return tx_fail(EINVAL, flags);
	}
	ret = pmemcrypt_tx_add(tx.ptx, ptr, size);
	if (ret)
		return tx_fail(-pcobj_err_lib(ret, "pmemobj_tx_add_range"),
			       flags);
	return 0;
}

int pmemobj_tx_add_range_direct(const void *ptr, size_t size)
{
	return pmemobj_tx_xadd_range_direct(ptr, size, 0);
}

int pmemobj_tx_xadd_range(PMEMoid oid, uint64_t off, size_t size,
			  uint64_t flags)
{
	if (in_work("pmemobj_tx_add_range"))
		return EINVAL;
	if (oid.pool_uuid_lo != tx.pop->uuid_lo || oid.off > tx.pop->size ||
	    off > tx.pop->size - oid.off) {
		pcobj_err(EINVAL, "an object outside the transaction's pool");
		return tx_fail(EINVAL, flags);
	}
	return pmemobj_tx_xadd_range_direct(tx.pop->base + oid.off + off, size,
					    flags);
}

int pmemobj_tx_add_range(PMEMoid oid, uint64_t off, size_t size)
{
	return pmemobj_tx_xadd_range(oid, off, size, 0);
}

int tx_adopt_block(const struct pcobj_block *b, enum tx_block_state state)
{
	if (grow((void **)&tx.allocs, &tx.cap_allocs, tx.nallocs,
		 sizeof(*tx.allocs)))
		return ENOMEM;
	tx.allocs[tx.nallocs].b = *b;
	tx.allocs[tx.nallocs++].state = state;
	return 0;
}

int tx_adopt_free(const struct pcobj_block *b)
{
	for (size_t i = 0; i < tx.nfrees; i++)
		if (tx.frees[i].off == b->off)
			return EINVAL;
	if (grow((void **)&tx.frees, &tx.cap_frees, tx.nfrees,
		 sizeof(*tx.frees)))
		return ENOMEM;
	tx.frees[tx.nfrees++] = *b;
	return 0;
}

PMEMoid pmemobj_tx_xalloc(size_t size, uint64_t type_num, uint64_t flags)
{
	struct pcobj_block b;
	enum tx_block_state state = TX_BLOCK_PERSIST;
	struct pcobj_obj_hdr *oh;
	int ret;

	if (in_work("pmemobj_tx_alloc"))
		return OID_NULL;
	if (flags & ~POBJ_XALLOC_VALID_FLAGS) {
		pcobj_err(EINVAL, "pmemobj_tx_xalloc: unknown flags");
		tx_fail(EINVAL, flags);
		return OID_NULL;
	}
	ret = heap_reserve(&tx.pop->heap, size, &b);
	if (ret) {
		tx_fail(-ret, flags);
		return OID_NULL;
	}
	if (b.size <= tx.pop->tx_declare_max) {
		state = TX_BLOCK_DECLARED;
		ret = pmemcrypt_tx_add(tx.ptx, tx.pop->base + b.off, b.size);
		if (ret)
			ret = pcobj_err_lib(ret, "pmemobj_tx_alloc");
	}
	if (!ret && tx_adopt_block(&b, state))
		ret = pcobj_err(ENOMEM, "pmemobj_tx_alloc: out of memory");
	if (ret) {
		heap_release(&tx.pop->heap, &b);
		tx_fail(-ret, flags);
		return OID_NULL;
	}
	oh = (struct pcobj_obj_hdr *)(tx.pop->base + b.off);
	oh->flags = 0;
	oh->reserved = 0;
	oh->type_num = type_num;
	if (flags & POBJ_FLAG_ZERO)
		memset(tx.pop->base + block_data(&b), 0, block_usable(&b));
	return pool_oid(tx.pop, block_data(&b));
}

PMEMoid pmemobj_tx_alloc(size_t size, uint64_t type_num)
{
	return pmemobj_tx_xalloc(size, type_num, 0);
}

PMEMoid pmemobj_tx_zalloc(size_t size, uint64_t type_num)
{
	return pmemobj_tx_xalloc(size, type_num, POBJ_FLAG_ZERO);
}

int pmemobj_tx_xfree(PMEMoid oid, uint64_t flags)
{
	struct pcobj_block b;

	if (in_work("pmemobj_tx_free"))
		return EINVAL;
	if (flags & ~POBJ_XFREE_VALID_FLAGS) {
		pcobj_err(EINVAL, "pmemobj_tx_xfree: unknown flags");
		return tx_fail(EINVAL, flags);
	}
	if (OID_IS_NULL(oid))
		return 0;
	if (oid.pool_uuid_lo != tx.pop->uuid_lo) {
		pcobj_err(EINVAL, "pmemobj_tx_free: object of another pool");
		return tx_fail(EINVAL, flags);
	}
	for (size_t i = 0; i < tx.nallocs; i++) {
		if (block_data(&tx.allocs[i].b) == oid.off &&
		    tx.allocs[i].state != TX_BLOCK_FREED) {
			tx.allocs[i].state = TX_BLOCK_FREED;
			return 0;
		}
	}
	if (heap_lookup(&tx.pop->heap, oid.off, &b)) {
		pcobj_err(EINVAL,
			  "pmemobj_tx_free: 0x%lx is not an "
			  "allocated object",
			  (unsigned long)oid.off);
		return tx_fail(EINVAL, flags);
	}
	if (tx_adopt_free(&b)) {
		pcobj_err(EINVAL, "pmemobj_tx_free: 0x%lx freed twice",
			  (unsigned long)oid.off);
		return tx_fail(EINVAL, flags);
	}
	return 0;
}

int pmemobj_tx_free(PMEMoid oid)
{
	return pmemobj_tx_xfree(oid, 0);
}

/* The usable size of an object of the transaction's pool (0: none). */
static size_t tx_usable(PMEMoid oid)
{
	struct pcobj_block b;

	for (size_t i = 0; i < tx.nallocs; i++)
		if (block_data(&tx.allocs[i].b) == oid.off &&
		    tx.allocs[i].state != TX_BLOCK_FREED)
			return block_usable(&tx.allocs[i].b);
	if (heap_lookup(&tx.pop->heap, oid.off, &b))
		return 0;
	return block_usable(&b);
}

static PMEMoid tx_realloc(PMEMoid oid, size_t size, uint64_t type_num, int zero)
{
	PMEMoid new_oid;
	size_t old;

	if (in_work("pmemobj_tx_realloc"))
		return OID_NULL;
	if (OID_IS_NULL(oid))
		return pmemobj_tx_xalloc(size, type_num,
					 zero ? POBJ_FLAG_ZERO : 0);
	old = oid.pool_uuid_lo == tx.pop->uuid_lo ? tx_usable(oid) : 0;
	if (!old) {
		pcobj_err(EINVAL, "pmemobj_tx_realloc: not an object");
		tx_fail(EINVAL, 0);
		return OID_NULL;
	}
	if (size == 0) {
		pmemobj_tx_free(oid);
		return OID_NULL;
	}
	new_oid = pmemobj_tx_xalloc(size, type_num, 0);
	if (OID_IS_NULL(new_oid))
		return OID_NULL;
	memcpy(tx.pop->base + new_oid.off, tx.pop->base + oid.off,
	       old < size ? old : size);
	if (zero && size > old)
		memset(tx.pop->base + new_oid.off + old, 0, size - old);
	if (pmemobj_tx_free(oid))
		return OID_NULL;
	return new_oid;
}

PMEMoid pmemobj_tx_realloc(PMEMoid oid, size_t size, uint64_t type_num)
{
	return tx_realloc(oid, size, type_num, 0);
}

PMEMoid pmemobj_tx_zrealloc(PMEMoid oid, size_t size, uint64_t type_num)
{
	return tx_realloc(oid, size, type_num, 1);
}

PMEMoid pmemobj_tx_xstrdup(const char *s, uint64_t type_num, uint64_t flags)
{
	PMEMoid oid;
	size_t len;

	if (!s) {
		pcobj_err(EINVAL, "pmemobj_tx_strdup: no string");
		tx_fail(EINVAL, flags);
		return OID_NULL;
	}
	len = strlen(s) + 1;
	oid = pmemobj_tx_xalloc(len, type_num, flags & ~POBJ_FLAG_ZERO);
	if (!OID_IS_NULL(oid))
		memcpy(tx.pop->base + oid.off, s, len);
	return oid;
}

PMEMoid pmemobj_tx_strdup(const char *s, uint64_t type_num)
{
	return pmemobj_tx_xstrdup(s, type_num, 0);
}

int tx_declare(void *ptr, size_t len)
{
	int ret = pmemcrypt_tx_add(tx.ptx, ptr, len);

	return ret ? -pcobj_err_lib(ret, "transaction") : 0;
}

PMEMobjpool *tx_pool(void)
{
	return tx.stage == TX_STAGE_WORK ? tx.pop : NULL;
}
