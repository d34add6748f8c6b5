// SPDX-License-Identifier: BSD-3-Clause
/* pool.c -- creating, opening and closing pools */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "binding.h"
#include "checkmode.h"
#include "errormsg.h"
#include "fork.h"
#include "header.h"
#include "key.h"
#include "layout.h"
#include "pool.h"

/*
 * Opens path for a new pool, never through a symbolic link: what exists
 * there (a file or a device-dax) as it is, or else a new file (0600, made
 * with O_EXCL).  *made identifies the new file; st_ino is 0 otherwise.
 */
static int create_open(const char *path, int *fdp, struct stat *made)
{
	memset(made, 0, sizeof(*made));
	for (int tries = 0; tries < 2; tries++) {
		int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW), created;

		created = fd < 0 && errno == ENOENT;
		if (created)
			fd = open(path,
				  O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_CREAT |
					  O_EXCL,
				  0600);
		if (fd < 0 && created && errno == EEXIST)
			continue; /* made by someone else meanwhile */
		if (fd < 0 && errno == ELOOP)
			return pc_err(PMEMCRYPT_E_INVALID,
				      "%s: is a symbolic link; pools are "
				      "created at the path of the file or "
				      "device itself, never through a link",
				      path);
		if (fd < 0)
			return pc_err(-errno, "%s: %s", path, strerror(errno));
		if (created && fstat(fd, made)) {
			int e = errno;

			close(fd);
			unlink(path);
			return pc_err(-e, "%s: stat: %s", path, strerror(e));
		}
		*fdp = fd;
		return 0;
	}
	return pc_err(-EEXIST, "%s: %s", path, strerror(EEXIST));
}

/* Removes the file create_open() made, if path still names it. */
static void create_undo(const char *path, const struct stat *made)
{
	struct stat st;

	if (made->st_ino && !lstat(path, &st) && st.st_dev == made->st_dev &&
	    st.st_ino == made->st_ino)
		unlink(path);
}

