/* SPDX-License-Identifier: BSD-3-Clause */
/* err.h -- the thread's last error message (pmemobj_errormsg) */
#ifndef PCOBJ_ERR_H
#define PCOBJ_ERR_H 1

/* Formats the message; returns -errnum (errnum: an errno value). */
int pcobj_err(int errnum, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The same with libpmemcrypt's message and an errno for its error. */
int pcobj_err_lib(int ret, const char *what);

#endif
