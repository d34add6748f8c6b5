// SPDX-License-Identifier: BSD-3-Clause
/* keyslots.c -- adding, removing and changing key slots of a pool */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errormsg.h"
#include "pool.h"

/* First free slot, or PMEMCRYPT_E_NO_SLOT. */
static int free_slot(struct pmemcrypt_pool *p)
{
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		if (p->hdr.slots[i].type == PC_SLOT_EMPTY)
			return i;
	return pc_err(PMEMCRYPT_E_NO_SLOT, "all %d key slots are used",
		      PMEMCRYPT_MAX_SLOTS);
}

/* The slot key opens, checked to yield this pool's DEK. */
static int find_slot(struct pmemcrypt_pool *p, const struct pmemcrypt_key *key)
{
	uint8_t *dek = pc_secure_alloc(PC_DEK_SIZE);
	int slot;

	if (!dek)
		return pc_err(-ENOMEM, "out of memory");
	slot = pc_slot_unlock(&p->hdr, &p->media, key, dek);
	if (slot >= 0 && !pc_memeq(dek, p->sec->dek, PC_DEK_SIZE))
		slot = pc_err(PMEMCRYPT_E_CORRUPT,
			      "key slot %d holds another pool's key", slot);
	pc_secure_free(dek, PC_DEK_SIZE);
	return slot;
}

PC_EXPORT int pmemcrypt_pool_find_slot(struct pmemcrypt_pool *pool,
				       const struct pmemcrypt_key *key)
{
	int slot = pc_pool_usable(pool, "find_slot");

	if (slot)
		return slot;
	if (!key)
		return pc_err(PMEMCRYPT_E_INVALID, "find_slot: NULL key");
	pthread_mutex_lock(&pool->hdr_lock);
	slot = find_slot(pool, key);
	pthread_mutex_unlock(&pool->hdr_lock);
	return slot;
}

PC_EXPORT int pmemcrypt_pool_add_key(struct pmemcrypt_pool *pool,
				     const struct pmemcrypt_key *key,
				     int *slot)
{
	int i, ret;

	ret = pc_pool_usable(pool, "add_key");
	if (ret)
		return ret;
	if (!key)
		return pc_err(PMEMCRYPT_E_INVALID, "add_key: NULL key");
	pthread_mutex_lock(&pool->hdr_lock);
	i = ret = free_slot(pool);
	if (i < 0)
		goto out;
	ret = pc_slot_seal(&pool->hdr.slots[i], key, &pool->kdf,
			   pool->sec->dek);
	if (!ret)
		ret = pc_pool_write_header(pool);
	if (ret)
		memset(&pool->hdr.slots[i], 0, sizeof(struct pc_slot));
	else if (slot)
		*slot = i;
out:
	pthread_mutex_unlock(&pool->hdr_lock);
	return ret;
}

/* A pin names a clevis program: clevis-encrypt-<pin>. */
static int pin_ok(const char *pin)
{
	size_t n = 0;

	for (; pin[n]; n++)
		if (!((pin[n] >= 'a' && pin[n] <= 'z') ||
		      (pin[n] >= '0' && pin[n] <= '9') || pin[n] == '_'))
			return 0;
	return n >= 1 && n <= 32;
}

/* Writes a token to slot i's region, the rest of the region zeroed. */
static int write_token(struct pmemcrypt_pool *p, int i, const char *token,
		       size_t len)
{
	uint64_t off = p->hdr.tokens_off + (uint64_t)i * PC_TOKEN_SIZE;
	int ret = pc_media_zero(&p->media, off, PC_TOKEN_SIZE);

	if (!ret)
		ret = pc_media_write(&p->media, off, token, len);
	pc_media_fence(&p->media);
	return ret;
}

/*
 * Binds a new slot through clevis: a random key, encrypted by clevis to
 * a token; the token is written before the header that names it, so a
 * crash leaves the old header or a complete slot.
 */
