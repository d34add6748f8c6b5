// SPDX-License-Identifier: BSD-3-Clause
/* view.c -- the plaintext view: DRAM pages decrypted on first touch */

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#include "errormsg.h"
#include "sw.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static void bit_set(uint64_t *map, uint64_t unit, int on)
{
	if (on)
		__atomic_fetch_or(&map[unit / 64], 1ull << (unit % 64),
				  __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&map[unit / 64], ~(1ull << (unit % 64)),
				   __ATOMIC_RELEASE);
}

int pc_view_protect(struct pc_view *v, uint8_t *addr, uint64_t n, int on)
{
	struct uffdio_writeprotect wp = {
		.range = {(uintptr_t)addr, n * PC_UNIT},
		.mode = on ? UFFDIO_WRITEPROTECT_MODE_WP : 0,
	};

	return ioctl(v->uffd, UFFDIO_WRITEPROTECT, &wp) ? -errno : 0;
}

void pc_view_make_writable(struct pmemcrypt_pool *p, uint64_t unit)
{
	struct pc_view *v = &pc_sw(p)->view;

	if (!pc_view_clean(v, unit))
		return;
	bit_set(v->dirty, unit, 1);
	/* Cannot fail on a registered, populated page; if it did, the
	 * store would fault and the fault thread would release it. */
	pc_view_protect(v, p->base + unit * PC_UNIT, 1, 0);
}

void pc_view_fill_unit(struct pmemcrypt_pool *p, uint64_t unit, const void *src)
{
	uint8_t *dst = p->base + unit * PC_UNIT;

	pc_view_make_writable(p, unit);
#if defined(__x86_64__)
	for (size_t i = 0; i < PC_UNIT; i += 64) {
		const __m128i *s = (const __m128i *)((const uint8_t *)src + i);
		__m128i *d = (__m128i *)(dst + i);
		__m128i a = _mm_loadu_si128(s), b = _mm_loadu_si128(s + 1);
		__m128i c = _mm_loadu_si128(s + 2), e = _mm_loadu_si128(s + 3);

		_mm_stream_si128(d, a);
		_mm_stream_si128(d + 1, b);
		_mm_stream_si128(d + 2, c);
		_mm_stream_si128(d + 3, e);
	}
	/* Weakly ordered: the update's closing pc_media_fence() orders
	 * them before the unit's lock is released. */
#else
	memcpy(dst, src, PC_UNIT);
#endif
}

/* Copies staged pages [from, to) to the view at unit; 0 or -1 (errno). */
static int copy_pages(struct pmemcrypt_pool *p, uint64_t unit, size_t from,
		      size_t to, int wp)
{
	struct pc_view *v = &pc_sw(p)->view;
	struct uffdio_copy copy = {
		.dst = (uintptr_t)(p->base + (unit + from) * PC_UNIT),
		.src = (uintptr_t)(v->page + from * PC_UNIT),
		.len = (to - from) * PC_UNIT,
		.mode = wp ? UFFDIO_COPY_MODE_WP : 0,
	};

	if (from == to || !ioctl(v->uffd, UFFDIO_COPY, &copy) ||
	    errno == EEXIST)
		return 0;
	return -1;
}

/*
 * Fills pages [unit, unit+n) of the view with the units' durable
 * plaintext, in one copy.  The present bits and the pages change only
 * under the units' locks, so code holding a unit's lock sees either an
 * absent page or a mapped one.  Stops before the first unit already
 * present; returns the number of pages filled or an error.  Pages filled
 * write-protected (wp) are clean; others are dirty, as nothing would
 * tell when they are stored to.  The first page is filled writable when
 * a store faulted on it (store): it would be dirty right away.
 */
static int populate(struct pmemcrypt_pool *p, uint64_t unit, size_t n, int wp,
		    int store)
{
	struct pc_view *v = &pc_sw(p)->view;
	uint64_t ents[PC_READAHEAD_MAX] = {0}, set[PC_STRIPES / 64];
	size_t k = 0, first = wp && store ? 1 : 0;
	int ret = 0;

	for (size_t i = 0; i < n; i++)
		ents[i] = PC_ENT(unit + i, 0);
	pc_units_lock(&p->locks, ents, n, set, 1);
	while (k < n && !pc_view_present(v, unit + k) && !ret) {
		ret = pc_store_read_unit(p, v->xts, unit + k,
					 v->page + k * PC_UNIT);
		k += !ret;
	}
	/* The bits go first: a faulting thread may run (and persist) as
	 * soon as its page is in place. */
	for (size_t i = 0; i < k; i++) {
		bit_set(v->dirty, unit + i, !wp || i < first);
		bit_set(v->present, unit + i, 1);
	}
	if (k && (copy_pages(p, unit, 0, first < k ? first : k, 0) ||
		  copy_pages(p, unit, first, k, wp))) {
		ret = -errno;
		for (size_t i = 0; i < k; i++)
			bit_set(v->present, unit + i, 0);
	} else {
		__atomic_add_fetch(&v->resident, k, __ATOMIC_RELAXED);
	}
	pc_units_lock(&p->locks, ents, n, set, 0);
	return ret ? ret : (int)k;
}