/* Opens and locks the pool file; returns its usable size in *size. */
static int file_open(const char *path, int *fdp, uint64_t *size)
{
	int fd = open(path, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return pc_err(-errno, "%s: %s", path, strerror(errno));
	ret = pc_media_lock(fd, path, size);
	if (ret) {
		close(fd);
		return ret;
	}
	*fdp = fd;
	return 0;
}

/*
 * In a forked child: what the child has of the pool, without the memory
 * children do not get (the secrets, the media, the view) nor threads.
 */
static void pool_release_forked(struct pmemcrypt_pool *p)
{
	pc_check_stop(p);
	if (p->engine)
		p->engine->release_forked(p);
	free(p->lanes.v);
	if (p->media.fd >= 0)
		close(p->media.fd);
	free(p->path);
	free(p);
}

static void pool_free(struct pmemcrypt_pool *p)
{
	pc_fork_untrack(p);
	if (p->forked) {
		pool_release_forked(p);
		return;
	}
	pc_check_stop(p);
	if (p->engine)
		p->engine->stop(p);
	pc_lanes_fini(&p->lanes);
	if (p->media.map)
		pc_media_unmap(&p->media);
	if (p->media.fd >= 0)
		close(p->media.fd);
	pc_secure_free(p->sec, sizeof(*p->sec));
	pc_locks_fini(&p->locks);
	pthread_mutex_destroy(&p->hdr_lock);
	free(p->path);
	free(p);
}

static int pool_alloc(struct pmemcrypt_pool **pp, const char *path)
{
	struct pmemcrypt_pool *p;
	int ret = pc_crypto_init();

	if (ret)
		return ret;
	if (!pp || !path)
		return pc_err(PMEMCRYPT_E_INVALID, "pool: NULL argument");
	p = aligned_alloc(_Alignof(struct pmemcrypt_pool), sizeof(*p));
	if (!p)
		return pc_err(-ENOMEM, "out of memory");
	memset(p, 0, sizeof(*p));
	p->media.fd = -1;
	pthread_mutex_init(&p->hdr_lock, NULL);
	pc_locks_init(&p->locks);
	p->path = strdup(path);
	p->sec = pc_secure_alloc(sizeof(*p->sec));
	ret = p->path && p->sec ? pc_fork_track(p)
				: pc_err(-ENOMEM, "out of memory");
	if (ret) {
		pool_free(p);
		return ret;
	}
	*pp = p;
	return 0;
}

/*
 * Brings an authenticated pool on line: mapping, lanes, its engine, check
 * mode when check is set (or the environment sets it).
 */
static int pool_start(struct pmemcrypt_pool *p, uint64_t size, int check)
{
	int ret = p->media.map ? 0 : pc_media_map(&p->media, p->media.fd, size);

	p->units = p->hdr.units;
	p->size = p->units * PC_UNIT;
	if (!ret)
		ret = pc_lanes_init(&p->lanes, &p->hdr);
	if (!ret)
		ret = p->engine->start(p);
	if (!ret)
		ret = pc_check_start(p, check);
	return ret;
}

/*
 * Resolves the engine of a new pool on the media fd is open on into c (a
 * copy of cfg): hardware when asked for or (auto) when the media is on a
 * bound namespace.
 */
static int choose_engine(int fd, const char *path,
			 const struct pmemcrypt_config *cfg,
			 struct pmemcrypt_config *c)
{
	struct pc_binding b;
	struct stat st;

	*c = *cfg;
	if (cfg->engine == PMEMCRYPT_ENGINE_SOFTWARE)
		return 0;
	if (fstat(fd, &st))
		return pc_err(-errno, "%s: stat: %s", path, strerror(errno));
	pc_binding_probe(&st, &b);
	if (b.bound) {
		c->engine = PMEMCRYPT_ENGINE_HARDWARE;
		return 0;
	}
	if (cfg->engine == PMEMCRYPT_ENGINE_AUTO) {
		c->engine = PMEMCRYPT_ENGINE_SOFTWARE;
		return 0;
	}
	return pc_err(PMEMCRYPT_E_ENGINE,
		      "%s: the hardware engine needs media on an NVDIMM "
		      "namespace bound to an MKTME key, but %s; bind the "
		      "namespace to a key (ndctl crypt) or use the software "
		      "engine",
		      path, b.why);
}

/*
 * The engine of an opened pool, from its header; a hardware pool whose
 * media lost its MKTME binding is refused.
 */
static int open_engine(struct pmemcrypt_pool *p)
{
	struct pc_binding b;
	struct stat st;

	p->engine = pc_engine_of(p->hdr.incompat);
	if (p->engine->id != PMEMCRYPT_ENGINE_HARDWARE)
		return 0;
	if (fstat(p->media.fd, &st))
		return pc_err(-errno, "%s: stat: %s", p->path, strerror(errno));
	pc_binding_probe(&st, &b);
	if (b.bound)
		return 0;
	p->engine = NULL;
	return pc_err(PMEMCRYPT_E_ENGINE,
		      "%s: the pool uses the hardware engine, but %s: its "
		      "data would be stored in the clear; bind the namespace "
		      "to its MKTME key again (ndctl crypt) before opening",
		      p->path, b.why);
}

int pc_pool_write_header(struct pmemcrypt_pool *p)
{
	int ret, clevis = 0;

	/* Readers that know no clevis slot refuse a pool that has one. */
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		clevis |= p->hdr.slots[i].type == PC_SLOT_CLEVIS;
	p->hdr.incompat = clevis ? p->hdr.incompat | PC_INCOMPAT_CLEVIS
				 : p->hdr.incompat & ~PC_INCOMPAT_CLEVIS;
	p->hdr.generation++;
	ret = pc_header_seal(&p->hdr, p->sec->mac_key);
	if (ret) {
		p->hdr.generation--;
		return ret;
	}
	ret = pc_media_write(&p->media, PC_HDR_SIZE, &p->hdr, PC_HDR_SIZE);
	pc_media_fence(&p->media);
	if (!ret)
		ret = pc_media_write(&p->media, 0, &p->hdr, PC_HDR_SIZE);
	pc_media_fence(&p->media);
	return ret;
}

/*
 * Zeroes the lane logs and the map, reporting progress; on the hardware
 * engine the data too (there is no map to say a unit reads as zeros).
 */
static int format_metadata(struct pmemcrypt_pool *p,
			   const struct pmemcrypt_config *cfg)
{
	const uint64_t chunk = 1 << 20;
	uint64_t start = p->hdr.lanes_off, end = p->hdr.data_off;
	int ret = 0;

	if (p->engine->zero_data)
		end += p->hdr.units * PC_UNIT;
	for (uint64_t off = start; off < end && !ret; off += chunk) {
		uint64_t len = end - off < chunk ? end - off : chunk;

		ret = pc_media_zero(&p->media, off, len);
		if (cfg->progress)
			cfg->progress(cfg->progress_arg, "format",
				      off + len - start, end - start);
	}
	pc_media_fence(&p->media);
	return ret;
}

/* Sizes the file for the layout, or the layout for the file. */
static int size_file(struct pmemcrypt_pool *p, const struct pmemcrypt_config *c,
		     uint64_t *have, struct pc_layout *lay)
{
	struct stat st;
	int ret;

	ret = c->size ? pc_layout_for_size(lay, c, c->size / PC_UNIT)
		      : pc_layout_for_file(lay, c, *have);
	if (ret)
		return pc_err(ret, "%s: %s", p->path, pmemcrypt_errormsg());
	if (*have >= lay->file_size)
		return 0;
	if (fstat(p->media.fd, &st) || !S_ISREG(st.st_mode))
		return pc_err(PMEMCRYPT_E_NO_SPACE,
			      "%s: device holds %llu bytes, the pool needs "
			      "%llu",
			      p->path, (unsigned long long)*have,
			      (unsigned long long)lay->file_size);
	ret = posix_fallocate(p->media.fd, 0, (off_t)lay->file_size);
	if (ret) {
		if (ftruncate(p->media.fd, (off_t)*have))
			ret = errno;
		return pc_err(ret == ENOSPC ? PMEMCRYPT_E_NO_SPACE : -ret,
			      "%s: cannot allocate %llu bytes: %s", p->path,
			      (unsigned long long)lay->file_size,
			      strerror(ret));
	}
	*have = lay->file_size;
	return 0;
}

/*
 * Refuses media that holds a pool, or a file whose header area is not all
 * zeros (other data), unless the caller asked to overwrite it, as
 * libpmemobj refuses a non-empty file.  A device-dax is never new: only a
 * pool signature counts there (through an MKTME key, zeroed media reads
 * as noise).
 */
static int check_unused(int fd, const char *name)
{
	uint8_t area[PC_HDR_AREA];
	ssize_t n = pc_media_read_head(fd, area, sizeof(area));
	int pool, data = 0;
	struct stat st;

	if (n < 0)
		return pc_err((int)n, "%s: read: %s", name,
			      n > -4096 ? strerror((int)-n) : pmem2_errormsg());
	if (fstat(fd, &st))
		return pc_err(-errno, "%s: stat: %s", name, strerror(errno));
	pool = (n >= 8 && !memcmp(area, PC_MAGIC, 8)) ||
	       (n >= PC_HDR_SIZE + 8 &&
		!memcmp(area + PC_HDR_SIZE, PC_MAGIC, 8));
	for (ssize_t i = 0; i < n && S_ISREG(st.st_mode) && !data; i++)
		data = area[i] != 0;
	if (!pool && !data)
		return 0;
	return pc_err(-EEXIST,
		      "%s holds %s; creating a pool there destroys it: ask for "
		      "that explicitly (pmemcrypt_config_set_overwrite, "
		      "pmemcrypt create --force)",
		      name, pool ? "a pmemcrypt pool" : "data");
}

/*
 * Creates a pool on fd (which the pool owns from here on, closed on
 * failure); name is its path in messages.
 */
static int pool_create(struct pmemcrypt_pool **pool, int fd, const char *name,
		       const struct pmemcrypt_config *cfg,
		       const struct pmemcrypt_key *key)
{
	struct pmemcrypt_config defaults, c;
	struct pmemcrypt_pool *p;
	struct pc_layout lay;
	uint64_t have;
	int ret;

	if (!cfg) {
		pc_config_defaults(&defaults);
		cfg = &defaults;
	}
	ret = pool_alloc(&p, name);
	if (ret) {
		close(fd);
		return ret;
	}
	p->media.fd = fd;
	/* Nothing changes unless the media is free, unused, and fits. */
	ret = pc_media_lock(fd, name, &have);
	if (!ret && !cfg->overwrite)
		ret = check_unused(fd, name);
	if (!ret)
		ret = choose_engine(fd, name, cfg, &c);
	if (ret)
		goto fail;
	cfg = &c;
	p->engine = pc_engine_by_id(c.engine);
	ret = size_file(p, cfg, &have, &lay);
	if (!ret)
		ret = pc_random(p->sec->dek, sizeof(p->sec->dek));
	if (!ret)
		ret = pc_header_mac_key(p->sec->mac_key, p->sec->dek);
	if (!ret) {
		pc_layout_header(&p->hdr, &lay, cfg);
		p->hdr.kdf_t_cost = cfg->t_cost;
		p->hdr.kdf_m_cost_kib = cfg->m_cost_kib;
		p->hdr.kdf_parallelism = cfg->parallelism;
		ret = pc_random(p->hdr.uuid, sizeof(p->hdr.uuid));
		p->hdr.uuid[6] = (p->hdr.uuid[6] & 0x0f) | 0x40;
		p->hdr.uuid[8] = (p->hdr.uuid[8] & 0x3f) | 0x80;
	}
	p->kdf = (struct pc_kdf_cost){cfg->t_cost, cfg->m_cost_kib,
				      cfg->parallelism};
	if (!ret)
		ret = pc_slot_seal(&p->hdr.slots[0], key, &p->kdf, p->sec->dek);
	if (!ret)
		ret = pc_media_map(&p->media, p->media.fd, have);
	if (ret)
		goto fail;
	/* Old signatures go first: a crash leaves no pool, not a mix. */
	ret = pc_media_zero(&p->media, 0, PC_HDR_AREA);
	pc_media_fence(&p->media);
	if (!ret)
		ret = format_metadata(p, cfg);
	p->hdr.generation = 0;
	if (!ret)
		ret = pc_pool_write_header(p);
	if (!ret)
		ret = pool_start(p, have, cfg->check);
	if (ret)
		goto fail;
	*pool = p;
	return 0;
fail:
	pool_free(p);
	return ret;
}

/* Checks the arguments of both creates (where is a path or a name). */
static int create_args(struct pmemcrypt_pool **pool,
		       const struct pmemcrypt_key *key, const char *where,
		       const char *what)
{
	int ret;

	if (!pool)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "create: NULL pool out-pointer");
	*pool = NULL;
	ret = pc_crypto_init();
	if (ret)
		return ret;
	if (!key)
		return pc_err(PMEMCRYPT_E_INVALID, "create: NULL key");
	if (!where)
		return pc_err(PMEMCRYPT_E_INVALID, "create: NULL %s", what);
	return pc_key_usable(key);
}

