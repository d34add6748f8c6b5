/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hw.h -- the hardware engine: the media is the view (the memory
 * controller encrypts it); undo and redo logs in the lanes
 */

#ifndef PC_HW_H
#define PC_HW_H

#include "pool.h"

/* An entry of an open log record, as it was written. */
struct pc_undo_range {
	size_t pos;   /* offset of the entry (after PC_UNDO_START) */
	uint64_t off; /* its range of the data area */
	size_t len;
};

/*
 * An open log record: the lane it holds and its entries.  Rolling back
 * uses the ranges kept here, never the ones on the media.
 */
struct pc_undo {
	struct pc_lane *lane; /* NULL until the first range */
	uint64_t seq;
	size_t used; /* bytes of entries written */
	size_t n, cap;
	struct pc_undo_range *r;
};

/* hw_log.c */

/*
 * Copies the entries of every committed record back to their ranges: an
 * interrupted transaction's old content, or the new content of a write.
 * Every lane is checked first: nothing changes unless all are valid.
 */
int pc_hw_recover(struct pmemcrypt_pool *p);
/* Whether a lane holds a committed record (1 also when it is corrupt). */
int pc_hw_pending(struct pmemcrypt_pool *p, uint32_t lane);
/*
 * Appends an entry for [off, off+len) holding data to u's record, durable
 * when this returns (taking a lane on the first range).  Recovery copies
 * an entry's data to its range: the range's old content makes an undo
 * entry, its new content a redo entry.
 */
int pc_hw_log(struct pmemcrypt_pool *p, struct pc_undo *u, uint64_t off,
	      const uint8_t *data, size_t len);
/*
 * Saves the durable content of [off, off+len) of the view in u's undo
 * log; once it returns, stores to the range are undone by a crash before
 * pc_undo_end().
 */
int pc_undo_add(struct pmemcrypt_pool *p, struct pc_undo *u, uint64_t off,
		size_t len);
/*
 * Ends u: with rollback, restores every saved range first; otherwise the
 * caller has made the new content durable.  Releases the lane.
 */
int pc_undo_end(struct pmemcrypt_pool *p, struct pc_undo *u, int rollback);

#endif
