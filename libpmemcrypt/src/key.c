// SPDX-License-Identifier: BSD-3-Clause
/* key.c -- raw, passphrase and keyring credentials */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyutils.h>

#include "crypto.h"
#include "errormsg.h"
#include "key.h"

/* Allocates a key object, its secret in locked memory. */
static int key_alloc(struct pmemcrypt_key **key, enum pmemcrypt_key_type type)
{
	struct pmemcrypt_key *k;
	int ret = pc_crypto_init();

	if (ret)
		return ret;
	if (!key)
		return pc_err(PMEMCRYPT_E_INVALID, "key: NULL out-pointer");
	k = calloc(1, sizeof(*k));
	if (k)
		k->secret = pc_secure_alloc(PC_PASS_MAX);
	if (!k || !k->secret) {
		free(k);
		return pc_err(-ENOMEM, "out of memory");
	}
	k->type = type;
	k->owner = getpid();
	*key = k;
	return 0;
}

int pc_key_usable(const struct pmemcrypt_key *key)
{
	if (key->owner == getpid())
		return 0;
	return pc_err(PMEMCRYPT_E_INVALID,
		      "key: made by process %d; a forked child does not get "
		      "a key's secret: make the key again in this process",
		      (int)key->owner);
}

PC_EXPORT int pmemcrypt_key_from_raw(struct pmemcrypt_key **key,
				     const uint8_t raw[PMEMCRYPT_KEY_SIZE])
{
	int ret;

	if (!raw)
		return pc_err(PMEMCRYPT_E_INVALID, "key: NULL raw key");
	ret = key_alloc(key, PMEMCRYPT_KEY_RAW);
	if (ret)
		return ret;
	memcpy((*key)->secret, raw, PMEMCRYPT_KEY_SIZE);
	(*key)->len = PMEMCRYPT_KEY_SIZE;
	return 0;
}

PC_EXPORT int pmemcrypt_key_from_fd(struct pmemcrypt_key **key, int fd)
{
	uint8_t extra;
	size_t got = 0;
	int ret = key_alloc(key, PMEMCRYPT_KEY_RAW);

	if (ret)
		return ret;
	while (got < PMEMCRYPT_KEY_SIZE) {
		ssize_t n = read(fd, (*key)->secret + got,
				 PMEMCRYPT_KEY_SIZE - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = pc_err(PMEMCRYPT_E_KEY_SOURCE, "key: read: %s",
				     strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != PMEMCRYPT_KEY_SIZE ||
	    read(fd, &extra, 1) != 0) {
		ret = pc_err(PMEMCRYPT_E_KEY_SOURCE,
			     "key: a raw key is exactly %d bytes",
			     PMEMCRYPT_KEY_SIZE);
		goto fail;
	}
	(*key)->len = PMEMCRYPT_KEY_SIZE;
	return 0;
fail:
	pmemcrypt_key_delete(key);
	return ret;
}

/*
 * Refuses a regular key file that others could read or change, as ssh
 * refuses such a private key: one owned by neither the user nor root, or
 * with any group or other permission bit.  Pipes and devices pass.
 */
static int file_private(int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st))
		return pc_err(PMEMCRYPT_E_KEY_SOURCE, "key file %s: %s", path,
			      strerror(errno));
	if (!S_ISREG(st.st_mode))
		return 0;
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "key file %s belongs to uid %u, neither root "
			      "nor this user, who could change it",
			      path, (unsigned int)st.st_uid);
	if (st.st_mode & 077)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "key file %s has mode %04o: group or others may "
			      "access it; run 'chmod 600 %s'",
			      path, (unsigned int)(st.st_mode & 07777), path);
	return 0;
}

PC_EXPORT int pmemcrypt_key_from_file(struct pmemcrypt_key **key,
				      const char *path)
{
	int fd, ret;

	if (!path)
		return pc_err(PMEMCRYPT_E_INVALID, "key: NULL path");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE, "key file %s: %s", path,
			      strerror(errno));
	ret = file_private(fd, path);
	if (!ret) {
		ret = pmemcrypt_key_from_fd(key, fd);
		if (ret)
			pc_err(ret, "key file %s: %s", path,
			       pmemcrypt_errormsg());
	}
	close(fd);
	return ret;
}

PC_EXPORT int pmemcrypt_key_from_passphrase(struct pmemcrypt_key **key,
					    const char *pass, size_t len)
{
	int ret;

	if (!pass || len == 0 || len > PC_PASS_MAX)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "passphrase: length must be 1 to %d bytes",
			      PC_PASS_MAX);
	ret = key_alloc(key, PMEMCRYPT_KEY_PASSPHRASE);
	if (ret)
		return ret;
	memcpy((*key)->secret, pass, len);
	(*key)->len = len;
	return 0;
}

PC_EXPORT int pmemcrypt_key_from_keyring(struct pmemcrypt_key **key,
					 const char *description)
{
	key_serial_t serial;
	void *payload = NULL;
	long n;
	int ret;

	if (!description || !*description ||
	    strlen(description) >= PC_DESC_MAX)
		return pc_err(PMEMCRYPT_E_INVALID,
			      "keyring: description must be 1 to %d bytes",
			      PC_DESC_MAX - 1);
	serial = request_key("user", description, NULL, 0);
	if (serial < 0)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "keyring: no user key \"%s\": %s", description,
			      strerror(errno));
	n = keyctl_read_alloc(serial, &payload);
	if (n < 0)
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "keyring: cannot read key \"%s\": %s",
			      description, strerror(errno));
	if (n != PMEMCRYPT_KEY_SIZE) {
		explicit_bzero(payload, (size_t)n);
		free(payload);
		return pc_err(PMEMCRYPT_E_KEY_SOURCE,
			      "keyring: key \"%s\" holds %ld bytes, need %d",
			      description, n, PMEMCRYPT_KEY_SIZE);
	}
	ret = key_alloc(key, PMEMCRYPT_KEY_KEYRING);
	if (!ret) {
		memcpy((*key)->secret, payload, PMEMCRYPT_KEY_SIZE);
		(*key)->len = PMEMCRYPT_KEY_SIZE;
		strcpy((*key)->desc, description);
	}
	explicit_bzero(payload, PMEMCRYPT_KEY_SIZE);
	free(payload);
	return ret;
}

PC_EXPORT int pmemcrypt_key_from_clevis(struct pmemcrypt_key **key)
{
	/* No secret of its own: each slot's token holds one. */
	return key_alloc(key, PMEMCRYPT_KEY_CLEVIS);
}

PC_EXPORT void pmemcrypt_key_delete(struct pmemcrypt_key **key)
{
	if (!key || !*key)
		return;
	/* A forked child has the object, not the secret's pages. */
	if ((*key)->owner == getpid())
		pc_secure_free((*key)->secret, PC_PASS_MAX);
	free(*key);
	*key = NULL;
}

PC_EXPORT enum pmemcrypt_key_type
pmemcrypt_key_get_type(const struct pmemcrypt_key *key)
{
	return key->type;
}