PC_EXPORT int pmemcrypt_pool_create(struct pmemcrypt_pool **pool,
				    const char *path,
				    const struct pmemcrypt_config *cfg,
				    const struct pmemcrypt_key *key)
{
	struct stat made;
	int ret, fd = -1;

	ret = create_args(pool, key, path, "path");
	if (ret)
		return ret;
	ret = create_open(path, &fd, &made);
	if (!ret)
		ret = pool_create(pool, fd, path, cfg, key);
	if (ret)
		create_undo(path, &made);
	return ret;
}

PC_EXPORT int pmemcrypt_pool_create_fd(struct pmemcrypt_pool **pool, int fd,
				       const char *name,
				       const struct pmemcrypt_config *cfg,
				       const struct pmemcrypt_key *key)
{
	int ret = create_args(pool, key, name, "name"), dup;

	if (ret)
		return ret;
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup < 0)
		return pc_err(errno == EBADF ? PMEMCRYPT_E_INVALID : -errno,
			      "%s: descriptor %d: %s", name, fd,
			      strerror(errno));
	return pool_create(pool, dup, name, cfg, key);
}

/* Reads and selects the header; the pool error when it is unusable. */
static int read_header(struct pmemcrypt_pool *p, uint64_t have, unsigned flags,
		       uint8_t *area, int *which, int ok[2])
{
	int ret = pc_header_load(p->media.fd, p->path, area, which, ok);

	if (ret == PMEMCRYPT_E_HDR_COPY && (flags & PMEMCRYPT_OPEN_REPAIR))
		ret = 0;
	if (ret)
		return ret;
	memcpy(&p->hdr, area + *which * PC_HDR_SIZE, PC_HDR_SIZE);
	return pc_header_fits(&p->hdr, p->path, have);
}

