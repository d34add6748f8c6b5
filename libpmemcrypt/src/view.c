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

#include "errormsg.h"
#include "sw.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static void mark_present(struct pc_view *v, uint64_t unit)
{
	__atomic_fetch_or(&v->present[unit / 64], 1ull << (unit % 64),
			  __ATOMIC_RELEASE);
}

/*
 * Fills pages [unit, unit+n) of the view with the units' durable
 * plaintext, in one copy.  The present bits and the pages change only
 * under the units' locks, so code holding a unit's lock sees either an
 * absent page or a mapped one.  Stops before the first unit already
 * present; returns the number of pages filled or an error.
 */
static int populate(struct pmemcrypt_pool *p, uint64_t unit, size_t n)
{
	struct pc_view *v = &pc_sw(p)->view;
	uint64_t ents[PC_READAHEAD_MAX] = {0}, set[PC_STRIPES / 64];
	struct uffdio_copy copy;
	size_t k = 0;
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
	for (size_t i = 0; i < k; i++)
		mark_present(v, unit + i);
	copy = (struct uffdio_copy){
		.dst = (uintptr_t)(p->base + unit * PC_UNIT),
		.src = (uintptr_t)v->page,
		.len = k * PC_UNIT,
	};
	if (k && ioctl(v->uffd, UFFDIO_COPY, &copy) && errno != EEXIST) {
		ret = -errno;
		for (size_t i = 0; i < k; i++)
			__atomic_fetch_and(&v->present[(unit + i) / 64],
					   ~(1ull << ((unit + i) % 64)),
					   __ATOMIC_RELEASE);
	}
	pc_units_lock(&p->locks, ents, n, set, 0);
	return ret ? ret : (int)k;
}

/*
 * Serves a fault at unit.  A fault right after the previous window reads
 * ahead a window that doubles up to PC_READAHEAD_MAX units; any other
 * fills one page.
 */
static void serve_fault(struct pmemcrypt_pool *p, uint64_t unit, uint64_t *next,
			size_t *window)
{
	struct pc_view *v = &pc_sw(p)->view;
	size_t n;
	int got;

	*window = unit == *next ? (*window > 1 ? *window * 2 : 2) : 1;
	if (*window > PC_READAHEAD_MAX)
		*window = PC_READAHEAD_MAX;
	n = unit + *window <= p->units ? *window : p->units - unit;
	got = populate(p, unit, n);
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

/* Serves page faults on the view until stopped. */
static void *fault_thread(void *arg)
{
	struct pmemcrypt_pool *p = arg;
	struct pc_view *v = &pc_sw(p)->view;
	struct pollfd fds[2] = {{v->uffd, POLLIN, 0}, {v->stop_fd, POLLIN, 0}};
	uint64_t next = UINT64_MAX;
	size_t window = 0;
	struct uffd_msg msg;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents)
			break;
		if (read(v->uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		serve_fault(p,
			    (msg.arg.pagefault.address - (uintptr_t)p->base) /
				    PC_UNIT,
			    &next, &window);
	}
	return NULL;
}

/* Opens a userfaultfd registered for missing pages of the view. */
static int uffd_open(struct pmemcrypt_pool *p, struct pc_view *v)
{
	struct uffdio_api api = {.api = UFFD_API};
	struct uffdio_register reg = {
		.range = {(uintptr_t)p->base, p->size},
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 && (errno == EPERM || errno == EINVAL))
		fd = (int)syscall(SYS_userfaultfd,
				  O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg)) {
		int e = -errno;

		close(fd);
		return e;
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
		mark_present(v, u);
	}
	return 0;
}

int pc_view_open(struct pmemcrypt_pool *p)
{
	struct pc_view *v = &pc_sw(p)->view;
	size_t words = (p->units + 63) / 64;
	int ret;

	v->uffd = v->stop_fd = -1;
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
	v->present = calloc(words, sizeof(uint64_t));
	v->page = pc_secure_alloc(PC_READAHEAD_MAX * PC_UNIT);
	if (!v->present || !v->page)
		return pc_err(-ENOMEM, "out of memory");
	ret = pc_xts_new(&v->xts, p->hdr.cipher, p->sec->dek);
	if (ret)
		return ret;
	if (getenv("PMEMCRYPT_NO_USERFAULTFD") || uffd_open(p, v))
		return populate_eagerly(p);
	v->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (v->stop_fd < 0)
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
	v->uffd = v->stop_fd = -1;
	if (p->base) {
		/* Drop the plaintext pages before unmapping. */
		madvise(p->base, p->size, MADV_DONTNEED);
		munmap(p->base, p->size);
		p->base = NULL;
	}
	pc_secure_free(v->page, PC_READAHEAD_MAX * PC_UNIT);
	free(v->present);
	pc_xts_delete(&v->xts);
	v->page = NULL;
	v->present = NULL;
}