/*
 * Serves a fault at unit.  A fault right after the previous window reads
 * ahead a window that doubles up to PC_READAHEAD_MAX units (and a
 * quarter of the budget); any other fills one page.
 */
static void serve_fault(struct pmemcrypt_pool *p, uint64_t unit, int store,
			uint64_t *next, size_t *window)
{
	struct pc_view *v = &pc_sw(p)->view;
	uint64_t quarter = __atomic_load_n(&v->budget, __ATOMIC_RELAXED) / 4;
	size_t n;
	int got;

	*window = unit == *next ? (*window > 1 ? *window * 2 : 2) : 1;
	if (*window > PC_READAHEAD_MAX)
		*window = PC_READAHEAD_MAX;
	if (*window > quarter)
		*window = quarter > 1 ? quarter : 1;
	n = unit + *window <= p->units ? *window : p->units - unit;
	got = populate(p, unit, n, pc_view_make_room(p, n), store);
	if (got < 0) {
		/* Unrecoverable: give the faulting thread a page of zeros
		 * rather than hang it. */
		struct uffdio_zeropage z = {
			.range = {(uintptr_t)p->base + unit * PC_UNIT,
				  PC_UNIT}};

		ioctl(v->uffd, UFFDIO_ZEROPAGE, &z);
		got = 1;
	}
	*next = unit + (uint64_t)(got ? got : 1);
}

/*
 * A store to a clean (write-protected) page: the unit becomes dirty and
 * the page writable.  The page may have been evicted since the fault was
 * raised; the store then faults again on a missing page.
 */
static void serve_wp(struct pmemcrypt_pool *p, uint64_t unit)
{
	struct pc_view *v = &pc_sw(p)->view;
	struct uffdio_range r = {(uintptr_t)p->base + unit * PC_UNIT, PC_UNIT};

	if (pc_view_present(v, unit)) {
		bit_set(v->dirty, unit, 1);
		if (!pc_view_protect(v, p->base + unit * PC_UNIT, 1, 0))
			return;
	}
	ioctl(v->uffd, UFFDIO_WAKE, &r);
}

