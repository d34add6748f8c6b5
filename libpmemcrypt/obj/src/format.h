/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * format.h -- the object heap as it lies in a pool's data (the view):
 * doc/pool-format.md, "Object pools", is the normative text.
 */
#ifndef PCOBJ_FORMAT_H
#define PCOBJ_FORMAT_H 1

#include <stdint.h>

#define PCOBJ_MAGIC "PMEMCRYPT-OBJ\0\0"
#define PCOBJ_MAGIC_LEN 16
#define PCOBJ_MAJOR 1
#define PCOBJ_MINOR 0
#define PCOBJ_HDR_SIZE 4096
#define PCOBJ_LAYOUT_OFF 1024
#define PCOBJ_LAYOUT_MAX 1024
#define PCOBJ_CHUNK_SIZE ((uint64_t)256 << 10)
#define PCOBJ_TABLE_OFF PCOBJ_HDR_SIZE
#define PCOBJ_ALIGN 4096

/* Offset 0 of the data: the heap header. */
struct pcobj_hdr {
	char magic[PCOBJ_MAGIC_LEN];
	uint32_t major, minor;
	uint64_t incompat, compat; /* feature flags: none defined */
	uint64_t uuid_lo;	   /* the pool's id in persistent pointers */
	uint64_t table_off;	   /* chunk table: nchunks 8-byte words */
	uint64_t chunks_off;	   /* first chunk, a multiple of 4096 */
	uint64_t nchunks;
	uint64_t chunk_size;
	uint64_t root_off;  /* the root object's data, 0 when none */
	uint64_t root_size; /* the size it was requested with */
	uint64_t run_id;    /* advanced by 2 at every open, never 0 */
};

/*
 * Chunk table words: type in bits 0-7, size class (runs) in bits 8-15,
 * bits 16-31 zero, chunk count (used spans) in bits 32-63.  A free chunk's
 * word is 0; so is the word of every chunk inside a used span.
 */
#define PCOBJ_CHUNK_FREE 0
#define PCOBJ_CHUNK_USED 1
#define PCOBJ_CHUNK_RUN 2
#define PCOBJ_CW_TYPE(w) ((unsigned)((w)&0xff))
#define PCOBJ_CW_CLASS(w) ((unsigned)(((w) >> 8) & 0xff))
#define PCOBJ_CW_RESERVED(w) ((unsigned)(((w) >> 16) & 0xffff))
#define PCOBJ_CW_COUNT(w) ((uint32_t)((w) >> 32))
#define PCOBJ_CW(type, cls, count) \
	((uint64_t)(type) | (uint64_t)(cls) << 8 | (uint64_t)(count) << 32)

/* A run's first 8 bytes; its allocation bitmap follows. */
struct pcobj_run_hdr {
	uint32_t block_size;
	uint32_t nblocks;
};

/* Before each object's data (in a run block or at a span's start). */
struct pcobj_obj_hdr {
	uint32_t flags; /* PCOBJ_OBJ_ROOT */
	uint32_t reserved;
	uint64_t type_num;
};

#define PCOBJ_OBJ_ROOT 1u
#define PCOBJ_OBJ_HDR_SIZE 16

#endif
