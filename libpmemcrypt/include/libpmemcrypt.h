/* SPDX-License-Identifier: BSD-3-Clause */
/* libpmemcrypt.h -- encrypted persistent-memory pools */

#ifndef LIBPMEMCRYPT_H
#define LIBPMEMCRYPT_H 1

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PMEMCRYPT_WUR __attribute__((warn_unused_result))
#else
#define PMEMCRYPT_WUR
#endif

/*
 * Version of the library (of this header and libpmemcrypt.so), not of the
 * pool format (struct pmemcrypt_info has that).  The major is the
 * soname's; each minor that adds functions adds a LIBPMEMCRYPT_<version>
 * symbol version.
 */
#define PMEMCRYPT_MAJOR_VERSION 1
#define PMEMCRYPT_MINOR_VERSION 4

/* Size of a raw key (a key file, a keyring key's payload). */
#define PMEMCRYPT_KEY_SIZE 32
/* Number of key slots in a pool. */
#define PMEMCRYPT_MAX_SLOTS 8
/* Unit of encryption and of atomic durability. */
#define PMEMCRYPT_UNIT_SIZE 4096

/*
 * Error codes.  Functions return 0 on success and a negative value on
 * error: -errno, a PMEM2_E_* code passed through from libpmem2, or one of
 * these.  pmemcrypt_errormsg() describes the last error of the thread.
 */
#define PMEMCRYPT_E_BASE (-200000)
enum pmemcrypt_error {
	PMEMCRYPT_E_WRONG_KEY = PMEMCRYPT_E_BASE - 1,	/* no slot opens */
	PMEMCRYPT_E_NOT_POOL = PMEMCRYPT_E_BASE - 2,	/* no pool magic */
	PMEMCRYPT_E_HDR_CORRUPT = PMEMCRYPT_E_BASE - 3, /* both copies bad */
	PMEMCRYPT_E_HDR_COPY = PMEMCRYPT_E_BASE - 4,	/* one copy bad */
	PMEMCRYPT_E_VERSION = PMEMCRYPT_E_BASE - 5,	/* newer format */
	PMEMCRYPT_E_TRUNCATED = PMEMCRYPT_E_BASE - 6,	/* file too short */
	PMEMCRYPT_E_LOCKED = PMEMCRYPT_E_BASE - 7,	/* open elsewhere */
	PMEMCRYPT_E_NO_SPACE = PMEMCRYPT_E_BASE - 8,	/* too small */
	PMEMCRYPT_E_NO_SLOT = PMEMCRYPT_E_BASE - 9,	/* slots full/empty */
	PMEMCRYPT_E_LAST_SLOT = PMEMCRYPT_E_BASE - 10,	/* would lock out */
	PMEMCRYPT_E_RANGE = PMEMCRYPT_E_BASE - 11,	/* outside the pool */
	PMEMCRYPT_E_CORRUPT = PMEMCRYPT_E_BASE - 12,	/* bad metadata */
	PMEMCRYPT_E_KEY_SOURCE = PMEMCRYPT_E_BASE - 13, /* key unreadable */
	PMEMCRYPT_E_TOO_BIG = PMEMCRYPT_E_BASE - 14,	/* tx too large */
	PMEMCRYPT_E_CRYPTO = PMEMCRYPT_E_BASE - 15,	/* cipher failure */
	PMEMCRYPT_E_HDR_MAC = PMEMCRYPT_E_BASE - 16,	/* header tampered */
	PMEMCRYPT_E_INVALID = PMEMCRYPT_E_BASE - 17,	/* bad argument */
	PMEMCRYPT_E_TX_STATE = PMEMCRYPT_E_BASE - 18,	/* tx misuse */
	PMEMCRYPT_E_ENGINE = PMEMCRYPT_E_BASE - 19,	/* no MKTME binding */
};

/* Last error message of the calling thread. */
const char *pmemcrypt_errormsg(void);

/* Static description of an error code. */
const char *pmemcrypt_strerror(int err);

/*
 * Keys (credentials that open a key slot).
 */
struct pmemcrypt_key;

enum pmemcrypt_key_type {
	PMEMCRYPT_KEY_RAW = 1,	      /* 32 raw bytes (file, fd, buffer) */
	PMEMCRYPT_KEY_PASSPHRASE = 2, /* passphrase through Argon2id */
	PMEMCRYPT_KEY_KEYRING = 3,    /* kernel keyring "user" key */
	PMEMCRYPT_KEY_CLEVIS = 4,     /* the pool's clevis slots (since 1.4) */
};

/* A raw 256-bit key from a buffer. */
int pmemcrypt_key_from_raw(struct pmemcrypt_key **key,
			   const uint8_t raw[PMEMCRYPT_KEY_SIZE]);
