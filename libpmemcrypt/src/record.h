/* SPDX-License-Identifier: BSD-3-Clause */
/* record.h -- a lane's redo record of the software engine */

#ifndef PC_RECORD_H
#define PC_RECORD_H

#include "csum.h"
#include "format.h"

#define PC_LOG_HEAD sizeof(struct pc_log_head)

/* Offset of the sector data in a sector record of count entries. */
static inline size_t pc_record_data_off(size_t count)
{
	return PC_LOG_HEAD +
	       (count * sizeof(struct pc_log_entry) + 63) / 64 * 64;
}

/* Bytes of a record of count entries of a kind. */
static inline size_t pc_record_len(uint32_t kind, size_t count)
{
	return kind == PC_LOG_MAP
		       ? PC_LOG_HEAD + count * sizeof(struct pc_log_entry)
		       : pc_record_data_off(count) + count * PC_SECTOR;
}

/* Checksum of a record: its head (checksum taken as 0) and entries. */
static inline uint64_t pc_record_sum(const struct pc_log_head *h)
{
	struct pc_log_head head = *h;

	head.checksum = 0;
	return pc_fletcher64_more(pc_fletcher64_more(0, &head, PC_LOG_HEAD),
				  h + 1,
				  h->count * sizeof(struct pc_log_entry));
}

#endif
