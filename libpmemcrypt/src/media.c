// SPDX-License-Identifier: BSD-3-Clause
/* media.c -- mapping the pool file with libpmem2 */

#include <errno.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errormsg.h"
#include "libpmemcrypt.h"
#include "media.h"

void (*pc_media_hook)(struct pc_media *m, enum pc_media_event ev,
		      uint64_t off, size_t len);

/*
 * The fence of a mapping persisted by msync, where libpmem2's drain does
 * nothing: it still orders the non-temporal stores of this thread.
 */
static void store_fence(void)
{
#if defined(__x86_64__)
	__builtin_ia32_sfence();
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Maps size bytes of fd; on non-DAX files persistence is msync. */
int pc_media_map(struct pc_media *m, int fd, size_t size)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	int ret;

	ret = pmem2_config_new(&cfg);
	if (ret)
		goto out;
	ret = pmem2_config_set_required_store_granularity(
		cfg, PMEM2_GRANULARITY_PAGE);
	if (!ret)
		ret = pmem2_config_set_length(cfg, size);
	if (!ret)
		ret = pmem2_source_from_fd(&src, fd);
	if (!ret)
		ret = pmem2_map_new(&m->map, cfg, src);
out:
	if (ret) {
		pc_err(ret, "mapping the pool: %s", pmem2_errormsg());
	} else {
		m->fd = fd;
		m->base = pmem2_map_get_address(m->map);
		m->size = size;
		/* The open pool is this process's: a forked child gets no
		 * mapping to write through (fork.h). */
		(void)madvise(m->base, size, MADV_DONTFORK);
		m->memcpy_fn = pmem2_get_memcpy_fn(m->map);
		m->memset_fn = pmem2_get_memset_fn(m->map);
		m->flush_fn = pmem2_get_flush_fn(m->map);
		m->drain_fn = pmem2_get_drain_fn(m->map);
		if (pmem2_map_get_store_granularity(m->map) ==
		    PMEM2_GRANULARITY_PAGE)
			m->drain_fn = store_fence;
	}
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	return ret;
}

int pc_media_lock(int fd, const char *path, uint64_t *size)
{
	struct pmem2_source *src;
	size_t sz;
	int ret;

	if (flock(fd, LOCK_EX | LOCK_NB))
		return errno == EWOULDBLOCK
			       ? pc_err(PMEMCRYPT_E_LOCKED,
					"%s: pool is open in another process",
					path)
			       : pc_err(-errno, "%s: lock: %s", path,
					strerror(errno));
	ret = pmem2_source_from_fd(&src, fd);
	if (!ret) {
		ret = pmem2_source_size(src, &sz);
		pmem2_source_delete(&src);
	}
	if (ret)
		return pc_err(ret, "%s: %s", path, pmem2_errormsg());
	*size = sz;
	return 0;
}

int pc_media_refuse(const struct pc_media *m, uint64_t off, size_t len)
{
	return pc_err(PMEMCRYPT_E_CORRUPT,
		      "access to %llu+%zu, outside the pool's %zu bytes, "
		      "refused",
		      (unsigned long long)off, len, m->size);
}

void pc_media_unmap(struct pc_media *m)
{
	if (m->map)
		pmem2_map_delete(&m->map);
	m->base = NULL;
}

/* Reads the first bytes of a device-dax through a read-only mapping. */
static ssize_t read_devdax(int fd, void *buf, size_t len)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	struct pmem2_map *map = NULL;
	size_t size = 0;
	int ret;

	ret = pmem2_config_new(&cfg);
	if (!ret)
		ret = pmem2_config_set_required_store_granularity(
			cfg, PMEM2_GRANULARITY_PAGE);
	if (!ret)
		ret = pmem2_config_set_protection(cfg, PMEM2_PROT_READ);
	if (!ret)
		ret = pmem2_source_from_fd(&src, fd);
	if (!ret)
		ret = pmem2_source_size(src, &size);
	if (!ret)
		ret = pmem2_map_new(&map, cfg, src);
	if (!ret) {
		len = len < size ? len : size;
		memcpy(buf, pmem2_map_get_address(map), len);
		pmem2_map_delete(&map);
	}
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	return ret ? ret : (ssize_t)len;
}

ssize_t pc_media_read_head(int fd, void *buf, size_t len)
{
	struct stat st;
	size_t got = 0;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISCHR(st.st_mode))
		return read_devdax(fd, buf, len);
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}
