/* SPDX-License-Identifier: BSD-3-Clause */
/* header.h -- validating, reading and writing the pool header */

#ifndef PC_HEADER_H
#define PC_HEADER_H

#include "format.h"
#include "libpmemcrypt.h"

enum pc_hdr_state {
	PC_HDR_OK,
	PC_HDR_NO_MAGIC,
	PC_HDR_NEWER,
	PC_HDR_BAD_CHECKSUM,
	PC_HDR_BAD_GEOMETRY,
};

/* Checks one copy: magic, version, checksum, geometry. */
enum pc_hdr_state pc_header_check(const struct pc_header *h);
/* Seals a copy: MAC and checksum. */
int pc_header_seal(struct pc_header *h, const uint8_t mac_key[32]);
/* Verifies the MAC of a copy in constant time: 0, E_HDR_MAC or an error. */
int pc_header_mac_verify(const struct pc_header *h,
			 const uint8_t mac_key[32]);
/* Derives the header MAC key from the DEK. */
int pc_header_mac_key(uint8_t mac_key[32], const uint8_t dek[PC_DEK_SIZE]);

/*
 * Picks the copy to use from both copies read from the media (area holds
 * PC_HDR_AREA bytes).  Sets *which (0 or 1) and ok[2]; returns 0 or the
 * pool error to report.
 */
int pc_header_select(const uint8_t *area, const char *path, int *which,
		     int ok[2]);

/*
 * Reads both header copies of fd into area (PC_HDR_AREA bytes) and selects
 * one as pc_header_select() does.  A file too short for the header area is
 * PMEMCRYPT_E_TRUNCATED when it starts with the pool magic, otherwise
 * PMEMCRYPT_E_NOT_POOL.
 */
int pc_header_load(int fd, const char *path, uint8_t *area, int *which,
		   int ok[2]);
/* PMEMCRYPT_E_TRUNCATED when size bytes cannot hold the pool h describes. */
int pc_header_fits(const struct pc_header *h, const char *path,
		   uint64_t size);

#endif
