// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_recover.c -- recovery at open and the open pool treat the media as
 * hostile: crafted maps and logs are refused with the file unchanged, and
 * metadata changed under an open pool is never followed
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csum.h"
#include "binding.h"
#include "format.h"
#include "helpers.h"
#include "record.h"

#define UNIT PMEMCRYPT_UNIT_SIZE

/* The pool's geometry, from header copy A. */
static struct pc_header geometry(const char *path)
{
	struct pc_header h;

	th_pread(path, &h, sizeof(h), 0);
	return h;
}

static uint64_t lane_off(const struct pc_header *h, uint32_t lane)
{
	return h->lanes_off + (uint64_t)lane * h->lane_size;
}

static void set_map(const char *path, const struct pc_header *h, uint64_t lba,
		    uint64_t value)
{
	th_pwrite(path, &value, 8, h->map_off + lba * 8);
}

/* Writes a committed software record of n entries (sector data: 'A'). */
static void put_record(const char *path, const struct pc_header *h,
		       uint32_t lane, uint32_t kind,
		       const struct pc_log_entry *e, uint32_t n)
{
	size_t len = pc_record_len(kind, n);
	uint8_t *rec = calloc(1, len);
	struct pc_log_head *head = (struct pc_log_head *)rec;

	assert_non_null(rec);
	memcpy(head + 1, e, n * sizeof(*e));
	if (kind == PC_LOG_SECTORS)
		memset(rec + pc_record_data_off(n), 'A', n * PC_SECTOR);
	*head = (struct pc_log_head){.seq = 7, .count = n, .kind = kind};
	head->checksum = pc_record_sum(head);
	th_pwrite(path, rec, len, lane_off(h, lane));
	free(rec);
}

struct refusal {
	const char *path;
	unsigned flags;
	const char *needle;
};

/* Child: the open must fail with E_CORRUPT, saying needle. */
static int open_in_child(void *arg)
{
	const struct refusal *r = arg;
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;
	int ret = pmemcrypt_pool_open(&pool, r->path, key, r->flags);

	if (ret != PMEMCRYPT_E_CORRUPT) {
		fprintf(stderr, "open: %d (%s)\n", ret, pmemcrypt_errormsg());
		return 1;
	}
	if (!strstr(pmemcrypt_errormsg(), r->needle)) {
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n",
			pmemcrypt_errormsg(), r->needle);
		return 2;
	}
	return 0;
}

/* Open (plain and with repair) refuses the pool and leaves it as it is. */
static void assert_refused(const char *path, const char *needle)
{
	static const unsigned flags[] = {0, PMEMCRYPT_OPEN_REPAIR};
	uint8_t before[32], after[32];

	th_hash_file(path, before);
	for (size_t i = 0; i < 2; i++) {
		struct refusal r = {path, flags[i], needle};

		assert_int_equal(th_run_child(open_in_child, &r, 30), 0);
		th_hash_file(path, after);
		assert_memory_equal(before, after, sizeof(before));
	}
}

/* A software pool with units 0..3 written (units 0 and 1 whole). */
static struct pc_header sw_pool(const char *path)
{
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = th_create(path, TH_POOL_SIZE, key);
	uint8_t buf[4 * UNIT];

	th_fill(buf, sizeof(buf), 5);
	assert_int_equal(pmemcrypt_write(pool, buf, sizeof(buf), 0), 0);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
	return geometry(path);
}

/*
 * The record the media could use to write anywhere: a sector record whose
 * block, and the map entry it is checked against, lie outside the media.
 * Its data would land at data_off + block * 4096: past the end of the
 * mapping, or (the sum wrapping around) on the header.
 */
static void test_sector_record_outside_media(void **state)
{
	const char *path = th_path("outside.pool");
	struct pc_header h = sw_pool(path);
	uint64_t targets[] = {
		h.blocks + 1000,
		((1ull << 52) - h.data_off / UNIT), /* wraps onto offset 0 */
		PC_MAP_PBA_MASK,
	};

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		struct pc_log_entry e = {2, targets[i] * PC_SECTORS + 1};

		sw_pool(path);
		set_map(path, &h, 2, targets[i] + 1);
		put_record(path, &h, 3, PC_LOG_SECTORS, &e, 1);
		assert_refused(path, "map entry of unit 2 is out of range");
	}
}

