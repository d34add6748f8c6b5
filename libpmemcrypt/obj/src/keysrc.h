/* SPDX-License-Identifier: BSD-3-Clause */
/* keysrc.h -- the key of an object pool, named by the environment */
#ifndef PCOBJ_KEYSRC_H
#define PCOBJ_KEYSRC_H 1

struct pmemcrypt_key;

/*
 * PMEMCRYPT_KEY=keyring:DESCRIPTION (a "user" key; "keyring:user:NAME"
 * also) or file:PATH (a raw key file only its owner may read).
 */
int keysrc_get(struct pmemcrypt_key **key);

#endif
