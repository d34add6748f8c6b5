/* SPDX-License-Identifier: BSD-3-Clause */
/* rekey.h -- ndctl-crypt: the kernel's in-place key change, with progress */
#ifndef NDCTL_CRYPT_REKEY_H
#define NDCTL_CRYPT_REKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "crypt.h"

/* "D of T (P%)" of a recorded key change, else "an unknown point". */
const char *crypt_rekey_text(const struct crypt_rekey *k, char *buf,
			     size_t len);
/*
 * Writes @serial to @dev's mktme_rekey, which returns when the kernel has
 * re-encrypted the namespace, from a thread; meanwhile shows the progress
 * on stderr unless @quiet: a bar on a terminal, else a line per quarter
 * counted from @from (the progress recorded before, for a resumed change).
 * Returns the write's result, 0 or -errno.
 */
int crypt_rekey_run(const char *dev, key_serial_t serial,
		    const struct crypt_rekey *from, bool quiet);

#endif /* NDCTL_CRYPT_REKEY_H */
