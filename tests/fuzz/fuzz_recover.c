// SPDX-License-Identifier: BSD-3-Clause
/*
 * fuzz_recover.c -- libFuzzer target: recovery at open (the map, the lane
 * logs of both engines), then check, read, write, persist and a
 * transaction on the recovered pool.  The oracle: no store to, and no
 * read of, the media outside the pool's mapping (and ASan/UBSan for the
 * rest of the process).
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csum.h"
#include "libpmemcrypt.h"
#include "media.h"
#include "record.h"
#include "recover_pool.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A pool the input is laid over: its path and its bytes as made. */
struct template
{
	char path[96];
	uint8_t *image;
	size_t size;
	struct pc_header h;
};

static struct template pools[2];
static char dir[64]; /* this run's own folder for them */
static struct pmemcrypt_key *key;

/* The oracle: every access to the media stays inside it. */
static void oracle(struct pc_media *m, enum pc_media_event ev, uint64_t off,
		   size_t len)
{
	if (ev == PC_EV_FENCE || pc_media_holds(m, off, len))
		return;
	fprintf(stderr,
		"fuzz_recover: %s of %llu+%zu outside the media "
		"(%zu bytes)\n",
		ev == PC_EV_WRITE ? "store" : "read", (unsigned long long)off,
		len, m->size);
	abort();
}

static void load_template(struct template *t, int hw)
{
	int fd;

	snprintf(t->path, sizeof(t->path), "%s/%s.pool", dir, hw ? "hw" : "sw");
	if (fr_make_pool(t->path, hw))
		abort();
	fd = open(t->path, O_RDONLY);
	t->size = (size_t)lseek(fd, 0, SEEK_END);
	t->image = malloc(t->size);
	if (fd < 0 || !t->image ||
	    pread(fd, t->image, t->size, 0) != (ssize_t)t->size)
		abort();
	close(fd);
	memcpy(&t->h, t->image, sizeof(t->h));
}