/* Serves page faults on the view until stopped. */
static void *fault_thread(void *arg)
{
	struct pmemcrypt_pool *p = arg;
	struct pc_view *v = &pc_sw(p)->view;
	struct pollfd fds[3] = {{v->uffd, POLLIN, 0},
				{v->stop_fd, POLLIN, 0},
				{v->trim_fd, POLLIN, 0}};
	uint64_t next = UINT64_MAX, unit;
	size_t window = 0;
	struct uffd_msg msg;

	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			break;
		if (fds[2].revents) {
			uint64_t n;

			if (read(v->trim_fd, &n, sizeof(n)) == sizeof(n))
				pc_view_make_room(p, 0);
			continue;
		}
		if (read(v->uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		unit = (msg.arg.pagefault.address - (uintptr_t)p->base) /
		       PC_UNIT;
		if (msg.arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WP)
			serve_wp(p, unit);
		else
			serve_fault(p, unit,
				    !!(msg.arg.pagefault.flags &
				       UFFD_PAGEFAULT_FLAG_WRITE),
				    &next, &window);
	}
	return NULL;
}

/*
 * Registers the view for missing pages and, where the kernel can (Linux
 * 5.7 on), for stores to write-protected pages; 0 or -errno.
 */
static int uffd_register(struct pmemcrypt_pool *p, struct pc_view *v, int fd,
			 uint64_t features)
{
	struct uffdio_register reg = {
		.range = {(uintptr_t)p->base, p->size},
		.mode = UFFDIO_REGISTER_MODE_MISSING | UFFDIO_REGISTER_MODE_WP,
	};
	uint64_t need = 1ull << _UFFDIO_WRITEPROTECT;

	if ((features & UFFD_FEATURE_PAGEFAULT_FLAG_WP) &&
	    !ioctl(fd, UFFDIO_REGISTER, &reg)) {
		if ((reg.ioctls & need) == need) {
			v->wp = 1;
			return 0;
		}
		ioctl(fd, UFFDIO_UNREGISTER, &reg.range);
	}
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	return ioctl(fd, UFFDIO_REGISTER, &reg) ? -errno : 0;
}

/* Opens the view's userfaultfd. */
static int uffd_open(struct pmemcrypt_pool *p, struct pc_view *v)
{
	struct uffdio_api api = {.api = UFFD_API};
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	int ret;

	if (fd < 0 && (errno == EPERM || errno == EINVAL))
		fd = (int)syscall(SYS_userfaultfd,
				  O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, UFFDIO_API, &api)
		      ? -errno
		      : uffd_register(p, v, fd, api.features);
	if (ret) {
		close(fd);
		return ret;
	}
	v->uffd = fd;
	return 0;
}

/* Without userfaultfd: decrypt the whole pool into the view now. */
static int populate_eagerly(struct pmemcrypt_pool *p)
{
	struct pc_view *v = &pc_sw(p)->view;

	for (uint64_t u = 0; u < p->units; u++) {
		int ret =
			pc_store_read_unit(p, v->xts, u, p->base + u * PC_UNIT);

		if (ret)
			return ret;
		bit_set(v->dirty, u, 1);
		bit_set(v->present, u, 1);
	}
	v->resident = p->units;
	return 0;
}

int pc_view_open(struct pmemcrypt_pool *p)
{
	struct pc_view *v = &pc_sw(p)->view;
	size_t words = (p->units + 63) / 64;
	int ret;

	v->uffd = v->stop_fd = v->trim_fd = -1;
	p->size = p->units * PC_UNIT;
	p->base = mmap(NULL, p->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p->base == MAP_FAILED) {
		p->base = NULL;
		return pc_err(-errno, "view: mmap of %zu bytes: %s", p->size,
			      strerror(errno));
	}
	/* Plaintext stays out of core dumps and forked children. */
	madvise(p->base, p->size, MADV_DONTDUMP);
	madvise(p->base, p->size, MADV_DONTFORK);
	ret = pc_view_set_budget(p, 0);
	if (ret)
		return ret;
	v->present = calloc(words, sizeof(uint64_t));
	v->dirty = calloc(words, sizeof(uint64_t));
	v->page = pc_secure_alloc((PC_READAHEAD_MAX + 1) * PC_UNIT);
	if (!v->present || !v->dirty || !v->page)
		return pc_err(-ENOMEM, "out of memory");
	v->durable = v->page + PC_READAHEAD_MAX * PC_UNIT;
	ret = pc_xts_new(&v->xts, p->hdr.cipher, p->sec->dek);
	if (ret)
		return ret;
	if (getenv("PMEMCRYPT_NO_USERFAULTFD") || uffd_open(p, v))
		return populate_eagerly(p);
	v->stop_fd = eventfd(0, EFD_CLOEXEC);
	v->trim_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->stop_fd < 0 || v->trim_fd < 0)
		return pc_err(-errno, "view: eventfd: %s", strerror(errno));
	ret = pthread_create(&v->thread, NULL, fault_thread, p);
	if (ret)
		return pc_err(-ret, "view: thread: %s", strerror(ret));
	v->thread_started = 1;
	return 0;
}

void pc_view_close(struct pmemcrypt_pool *p)
{
	struct pc_view *v = &pc_sw(p)->view;
	uint64_t one = 1;

	if (v->thread_started) {
		if (write(v->stop_fd, &one, sizeof(one)) != sizeof(one))
			abort();
		pthread_join(v->thread, NULL);
		v->thread_started = 0;
	}
	if (v->uffd >= 0)
		close(v->uffd);
	if (v->stop_fd >= 0)
		close(v->stop_fd);
	if (v->trim_fd >= 0)
		close(v->trim_fd);
	v->uffd = v->stop_fd = v->trim_fd = -1;
	if (p->base) {
		/* Drop the plaintext pages before unmapping. */
		madvise(p->base, p->size, MADV_DONTNEED);
		munmap(p->base, p->size);
		p->base = NULL;
	}
	pc_secure_free(v->page, (PC_READAHEAD_MAX + 1) * PC_UNIT);
	free(v->present);
	free(v->dirty);
	pc_xts_delete(&v->xts);
	v->page = v->durable = NULL;
	v->present = v->dirty = NULL;
}
