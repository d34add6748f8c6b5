/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * run.h -- a run's DRAM state: three bitmaps of its blocks.  alloc is
 * what the media holds as committed; staged is alloc with the changes of
 * the transaction being published; taken is alloc plus reservations.
 */
#ifndef PCOBJ_RUN_H
#define PCOBJ_RUN_H 1

#include <stdint.h>

struct pcobj_run {
	uint32_t chunk; /* first chunk */
	unsigned cls;
	uint32_t nblocks;
	uint32_t nwords;
	uint32_t nfree; /* blocks not taken */
	uint32_t hint;	/* first word that may have a clear bit */
	uint64_t *alloc, *staged, *taken;
	struct pcobj_run *next, **pprev; /* in its class's list */
};

/* A run of class cls, its bitmap copied from bits (NULL: empty). */
struct pcobj_run *run_new(uint32_t chunk, unsigned cls, const uint64_t *bits);
void run_delete(struct pcobj_run *r);
/* Nonzero when bits past the run's last block are set. */
int run_check_tail(const struct pcobj_run *r);

void run_list(struct pcobj_run *r, struct pcobj_run **head);
void run_unlist(struct pcobj_run *r, struct pcobj_run **head);

/* Takes a free block (nfree > 0); returns its index. */
uint32_t run_take(struct pcobj_run *r);
void run_give(struct pcobj_run *r, uint32_t idx);
int run_allocated(const struct pcobj_run *r, uint32_t idx);
int run_taken(const struct pcobj_run *r, uint32_t idx);
/* Sets idx's staged bit; returns the staged word that holds it. */
uint64_t run_stage(struct pcobj_run *r, uint32_t idx, int alloc);
void run_unstage(struct pcobj_run *r, uint32_t idx);
/* Makes idx's committed bit what was staged. */
void run_commit(struct pcobj_run *r, uint32_t idx, int alloc);

#endif