PC_EXPORT int pmemcrypt_pool_open(struct pmemcrypt_pool **pool,
				  const char *path,
				  const struct pmemcrypt_key *key,
				  unsigned flags)
{
	uint8_t area[PC_HDR_AREA] __attribute__((aligned(64)));
	struct pmemcrypt_pool *p;
	int ret, which = 0, ok[2], slot;
	uint64_t have;

	if (!pool)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "open: NULL pool out-pointer");
	*pool = NULL;
	if (!key)
		return pc_err(PMEMCRYPT_E_INVALID, "open: NULL key");
	if (flags & ~PMEMCRYPT_OPEN_REPAIR)
		return pc_err(PMEMCRYPT_E_INVALID, "open: unknown flags %#x",
			      flags);
	ret = pc_key_usable(key);
	if (ret)
		return ret;
	ret = pool_alloc(&p, path);
	if (ret)
		return ret;
	ret = file_open(path, &p->media.fd, &have);
	if (!ret)
		ret = read_header(p, have, flags, area, &which, ok);
	if (!ret)
		ret = open_engine(p);
	if (ret)
		goto fail;
	/* A clevis slot's token is read from the media. */
	if (key->type == PMEMCRYPT_KEY_CLEVIS)
		ret = pc_media_map(&p->media, p->media.fd, have);
	if (ret)
		goto fail;
	slot = pc_slot_unlock(&p->hdr, &p->media, key, p->sec->dek);
	if (slot < 0) {
		ret = slot;
		pc_err(ret, "%s: %s", path, pmemcrypt_errormsg());
		goto fail;
	}
	ret = pc_header_mac_key(p->sec->mac_key, p->sec->dek);
	if (!ret)
		ret = pc_header_mac_verify(&p->hdr, p->sec->mac_key);
	if (ret == PMEMCRYPT_E_HDR_MAC)
		pc_err(ret,
		       "%s: header authentication failed: the header was "
		       "modified without the key",
		       path);
	if (ret)
		goto fail;
	p->kdf = (struct pc_kdf_cost){p->hdr.kdf_t_cost, p->hdr.kdf_m_cost_kib,
				      p->hdr.kdf_parallelism};
	ret = pool_start(p, have, 0);
	if (ret)
		goto fail;
	/* Finish an interrupted header update, or repair a bad copy. */
	if (!ok[0] || !ok[1] || memcmp(area, area + PC_HDR_SIZE, PC_HDR_SIZE)) {
		ret = pc_media_write(&p->media, (1 - which) * PC_HDR_SIZE,
				     &p->hdr, PC_HDR_SIZE);
		pc_media_fence(&p->media);
		if (ret)
			goto fail;
	}
	*pool = p;
	return 0;
