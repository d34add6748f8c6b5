/* SPDX-License-Identifier: BSD-3-Clause */
/* slot.h -- key slots: wrapping the data encryption key */

#ifndef PC_SLOT_H
#define PC_SLOT_H

#include "clevis.h"
#include "format.h"
#include "key.h"
#include "media.h"

/* KDF cost for new passphrase slots. */
struct pc_kdf_cost {
	uint32_t t_cost, m_cost_kib, parallelism;
};

/* Fills a slot so that key opens it and yields dek. */
int pc_slot_seal(struct pc_slot *slot, const struct pmemcrypt_key *key,
		 const struct pc_kdf_cost *cost,
		 const uint8_t dek[PC_DEK_SIZE]);
/*
 * Fills a clevis slot: key (which a token of token_len bytes holds, what
 * describes it) opens it and yields dek.
 */
int pc_slot_seal_clevis(struct pc_slot *slot,
			const uint8_t key[PC_CLEVIS_KEY_SIZE],
			uint32_t token_len, const char *what,
			const uint8_t dek[PC_DEK_SIZE]);
/*
 * Copies clevis slot i's token out of the media m (mapped) into token and
 * checks it; 0, or PMEMCRYPT_E_CORRUPT when it is not in the media or not
 * printable.
 */
int pc_slot_token(const struct pc_header *h, struct pc_media *m, int i,
		  char token[PC_TOKEN_SIZE]);
/*
 * Tries every slot key can open; returns the index or a negative error.
 * m is the mapped media, where clevis slots' tokens are read (NULL: none
 * is readable).
 */
int pc_slot_unlock(const struct pc_header *h, struct pc_media *m,
		   const struct pmemcrypt_key *key, uint8_t dek[PC_DEK_SIZE]);

#endif