/* A raw key read from a file holding exactly PMEMCRYPT_KEY_SIZE bytes. */
int pmemcrypt_key_from_file(struct pmemcrypt_key **key, const char *path);
/* A raw key read from an open fd (exactly PMEMCRYPT_KEY_SIZE bytes). */
int pmemcrypt_key_from_fd(struct pmemcrypt_key **key, int fd);
/* A passphrase; stretched with Argon2id when used. */
int pmemcrypt_key_from_passphrase(struct pmemcrypt_key **key,
				  const char *pass, size_t len);
/*
 * A key in the kernel keyring: a "user" key found by its description in
 * the keyrings the process can search; its payload is a raw key.
 */
int pmemcrypt_key_from_keyring(struct pmemcrypt_key **key,
			       const char *description);
/*
 * A key that opens a pool's clevis slots (see pmemcrypt_pool_add_clevis):
 * at open, 'clevis decrypt' recovers each such slot's key from its token,
 * asking the Tang server or the TPM the slot was bound to, until one
 * opens.  It holds no secret itself.
 */
int pmemcrypt_key_from_clevis(struct pmemcrypt_key **key);
/* Wipes and frees a key; accepts NULL; sets *key to NULL. */
void pmemcrypt_key_delete(struct pmemcrypt_key **key);
enum pmemcrypt_key_type pmemcrypt_key_get_type(const struct pmemcrypt_key *key);

/*
 * Pool creation settings.
 */
struct pmemcrypt_config;

enum pmemcrypt_cipher {
	PMEMCRYPT_CIPHER_AES256_XTS = 1, /* default */
	PMEMCRYPT_CIPHER_AES128_XTS = 2,
};

/* Progress of a long operation: done of total units. */
typedef void pmemcrypt_progress_fn(void *arg, const char *what,
				   uint64_t done, uint64_t total);

int pmemcrypt_config_new(struct pmemcrypt_config **cfg);
void pmemcrypt_config_delete(struct pmemcrypt_config **cfg);
int pmemcrypt_config_set_cipher(struct pmemcrypt_config *cfg,
				enum pmemcrypt_cipher cipher);
/* Usable data size; 0 (default) = as much as the file or device holds. */
int pmemcrypt_config_set_size(struct pmemcrypt_config *cfg, uint64_t size);
/* Argon2id cost of passphrase slots (iterations, KiB, lanes; 0: default). */
int pmemcrypt_config_set_kdf(struct pmemcrypt_config *cfg, uint32_t t_cost,
			     uint32_t m_cost_kib, uint32_t parallelism);
/* Concurrent-writer lanes and units per atomic update (0: default). */
int pmemcrypt_config_set_lanes(struct pmemcrypt_config *cfg, uint32_t lanes,
			       uint32_t units_per_tx);
int pmemcrypt_config_set_progress(struct pmemcrypt_config *cfg,
				  pmemcrypt_progress_fn *fn, void *arg);
/*
 * Whether create may overwrite what the file or device holds: without it
 * (the default) create refuses, with -EEXIST, a pool, and a file whose
 * first 8 KiB (where a pool's header goes) are not all zeros.
 */
int pmemcrypt_config_set_overwrite(struct pmemcrypt_config *cfg,
				   int overwrite);
/*
 * Check mode for the pool that create opens (default off; PMEMCRYPT_CHECK=1
 * in the environment turns it on for every create and open): commits report
 * stores to the view outside any open transaction's declared ranges, and
 * on the software engine close reports stores never made durable, on
 * stderr and through pmemcrypt_errormsg().  Results are unchanged.
 */
int pmemcrypt_config_set_check(struct pmemcrypt_config *cfg, int on);

/*
 * Engines.  The software engine encrypts every unit with the pool's DEK
 * and serves a plaintext view from DRAM.  The hardware engine is for
 * media on an NVDIMM namespace bound to an MKTME key (its mktme_key in
 * sysfs names a key): the memory controller encrypts every store, so the
 * view is the DAX mapping itself and persists are cache flushes.  The
 * engine is chosen at create and recorded in the pool; opening a
 * hardware pool on media that is no longer bound fails with
 * PMEMCRYPT_E_ENGINE.
 *
 * On the hardware engine stores to the view reach the media directly:
 * pmemcrypt_persist() makes them durable but not atomically (as with
 * libpmem2, only aligned 8-byte stores are), pmemcrypt_write() stays
 * atomic, and a transaction must declare a range (pmemcrypt_tx_add)
 * before storing to it: the range's old content goes to an undo log.
 */
enum pmemcrypt_engine {
	PMEMCRYPT_ENGINE_AUTO = 0,     /* hardware on bound media (default) */
	PMEMCRYPT_ENGINE_SOFTWARE = 1, /* libpmemcrypt encrypts */
	PMEMCRYPT_ENGINE_HARDWARE = 2, /* MKTME encrypts; needs binding */
};

