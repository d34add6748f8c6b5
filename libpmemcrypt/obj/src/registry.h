/* SPDX-License-Identifier: BSD-3-Clause */
/* registry.h -- the open object pools of the process, by id */
#ifndef PCOBJ_REGISTRY_H
#define PCOBJ_REGISTRY_H 1

#include <stdint.h>

#include <libpmemobj.h>

/* Adds pop; -EEXIST when a pool with its id is open. */
int registry_add(PMEMobjpool *pop);
void registry_remove(PMEMobjpool *pop);
PMEMobjpool *registry_find(uint64_t uuid_lo);

#endif
