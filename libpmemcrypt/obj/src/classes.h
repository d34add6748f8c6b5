/* SPDX-License-Identifier: BSD-3-Clause */
/* classes.h -- the heap's size classes: small objects live in runs */
#ifndef PCOBJ_CLASSES_H
#define PCOBJ_CLASSES_H 1

#include <stddef.h>
#include <stdint.h>

#define PCOBJ_NCLASSES 48

struct pcobj_class {
	uint32_t block_size; /* object header included */
	uint32_t chunks;     /* chunks per run */
	uint32_t nblocks;    /* blocks per run */
	uint32_t nwords;     /* 64-bit words of the run's bitmap */
	uint32_t data_off;   /* first block, from the run's start */
};

/* The classes, in increasing block size (filled on first use). */
const struct pcobj_class *pcobj_classes(unsigned *n);
/* The smallest class whose blocks hold total bytes, or -1: use a span. */
int pcobj_class_for(size_t total);

#endif