/* The engine of a new pool (default PMEMCRYPT_ENGINE_AUTO). */
int pmemcrypt_config_set_engine(struct pmemcrypt_config *cfg,
				enum pmemcrypt_engine engine);
/* Name of an engine: "auto", "software", "hardware". */
const char *pmemcrypt_engine_name(enum pmemcrypt_engine engine);

/*
 * Pools.
 */
struct pmemcrypt_pool;

/*
 * Creates a pool in a file (created if missing, mode 0600) or device-dax
 * and opens it.  A symbolic link at path is refused (PMEMCRYPT_E_INVALID),
 * never followed; a file this call made is removed again when it fails.
 * Earlier contents of the file are not erased: blocks not yet rewritten
 * keep them until they are.  Create pools in new files, or erase a
 * device before use.
 */
int pmemcrypt_pool_create(struct pmemcrypt_pool **pool, const char *path,
			  const struct pmemcrypt_config *cfg,
			  const struct pmemcrypt_key *key) PMEMCRYPT_WUR;

/*
 * The same on a file or device-dax the caller opened read-write (as
 * libpmem2 takes a source from a descriptor): what is checked is what is
 * used.  fd stays the caller's; the pool works on a duplicate, which
 * shares fd's lock (close fd after the pool if it must stay locked).
 * name is used in messages.
 */
int pmemcrypt_pool_create_fd(struct pmemcrypt_pool **pool, int fd,
			     const char *name,
			     const struct pmemcrypt_config *cfg,
			     const struct pmemcrypt_key *key) PMEMCRYPT_WUR;

enum pmemcrypt_open_flags {
	/* Rewrite a corrupt header copy from the intact one. */
	PMEMCRYPT_OPEN_REPAIR = 1 << 0,
};

/* Opens a pool with a key that opens one of its slots. */
int pmemcrypt_pool_open(struct pmemcrypt_pool **pool, const char *path,
			const struct pmemcrypt_key *key,
			unsigned flags) PMEMCRYPT_WUR;
/*
 * Erases a pool by destroying its keys (since 1.3): both header copies,
 * with every key slot, are overwritten, so that no key opens the file
 * again; the data blocks are not touched, so it takes the same time
 * whatever the pool's size.  The file is left as a non-pool file.  A
 * symbolic link is refused, as are a pool open anywhere
 * (PMEMCRYPT_E_LOCKED), a file that is not a pool (PMEMCRYPT_E_NOT_POOL)
 * and a pool of a newer format (PMEMCRYPT_E_VERSION); a pool with corrupt
 * header copies is shredded.  flags must be 0.  What this protects
 * against, and what not (copies of the file, hardware engine pools):
 * pmemcrypt_pool_shred(3).
 */
int pmemcrypt_pool_shred(const char *path, unsigned flags) PMEMCRYPT_WUR;

/* Closes a pool; accepts NULL; sets *pool to NULL. */
int pmemcrypt_pool_close(struct pmemcrypt_pool **pool);

/* Plaintext view of the pool: load and store through it. */
void *pmemcrypt_pool_base(const struct pmemcrypt_pool *pool);
/* Usable size in bytes. */
size_t pmemcrypt_pool_size(const struct pmemcrypt_pool *pool);
/* The engine of an open pool (software or hardware). */
enum pmemcrypt_engine pmemcrypt_pool_engine(const struct pmemcrypt_pool *pool);
/*
 * The most DRAM the software engine's view holds, in bytes: at least 64
 * KiB, or 0 for the default (PMEMCRYPT_VIEW_BUDGET, else a quarter of the
 * machine's memory).  Beyond it, units equal to their durable content
 * are dropped from the view and decrypted again when touched; units with
 * stores not yet persisted stay, even over the budget.  No effect on the
 * hardware engine (its view is the media).
 */
int pmemcrypt_pool_set_view_budget(struct pmemcrypt_pool *pool, uint64_t bytes);

/*
 * Makes [addr, addr+len) of the view durable, atomically.  Stores of an
 * open transaction never become durable with it; other stores in the
 * same sectors may, as on persistent memory.  Hardware engine: durable,
 * not atomic (see the engines above).
 */
int pmemcrypt_persist(struct pmemcrypt_pool *pool, const void *addr,
		      size_t len);
/* Reads len bytes at offset into buf. */
int pmemcrypt_read(struct pmemcrypt_pool *pool, void *buf, size_t len,
		   uint64_t offset);
/* Writes len bytes at offset, durably and atomically. */
int pmemcrypt_write(struct pmemcrypt_pool *pool, const void *buf, size_t len,
		    uint64_t offset);
/* Largest range a single persist, write or transaction can cover. */
size_t pmemcrypt_pool_max_atomic(const struct pmemcrypt_pool *pool);

/*
 * Transactions: make several ranges durable atomically.  Stores go to the
 * view between begin and commit; abort restores the ranges' durable state.
 */