/* A sector record naming a block in range that is not the unit's. */
static void test_sector_record_other_block(void **state)
{
	const char *path = th_path("other.pool");
	struct pc_header h = sw_pool(path);
	uint64_t map0;
	struct pc_log_entry e;

	th_pread(path, &map0, 8, h.map_off);
	e = (struct pc_log_entry){2, (map0 - 1) * PC_SECTORS};
	put_record(path, &h, 0, PC_LOG_SECTORS, &e, 1);
	assert_refused(path, "redo record of lane 0 names unit 2");
	/* A sector record for a unit never written (map entry 0). */
	e = (struct pc_log_entry){9, (map0 - 1) * PC_SECTORS};
	put_record(path, &h, 0, PC_LOG_SECTORS, &e, 1);
	assert_refused(path, "redo record of lane 0 names unit 9");
}

/* Map records: out of range, or leaving two units on one block. */
static void test_map_record(void **state)
{
	const char *path = th_path("maprec.pool");
	struct pc_header h = sw_pool(path);
	uint64_t map0;
	struct pc_log_entry e[2];

	th_pread(path, &map0, 8, h.map_off);
	e[0] = (struct pc_log_entry){5, h.blocks + 1};
	put_record(path, &h, 1, PC_LOG_MAP, e, 1);
	assert_refused(path, "names unit 5 and map entry");
	e[0] = (struct pc_log_entry){h.units, 1};
	put_record(path, &h, 1, PC_LOG_MAP, e, 1);
	assert_refused(path, "redo record of lane 1 names unit");
	/* Valid entries on their own, a shared block once replayed. */
	e[0] = (struct pc_log_entry){6, h.blocks};
	e[1] = (struct pc_log_entry){1, map0};
	put_record(path, &h, 1, PC_LOG_MAP, e, 2);
	assert_refused(path, "shared with another once the redo records");
}

/*
 * The whole map is checked before any record is replayed: a valid record
 * in one lane is not applied when the map is bad elsewhere.
 */
static void test_map_checked_before_replay(void **state)
{
	const char *path = th_path("mapfirst.pool");
	struct pc_header h = sw_pool(path);
	struct pc_log_entry e = {6, h.blocks};
	uint64_t map0;

	put_record(path, &h, 0, PC_LOG_MAP, &e, 1);
	set_map(path, &h, h.units - 1, h.blocks + 1);
	assert_refused(path, "is out of range");
	set_map(path, &h, h.units - 1, 0);
	th_pread(path, &map0, 8, h.map_off);
	set_map(path, &h, 3, map0);
	assert_refused(path, "shared with another");
}

/*
 * A sector record whose block a map record of another lane takes from
 * the unit: each valid on its own, refused together.
 */
static void test_cross_lane_records(void **state)
{
	const char *path = th_path("cross.pool");
	struct pc_header h = sw_pool(path);
	struct pc_log_entry m, e;
	uint64_t map2;

	th_pread(path, &map2, 8, h.map_off + 2 * 8);
	m = (struct pc_log_entry){2, h.blocks};
	e = (struct pc_log_entry){2, (map2 - 1) * PC_SECTORS + 1};
	put_record(path, &h, 0, PC_LOG_MAP, &m, 1);
	put_record(path, &h, 1, PC_LOG_SECTORS, &e, 1);
	assert_refused(path, "a block another lane's record takes");
}

/* A torn record is no inconsistency: recovery and check agree. */
static void test_torn_record_checks_clean(void **state)
{
	const char *path = th_path("torn.pool");
	struct pc_header h = sw_pool(path);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pc_log_entry e = {2, 0};
	struct pmemcrypt_check_report r;
	struct pmemcrypt_pool *pool;
	uint64_t bad = 0x1234;

	put_record(path, &h, 1, PC_LOG_SECTORS, &e, 1);
	th_pwrite(path, &bad, 8, lane_off(&h, 1) + 16); /* the checksum */
	pool = th_open(path, key);
	assert_int_equal(pmemcrypt_pool_check(pool, &r, NULL, NULL), 0);
	assert_int_equal(r.errors, 0);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
}