fail:
	pool_free(p);
	return ret;
}

int pc_pool_usable(const struct pmemcrypt_pool *p, const char *what)
{
	if (!p)
		return pc_err(PMEMCRYPT_E_INVALID, "%s: NULL pool", what);
	if (p->forked)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "%s: %s was opened by the parent process; a "
			      "forked child gets neither its keys nor its "
			      "memory: open the pool in this process (after "
			      "the parent closes it)",
			      what, p->path);
	return 0;
}

PC_EXPORT int pmemcrypt_pool_close(struct pmemcrypt_pool **pool)
{
	int ntx;

	if (!pool || !*pool)
		return 0;
	ntx = __atomic_load_n(&(*pool)->ntx, __ATOMIC_ACQUIRE);
	if (ntx && !(*pool)->forked)
		return pc_err(
			PMEMCRYPT_E_TX_STATE,
			"close: %d transaction%s of %s still open: commit "
			"or abort %s first",
			ntx, ntx > 1 ? "s" : "", (*pool)->path,
			ntx > 1 ? "them" : "it");
	pc_check_close(*pool);
	pool_free(*pool);
	*pool = NULL;
	return 0;
}

/* The accessors answer NULL or 0 for a pool that cannot be used. */
PC_EXPORT void *pmemcrypt_pool_base(const struct pmemcrypt_pool *pool)
{
	return pc_pool_usable(pool, "pool_base") ? NULL : pool->base;
}

PC_EXPORT size_t pmemcrypt_pool_size(const struct pmemcrypt_pool *pool)
{
	return pc_pool_usable(pool, "pool_size") ? 0 : pool->size;
}

PC_EXPORT enum pmemcrypt_engine
pmemcrypt_pool_engine(const struct pmemcrypt_pool *pool)
{
	return pc_pool_usable(pool, "pool_engine") ? PMEMCRYPT_ENGINE_AUTO
						   : pool->engine->id;
}

PC_EXPORT int pmemcrypt_pool_set_view_budget(struct pmemcrypt_pool *pool,
					     uint64_t bytes)
{
	int ret = pc_pool_usable(pool, "pool_set_view_budget");

	if (!ret && bytes && bytes < PC_VIEW_BUDGET_MIN)
		ret = pc_err(PMEMCRYPT_E_INVALID,
			     "pool_set_view_budget: %llu bytes; the smallest "
			     "budget is %u",
			     (unsigned long long)bytes, PC_VIEW_BUDGET_MIN);
	return ret ? ret : pool->engine->set_view_budget(pool, bytes);
}

PC_EXPORT size_t pmemcrypt_pool_max_atomic(const struct pmemcrypt_pool *pool)
{
	return pc_pool_usable(pool, "pool_max_atomic")
		       ? 0
		       : (size_t)pool->units_per_tx * PC_UNIT;
}