static int add_clevis(struct pmemcrypt_pool *pool, const char *pin,
		      const char *config, unsigned flags, int *slot)
{
	uint8_t *key = pc_secure_alloc(PC_CLEVIS_KEY_SIZE);
	char what[PC_DESC_MAX], token[PC_TOKEN_SIZE];
	size_t len = 0;
	int i, ret;

	if (!key)
		return pc_err(-ENOMEM, "out of memory");
	ret = pc_random(key, PC_CLEVIS_KEY_SIZE);
	if (!ret)
		ret = pc_clevis_encrypt(pin, config, flags, key, token, &len);
	if (ret)
		goto out;
	snprintf(what, sizeof(what), "%s %s", pin, config);
	pthread_mutex_lock(&pool->hdr_lock);
	i = ret = free_slot(pool);
	if (i >= 0)
		ret = pc_slot_seal_clevis(&pool->hdr.slots[i], key,
					  (uint32_t)len, what, pool->sec->dek);
	if (!ret)
		ret = write_token(pool, i, token, len);
	if (!ret)
		ret = pc_pool_write_header(pool);
	if (ret && i >= 0)
		memset(&pool->hdr.slots[i], 0, sizeof(struct pc_slot));
	if (!ret && slot)
		*slot = i;
	pthread_mutex_unlock(&pool->hdr_lock);
out:
	pc_secure_free(key, PC_CLEVIS_KEY_SIZE);
	return ret;
}

PC_EXPORT int pmemcrypt_pool_add_clevis(struct pmemcrypt_pool *pool,
					const char *pin, const char *config,
					unsigned flags, int *slot)
{
	int ret = pc_pool_usable(pool, "add_clevis");

	if (ret)
		return ret;
	if (!pin || !config || !pin_ok(pin))
		return pc_err(PMEMCRYPT_E_INVALID, "add_clevis: %s",
			      !pin || !config
				      ? "NULL pin or configuration"
				      : "a pin is 1 to 32 of a-z, 0-9 and _");
	if (flags & ~PMEMCRYPT_CLEVIS_TRUST)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "add_clevis: unknown flags %#x", flags);
	if (!pool->hdr.tokens_off)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "%s: the pool has no room for clevis tokens: "
			      "it was made before format 1.2; copy its data "
			      "to a new pool to bind it through clevis",
			      pool->path);
	return add_clevis(pool, pin, config, flags, slot);
}

PC_EXPORT int pmemcrypt_pool_remove_key(struct pmemcrypt_pool *pool, int slot)
{
	int used = 0, ret;

	ret = pc_pool_usable(pool, "remove_key");
	if (ret)
		return ret;
	pthread_mutex_lock(&pool->hdr_lock);
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		used += pool->hdr.slots[i].type != PC_SLOT_EMPTY;
	if (slot < 0 || slot >= PMEMCRYPT_MAX_SLOTS ||
	    pool->hdr.slots[slot].type == PC_SLOT_EMPTY) {
		ret = pc_err(PMEMCRYPT_E_NO_SLOT, "key slot %d is not in use",
			     slot);
	} else if (used == 1) {
		ret = pc_err(PMEMCRYPT_E_LAST_SLOT,
			     "slot %d is the last key slot; removing it "
			     "would lock the data out for good",
			     slot);
	} else {
		struct pc_slot old = pool->hdr.slots[slot];

		memset(&pool->hdr.slots[slot], 0, sizeof(struct pc_slot));
		ret = pc_pool_write_header(pool);
		if (ret)
			pool->hdr.slots[slot] = old;
	}
	pthread_mutex_unlock(&pool->hdr_lock);
	return ret;
}

PC_EXPORT int pmemcrypt_pool_change_key(struct pmemcrypt_pool *pool,
					const struct pmemcrypt_key *old_key,
					const struct pmemcrypt_key *new_key)
{
	struct pc_slot s;
	int slot, ret;

	ret = pc_pool_usable(pool, "change_key");
	if (ret)
		return ret;
	if (!old_key || !new_key)
		return pc_err(PMEMCRYPT_E_INVALID, "change_key: NULL key");
	pthread_mutex_lock(&pool->hdr_lock);
	slot = find_slot(pool, old_key);
	ret = slot < 0 ? slot : 0;
	if (!ret)
		ret = pc_slot_seal(&s, new_key, &pool->kdf, pool->sec->dek);
	if (!ret) {
		/* One header write replaces the slot: old or new, never
		 * neither. */
		struct pc_slot old = pool->hdr.slots[slot];

		pool->hdr.slots[slot] = s;
		ret = pc_pool_write_header(pool);
		if (ret)
			pool->hdr.slots[slot] = old;
	}
	pthread_mutex_unlock(&pool->hdr_lock);
	return ret;
}
