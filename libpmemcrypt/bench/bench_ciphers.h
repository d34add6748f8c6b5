/* SPDX-License-Identifier: BSD-3-Clause */
/* bench_ciphers.h -- the crypto libraries bench_ciphers compares */

#ifndef BENCH_CIPHERS_H
#define BENCH_CIPHERS_H

#include <stddef.h>
#include <stdint.h>

#define UNIT 4096
#define TAG_LEN 16
#define GCM_IV_LEN 12
#define XTS_IV_LEN 16
#define NTRIALS 5
#define BATCH 64
#define MAP_SIZE (64UL << 20)
#define MAP_DIR "/dev/shm"

enum mode { XTS256, XTS128, GCM256, NMODES };

extern const char *const mode_name[NMODES];
extern const size_t mode_keylen[NMODES];

struct engine;
typedef int (*setup_fn)(struct engine *e, const uint8_t *key);
typedef int (*enc_fn)(struct engine *e, const uint8_t *iv, uint8_t *dst,
		      const uint8_t *src, size_t len, uint8_t *tag);

struct engine {
	enum mode mode;
	const char *lib;
	const char *na; /* why this library cannot run this mode, or NULL */
	setup_fn setup;
	enc_fn enc;
	void (*teardown)(struct engine *e);
	void *st;
	char name[32];
	int ok; /* passed the checks */
	int measured;
	double med, best;
};

/* Every library and mode; OpenSSL first in each mode (the reference). */
extern struct engine engines[];
extern const size_t nengines;
/* Name of the ipsec-mb code path in use ("?" before setup). */
extern const char *imb_arch_name;

/* Returns the OpenSSL engine of a mode. */
struct engine *reference(enum mode m);
/* Builds the IV of a unit for a mode. */
void unit_iv(enum mode m, uint64_t unit, uint8_t *iv);

#endif
