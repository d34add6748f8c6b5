/* SPDX-License-Identifier: BSD-3-Clause */
/* config.h -- pool creation settings */

#ifndef PC_CONFIG_H
#define PC_CONFIG_H

#include "libpmemcrypt.h"

struct pmemcrypt_config {
	enum pmemcrypt_cipher cipher;
	uint64_t size;
	uint32_t t_cost, m_cost_kib, parallelism;
	uint32_t lanes, units_per_tx;
	enum pmemcrypt_engine engine;
	int overwrite; /* create may overwrite a header area in use */
	int check;     /* check mode for the pool create opens */
	pmemcrypt_progress_fn *progress;
	void *progress_arg;
};

/* Argon2id cost limits (also checked on every slot read from media). */
#define PC_KDF_MAX_T 64
#define PC_KDF_MAX_P 64
#define PC_KDF_MAX_M (1u << 20) /* KiB: 1 GiB, as cryptsetup's default cap */
int pc_kdf_cost_ok(uint32_t t_cost, uint32_t m_cost_kib, uint32_t parallelism);

/* Defaults used when a config is NULL. */
void pc_config_defaults(struct pmemcrypt_config *cfg);

#endif
