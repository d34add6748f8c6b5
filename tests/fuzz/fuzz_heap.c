// SPDX-License-Identifier: BSD-3-Clause
/*
 * fuzz_heap.c -- the object heap's metadata as a hostile medium holds it:
 * header, chunk table, run headers and bitmaps are checked at open
 * (hdr_read, heap_boot, heap_check_root); a heap that passes is then
 * walked, looked up, and allocated from.  Any block the heap hands out or
 * names must lie inside the heap's chunks (the oracle aborts otherwise).
 *
 * Input: the data's first 8192 bytes (heap header and chunk table), then
 * 512-byte slices copied to the start of chunks 0, 1, ... (run headers
 * and bitmaps) of an 8 MiB data area, zero elsewhere.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "heap.h"

#define VIEW_SIZE ((uint64_t)8 << 20)
#define HEAD 8192
#define SLICE 512

static char *view;
static uint64_t nchunks, chunks_off;

static void in_heap(uint64_t off, uint64_t len)
{
	if (off < chunks_off || len > nchunks * PCOBJ_CHUNK_SIZE ||
	    off - chunks_off > nchunks * PCOBJ_CHUNK_SIZE - len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcobj_hdr hdr;
	struct pcobj_heap h;
	struct pcobj_block b, got[8];
	uint64_t off;
	int n = 0;

	if (!view) {
		view = aligned_alloc(4096, VIEW_SIZE);
		if (!view)
			abort();
		heap_geometry(VIEW_SIZE, &nchunks, &chunks_off);
	}
	memset(view, 0, HEAD);
	for (uint64_t i = 0; i < nchunks; i++)
		memset(view + chunks_off + i * PCOBJ_CHUNK_SIZE, 0, SLICE);
	memcpy(view, data, size < HEAD ? size : HEAD);
	for (uint64_t i = 0; size > HEAD + i * SLICE && i < nchunks; i++) {
		size_t len = size - HEAD - i * SLICE;

		memcpy(view + chunks_off + i * PCOBJ_CHUNK_SIZE,
		       data + HEAD + i * SLICE, len < SLICE ? len : SLICE);
	}
	if (hdr_read(view, VIEW_SIZE, NULL, &hdr) ||
	    heap_boot(&h, NULL, view, VIEW_SIZE, &hdr))
		return 0;
	heap_check_root(&h, &hdr);
	for (off = heap_next(&h, 0); off; off = heap_next(&h, off)) {
		if (heap_lookup(&h, off, &b) || block_data(&b) != off)
			abort();
		in_heap(b.off, b.size);
	}
	/* sizes from the input; new runs need a pool and fail cleanly */
	for (size_t i = 0; i < 8 && i < size; i++) {
		size_t want = (size_t)data[size - 1 - i] << (data[i] % 20);

		if (heap_reserve(&h, want ? want : 1, &got[n]))
			continue;
		in_heap(got[n].off, got[n].size);
		if (got[n].size < (want ? want : 1) + PCOBJ_OBJ_HDR_SIZE ||
		    !heap_lookup(&h, block_data(&got[n]), &b))
			abort(); /* too small, or handed out while allocated */
		n++;
	}
	while (n--)
		heap_release(&h, &got[n]);
	heap_cleanup(&h);
	return 0;
}
