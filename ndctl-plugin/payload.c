// SPDX-License-Identifier: BSD-3-Clause
/*
 * payload.c -- the strings handed to and read from the kernel: key
 * descriptions, encrypted and mktme key payloads, sealed blob headers and
 * the namespace's mktme_key and mktme_rekey attributes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"

/* snprintf that says -ENAMETOOLONG instead of truncating. */
static int fit(int n, size_t len)
{
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/* Description of the sealed (encrypted) key of a namespace. */
int crypt_enc_desc(const char *uuid, char *buf, size_t len)
{
	return fit(snprintf(buf, len, CRYPT_ENC_PREFIX "%s", uuid), len);
}

/* Description of the mktme key a namespace is bound to. */
int crypt_mktme_desc(const char *uuid, char *buf, size_t len)
{
	return fit(snprintf(buf, len, CRYPT_MKTME_PREFIX "%s", uuid), len);
}

/* Description of the sealed key of a namespace's new key, while rotated. */
int crypt_enc_next_desc(const char *uuid, char *buf, size_t len)
{
	return fit(snprintf(buf, len, CRYPT_ENC_NEXT_PREFIX "%s", uuid), len);
}

/* Description of the mktme key of a namespace's new key, while rotated. */
int crypt_mktme_next_desc(const char *uuid, char *buf, size_t len)
{
	return fit(snprintf(buf, len, CRYPT_MKTME_NEXT_PREFIX "%s", uuid), len);
}

/*
 * Payload of an mktme key taking its AES-XTS keys from the encrypted key
 * @enc_desc: the algorithm follows from the source key's size.
 */
int crypt_mktme_payload(char *buf, size_t len, unsigned int key_len,
			const char *enc_desc)
{
	const char *alg = crypt_key_len_algorithm(key_len);

	if (!alg || !enc_desc || !*enc_desc || strpbrk(enc_desc, " \t\n"))
		return -EINVAL;
	return fit(snprintf(buf, len,
			    "type=user algorithm=%s source=encrypted:%s", alg,
			    enc_desc),
		   len);
}

/* Payload asking the kernel for a new random encrypted key under @master. */
int crypt_new_cmd(char *buf, size_t len, const char *master,
		  unsigned int key_len)
{
	if (!crypt_key_len_algorithm(key_len) || !master || !*master)
		return -EINVAL;
	return fit(snprintf(buf, len, "new default %s %u", master, key_len),
		   len);
}

/*
 * Reads the key size from a sealed blob, "default <master> <len> <hex>",
 * as 'keyctl pipe' prints it for an encrypted key.
 */
int crypt_blob_key_len(const char *blob, size_t len, unsigned int *key_len)
{
	char format[16], master[CRYPT_DESC_MAX], text[64];
	unsigned int n;
	size_t i;

	if (!blob || !len)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (blob[i] == '\0')
			return -EINVAL;
	snprintf(text, sizeof(text), "%.*s", (int)(len < 63 ? len : 63), blob);
	if (len > CRYPT_BLOB_MAX ||
	    sscanf(text, "%15s %127s %u", format, master, &n) != 3)
		return -EINVAL;
	if (strcmp(format, "default") ||
	    (strncmp(master, "user:", 5) && strncmp(master, "trusted:", 8)))
		return -EINVAL;
	*key_len = n;
	return 0;
}

/*
 * Copies the master key handle ("user:DESC" or "trusted:DESC") a sealed
 * blob names in its header.
 */
int crypt_blob_master(const char *blob, size_t len, char *buf, size_t buf_len)
{
	char format[16], master[CRYPT_DESC_MAX], text[CRYPT_DESC_MAX + 32];
	unsigned int key_len;

	if (crypt_blob_key_len(blob, len, &key_len))
		return -EINVAL;
	snprintf(text, sizeof(text), "%.*s",
		 (int)(len < sizeof(text) - 1 ? len : sizeof(text) - 1), blob);
	if (sscanf(text, "%15s %127s", format, master) != 2)
		return -EINVAL;
	return fit(snprintf(buf, buf_len, "%s", master), buf_len);
}

/*
 * Parses the mktme_key attribute: "none", or "<serial> <description>
 * <keyid>" (the description may hold spaces: serial first, KeyID last).
 */
int crypt_binding_parse(const char *text, struct crypt_binding *b)
{
	const char *first, *last, *end;
	char *stop;
	long serial;
	unsigned long keyid;
	size_t dlen;

	memset(b, 0, sizeof(*b));
	b->supported = true;
	end = text + strcspn(text, "\n");
	if (end - text == 4 && !strncmp(text, "none", 4))
		return 0;
	first = strchr(text, ' ');
	last = memrchr(text, ' ', (size_t)(end - text));
	if (!first || first == last)
		return -EINVAL;
	serial = strtol(text, &stop, 10);
	if (stop != first || serial <= 0)
		return -EINVAL;
	keyid = strtoul(last + 1, &stop, 10);
	if (stop != end || last + 1 == end || !keyid || keyid > 0xffff)
		return -EINVAL;
	dlen = (size_t)(last - first - 1);
	if (!dlen || dlen >= sizeof(b->desc))
		return -EINVAL;
	memcpy(b->desc, first + 1, dlen);
	b->bound = true;
	b->serial = serial;
	b->keyid = (unsigned int)keyid;
	return 0;
}

/* Parses a decimal number of at most 20 digits; the end in *@end. */
static int parse_u64(const char *text, const char **end,
		     unsigned long long *val)
{
	unsigned long long v = 0;
	const char *p = text;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (~0ULL - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*end = p;
	*val = v;
	return 0;
}

/*
 * Parses the mktme_rekey attribute: "none" when no rekey is running or
 * recorded, else "<done> <total>" in bytes, 0 < total and done <= total.
 */
int crypt_rekey_parse(const char *text, struct crypt_rekey *r)
{
	const char *p = text, *end;
	unsigned long long done, total;

	memset(r, 0, sizeof(*r));
	r->supported = true;
	end = text + strcspn(text, "\n");
	if (end - text == 4 && !strncmp(text, "none", 4))
		return 0;
	if (parse_u64(p, &p, &done) || *p != ' ' ||
	    parse_u64(p + 1, &p, &total) || p != end)
		return -EINVAL;
	if (!total || done > total || (*end && end[1]))
		return -EINVAL;
	r->recorded = true;
	r->done = done;
	r->total = total;
	return 0;
}
