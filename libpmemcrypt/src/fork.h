/* SPDX-License-Identifier: BSD-3-Clause */
/* fork.h -- what a forked child keeps of the open pools: no keys */

#ifndef PC_FORK_H
#define PC_FORK_H

struct pmemcrypt_pool;

/*
 * Tracks an open pool (0 or an error) until pc_fork_untrack().  In a
 * child made by fork() the cipher contexts of tracked pools are re-keyed
 * with a public key and the pools marked forked before fork() returns;
 * their secrets, views and media are not mapped in the child
 * (MADV_DONTFORK): calls on them fail with PMEMCRYPT_E_INVALID, and close
 * frees only what the child has.
 */
int pc_fork_track(struct pmemcrypt_pool *p);
void pc_fork_untrack(struct pmemcrypt_pool *p);

#endif
