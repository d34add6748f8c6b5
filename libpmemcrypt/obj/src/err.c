// SPDX-License-Identifier: BSD-3-Clause
/* err.c -- the thread's last error message */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <libpmemcrypt.h>
#include <libpmemobj.h>

#include "err.h"

static __thread char last_msg[512];

int pcobj_err(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	errno = errnum;
	return -errnum;
}

/* The errno value that stands for a libpmemcrypt error. */
static int lib_errno(int ret)
{
	switch (ret) {
	case PMEMCRYPT_E_WRONG_KEY:
		return EKEYREJECTED;
	case PMEMCRYPT_E_NOT_POOL:
	case PMEMCRYPT_E_HDR_CORRUPT:
	case PMEMCRYPT_E_CORRUPT:
	case PMEMCRYPT_E_HDR_MAC:
	case PMEMCRYPT_E_TRUNCATED:
	case PMEMCRYPT_E_VERSION:
		return EINVAL;
	case PMEMCRYPT_E_LOCKED:
		return EWOULDBLOCK;
	case PMEMCRYPT_E_NO_SPACE:
	case PMEMCRYPT_E_TOO_BIG:
		return ENOMEM;
	case PMEMCRYPT_E_KEY_SOURCE:
		return ENOKEY;
	case PMEMCRYPT_E_ENGINE:
		return ENXIO;
	default:
		return ret < 0 && ret > -4096 ? -ret : EINVAL;
	}
}

int pcobj_err_lib(int ret, const char *what)
{
	return pcobj_err(lib_errno(ret), "%s: %s", what, pmemcrypt_errormsg());
}

const char *pmemobj_errormsg(void)
{
	return last_msg;
}
