// SPDX-License-Identifier: BSD-3-Clause
/*
 * pool.c -- object pools: create, open, close, check.  An object pool is
 * a libpmemcrypt pool whose data begins with the heap header; creating
 * one writes the chunk table, then the header, which makes it a pool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpmemcrypt.h>

#include "err.h"
#include "hdr.h"
#include "keysrc.h"
#include "pool.h"
#include "registry.h"

/* The largest new block a software-engine transaction declares. */
#define TX_DECLARE_MAX ((uint64_t)64 << 10)

/* The engine for new pools: PMEMCRYPT_ENGINE, else the binding decides. */
static int engine_from_env(enum pmemcrypt_engine *engine)
{
	const char *s = secure_getenv("PMEMCRYPT_ENGINE");

	*engine = PMEMCRYPT_ENGINE_AUTO;
	if (!s || !*s || !strcmp(s, "auto"))
		return 0;
	if (!strcmp(s, "software"))
		*engine = PMEMCRYPT_ENGINE_SOFTWARE;
	else if (!strcmp(s, "hardware"))
		*engine = PMEMCRYPT_ENGINE_HARDWARE;
	else
		return pcobj_err(EINVAL,
				 "PMEMCRYPT_ENGINE is %s: use software, "
				 "hardware or auto",
				 s);
	return 0;
}

/* Writes the empty chunk table and then the header of a new heap. */
static int heap_format(struct pmemcrypt_pool *pool, const char *layout)
{
	uint64_t size = pmemcrypt_pool_size(pool), nchunks, chunks_off;
	size_t max = pmemcrypt_pool_max_atomic(pool);
	char *unit = calloc(1, PCOBJ_HDR_SIZE);
	struct pcobj_hdr hdr = {.major = PCOBJ_MAJOR, .minor = PCOBJ_MINOR};
	int ret = 0;

	if (!unit)
		return pcobj_err(ENOMEM, "create: out of memory");
	heap_geometry(size, &nchunks, &chunks_off);
	if (!nchunks) {
		free(unit);
		return pcobj_err(EINVAL, "create: the pool holds no chunk "
					 "of the heap: make it larger");
	}
	for (uint64_t off = PCOBJ_TABLE_OFF; off < chunks_off && !ret;) {
		size_t n = chunks_off - off < max ? chunks_off - off : max;

		char *at = (char *)pmemcrypt_pool_base(pool) + off;

		ret = pmemcrypt_persist(pool, memset(at, 0, n), n);
		off += n;
	}
	while (!ret && !hdr.uuid_lo)
		if (getrandom(&hdr.uuid_lo, sizeof(hdr.uuid_lo), 0) !=
		    sizeof(hdr.uuid_lo))
			ret = -errno;
	if (!ret) {
		memcpy(hdr.magic, PCOBJ_MAGIC, PCOBJ_MAGIC_LEN);
		hdr.table_off = PCOBJ_TABLE_OFF;
		hdr.chunks_off = chunks_off;
		hdr.nchunks = nchunks;
		hdr.chunk_size = PCOBJ_CHUNK_SIZE;
		hdr.run_id = 0;
		memcpy(unit, &hdr, sizeof(hdr));
		if (layout)
			strcpy(unit + PCOBJ_LAYOUT_OFF, layout);
		ret = pmemcrypt_write(pool, unit, PCOBJ_HDR_SIZE, 0);
	}
	free(unit);
	return ret ? pcobj_err_lib(ret, "create: heap") : 0;
}

/* Advances the stored run id: locks of the last run are stale. */
static int next_run(PMEMobjpool *pop, const struct pcobj_hdr *hdr)
{
	uint64_t id = hdr->run_id + 2;
	int ret;

	if (id < 2 || (id & 1))
		id = 2;
	ret = pmemcrypt_write(pop->pool, &id, sizeof(id),
			      offsetof(struct pcobj_hdr, run_id));
	if (ret)
		return pcobj_err_lib(ret, "open");
	pop->run_id = id;
	return 0;
}

/* Makes an open libpmemcrypt pool an object pool handle. */
static PMEMobjpool *attach(struct pmemcrypt_pool *pool, const char *layout)
{
	PMEMobjpool *pop = calloc(1, sizeof(*pop));
	struct pcobj_hdr hdr;
	int ret;

	if (!pop) {
		pcobj_err(ENOMEM, "out of memory");
		pmemcrypt_pool_close(&pool);
		return NULL;
	}
	pop->pool = pool;
	pop->base = pmemcrypt_pool_base(pool);
	pop->size = pmemcrypt_pool_size(pool);
	pop->max_atomic = pmemcrypt_pool_max_atomic(pool);
	pop->tx_declare_max =
		pmemcrypt_pool_engine(pool) == PMEMCRYPT_ENGINE_SOFTWARE
			? TX_DECLARE_MAX
			: 0;
	pop->hdr = (struct pcobj_hdr *)pop->base;
	ret = hdr_read(pop->base, pop->size, layout, &hdr);
	if (!ret)
		ret = heap_boot(&pop->heap, pool, pop->base, pop->size, &hdr);
	if (ret)
		goto fail;
	pop->uuid_lo = hdr.uuid_lo;
	pop->root_off = hdr.root_off;
	pop->root_size = hdr.root_size;
	if (heap_check_root(&pop->heap, &hdr) || next_run(pop, &hdr))
		goto fail_heap;
	pthread_mutex_init(&pop->root_lock, NULL);
	pthread_mutex_init(&pop->list_lock, NULL);
	if (registry_add(pop)) {
		pcobj_err(EEXIST, "a pool with the same id is open");
		goto fail_heap;
	}
	return pop;
fail_heap:
	heap_cleanup(&pop->heap);
fail:
	ret = errno;
	pmemcrypt_pool_close(&pool);
	free(pop);
	errno = ret;
	return NULL;
}

