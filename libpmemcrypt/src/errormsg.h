/* SPDX-License-Identifier: BSD-3-Clause */
/* errormsg.h -- thread-local error messages */

#ifndef PC_ERRORMSG_H
#define PC_ERRORMSG_H

/* Records a message for pmemcrypt_errormsg() and returns err. */
int pc_err(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
