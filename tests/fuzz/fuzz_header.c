// SPDX-License-Identifier: BSD-3-Clause
/* fuzz_header.c -- libFuzzer target: header selection, key slots, info */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "header.h"
#include "key.h"
#include "slot.h"

/*
 * Input: the 8 KiB header area (zero-padded when shorter), then a flags
 * byte and up to 64 key bytes.  Flags: FUZZ_SEAL_A / FUZZ_SEAL_B give the
 * copy a valid checksum (so that mutations reach the checks behind it),
 * FUZZ_PASSPHRASE tries the key bytes as a passphrase instead of a raw key.
 * Without key bytes the raw key is the fixed FUZZ_KEY.
 */
#define FUZZ_SEAL_A 0x01
#define FUZZ_SEAL_B 0x02
#define FUZZ_PASSPHRASE 0x04
#define FUZZ_KEY_MAX 64

/* Stops the run on a broken invariant, saying which. */
#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "fuzz_header: %s:%d: %s failed\n", \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

static struct pmemcrypt_key *key;
static char info_path[64];
static int info_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv);
/* The largest Argon2id cost the fuzzer runs (the library allows more). */
#define FUZZ_KDF_MAX_T 4
#define FUZZ_KDF_MAX_KIB (16 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The raw key the seed pools are made with: bytes 0, 1, ..., 31. */
static void fixed_key(uint8_t raw[PMEMCRYPT_KEY_SIZE])
{
	for (int i = 0; i < PMEMCRYPT_KEY_SIZE; i++)
		raw[i] = (uint8_t)i;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t raw[PMEMCRYPT_KEY_SIZE];
	const char *dir = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

	fixed_key(raw);
	if (pc_crypto_init() || pmemcrypt_key_from_raw(&key, raw))
		abort();
	snprintf(info_path, sizeof(info_path), "%s/fuzz-header.XXXXXX", dir);
	info_fd = mkstemp(info_path);
	if (info_fd < 0)
		abort();
	unlink(info_path);
	/* info_read opens by path: use the descriptor's /proc name. */
	snprintf(info_path, sizeof(info_path), "/proc/self/fd/%d", info_fd);
	return 0;
}

static void reseal(uint8_t *copy)
{
	struct pc_header *h = (struct pc_header *)copy;

	pc_sha256(h->checksum, h, offsetof(struct pc_header, checksum));
}

/* The credential of this input: fixed raw key, given raw key, passphrase. */
static void set_key(const uint8_t *bytes, size_t n, uint8_t flags)
{
	if (flags & FUZZ_PASSPHRASE && n > 0) {
		key->type = PMEMCRYPT_KEY_PASSPHRASE;
		memcpy(key->secret, bytes, n);
		key->len = n;
		return;
	}
	key->type = PMEMCRYPT_KEY_RAW;
	key->len = PMEMCRYPT_KEY_SIZE;
	if (n >= PMEMCRYPT_KEY_SIZE)
		memcpy(key->secret, bytes, PMEMCRYPT_KEY_SIZE);
	else
		fixed_key(key->secret);
}

/* pmemcrypt_info_read must agree with pc_header_select on the same bytes. */
static void check_info(const uint8_t *area, int ret, const int ok[2])
{
	struct pmemcrypt_info info;
	int iret;

	if (ftruncate(info_fd, 0) ||
	    pwrite(info_fd, area, PC_HDR_AREA, 0) != PC_HDR_AREA)
		abort();
	iret = pmemcrypt_info_read(&info, info_path);
	/* The file is only the header area: info may call it truncated. */
	FUZZ_CHECK(iret == ret || (ret == 0 && iret == PMEMCRYPT_E_TRUNCATED));
	if (ret && ret != PMEMCRYPT_E_HDR_COPY)
		return;
	FUZZ_CHECK(info.header_ok[0] == ok[0] && info.header_ok[1] == ok[1]);
	FUZZ_CHECK(info.units > 0 && info.blocks > info.units);
	FUZZ_CHECK(info.units_per_tx > 0);
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		FUZZ_CHECK(memchr(info.slots[i].description, 0,
				  sizeof(info.slots[i].description)));
}