/* Removes the pools and their folder when the run ends. */
static void remove_pools(void)
{
	unlink(pools[0].path);
	unlink(pools[1].path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t raw[32];

	/* A folder of this run's own: runs side by side do not meet. */
	snprintf(dir, sizeof(dir), "%s/fuzz-recover.XXXXXX",
		 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_pools);

	/* The view filled at open: no fault thread per input. */
	setenv("PMEMCRYPT_NO_USERFAULTFD", "1", 1);
	setenv("PMEM2_FORCE_GRANULARITY", "CACHE_LINE", 1);
	load_template(&pools[0], 0);
	load_template(&pools[1], 1);
	fr_key_bytes(raw);
	if (pmemcrypt_key_from_raw(&key, raw))
		abort();
	return 0;
}

/*
 * Sets the map entry of each unit a sector record names to the record's
 * block, as someone editing the file coherently would.
 */
static void agree_sw(uint8_t *img, const struct pc_header *h)
{
	for (uint32_t i = 0; i < h->lanes; i++) {
		const struct pc_log_head *r =
			(void *)(img + h->lanes_off +
				 (uint64_t)i * h->lane_size);
		const struct pc_log_entry *e = (const void *)(r + 1);

		if (r->kind != PC_LOG_SECTORS ||
		    pc_record_len(PC_LOG_MAP, r->count) > h->lane_size)
			continue;
		for (uint32_t k = 0; k < r->count; k++) {
			uint64_t v = e[k].value / PC_SECTORS + 1;

			if (e[k].lba < h->units)
				memcpy(img + h->map_off + e[k].lba * 8, &v, 8);
		}
	}
}

/* Gives each intact-looking software record a matching checksum. */
static void reseal_sw(uint8_t *img, const struct pc_header *h)
{
	for (uint32_t i = 0; i < h->lanes; i++) {
		struct pc_log_head *r = (void *)(img + h->lanes_off +
						 (uint64_t)i * h->lane_size);

		if (r->kind <= PC_LOG_SECTORS &&
		    pc_record_len(PC_LOG_MAP, r->count) <= h->lane_size)
			r->checksum = pc_record_sum(r);
	}
}

/* Gives the entries of each hardware lane's record matching checksums. */
static void reseal_hw(uint8_t *img, const struct pc_header *h)
{
	size_t cap = h->lane_size - PC_UNDO_START;

	for (uint32_t i = 0; i < h->lanes; i++) {
		uint8_t *log = img + h->lanes_off + (uint64_t)i * h->lane_size +
			       PC_UNDO_START;
		uint64_t seq = ((struct pc_undo_entry *)log)->seq;
		size_t at = 0;

		while (seq && at + sizeof(struct pc_undo_entry) <= cap) {
			struct pc_undo_entry *e = (void *)(log + at);
			size_t room = cap - at - sizeof(*e);
			uint8_t tail[4] = {0};

			if (e->seq != seq || e->len > room)
				break;
			e->checksum = 0;
			e->checksum = pc_fletcher64_more(
				pc_fletcher64_more(0, e, sizeof(*e)), e + 1,
				e->len & ~3ull);
			memcpy(tail, (uint8_t *)(e + 1) + (e->len & ~3ull),
			       e->len & 3);
			if (e->len & 3)
				e->checksum = pc_fletcher64_more(
					e->checksum, tail, sizeof(tail));
			at += sizeof(*e) + (e->len + 31) / 32 * 32;
		}
	}
}

/* What an application does with a pool once it is open. */
static void exercise(struct pmemcrypt_pool *pool)
{
	static uint8_t buf[3 * PMEMCRYPT_UNIT_SIZE];
	struct pmemcrypt_check_report r;
	size_t size = pmemcrypt_pool_size(pool);
	uint8_t *base = pmemcrypt_pool_base(pool);
	struct pmemcrypt_tx *tx;

	(void)pmemcrypt_pool_check(pool, &r, NULL, NULL);
	for (size_t off = 0; off < size; off += sizeof(buf))
		(void)pmemcrypt_read(pool, buf,
				     size - off < sizeof(buf) ? size - off
							      : sizeof(buf),
				     off);
	memset(buf, 0x5a, sizeof(buf));
	(void)pmemcrypt_write(pool, buf, 700, 2 * PMEMCRYPT_UNIT_SIZE + 300);
	(void)pmemcrypt_write(pool, buf, PMEMCRYPT_UNIT_SIZE,
			      7 * PMEMCRYPT_UNIT_SIZE);
	base[5 * PMEMCRYPT_UNIT_SIZE + 1] ^= 1;
	(void)pmemcrypt_persist(pool, base + 5 * PMEMCRYPT_UNIT_SIZE, 2);
	if (!pmemcrypt_tx_begin(pool, &tx)) {
		(void)pmemcrypt_tx_add(tx, base + 100, 64);
		base[120] ^= 1;
		if (base[0] & 1)
			pmemcrypt_tx_abort(&tx);
		else
			(void)pmemcrypt_tx_commit(&tx);
	}
	(void)pmemcrypt_pool_check(pool, &r, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *img;
	uint8_t flags = size ? data[0] : 0;
	struct template *t = &pools[flags & FR_HARDWARE];
	size_t meta = fr_meta_len(&t->h), n = size ? size - 1 : 0;
	struct pmemcrypt_pool *pool = NULL;
	int fd;

	img = realloc(img, t->size);
	if (!img)
		abort();
	memcpy(img, t->image, t->size);
	memcpy(img + t->h.lanes_off, data + 1, n < meta ? n : meta);
	if ((flags & FR_AGREE) && !(flags & FR_HARDWARE))
		agree_sw(img, &t->h);
	if (flags & FR_RESEAL)
		(flags & FR_HARDWARE ? reseal_hw : reseal_sw)(img, &t->h);
	fd = open(t->path, O_WRONLY);
	if (fd < 0 || pwrite(fd, img, t->size, 0) != (ssize_t)t->size)
		abort();
	close(fd);

	pc_media_hook = oracle;
	if (!pmemcrypt_pool_open(&pool, t->path, key,
				 flags & FR_REPAIR ? PMEMCRYPT_OPEN_REPAIR
						   : 0)) {
		exercise(pool);
		pmemcrypt_pool_close(&pool);
	}
	pc_media_hook = NULL;
	return 0;
}
