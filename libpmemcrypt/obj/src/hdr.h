/* SPDX-License-Identifier: BSD-3-Clause */
/* hdr.h -- the heap header: identity, version and layout name */
#ifndef PCOBJ_HDR_H
#define PCOBJ_HDR_H 1

#include <stdint.h>

#include "format.h"

/*
 * Copies the header of the data at base (size bytes) to hdr and checks
 * its identity, version and (when layout is not NULL) layout name.
 */
int hdr_read(const char *base, uint64_t size, const char *layout,
	     struct pcobj_hdr *hdr);

#endif
