/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * recover_pool.h -- the small pools fuzz_recover opens, and the layout of
 * its inputs (make_recover_seeds writes inputs for the same pools)
 */

#ifndef FUZZ_RECOVER_POOL_H
#define FUZZ_RECOVER_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

/*
 * An input is a flags byte, then bytes that replace the pool's metadata
 * from lanes_off on: the lane logs and (software engine) the map.
 */
#define FR_HARDWARE 0x01 /* the hardware pool, else the software one */
#define FR_RESEAL 0x02	 /* give intact-looking records valid checksums */
#define FR_REPAIR 0x04	 /* open with PMEMCRYPT_OPEN_REPAIR */
#define FR_AGREE 0x08	 /* map entries agree with sector records */

#define FR_UNITS 16
#define FR_LANES 2

/* The raw key of the pools: bytes 0, 1, ..., 31. */
void fr_key_bytes(uint8_t raw[32]);
/* Creates the pool of the engine at path, with some units written. */
int fr_make_pool(const char *path, int hardware);
/* Bytes of metadata an input replaces, from h->lanes_off. */
size_t fr_meta_len(const struct pc_header *h);

#endif
