// SPDX-License-Identifier: BSD-3-Clause
/* info.c -- reading a pool's public header without its key */

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "errormsg.h"
#include "header.h"
#include "key.h"
#include "layout.h"

/* The public fields of header h, whose copies' states are ok[]. */
static void info_fill(struct pmemcrypt_info *info, const struct pc_header *h,
		      const int ok[2])
{
	memset(info, 0, sizeof(*info));
	info->major = h->major;
	info->minor = h->minor;
	memcpy(info->uuid, h->uuid, sizeof(info->uuid));
	info->cipher = h->cipher;
	info->generation = h->generation;
	info->size = h->units * PC_UNIT;
	info->file_size = h->file_size;
	info->units = h->units;
	info->blocks = h->blocks;
	info->lanes = h->lanes;
	info->units_per_tx = (h->lane_size - sizeof(struct pc_log_head)) /
			     sizeof(struct pc_log_entry);
	if (info->units_per_tx > h->blocks - h->units - h->lanes)
		info->units_per_tx = (uint32_t)(h->blocks - h->units - h->lanes);
	info->engine = PMEMCRYPT_ENGINE_SOFTWARE;
	if (h->incompat & PC_INCOMPAT_HARDWARE) {
		info->engine = PMEMCRYPT_ENGINE_HARDWARE;
		info->units_per_tx = pc_undo_lane_units(h->lane_size);
	}
	info->header_ok[0] = ok[0];
	info->header_ok[1] = ok[1];
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++) {
		const struct pc_slot *s = &h->slots[i];
		struct pmemcrypt_slot_info *o = &info->slots[i];

		o->used = s->type != PC_SLOT_EMPTY;
		o->type = s->type == PC_SLOT_PASSPHRASE
				  ? PMEMCRYPT_KEY_PASSPHRASE
			  : s->type == PC_SLOT_KEYRING ? PMEMCRYPT_KEY_KEYRING
			  : s->type == PC_SLOT_CLEVIS  ? PMEMCRYPT_KEY_CLEVIS
						       : PMEMCRYPT_KEY_RAW;
		o->kdf_t_cost = s->t_cost;
		o->kdf_m_cost_kib = s->m_cost_kib;
		o->kdf_parallelism = s->parallelism;
		memcpy(o->description, s->description,
		       sizeof(o->description) - 1);
	}
}

/*
 * struct pmemcrypt_info as programs built against the 1.0 header know it:
 * every field before engine, which 1.1 added at the end.
 */
#define INFO_1_0_SIZE offsetof(struct pmemcrypt_info, engine)

/*
 * Reads the public header of the pool at path and writes the first len
 * bytes of its struct pmemcrypt_info to info: the layout the caller was
 * built with.
 */
static int info_read(void *info, size_t len, const char *path)
{
	uint8_t area[PC_HDR_AREA] __attribute__((aligned(64)));
	struct pmemcrypt_info full;
	const struct pc_header *h;
	int fd, which = 0, ok[2], ret;
	off_t size;

	if (!info || !path)
		return pc_err(PMEMCRYPT_E_INVALID, "info: NULL argument");
	ret = pc_crypto_init();
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pc_err(-errno, "%s: %s", path, strerror(errno));
	ret = pc_header_load(fd, path, area, &which, ok);
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	if (ret && ret != PMEMCRYPT_E_HDR_COPY)
		return ret;
	h = (const void *)(area + which * PC_HDR_SIZE);
	info_fill(&full, h, ok);
	memcpy(info, &full, len);
	/* Character devices (device-dax) report no size here. */
	if (!ret && size > 0)
		ret = pc_header_fits(h, path, (uint64_t)size);
	return ret;
}

/*
 * pmemcrypt_info_read has two versions.  Programs built against the 1.0
 * header bind to LIBPMEMCRYPT_1.0 and get the 1.0 layout, nothing written
 * past it; programs built since bind to LIBPMEMCRYPT_1.1, the default,
 * and get engine too.  A field added to the struct needs a new version
 * here, never a change to these two.
 */
PC_EXPORT int pc_info_read_1_0(void *info, const char *path);
PC_EXPORT int pc_info_read_1_1(struct pmemcrypt_info *info, const char *path);
__asm__(".symver pc_info_read_1_0, pmemcrypt_info_read@LIBPMEMCRYPT_1.0");
__asm__(".symver pc_info_read_1_1, pmemcrypt_info_read@@LIBPMEMCRYPT_1.1");

PC_EXPORT int pc_info_read_1_0(void *info, const char *path)
{
	return info_read(info, INFO_1_0_SIZE, path);
}

PC_EXPORT int pc_info_read_1_1(struct pmemcrypt_info *info, const char *path)
{
	return info_read(info, sizeof(*info), path);
}

PC_EXPORT const char *pmemcrypt_cipher_name(enum pmemcrypt_cipher cipher)
{
	switch (cipher) {
	case PMEMCRYPT_CIPHER_AES256_XTS: return "aes-256-xts";
	case PMEMCRYPT_CIPHER_AES128_XTS: return "aes-128-xts";
	}
	return "unknown";
}

PC_EXPORT const char *pmemcrypt_key_type_name(enum pmemcrypt_key_type type)
{
	switch (type) {
	case PMEMCRYPT_KEY_RAW: return "raw key";
	case PMEMCRYPT_KEY_PASSPHRASE: return "passphrase";
	case PMEMCRYPT_KEY_KEYRING: return "keyring key";
	case PMEMCRYPT_KEY_CLEVIS:
		return "clevis";
	}
	return "unknown";
}

