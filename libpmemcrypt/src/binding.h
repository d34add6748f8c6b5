/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * binding.h -- the binding probe: is the media on an NVDIMM namespace
 * bound to an MKTME key?  (Only then may the hardware engine run.)
 */

#ifndef PC_BINDING_H
#define PC_BINDING_H

#include <stddef.h>
#include <sys/stat.h>

/* What the probe found out about the media. */
struct pc_binding {
	int bound;	   /* 1: the namespace's mktme_key names a key */
	char ns[64];	   /* the namespace ("namespace0.0"), or "" */
	char key[128];	   /* its mktme_key: "serial description keyid" */
	char why[256];	   /* when not bound: why, for messages */
};

/*
 * Finds the NVDIMM namespace under the media st describes (a file's or
 * a directory's st_dev: /sys/dev/block/M:m, a pmem block device, its pfn or btt device,
 * its namespace; a device-dax's st_rdev: /sys/dev/char/M:m, its nd dax
 * device, its namespace) and reads the namespace's mktme_key.  The sysfs
 * root is /sys, or $PMEMCRYPT_SYSFS_ROOT for tests (ignored in setuid
 * programs).  Fills b; never fails (unbound when in doubt).
 */
void pc_binding_probe(const struct stat *st, struct pc_binding *b);

/*
 * Test hook: when set, every medium counts as bound, so the hardware
 * engine runs on plain files (crash tests, benchmarks).
 */
extern int pc_binding_assume_bound;

#endif
