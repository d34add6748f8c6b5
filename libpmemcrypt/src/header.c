// SPDX-License-Identifier: BSD-3-Clause
/* header.c -- validating, reading and writing the pool header */

#include <string.h>

#include "errormsg.h"
#include "config.h"
#include "header.h"
#include "media.h"

#define MAC_LEN offsetof(struct pc_header, mac)
#define SUM_LEN offsetof(struct pc_header, checksum)

/*
 * A slot's KDF follows from its type, and its costs are bounded: the KDF
 * runs before anything is authenticated, so a forged slot must not make
 * it run for hours.
 */
static int slot_ok(const struct pc_header *h, const struct pc_slot *s)
{
	switch (s->type) {
	case PC_SLOT_EMPTY:
		return 1;
	case PC_SLOT_RAW:
	case PC_SLOT_KEYRING:
		return s->kdf == PC_KDF_HKDF_SHA256;
	case PC_SLOT_CLEVIS:
		return s->kdf == PC_KDF_HKDF_SHA256 &&
		       (h->incompat & PC_INCOMPAT_CLEVIS) && h->tokens_off &&
		       s->token_len >= 1 && s->token_len <= PC_TOKEN_SIZE;
	case PC_SLOT_PASSPHRASE:
		return s->kdf == PC_KDF_ARGON2ID &&
		       pc_kdf_cost_ok(s->t_cost, s->m_cost_kib,
				      s->parallelism);
	}
	return 0;
}

/* The layout of a hardware pool: lanes of logs, then the data. */
static int hw_geometry_ok(const struct pc_header *h)
{
	uint64_t lanes_end, data_end;

	if (h->unit_size != PC_UNIT || h->units == 0 || h->blocks != h->units ||
	    h->units > PC_MAP_PBA_MASK || h->lanes == 0 ||
	    h->lane_size < PC_UNDO_START + PC_UNDO_PER_UNIT ||
	    h->lane_size % PC_UNIT)
		return 0;
	if (h->lanes_off != PC_HDR_AREA ||
	    __builtin_mul_overflow((uint64_t)h->lanes, h->lane_size,
				   &lanes_end) ||
	    __builtin_add_overflow(lanes_end, h->lanes_off, &lanes_end) ||
	    h->map_off != lanes_end || h->data_off < h->map_off ||
	    h->data_off % PC_UNIT ||
	    __builtin_mul_overflow(h->units, PC_UNIT, &data_end) ||
	    __builtin_add_overflow(data_end, h->data_off, &data_end) ||
	    h->file_size < data_end)
		return 0;
	return 1;
}

/* The layout of a software pool: lanes of redo logs, map, blocks. */
static int sw_geometry_ok(const struct pc_header *h)
{
	uint64_t lanes_end, map_end, data_end;

	if (h->unit_size != PC_UNIT || h->units == 0 ||
	    h->blocks <= h->units + h->lanes || h->blocks > PC_MAP_PBA_MASK ||
	    h->lanes == 0 || h->lane_size < 2 * sizeof(struct pc_log_head) ||
	    h->lane_size % PC_UNIT)
		return 0;
	if (h->cipher != PMEMCRYPT_CIPHER_AES256_XTS &&
	    h->cipher != PMEMCRYPT_CIPHER_AES128_XTS)
		return 0;
	if (h->lanes_off != PC_HDR_AREA ||
	    __builtin_mul_overflow((uint64_t)h->lanes, h->lane_size,
				   &lanes_end) ||
	    __builtin_add_overflow(lanes_end, h->lanes_off, &lanes_end) ||
	    h->map_off != lanes_end ||
	    __builtin_mul_overflow(h->units, 8, &map_end) ||
	    __builtin_add_overflow(map_end, h->map_off, &map_end) ||
	    h->data_off < map_end || h->data_off % PC_UNIT ||
	    __builtin_mul_overflow(h->blocks, PC_UNIT, &data_end) ||
	    __builtin_add_overflow(data_end, h->data_off, &data_end) ||
	    h->file_size < data_end)
		return 0;
	return 1;
}

/*
 * The token area (none when tokens_off is 0) lies between the end of the
 * map (of the lanes, in a hardware pool) and the data.
 */
static int tokens_ok(const struct pc_header *h)
{
	uint64_t meta_end = h->map_off, end;

	if (!h->tokens_off)
		return !(h->incompat & PC_INCOMPAT_CLEVIS);
	/* The geometry checks bounded map_off + 8 * units already. */
	if (!(h->incompat & PC_INCOMPAT_HARDWARE))
		meta_end += h->units * 8;
	return h->tokens_off % PC_UNIT == 0 && h->tokens_off >= meta_end &&
	       !__builtin_add_overflow(h->tokens_off, PC_TOKEN_AREA, &end) &&
	       end <= h->data_off;
}

static int geometry_ok(const struct pc_header *h)
{
	if (!(h->incompat & PC_INCOMPAT_HARDWARE ? hw_geometry_ok(h)
						  : sw_geometry_ok(h)))
		return 0;
	if (!tokens_ok(h))
		return 0;
	if (h->cipher != PMEMCRYPT_CIPHER_AES256_XTS &&
	    h->cipher != PMEMCRYPT_CIPHER_AES128_XTS)
		return 0;
	if (!pc_kdf_cost_ok(h->kdf_t_cost, h->kdf_m_cost_kib,
			    h->kdf_parallelism))
		return 0;
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		if (!slot_ok(h, &h->slots[i]))
			return 0;
	return 1;
}

enum pc_hdr_state pc_header_check(const struct pc_header *h)
{
	uint8_t sum[32];