/*
 * Lanes for a new pool of size bytes: up to 16, fewer in small pools, so
 * that each lane's log holds at least 64 units (a transaction of the
 * hardware engine copies each unit it changes into its lane's log).
 */
static uint32_t lanes_for(uint64_t size)
{
	uint64_t lanes = size / PMEMCRYPT_UNIT_SIZE / 8 / 64;

	return lanes < 2 ? 2 : lanes > 16 ? 16 : (uint32_t)lanes;
}

/*
 * Units one transaction may change: a sixteenth of the pool (the software
 * engine keeps as many spare blocks), at least libpmemcrypt's default.
 * Transactions of object pools grow with the data they hold (rebuilding
 * a hash map changes every entry).
 */
static uint32_t units_per_tx_for(uint64_t size)
{
	uint64_t units = size / PMEMCRYPT_UNIT_SIZE / 16;

	return units < 1020	    ? 1020
	       : units > (1u << 20) ? 1u << 20
				    : (uint32_t)units;
}

static uint64_t file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_size;
}

/* Opens (or creates) the file; made tells whether this call created it. */
static int open_file(const char *path, size_t poolsize, mode_t mode, int *made)
{
	int fd, ret;

	*made = 0;
	if (!poolsize) {
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return pcobj_err(errno, "%s: %s", path,
					 strerror(errno));
		return fd;
	}
	if (poolsize < PMEMOBJ_MIN_POOL)
		return pcobj_err(EINVAL, "size %zu is below the minimum %zu",
				 poolsize, PMEMOBJ_MIN_POOL);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd < 0)
		return pcobj_err(errno, "%s: %s", path, strerror(errno));
	*made = 1;
	ret = posix_fallocate(fd, 0, (off_t)poolsize);
	if (ret == EOPNOTSUPP || ret == EINVAL)
		ret = ftruncate(fd, (off_t)poolsize) ? errno : 0;
	if (ret) {
		close(fd);
		unlink(path);
		return pcobj_err(ret, "%s: %s", path, strerror(ret));
	}
	return fd;
}

PMEMobjpool *pmemobj_create(const char *path, const char *layout,
			    size_t poolsize, mode_t mode)
{
	struct pmemcrypt_config *cfg = NULL;
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *key = NULL;
	enum pmemcrypt_engine engine;
	int fd, made, ret, err;

	if (!path || (layout && strlen(layout) >= PMEMOBJ_MAX_LAYOUT)) {
		pcobj_err(EINVAL, "create: %s",
			  path ? "layout too long" : "no path");
		return NULL;
	}
	if (engine_from_env(&engine) || keysrc_get(&key))
		return NULL;
	fd = open_file(path, poolsize, mode, &made);
	if (fd < 0) {
		pmemcrypt_key_delete(&key);
		return NULL;
	}
	ret = pmemcrypt_config_new(&cfg);
	if (!ret)
		ret = pmemcrypt_config_set_engine(cfg, engine);
	if (!ret)
		ret = pmemcrypt_config_set_lanes(
			cfg, lanes_for(file_size(fd)),
			units_per_tx_for(file_size(fd)));
	if (!ret)
		ret = pmemcrypt_pool_create_fd(&pool, fd, path, cfg, key);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
	close(fd);
	if (ret) {
		pcobj_err_lib(ret, path);
		goto fail;
	}
	if (heap_format(pool, layout)) {
		pmemcrypt_pool_close(&pool);
		goto fail;
	}
	{
		PMEMobjpool *pop = attach(pool, layout);

		if (pop)
			return pop;
	}
fail:
	err = errno;
	if (made)
		unlink(path);
	errno = err;
	return NULL;
}

PMEMobjpool *pmemobj_open(const char *path, const char *layout)
{
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *key = NULL;
	int ret;

	if (!path) {
		pcobj_err(EINVAL, "open: no path");
		return NULL;
	}
	if (keysrc_get(&key))
		return NULL;
	ret = pmemcrypt_pool_open(&pool, path, key, 0);
	pmemcrypt_key_delete(&key);
	if (ret) {
		pcobj_err_lib(ret, path);
		return NULL;
	}
	return attach(pool, layout);
}

void pmemobj_close(PMEMobjpool *pop)
{
	if (!pop)
		return;
	registry_remove(pop);
	heap_cleanup(&pop->heap);
	pmemcrypt_pool_close(&pop->pool);
	pthread_mutex_destroy(&pop->root_lock);
	pthread_mutex_destroy(&pop->list_lock);
	free(pop);
}

int pmemobj_check(const char *path, const char *layout)
{
	PMEMobjpool *pop = pmemobj_open(path, layout);

	if (!pop)
		return errno == EINVAL ? 0 : -1;
	pmemobj_close(pop);
	return 1;
}

const char *pmemobj_check_version(unsigned major_required,
				  unsigned minor_required)
{
	if (major_required != PMEMOBJ_MAJOR_VERSION ||
	    minor_required > PMEMOBJ_MINOR_VERSION) {
		pcobj_err(EINVAL, "libpmemcrypt-obj provides %d.%d",
			  PMEMOBJ_MAJOR_VERSION, PMEMOBJ_MINOR_VERSION);
		return pmemobj_errormsg();
	}
	return NULL;
}
