/* SPDX-License-Identifier: BSD-3-Clause */
/* media.h -- the mapped pool file: every store to the media goes here */

#ifndef PC_MEDIA_H
#define PC_MEDIA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libpmem2.h>

struct pc_media {
	int fd;
	struct pmem2_map *map;
	uint8_t *base;
	size_t size;
	pmem2_memcpy_fn memcpy_fn;
	pmem2_memset_fn memset_fn;
	pmem2_flush_fn flush_fn;
	pmem2_drain_fn drain_fn;
};

/*
 * Test hook: called before every store to the media (with its range, in
 * or out of the media), at every fence, and for every range read through
 * pc_media_at().  NULL outside the crash-consistency and fuzz tests.
 */
enum pc_media_event { PC_EV_WRITE, PC_EV_FENCE, PC_EV_READ };
extern void (*pc_media_hook)(struct pc_media *m, enum pc_media_event ev,
			     uint64_t off, size_t len);

/*
 * Takes the pool lock of fd (PMEMCRYPT_E_LOCKED while another open file
 * holds it) and returns the size of the file or device-dax in *size.
 */
int pc_media_lock(int fd, const char *path, uint64_t *size);
int pc_media_map(struct pc_media *m, int fd, size_t size);
/* Reads the first len bytes of a file or device-dax (which has no read). */
ssize_t pc_media_read_head(int fd, void *buf, size_t len);
void pc_media_unmap(struct pc_media *m);

/* Whether [off, off+len) lies in the media. */
static inline int pc_media_holds(const struct pc_media *m, uint64_t off,
				 size_t len)
{
	return off <= m->size && len <= m->size - off;
}

/*
 * The error for a store or read outside the media: every offset is
 * checked before it gets here, so this is the last line of defence.
 */
int pc_media_refuse(const struct pc_media *m, uint64_t off, size_t len);

/*
 * The media's bytes [off, off+len) to read, or NULL (and the error set)
 * when the range is not in the media.  They may change under the reader:
 * copy what decides an offset before checking it.
 */
static inline const uint8_t *pc_media_at(struct pc_media *m, uint64_t off,
					 size_t len)
{
	if (pc_media_hook)
		pc_media_hook(m, PC_EV_READ, off, len);
	if (!pc_media_holds(m, off, len)) {
		pc_media_refuse(m, off, len);
		return NULL;
	}
	return m->base + off;
}

/* Non-temporal copy; durable after the next fence. */
static inline __attribute__((warn_unused_result)) int
pc_media_write(struct pc_media *m, uint64_t off, const void *src, size_t len)
{
	if (pc_media_hook)
		pc_media_hook(m, PC_EV_WRITE, off, len);
	if (!pc_media_holds(m, off, len))
		return pc_media_refuse(m, off, len);
	m->memcpy_fn(m->base + off, src, len,
		     PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN);
	return 0;
}

/* Zero-fill; durable after the next fence. */
static inline __attribute__((warn_unused_result)) int
pc_media_zero(struct pc_media *m, uint64_t off, size_t len)
{
	if (pc_media_hook)
		pc_media_hook(m, PC_EV_WRITE, off, len);
	if (!pc_media_holds(m, off, len))
		return pc_media_refuse(m, off, len);
	m->memset_fn(m->base + off, 0, len,
		     PMEM2_F_MEM_NONTEMPORAL | PMEM2_F_MEM_NODRAIN);
	return 0;
}

/* Atomic 8-byte store (off 8-aligned), flushed; durable after a fence. */
static inline __attribute__((warn_unused_result)) int
pc_media_store8(struct pc_media *m, uint64_t off, uint64_t v)
{
	if (pc_media_hook)
		pc_media_hook(m, PC_EV_WRITE, off, 8);
	if (!pc_media_holds(m, off, 8))
		return pc_media_refuse(m, off, 8);
	__atomic_store_n((uint64_t *)(m->base + off), v, __ATOMIC_RELEASE);
	m->flush_fn(m->base + off, 8);
	return 0;
}

/*
 * Orders and completes every earlier write and flush, non-temporal stores
 * to DRAM included (on a file persisted by msync it is a store fence).
 */
static inline void pc_media_fence(struct pc_media *m)
{
	if (pc_media_hook)
		pc_media_hook(m, PC_EV_FENCE, 0, 0);
	m->drain_fn();
}

#endif
