// SPDX-License-Identifier: BSD-3-Clause
/* keyslots.c -- adding, removing and changing key slots of a pool */

#include <errno.h>
#include <string.h>

#include "errormsg.h"
#include "pool.h"

/* The slot key opens, checked to yield this pool's DEK. */
static int find_slot(struct pmemcrypt_pool *p, const struct pmemcrypt_key *key)
{
	uint8_t *dek = pc_secure_alloc(PC_DEK_SIZE);
	int slot;

	if (!dek)
		return pc_err(-ENOMEM, "out of memory");
	slot = pc_slot_unlock(&p->hdr, key, dek);
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
	for (i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		if (pool->hdr.slots[i].type == PC_SLOT_EMPTY)
			break;
	if (i == PMEMCRYPT_MAX_SLOTS) {
		ret = pc_err(PMEMCRYPT_E_NO_SLOT, "all %d key slots are used",
			     PMEMCRYPT_MAX_SLOTS);
		goto out;
	}
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