/*
 * A record written to the media holds nothing but itself: no reserved
 * byte of what the lane held at open, no stale entry in its padding.
 */
static void test_record_bytes(void **state)
{
	const char *path = th_path("bytes.pool");
	struct pc_header h = sw_pool(path);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool;
	uint8_t head[128], units[4 * UNIT], zeros[48] = {0};
	int written = 0;

	for (uint32_t i = 0; i < h.lanes; i++) {
		memset(head, 0, sizeof(head));
		memset(head + 24, 0xaa, 40);
		th_pwrite(path, head, 64, lane_off(&h, i));
	}
	pool = th_open(path, key);
	/* A map record of four entries, then a sector record of one. */
	th_fill(units, sizeof(units), 3);
	assert_int_equal(pmemcrypt_write(pool, units, sizeof(units), 8 * UNIT),
			 0);
	assert_int_equal(pmemcrypt_write(pool, units, 100, 8 * UNIT + 10), 0);
	pmemcrypt_pool_close(&pool);
	for (uint32_t i = 0; i < h.lanes; i++) {
		struct pc_log_head *lh = (struct pc_log_head *)head;

		th_pread(path, head, sizeof(head), lane_off(&h, i));
		if (lh->kind != PC_LOG_SECTORS)
			continue;
		written++;
		assert_memory_equal(lh->reserved1, zeros, 40);
		assert_memory_equal(head + 80, zeros, 48);
	}
	assert_int_equal(written, 1);
	pmemcrypt_key_delete(&key);
}

/* Control: the same record in a valid pool is replayed. */
static void test_valid_record_replayed(void **state)
{
	const char *path = th_path("replay.pool");
	struct pc_header h = sw_pool(path);
	struct pc_log_entry e = {6, h.blocks};
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool;
	struct pc_log_head head;
	uint64_t map6;

	put_record(path, &h, 0, PC_LOG_MAP, &e, 1);
	pool = th_open(path, key);
	pmemcrypt_pool_close(&pool);
	th_pread(path, &map6, 8, h.map_off + 6 * 8);
	assert_int_equal(map6, h.blocks);
	th_pread(path, &head, sizeof(head), lane_off(&h, 0));
	assert_int_equal(head.seq, 0);
	pmemcrypt_key_delete(&key);
}

/* A hardware pool (the engine forced on a plain file). */
static struct pc_header hw_pool(const char *path)
{
	struct pmemcrypt_config *cfg = th_config(TH_POOL_SIZE);
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = NULL;
	uint8_t buf[2 * UNIT];

	pc_binding_assume_bound = 1;
	unlink(path);
	assert_int_equal(
		pmemcrypt_config_set_engine(cfg, PMEMCRYPT_ENGINE_HARDWARE), 0);
	assert_int_equal(pmemcrypt_pool_create(&pool, path, cfg, key), 0);
	th_fill(buf, sizeof(buf), 6);
	assert_int_equal(pmemcrypt_write(pool, buf, sizeof(buf), 0), 0);
	pmemcrypt_pool_close(&pool);
	pmemcrypt_config_delete(&cfg);
	pmemcrypt_key_delete(&key);
	return geometry(path);
}

/* Writes a committed hardware-engine entry of len bytes of val. */
static void put_hw_entry(const char *path, const struct pc_header *h,
			 uint32_t lane, uint64_t off, uint64_t len, uint8_t val)
{
	size_t padded = (len + 3) / 4 * 4;
	uint8_t *data = calloc(1, padded);
	struct pc_undo_entry e = {off, len, 99, 0};

	assert_non_null(data);
	memset(data, val, len);
	e.checksum = pc_fletcher64_more(pc_fletcher64_more(0, &e, sizeof(e)),
					data, padded);
	th_pwrite(path, &e, sizeof(e), lane_off(h, lane) + PC_UNDO_START);
	th_pwrite(path, data, len,
		  lane_off(h, lane) + PC_UNDO_START + sizeof(e));
	free(data);
}

