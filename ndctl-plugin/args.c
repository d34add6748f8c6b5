// SPDX-License-Identifier: BSD-3-Clause
/* args.c -- parse namespace names, UUIDs, master key handles, algorithms */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "crypt.h"

/* Says whether @s is namespaceX.Y with decimal X and Y and nothing else. */
static bool is_ns_name(const char *s)
{
	const char *p = s + strlen("namespace");
	int dots = 0;

	if (strncmp(s, "namespace", strlen("namespace")) || !isdigit(*p))
		return false;
	for (; *p; p++) {
		if (*p == '.') {
			if (++dots > 1 || !isdigit(p[1]))
				return false;
		} else if (!isdigit(*p)) {
			return false;
		}
	}
	return dots == 1;
}

/* Says whether @s is a UUID in its 8-4-4-4-12 text form. */
static bool is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != CRYPT_UUID_LEN - 1)
		return false;
	for (i = 0; i < CRYPT_UUID_LEN - 1; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Tells what a namespace argument names. */
enum crypt_ns_kind crypt_ns_kind(const char *arg)
{
	if (!arg)
		return CRYPT_NS_INVALID;
	if (is_ns_name(arg))
		return CRYPT_NS_NAME;
	if (is_uuid(arg))
		return CRYPT_NS_UUID;
	return CRYPT_NS_INVALID;
}

/* Copies a UUID in lower case, the form used for file names; -EINVAL. */
int crypt_uuid_canonical(const char *in, char out[CRYPT_UUID_LEN])
{
	size_t i;

	if (!in || !is_uuid(in))
		return -EINVAL;
	for (i = 0; i < CRYPT_UUID_LEN; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	return 0;
}

/*
 * Splits a master key handle, "user:DESC", "trusted:DESC" or a bare DESC
 * (a user key), into its type and description.
 */
int crypt_master_parse(const char *arg, char *type, size_t type_len, char *desc,
		       size_t desc_len)
{
	const char *colon = arg ? strchr(arg, ':') : NULL;
	const char *t = "user", *d = arg;
	size_t tlen = strlen(t);
	int n;

	if (!arg || !*arg)
		return -EINVAL;
	if (colon) {
		t = arg;
		tlen = (size_t)(colon - arg);
		d = colon + 1;
		if (!(tlen == 4 && !strncmp(t, "user", 4)) &&
		    !(tlen == 7 && !strncmp(t, "trusted", 7)))
			return -EINVAL;
	}
	if (!*d || strpbrk(d, " \t\n:"))
		return -EINVAL;
	n = snprintf(type, type_len, "%.*s", (int)tlen, t);
	if (n < 0 || (size_t)n >= type_len)
		return -ENAMETOOLONG;
	n = snprintf(desc, desc_len, "%s", d);
	if (n < 0 || (size_t)n >= desc_len)
		return -ENAMETOOLONG;
	return 0;
}

/* Bytes of source key an algorithm name needs, or -EINVAL. */
int crypt_algorithm_key_len(const char *name)
{
	if (name && !strcmp(name, "aes-xts-128"))
		return CRYPT_KEY_XTS128;
	if (name && !strcmp(name, "aes-xts-256"))
		return CRYPT_KEY_XTS256;
	return -EINVAL;
}

/* The algorithm a source key of @key_len bytes is for, or NULL. */
const char *crypt_key_len_algorithm(unsigned int key_len)
{
	switch (key_len) {
	case CRYPT_KEY_XTS128:
		return "aes-xts-128";
	case CRYPT_KEY_XTS256:
		return "aes-xts-256";
	default:
		return NULL;
	}
}