struct pmemcrypt_tx;

int pmemcrypt_tx_begin(struct pmemcrypt_pool *pool, struct pmemcrypt_tx **tx);
/* Declares a range the transaction will make durable. */
int pmemcrypt_tx_add(struct pmemcrypt_tx *tx, const void *addr, size_t len);
/* Makes all declared ranges durable at once; frees the transaction. */
int pmemcrypt_tx_commit(struct pmemcrypt_tx **tx) PMEMCRYPT_WUR;
/* Restores the declared ranges; frees the transaction. */
void pmemcrypt_tx_abort(struct pmemcrypt_tx **tx);

/*
 * Key slots of an open pool.  None of these re-encrypts data.
 */
/* Adds a slot opened by key; returns its index in *slot (may be NULL). */
int pmemcrypt_pool_add_key(struct pmemcrypt_pool *pool,
			   const struct pmemcrypt_key *key, int *slot);
/* Removes a slot; refuses to remove the last one. */
int pmemcrypt_pool_remove_key(struct pmemcrypt_pool *pool, int slot);
/* Replaces the slot that old_key opens by one that new_key opens. */
int pmemcrypt_pool_change_key(struct pmemcrypt_pool *pool,
			      const struct pmemcrypt_key *old_key,
			      const struct pmemcrypt_key *new_key);
/* pmemcrypt_pool_add_clevis: pass -y to clevis (trust a Tang server's
 * advertisement without asking on the terminal). */
#define PMEMCRYPT_CLEVIS_TRUST 1u
/*
 * Adds a slot bound through clevis: a random key, which 'clevis encrypt
 * pin config' encrypts to a token (a JWE) kept in the pool; pin is
 * "tang", "tpm2" or "sss" and config its JSON, as for 'clevis encrypt'.
 * Needs the clevis program and a pool made with format 1.2 or later.
 */
int pmemcrypt_pool_add_clevis(struct pmemcrypt_pool *pool, const char *pin,
			      const char *config, unsigned flags, int *slot);
/* Index of the slot that key opens, or a negative error. */
int pmemcrypt_pool_find_slot(struct pmemcrypt_pool *pool,
			     const struct pmemcrypt_key *key);

/*
 * Inspection without a key.
 */
struct pmemcrypt_slot_info {
	int used;
	enum pmemcrypt_key_type type;
	uint32_t kdf_t_cost, kdf_m_cost_kib, kdf_parallelism;
	char description[64]; /* keyring slots: the key's description;
			       * clevis slots: the pin and its configuration
			       * (the first 63 bytes) */
};

/*
 * A pool's public header.  Fields are only ever added at the end, each
 * time with a new version of pmemcrypt_info_read(), which writes the
 * layout a program was built with: programs built against the 1.0 header
 * (no engine) bind to pmemcrypt_info_read@LIBPMEMCRYPT_1.0.
 */
struct pmemcrypt_info {
	uint32_t major, minor; /* format version (not the library's) */
	uint8_t uuid[16];
	enum pmemcrypt_cipher cipher;
	uint64_t generation;
	uint64_t size;	     /* usable bytes */
	uint64_t file_size;  /* bytes of the file the pool uses */
	uint64_t units;	     /* logical units */
	uint64_t blocks;     /* physical blocks */
	uint32_t lanes;
	uint32_t units_per_tx;
	int header_ok[2];    /* each copy: 1 intact, 0 corrupt */
	struct pmemcrypt_slot_info slots[PMEMCRYPT_MAX_SLOTS];
	enum pmemcrypt_engine engine; /* software or hardware (since 1.1) */
};

/*
 * Reads a pool's public header without opening it.  Returns 0; or
 * PMEMCRYPT_E_HDR_COPY or PMEMCRYPT_E_TRUNCATED with *info filled from the
 * intact copy; or another error.
 */
int pmemcrypt_info_read(struct pmemcrypt_info *info, const char *path);

/* Names of ciphers and key types, for printing. */
const char *pmemcrypt_cipher_name(enum pmemcrypt_cipher cipher);
const char *pmemcrypt_key_type_name(enum pmemcrypt_key_type type);

/*
 * Consistency check of an open pool: both header copies intact and
 * authentic, no pending redo records, every map entry in range and no
 * block mapped twice; every mapped unit is read and decrypted.  (XTS has
 * no integrity tag: altered ciphertext is not detected.)
 */
struct pmemcrypt_check_report {
	uint64_t units_mapped;
	uint64_t units_unmapped;
	uint64_t blocks_free;
	uint64_t errors;
};

int pmemcrypt_pool_check(struct pmemcrypt_pool *pool,
			 struct pmemcrypt_check_report *report,
			 pmemcrypt_progress_fn *progress, void *arg);

#ifdef __cplusplus
}
#endif
#endif
