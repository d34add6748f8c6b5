/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bigarray.h -- zeroed arrays of the pool's size (the map, the free
 * blocks), on 2 MiB pages where the kernel gives them
 */

#ifndef PC_BIGARRAY_H
#define PC_BIGARRAY_H

#include <stddef.h>

/* n zeroed elements of size bytes; NULL on overflow or out of memory. */
void *pc_array_alloc(size_t n, size_t size);
/* Frees what pc_array_alloc(n, size) returned (NULL is ignored). */
void pc_array_free(void *a, size_t n, size_t size);

#endif
