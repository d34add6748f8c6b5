// SPDX-License-Identifier: BSD-3-Clause
/* errormsg.c -- thread-local error messages and error code names */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libpmemcrypt.h"
#include "errormsg.h"

#define PC_EXPORT __attribute__((visibility("default")))

static __thread char last_msg[512];

/* Records a message for pmemcrypt_errormsg() and returns err. */
int pc_err(int err, const char *fmt, ...)
{
	char msg[sizeof(last_msg)];
	va_list ap;

	/* Formats aside first: the arguments may be last_msg itself. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(last_msg, msg, sizeof(msg));
	return err;
}

PC_EXPORT const char *pmemcrypt_errormsg(void)
{
	return last_msg;
}

PC_EXPORT const char *pmemcrypt_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case PMEMCRYPT_E_WRONG_KEY: return "no key slot opens with this key";
	case PMEMCRYPT_E_NOT_POOL: return "not a pmemcrypt pool";
	case PMEMCRYPT_E_HDR_CORRUPT: return "both header copies are corrupt";
	case PMEMCRYPT_E_HDR_COPY: return "one header copy is corrupt";
	case PMEMCRYPT_E_VERSION: return "pool format is newer than this library";
	case PMEMCRYPT_E_TRUNCATED: return "pool file is truncated";
	case PMEMCRYPT_E_LOCKED: return "pool is open in another process";
	case PMEMCRYPT_E_NO_SPACE: return "not enough space";
	case PMEMCRYPT_E_NO_SLOT: return "no such key slot, or no free slot";
	case PMEMCRYPT_E_LAST_SLOT: return "refusing to remove the last key slot";
	case PMEMCRYPT_E_RANGE: return "range outside the pool";
	case PMEMCRYPT_E_CORRUPT: return "pool metadata is corrupt";
	case PMEMCRYPT_E_KEY_SOURCE: return "key could not be read";
	case PMEMCRYPT_E_TOO_BIG: return "range larger than one atomic update";
	case PMEMCRYPT_E_CRYPTO: return "crypto library failure";
	case PMEMCRYPT_E_HDR_MAC: return "header authentication failed";
	case PMEMCRYPT_E_INVALID: return "invalid argument";
	case PMEMCRYPT_E_TX_STATE: return "transaction misuse";
	case PMEMCRYPT_E_ENGINE:
		return "media is not on a namespace bound to an MKTME key";
	}
	if (err < 0 && err > -4096)
		return strerror(-err);
	return "unknown error";
}