/* A valid entry in one lane is not applied when another is corrupt. */
static void test_hw_lanes_checked_first(void **state)
{
	const char *path = th_path("hw.pool");
	struct pc_header h = hw_pool(path);
	uint64_t size = h.units * UNIT;

	put_hw_entry(path, &h, 0, 100, 64, 'B');
	put_hw_entry(path, &h, 1, size - 10, 64, 'C');
	assert_refused(path, "outside the pool");
	put_hw_entry(path, &h, 1, (uint64_t)-h.data_off, 64, 'C');
	assert_refused(path, "outside the pool");
	pc_binding_assume_bound = 0;
}

/* Child: a map entry rewritten under the open pool is not followed. */
static int map_changed_child(void *arg)
{
	const char *path = arg;
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = th_open(path, key);
	struct pmemcrypt_check_report r;
	struct pc_header h = geometry(path);
	uint8_t want[UNIT], got[UNIT];

	th_fill(want, sizeof(want), 5);
	/* Unit 0 wraps onto the header, unit 1 points past the end. */
	set_map(path, &h, 0, (1ull << 52) - h.data_off / UNIT + 1);
	set_map(path, &h, 1, h.blocks + 5);
	if (pmemcrypt_read(pool, got, UNIT, 0) || memcmp(got, want, UNIT))
		return 1;
	/* An in-place update (one sector) and a whole unit. */
	memset(want, 'x', 100);
	if (pmemcrypt_write(pool, want, 100, 0) ||
	    pmemcrypt_read(pool, got, UNIT, 0) || memcmp(got, want, UNIT))
		return 2;
	if (pmemcrypt_write(pool, want, UNIT, UNIT) ||
	    pmemcrypt_read(pool, got, UNIT, UNIT) || memcmp(got, want, UNIT))
		return 3;
	/* check counts unit 0's changed entry (an in-place update leaves
	 * the map alone); the whole-unit update rewrote unit 1's. */
	if (pmemcrypt_pool_check(pool, &r, NULL, NULL) != PMEMCRYPT_E_CORRUPT ||
	    r.errors != 1)
		return 4;
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
	return 0;
}

static void test_map_changed_under_open_pool(void **state)
{
	const char *path = th_path("changed.pool");

	sw_pool(path);
	assert_int_equal(th_run_child(map_changed_child, (void *)path, 30), 0);
}

/* Child: log entries rewritten under an open transaction are not used. */
static int log_changed_child(void *arg)
{
	const char *path = arg;
	struct pmemcrypt_key *key = th_raw_key(1);
	struct pmemcrypt_pool *pool = th_open(path, key);
	struct pc_header h = geometry(path);
	uint8_t *base = pmemcrypt_pool_base(pool), want[256];
	struct pmemcrypt_tx *tx;
	uint64_t far = (uint64_t)1 << 40;

	memcpy(want, base + 1000, sizeof(want));
	if (pmemcrypt_tx_begin(pool, &tx) ||
	    pmemcrypt_tx_add(tx, base + 1000, sizeof(want)))
		return 1;
	memset(base + 1000, 'z', sizeof(want));
	/* Every lane's first entry now names a range far outside. */
	for (uint32_t i = 0; i < h.lanes; i++)
		th_pwrite(path, &far, 8, lane_off(&h, i) + PC_UNDO_START);
	pmemcrypt_tx_abort(&tx);
	if (memcmp(base + 1000, want, sizeof(want)))
		return 2;
	pmemcrypt_pool_close(&pool);
	pmemcrypt_key_delete(&key);
	return 0;
}

static void test_hw_log_changed_under_open_tx(void **state)
{
	const char *path = th_path("hwtx.pool");

	hw_pool(path);
	assert_int_equal(th_run_child(log_changed_child, (void *)path, 30), 0);
	pc_binding_assume_bound = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sector_record_outside_media),
		cmocka_unit_test(test_sector_record_other_block),
		cmocka_unit_test(test_map_record),
		cmocka_unit_test(test_map_checked_before_replay),
		cmocka_unit_test(test_valid_record_replayed),
		cmocka_unit_test(test_cross_lane_records),
		cmocka_unit_test(test_torn_record_checks_clean),
		cmocka_unit_test(test_record_bytes),
		cmocka_unit_test(test_hw_lanes_checked_first),
		cmocka_unit_test(test_map_changed_under_open_pool),
		cmocka_unit_test(test_hw_log_changed_under_open_tx),
	};

	return cmocka_run_group_tests(tests, th_group_setup, th_group_teardown);
}
