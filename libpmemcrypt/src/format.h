/* SPDX-License-Identifier: BSD-3-Clause */
/* format.h -- on-media layout (doc/pool-format.md is the spec) */

#ifndef PC_FORMAT_H
#define PC_FORMAT_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the on-media format is little-endian; port format.h first"
#endif

#define PC_MAGIC "PMEMCRYP"
#define PC_FORMAT_MAJOR 1
#define PC_FORMAT_MINOR 2 /* 1.1: the hardware engine; 1.2: tokens */
#define PC_HDR_SIZE 4096
#define PC_HDR_AREA (2 * PC_HDR_SIZE)
/* What a shredded pool's header area starts with (the rest is zeros). */
#define PC_SHRED_MARK "pmemcrypt: shredded pool, its keys are destroyed\n"
#define PC_UNIT 4096u
#define PC_SECTOR 1024u /* XTS data unit */
#define PC_SECTORS (PC_UNIT / PC_SECTOR)
#define PC_SALT_SIZE 32

enum pc_slot_type {
	PC_SLOT_EMPTY = 0,
	PC_SLOT_RAW = 1,
	PC_SLOT_PASSPHRASE = 2,
	PC_SLOT_KEYRING = 3,
	PC_SLOT_CLEVIS = 4, /* its key is in a clevis token (format 1.2) */
};

enum pc_kdf {
	PC_KDF_HKDF_SHA256 = 1,
	PC_KDF_ARGON2ID = 2,
};

struct pc_slot {
	uint32_t type;
	uint32_t kdf;
	uint32_t t_cost;
	uint32_t m_cost_kib;
	uint32_t parallelism;
	uint32_t token_len; /* clevis slots: bytes of the token */
	uint8_t salt[PC_SALT_SIZE];
	uint8_t wrapped[PC_WRAPPED_SIZE];
	char description[64];
	uint8_t reserved1[64];
};
static_assert(sizeof(struct pc_slot) == 256, "slot layout");

struct pc_header {
	char magic[8];
	uint32_t major;
	uint32_t minor;
	uint64_t generation;
	uint8_t uuid[16];
	uint64_t file_size;
	uint32_t unit_size;
	uint32_t cipher;
	uint64_t units;
	uint64_t blocks;
	uint64_t lanes_off;
	uint32_t lanes;
	uint32_t lane_size;
	uint64_t map_off;
	uint64_t data_off;
	uint32_t incompat;
	uint32_t compat;
	uint32_t kdf_t_cost;      /* cost of new passphrase slots */
	uint32_t kdf_m_cost_kib;
	uint32_t kdf_parallelism;
	uint32_t reserved0;
	uint64_t tokens_off; /* the token area (format 1.2); 0: none */
	uint8_t reserved2[376];
	struct pc_slot slots[8];
	uint8_t reserved1[1472];
	uint8_t mac[32];      /* HMAC-SHA256(mac key, bytes 0..4031) */
	uint8_t checksum[32]; /* SHA-256(bytes 0..4063) */
};
static_assert(offsetof(struct pc_header, slots) == 512, "header layout");
static_assert(offsetof(struct pc_header, mac) == 4032, "header layout");
static_assert(sizeof(struct pc_header) == PC_HDR_SIZE, "header layout");

/*
 * A lane's redo record: new map entries (PC_LOG_MAP), or new ciphertext of
 * sectors written in place (PC_LOG_SECTORS; the entries are followed, at a
 * 64-byte boundary, by one PC_SECTOR of ciphertext per entry).
 */
enum pc_log_kind { PC_LOG_MAP = 0, PC_LOG_SECTORS = 1 };

struct pc_log_entry {
	uint64_t lba;
	uint64_t value; /* PC_LOG_MAP: new map entry; SECTORS: pba * 4 + n */
};

struct pc_log_head {
	uint64_t seq;	     /* 0: empty */
	uint32_t count;
	uint32_t kind;
	uint64_t checksum; /* Fletcher-64 of head (this field 0), entries */
	uint8_t reserved1[40];
};
static_assert(sizeof(struct pc_log_head) == 64, "log layout");

/*
 * Incompatible feature flags.  PC_INCOMPAT_HARDWARE: the pool uses the
 * hardware engine (format 1.1): plain data at data_off, no map, and the
 * lanes hold logs of struct pc_undo_entry.
 */
#define PC_INCOMPAT_HARDWARE 1u
/* PC_INCOMPAT_CLEVIS: a key slot's key is in a token (format 1.2). */
#define PC_INCOMPAT_CLEVIS 2u
#define PC_INCOMPAT_KNOWN (PC_INCOMPAT_HARDWARE | PC_INCOMPAT_CLEVIS)

/*
 * The token area: one PC_TOKEN_SIZE region per key slot, between the map
 * (or the lanes) and the data.  A clevis slot's token is a JWE that
 * clevis decrypts to the slot's 32-byte key.
 */
#define PC_TOKEN_SIZE 8192u
#define PC_TOKEN_AREA (8 * PC_TOKEN_SIZE)

/*
 * A log entry of a hardware pool: content for [off, off+len) of the data
 * area follows, padded to PC_UNDO_ALIGN: its old content (an undo entry,
 * transactions) or its new content (a redo entry, pmemcrypt_write);
 * recovery copies it to the range either way.  Entries follow one
 * another from offset 64 of the lane; an entry counts when its seq equals
 * that of the lane's first entry (non-zero) and its checksum (Fletcher-64
 * of the entry, this field zero, and the len bytes zero-padded to a
 * multiple of 4) matches.
 */
struct pc_undo_entry {
	uint64_t off;
	uint64_t len;
	uint64_t seq;
	uint64_t checksum;
};
static_assert(sizeof(struct pc_undo_entry) == 32, "undo layout");
#define PC_UNDO_ALIGN 32u
#define PC_UNDO_START 64u /* offset of the first entry in a lane */
/* Lane bytes per unit of atomic capacity: the unit and an entry head. */
#define PC_UNDO_PER_UNIT (PC_UNIT + 2 * PC_UNDO_ALIGN)

/* Units of one atomic update a lane of a hardware pool holds. */
static inline uint32_t pc_undo_lane_units(uint32_t lane_size)
{
	return (lane_size - PC_UNDO_START) / PC_UNDO_PER_UNIT;
}

/* Map entries: 0 = unit never written (reads as zeros), else pba + 1. */
#define PC_MAP_PBA_MASK ((1ull << 48) - 1)

#endif