	if (memcmp(h->magic, PC_MAGIC, sizeof(h->magic)))
		return PC_HDR_NO_MAGIC;
	pc_sha256(sum, h, SUM_LEN);
	if (!pc_memeq(sum, h->checksum, sizeof(sum)))
		return PC_HDR_BAD_CHECKSUM;
	if (h->major > PC_FORMAT_MAJOR || (h->incompat & ~PC_INCOMPAT_KNOWN))
		return PC_HDR_NEWER;
	/* No writer ever made a major version 0. */
	if (h->major < PC_FORMAT_MAJOR || !geometry_ok(h))
		return PC_HDR_BAD_GEOMETRY;
	return PC_HDR_OK;
}

int pc_header_mac_key(uint8_t mac_key[32], const uint8_t dek[PC_DEK_SIZE])
{
	static const char label[] = "pmemcrypt header mac v1";

	return pc_hmac_sha256(mac_key, dek, PC_DEK_SIZE, label,
			      sizeof(label) - 1);
}

int pc_header_seal(struct pc_header *h, const uint8_t mac_key[32])
{
	int ret = pc_hmac_sha256(h->mac, mac_key, 32, h, MAC_LEN);

	if (!ret)
		pc_sha256(h->checksum, h, SUM_LEN);
	return ret;
}

int pc_header_mac_verify(const struct pc_header *h, const uint8_t mac_key[32])
{
	uint8_t mac[32];
	int ret = pc_hmac_sha256(mac, mac_key, 32, h, MAC_LEN);

	if (ret)
		return ret;
	return pc_memeq(mac, h->mac, sizeof(mac)) ? 0 : PMEMCRYPT_E_HDR_MAC;
}

static const char *state_str(enum pc_hdr_state s)
{
	switch (s) {
	case PC_HDR_OK: return "intact";
	case PC_HDR_NO_MAGIC: return "no pool signature";
	case PC_HDR_NEWER: return "newer format";
	case PC_HDR_BAD_CHECKSUM: return "checksum mismatch";
	case PC_HDR_BAD_GEOMETRY: return "inconsistent layout";
	}
	return "?";
}

int pc_header_select(const uint8_t *area, const char *path, int *which,
		     int ok[2])
{
	const struct pc_header *h[2] = {
		(const void *)area, (const void *)(area + PC_HDR_SIZE)};
	enum pc_hdr_state s[2] = {pc_header_check(h[0]),
				  pc_header_check(h[1])};

	ok[0] = s[0] == PC_HDR_OK;
	ok[1] = s[1] == PC_HDR_OK;
	if (s[0] == PC_HDR_NO_MAGIC && s[1] == PC_HDR_NO_MAGIC)
		return pc_err(
			PMEMCRYPT_E_NOT_POOL, "%s: not a pmemcrypt pool%s",
			path,
			memcmp(area, PC_SHRED_MARK, sizeof(PC_SHRED_MARK) - 1)
				? ""
				: " (a shredded one: its keys were "
				  "destroyed)");
	if (s[0] == PC_HDR_NEWER || s[1] == PC_HDR_NEWER) {
		const struct pc_header *n = h[s[0] == PC_HDR_NEWER ? 0 : 1];

		if (n->major <= PC_FORMAT_MAJOR)
			return pc_err(PMEMCRYPT_E_VERSION,
				      "%s: pool uses format features %#x this "
				      "library (format %u.%u) does not know",
				      path, n->incompat & ~PC_INCOMPAT_KNOWN,
				      PC_FORMAT_MAJOR, PC_FORMAT_MINOR);
		return pc_err(PMEMCRYPT_E_VERSION,
			      "%s: pool format %u.%u is newer than this "
			      "library (%u.%u)",
			      path, n->major, n->minor, PC_FORMAT_MAJOR,
			      PC_FORMAT_MINOR);
	}
	if (!ok[0] && !ok[1])
		return pc_err(PMEMCRYPT_E_HDR_CORRUPT,
			      "%s: both header copies are corrupt (%s, %s)",
			      path, state_str(s[0]), state_str(s[1]));
	if (ok[0] && ok[1])
		*which = h[1]->generation > h[0]->generation ? 1 : 0;
	else
		*which = ok[0] ? 0 : 1;
	if (!ok[0] || !ok[1])
		return pc_err(PMEMCRYPT_E_HDR_COPY,
			      "%s: header copy %d is corrupt (%s), copy %d is "
			      "intact; run 'pmemcrypt check --repair'",
			      path, ok[0] ? 2 : 1, state_str(s[ok[0] ? 1 : 0]),
			      ok[0] ? 1 : 2);
	return 0;
}

int pc_header_load(int fd, const char *path, uint8_t *area, int *which,
		   int ok[2])
{
	ssize_t n = pc_media_read_head(fd, area, PC_HDR_AREA);

	if (n < 0)
		return pc_err((int)n, "%s: read: %s", path,
			      n > -4096 ? strerror((int)-n) : pmem2_errormsg());
	if (n < PC_HDR_AREA) {
		if (n >= 8 && !memcmp(area, PC_MAGIC, 8))
			return pc_err(PMEMCRYPT_E_TRUNCATED,
				      "%s: truncated to %zd bytes", path, n);
		return pc_err(PMEMCRYPT_E_NOT_POOL,
			      "%s: not a pmemcrypt pool", path);
	}
	return pc_header_select(area, path, which, ok);
}

int pc_header_fits(const struct pc_header *h, const char *path,
		   uint64_t size)
{
	if (h->file_size <= size)
		return 0;
	return pc_err(PMEMCRYPT_E_TRUNCATED,
		      "%s: pool needs %llu bytes, the file has %llu", path,
		      (unsigned long long)h->file_size,
		      (unsigned long long)size);
}
