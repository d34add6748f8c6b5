// SPDX-License-Identifier: BSD-3-Clause
/* check.c -- consistency check of an open pool */

#include <string.h>

#include "errormsg.h"
#include "header.h"
#include "pool.h"

/* Counts problems in the header copies and lane logs. */
static uint64_t check_metadata(struct pmemcrypt_pool *p)
{
	struct pc_header h;
	uint64_t errors = 0;

	for (int i = 0; i < 2; i++) {
		const uint8_t *copy =
			pc_media_at(&p->media, i * PC_HDR_SIZE, PC_HDR_SIZE);

		if (!copy) {
			errors++;
			continue;
		}
		memcpy(&h, copy, sizeof(h));
		if (pc_header_check(&h) != PC_HDR_OK ||
		    pc_header_mac_verify(&h, p->sec->mac_key))
			errors++;
	}
	for (uint32_t i = 0; i < p->lanes.n; i++)
		errors += p->engine->pending(p, i) != 0;
	return errors;
}

PC_EXPORT int pmemcrypt_pool_check(struct pmemcrypt_pool *pool,
				   struct pmemcrypt_check_report *r,
				   pmemcrypt_progress_fn *progress, void *arg)
{
	int ret;

	ret = pc_pool_usable(pool, "check");
	if (ret)
		return ret;
	if (!r)
		return pc_err(PMEMCRYPT_E_INVALID, "check: NULL report");
	memset(r, 0, sizeof(*r));
	r->errors = check_metadata(pool);
	ret = pool->engine->check_units(pool, r, progress, arg);
	if (!ret && r->errors)
		ret = pc_err(PMEMCRYPT_E_CORRUPT, "%s: %llu inconsistencies",
			     pool->path, (unsigned long long)r->errors);
	return ret;
}
