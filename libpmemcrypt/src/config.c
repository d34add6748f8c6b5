// SPDX-License-Identifier: BSD-3-Clause
/* config.c -- pool creation settings */

#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "errormsg.h"
#include "key.h"

#define DEFAULT_T_COST 3
#define DEFAULT_M_COST_KIB (64 * 1024)
#define DEFAULT_PARALLELISM 2
#define DEFAULT_LANES 16
#define DEFAULT_UNITS_PER_TX 1020
#define MAX_LANES 1024
#define MAX_UNITS_PER_TX (1u << 20)

int pc_kdf_cost_ok(uint32_t t_cost, uint32_t m_cost_kib, uint32_t parallelism)
{
	return t_cost >= 1 && t_cost <= PC_KDF_MAX_T && parallelism >= 1 &&
	       parallelism <= PC_KDF_MAX_P && m_cost_kib >= 8 * parallelism &&
	       m_cost_kib <= PC_KDF_MAX_M;
}

void pc_config_defaults(struct pmemcrypt_config *cfg)
{
	*cfg = (struct pmemcrypt_config){
		.cipher = PMEMCRYPT_CIPHER_AES256_XTS,
		.t_cost = DEFAULT_T_COST,
		.m_cost_kib = DEFAULT_M_COST_KIB,
		.parallelism = DEFAULT_PARALLELISM,
		.lanes = DEFAULT_LANES,
		.units_per_tx = DEFAULT_UNITS_PER_TX,
		.engine = PMEMCRYPT_ENGINE_AUTO,
	};
}

PC_EXPORT int pmemcrypt_config_new(struct pmemcrypt_config **cfg)
{
	if (!cfg)
		return pc_err(PMEMCRYPT_E_INVALID, "config: NULL out-pointer");
	*cfg = malloc(sizeof(**cfg));
	if (!*cfg)
		return pc_err(-ENOMEM, "out of memory");
	pc_config_defaults(*cfg);
	return 0;
}

PC_EXPORT void pmemcrypt_config_delete(struct pmemcrypt_config **cfg)
{
	if (!cfg)
		return;
	free(*cfg);
	*cfg = NULL;
}

PC_EXPORT int pmemcrypt_config_set_cipher(struct pmemcrypt_config *cfg,
					  enum pmemcrypt_cipher cipher)
{
	if (cipher != PMEMCRYPT_CIPHER_AES256_XTS &&
	    cipher != PMEMCRYPT_CIPHER_AES128_XTS)
		return pc_err(PMEMCRYPT_E_INVALID, "config: unknown cipher %d",
			      (int)cipher);
	cfg->cipher = cipher;
	return 0;
}

PC_EXPORT int pmemcrypt_config_set_size(struct pmemcrypt_config *cfg,
					uint64_t size)
{
	if (size % PMEMCRYPT_UNIT_SIZE)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "config: size must be a multiple of %d",
			      PMEMCRYPT_UNIT_SIZE);
	cfg->size = size;
	return 0;
}

PC_EXPORT int pmemcrypt_config_set_kdf(struct pmemcrypt_config *cfg,
				       uint32_t t_cost, uint32_t m_cost_kib,
				       uint32_t parallelism)
{
	struct pmemcrypt_config d;

	pc_config_defaults(&d);
	t_cost = t_cost ? t_cost : d.t_cost;
	parallelism = parallelism ? parallelism : d.parallelism;
	m_cost_kib = m_cost_kib ? m_cost_kib : d.m_cost_kib;
	if (!pc_kdf_cost_ok(t_cost, m_cost_kib, parallelism))
		return pc_err(PMEMCRYPT_E_INVALID,
			      "config: Argon2id needs 1 <= t <= %d, "
			      "1 <= p <= %d, 8*p KiB <= m <= 1 GiB",
			      PC_KDF_MAX_T, PC_KDF_MAX_P);
	cfg->t_cost = t_cost;
	cfg->m_cost_kib = m_cost_kib;
	cfg->parallelism = parallelism;
	return 0;
}

PC_EXPORT int pmemcrypt_config_set_lanes(struct pmemcrypt_config *cfg,
					 uint32_t lanes, uint32_t units_per_tx)
{
	lanes = lanes ? lanes : DEFAULT_LANES;
	units_per_tx = units_per_tx ? units_per_tx : DEFAULT_UNITS_PER_TX;
	if (lanes < 1 || lanes > MAX_LANES || units_per_tx < 1 ||
	    units_per_tx > MAX_UNITS_PER_TX)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "config: lanes must be 1 to %d, units per "
			      "transaction 1 to %u",
			      MAX_LANES, MAX_UNITS_PER_TX);
	cfg->lanes = lanes;
	cfg->units_per_tx = units_per_tx;
	return 0;
}

PC_EXPORT int pmemcrypt_config_set_engine(struct pmemcrypt_config *cfg,
					  enum pmemcrypt_engine engine)
{
	if (!cfg)
		return pc_err(PMEMCRYPT_E_INVALID, "config: NULL config");
	if (engine != PMEMCRYPT_ENGINE_AUTO &&
	    engine != PMEMCRYPT_ENGINE_SOFTWARE &&
	    engine != PMEMCRYPT_ENGINE_HARDWARE)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "config: unknown engine %d (auto, software or "
			      "hardware)",
			      (int)engine);
	cfg->engine = engine;
	return 0;
}

PC_EXPORT const char *pmemcrypt_engine_name(enum pmemcrypt_engine engine)
{
	switch (engine) {
	case PMEMCRYPT_ENGINE_AUTO: return "auto";
	case PMEMCRYPT_ENGINE_SOFTWARE: return "software";
	case PMEMCRYPT_ENGINE_HARDWARE: return "hardware";
	}
	return "unknown";
}

PC_EXPORT int pmemcrypt_config_set_overwrite(struct pmemcrypt_config *cfg,
					     int overwrite)
{
	if (!cfg)
		return pc_err(PMEMCRYPT_E_INVALID, "config: NULL config");
	cfg->overwrite = overwrite != 0;
	return 0;
}

PC_EXPORT int pmemcrypt_config_set_check(struct pmemcrypt_config *cfg, int on)
{
	if (!cfg)
		return pc_err(PMEMCRYPT_E_INVALID, "config: NULL config");
	cfg->check = on != 0;
	return 0;
}

PC_EXPORT int pmemcrypt_config_set_progress(struct pmemcrypt_config *cfg,
					    pmemcrypt_progress_fn *fn,
					    void *arg)
{
	cfg->progress = fn;
	cfg->progress_arg = arg;
	return 0;
}
