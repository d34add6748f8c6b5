// SPDX-License-Identifier: BSD-3-Clause
/* run.c -- a run's DRAM bitmaps */
#include <stdlib.h>
#include <string.h>

#include "classes.h"
#include "run.h"

struct pcobj_run *run_new(uint32_t chunk, unsigned cls, const uint64_t *bits)
{
	const struct pcobj_class *c = &pcobj_classes(NULL)[cls];
	struct pcobj_run *r = calloc(1, sizeof(*r));
	size_t bytes = 8 * (size_t)c->nwords;

	if (!r)
		return NULL;
	r->alloc = calloc(3, bytes);
	if (!r->alloc) {
		free(r);
		return NULL;
	}
	r->staged = r->alloc + c->nwords;
	r->taken = r->staged + c->nwords;
	r->chunk = chunk;
	r->cls = cls;
	r->nblocks = c->nblocks;
	r->nwords = c->nwords;
	if (bits)
		memcpy(r->alloc, bits, bytes);
	memcpy(r->staged, r->alloc, bytes);
	memcpy(r->taken, r->alloc, bytes);
	r->nfree = r->nblocks;
	for (uint32_t i = 0; i < r->nblocks; i++)
		if (run_allocated(r, i))
			r->nfree--;
	return r;
}

void run_delete(struct pcobj_run *r)
{
	free(r->alloc);
	free(r);
}

int run_check_tail(const struct pcobj_run *r)
{
	for (uint64_t i = r->nblocks; i < 64 * (uint64_t)r->nwords; i++)
		if ((r->alloc[i / 64] >> (i % 64)) & 1)
			return 1;
	return 0;
}

void run_list(struct pcobj_run *r, struct pcobj_run **head)
{
	if (r->pprev)
		return;
	r->next = *head;
	if (*head)
		(*head)->pprev = &r->next;
	*head = r;
	r->pprev = head;
}

void run_unlist(struct pcobj_run *r, struct pcobj_run **head)
{
	(void)head;
	if (!r->pprev)
		return;
	*r->pprev = r->next;
	if (r->next)
		r->next->pprev = r->pprev;
	r->next = NULL;
	r->pprev = NULL;
}

uint32_t run_take(struct pcobj_run *r)
{
	for (uint32_t w = r->hint; w < r->nwords; w++) {
		uint64_t clear = ~r->taken[w];
		uint32_t idx;

		if (!clear)
			continue;
		idx = w * 64 + (uint32_t)__builtin_ctzll(clear);
		if (idx >= r->nblocks)
			break;
		r->taken[w] |= 1ULL << (idx % 64);
		r->nfree--;
		r->hint = w;
		return idx;
	}
	/* nfree > 0 but nothing after the hint: rescan from the start */
	r->hint = 0;
	return run_take(r);
}

void run_give(struct pcobj_run *r, uint32_t idx)
{
	r->taken[idx / 64] &= ~(1ULL << (idx % 64));
	r->nfree++;
	if (idx / 64 < r->hint)
		r->hint = idx / 64;
}

int run_allocated(const struct pcobj_run *r, uint32_t idx)
{
	return (r->alloc[idx / 64] >> (idx % 64)) & 1;
}

int run_taken(const struct pcobj_run *r, uint32_t idx)
{
	return (r->taken[idx / 64] >> (idx % 64)) & 1;
}

uint64_t run_stage(struct pcobj_run *r, uint32_t idx, int alloc)
{
	uint64_t bit = 1ULL << (idx % 64);

	if (alloc)
		r->staged[idx / 64] |= bit;
	else
		r->staged[idx / 64] &= ~bit;
	return r->staged[idx / 64];
}

void run_unstage(struct pcobj_run *r, uint32_t idx)
{
	uint64_t bit = 1ULL << (idx % 64);

	r->staged[idx / 64] =
		(r->staged[idx / 64] & ~bit) | (r->alloc[idx / 64] & bit);
}

void run_commit(struct pcobj_run *r, uint32_t idx, int alloc)
{
	uint64_t bit = 1ULL << (idx % 64);

	if (alloc)
		r->alloc[idx / 64] |= bit;
	else
		r->alloc[idx / 64] &= ~bit;
}