/* A file of file_size bytes at most that large, for clevis tokens. */
#define FUZZ_MEDIA_MAX (4u << 20)

/* Reading through pc_media_at() outside the media is a parser bug. */
static void media_oracle(struct pc_media *m, enum pc_media_event ev,
			 uint64_t off, size_t len)
{
	FUZZ_CHECK(ev != PC_EV_READ || pc_media_holds(m, off, len));
}

/*
 * The tokens of the clevis slots of an accepted header, read from a file
 * of the header's file_size (as an open would: a shorter one is refused
 * before): the header's rules keep every read inside it, and a token
 * given out is printable.  The media holds the key bytes of the input,
 * repeated.
 */
static void check_tokens(const struct pc_header *h, const uint8_t *fill,
			 size_t nfill)
{
	static uint8_t *media;
	struct pc_media m = {.fd = -1};
	char token[PC_TOKEN_SIZE];
	int clevis = 0;

	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		clevis |= h->slots[i].type == PC_SLOT_CLEVIS;
	if (!clevis || h->file_size > FUZZ_MEDIA_MAX)
		return;
	if (!media && !(media = malloc(FUZZ_MEDIA_MAX)))
		abort();
	for (size_t i = 0; i < h->file_size; i++)
		media[i] = nfill ? fill[i % nfill] : 'a';
	m.base = media;
	m.size = h->file_size;
	pc_media_hook = media_oracle;
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++) {
		int ret;

		if (h->slots[i].type != PC_SLOT_CLEVIS)
			continue;
		ret = pc_slot_token(h, &m, i, token);
		FUZZ_CHECK(ret == 0 || ret == PMEMCRYPT_E_CORRUPT);
		for (uint32_t k = 0; !ret && k < h->slots[i].token_len; k++)
			FUZZ_CHECK(token[k] >= 0x20 && token[k] <= 0x7e);
	}
	pc_media_hook = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t area[PC_HDR_AREA] __attribute__((aligned(64)));
	static struct pc_header h;
	uint8_t dek[PC_DEK_SIZE], mac_key[32];
	size_t nkey = 0;
	uint8_t flags = 0;
	int which = -1, ok[2] = {-1, -1}, ret, slot;

	memset(area, 0, sizeof(area));
	memcpy(area, data, size < PC_HDR_AREA ? size : PC_HDR_AREA);
	if (size > PC_HDR_AREA) {
		flags = data[PC_HDR_AREA];
		nkey = size - PC_HDR_AREA - 1;
		nkey = nkey < FUZZ_KEY_MAX ? nkey : FUZZ_KEY_MAX;
	}
	if (flags & FUZZ_SEAL_A)
		reseal(area);
	if (flags & FUZZ_SEAL_B)
		reseal(area + PC_HDR_SIZE);
	set_key(data + PC_HDR_AREA + 1, nkey, flags);

	ret = pc_header_select(area, "fuzz", &which, ok);
	check_info(area, ret, ok);
	if (ret && ret != PMEMCRYPT_E_HDR_COPY)
		return 0;
	FUZZ_CHECK((which == 0 || which == 1) && ok[which]);
	memcpy(&h, area + which * PC_HDR_SIZE, sizeof(h));
	/* Argon2id costs up to the library's limits are the pool creator's
	 * choice, not a parser bug: keep each input fast. */
	for (int i = 0; i < PMEMCRYPT_MAX_SLOTS; i++)
		if (h.slots[i].type == PC_SLOT_PASSPHRASE &&
		    (h.slots[i].t_cost > FUZZ_KDF_MAX_T ||
		     h.slots[i].m_cost_kib > FUZZ_KDF_MAX_KIB))
			return 0;
	check_tokens(&h, nkey ? data + PC_HDR_AREA + 1 : NULL, nkey);
	slot = pc_slot_unlock(&h, NULL, key, dek);
	FUZZ_CHECK(slot < PMEMCRYPT_MAX_SLOTS);
	if (slot >= 0 && !pc_header_mac_key(mac_key, dek))
		(void)(pc_header_mac_verify(&h, mac_key) == 0);
	explicit_bzero(dek, sizeof(dek));
	return 0;
}
