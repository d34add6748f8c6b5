/* SPDX-License-Identifier: BSD-3-Clause */
/* io.h -- checks shared by the calls that take ranges of the view */

#ifndef PC_IO_H
#define PC_IO_H

#include <stddef.h>
#include <stdint.h>

struct pmemcrypt_pool;

/* Checks that [off, off+len) lies in the pool. */
int pc_check_range(const struct pmemcrypt_pool *p, uint64_t off, size_t len);
/* The offset of [addr, addr+len) in the view, checked; what names the
 * caller in messages. */
int pc_view_offset(const struct pmemcrypt_pool *p, const char *what,
		   const void *addr, size_t len, uint64_t *off);

#endif
