// SPDX-License-Identifier: BSD-3-Clause
/* hdr.c -- the heap header: identity, version and layout name */
#include <errno.h>
#include <string.h>

#include "err.h"
#include "hdr.h"

int hdr_read(const char *base, uint64_t size, const char *layout,
	     struct pcobj_hdr *hdr)
{
	const char *stored = base + PCOBJ_LAYOUT_OFF;

	if (size < PCOBJ_HDR_SIZE)
		return pcobj_err(EINVAL, "not an object pool (too small)");
	memcpy(hdr, base, sizeof(*hdr));
	if (memcmp(hdr->magic, PCOBJ_MAGIC, PCOBJ_MAGIC_LEN))
		return pcobj_err(EINVAL, "not an object pool (no heap header "
					 "in its data)");
	if (hdr->major != PCOBJ_MAJOR || hdr->incompat)
		return pcobj_err(EINVAL,
				 "object heap version %u with features 0x%lx: "
				 "this library reads version %u only",
				 hdr->major, (unsigned long)hdr->incompat,
				 PCOBJ_MAJOR);
	if (!memchr(stored, 0, PCOBJ_LAYOUT_MAX))
		return pcobj_err(EINVAL, "object heap: unterminated layout");
	if (layout && strcmp(layout, stored))
		return pcobj_err(EINVAL, "wrong layout: the pool has \"%.64s\"",
				 stored);
	if (!hdr->uuid_lo)
		return pcobj_err(EINVAL, "object heap: pool id is 0");
	return 0;
}
