// SPDX-License-Identifier: BSD-3-Clause
/*
 * perm.c -- whether a key file, the key store or a blob in it can be
 * trusted, from its owner and mode, as ssh judges a private key
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypt.h"

/*
 * Checks that @path (described by @st) belongs to root or to the user
 * running ndctl-crypt and that its mode has none of the @forbidden bits.
 * 0 if so; else -EPERM, with what is wrong and the fix (chmod to @fix, or
 * chown) in @why.
 */
int crypt_perm_check(const char *path, const struct stat *st, mode_t forbidden,
		     mode_t fix, char *why, size_t len)
{
	uid_t me = geteuid();

	if (st->st_uid != 0 && st->st_uid != me) {
		snprintf(why, len,
			 "%s is owned by uid %u, neither root nor you (uid "
			 "%u), and its owner could change it: run 'chown %u "
			 "%s' if it is yours to trust",
			 path, (unsigned int)st->st_uid, (unsigned int)me,
			 (unsigned int)me, path);
		return -EPERM;
	}
	if (st->st_mode & forbidden) {
		snprintf(why, len,
			 "%s has mode %04o: group or others may %s it; run "
			 "'chmod %o %s'",
			 path, (unsigned int)(st->st_mode & 07777),
			 forbidden & 044 ? "access" : "write to",
			 (unsigned int)fix, path);
		return -EPERM;
	}
	return 0;
}
