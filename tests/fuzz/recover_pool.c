// SPDX-License-Identifier: BSD-3-Clause
/* recover_pool.c -- the small pools fuzz_recover opens */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "binding.h"
#include "libpmemcrypt.h"
#include "recover_pool.h"

void fr_key_bytes(uint8_t raw[32])
{
	for (int i = 0; i < 32; i++)
		raw[i] = (uint8_t)i;
}

/* Units 0-3 whole, a few bytes of 5 and 9: map entries in use. */
static int fill(struct pmemcrypt_pool *pool)
{
	uint8_t buf[4 * PMEMCRYPT_UNIT_SIZE];
	int ret;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	ret = 0;
	for (size_t u = 0; u < 4 && !ret; u++)
		ret = pmemcrypt_write(pool, buf + u * PMEMCRYPT_UNIT_SIZE,
				      PMEMCRYPT_UNIT_SIZE,
				      u * PMEMCRYPT_UNIT_SIZE);
	if (!ret)
		ret = pmemcrypt_write(pool, buf, 100,
				      5 * PMEMCRYPT_UNIT_SIZE + 10);
	if (!ret)
		ret = pmemcrypt_write(pool, buf, 2000, 9 * PMEMCRYPT_UNIT_SIZE);
	return ret;
}

int fr_make_pool(const char *path, int hardware)
{
	struct pmemcrypt_config *cfg = NULL;
	struct pmemcrypt_pool *pool = NULL;
	struct pmemcrypt_key *key = NULL;
	uint8_t raw[32];
	int ret;

	fr_key_bytes(raw);
	pc_binding_assume_bound = 1;
	unlink(path);
	ret = pmemcrypt_key_from_raw(&key, raw);
	if (!ret)
		ret = pmemcrypt_config_new(&cfg);
	if (!ret)
		ret = pmemcrypt_config_set_size(cfg,
						FR_UNITS * PMEMCRYPT_UNIT_SIZE);
	if (!ret)
		ret = pmemcrypt_config_set_kdf(cfg, 1, 64, 1);
	/* Small lanes: a few units per update, two lanes. */
	if (!ret)
		ret = pmemcrypt_config_set_lanes(cfg, FR_LANES,
						 hardware ? 2 : 4);
	if (!ret)
		ret = pmemcrypt_config_set_engine(
			cfg, hardware ? PMEMCRYPT_ENGINE_HARDWARE
				      : PMEMCRYPT_ENGINE_SOFTWARE);
	if (!ret)
		ret = pmemcrypt_pool_create(&pool, path, cfg, key);
	if (!ret)
		ret = fill(pool);
	if (ret)
		fprintf(stderr, "%s: %s\n", path, pmemcrypt_errormsg());
	pmemcrypt_pool_close(&pool);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
	return ret;
}

size_t fr_meta_len(const struct pc_header *h)
{
	uint64_t end = h->incompat & PC_INCOMPAT_HARDWARE
			       ? h->data_off
			       : h->map_off + h->units * 8;

	return (size_t)(end - h->lanes_off);
}
