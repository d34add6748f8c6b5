// SPDX-License-Identifier: BSD-3-Clause
/*
 * keyring.c -- kernel keys: find the master key, add encrypted keys (new
 * random, imported, or loaded from a sealed blob) and read their blobs.
 * The key bytes stay in the kernel, except while an imported key's hex
 * form is handed to add_key(), in locked memory that is then wiped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "crypt.h"

/* Finds the master key "<type>:<desc>" in @ring; its serial or -errno. */
int crypt_master_check(const char *master, key_serial_t ring)
{
	char type[16], desc[CRYPT_DESC_MAX];
	key_serial_t key;
	int ret;

	ret = crypt_master_parse(master, type, sizeof(type), desc,
				 sizeof(desc));
	if (ret)
		return ret;
	key = keyctl_search(ring, type, desc, 0);
	return key < 0 ? -errno : key;
}

/* Finds the encrypted key @desc in @ring; its serial or -errno. */
key_serial_t crypt_key_find(const char *desc, key_serial_t ring)
{
	key_serial_t key = keyctl_search(ring, "encrypted", desc, 0);

	return key < 0 ? -errno : key;
}

/* Has the kernel generate a random @key_len-byte key sealed by @master. */
key_serial_t crypt_key_create(const char *desc, const char *master,
			      unsigned int key_len, key_serial_t ring)
{
	char cmd[CRYPT_DESC_MAX + 32];
	key_serial_t key;
	int ret;

	ret = crypt_new_cmd(cmd, sizeof(cmd), master, key_len);
	if (ret)
		return ret;
	key = add_key("encrypted", desc, cmd, strlen(cmd), ring);
	return key < 0 ? -errno : key;
}

/*
 * Adds an encrypted key holding @key, sealed by @master.  Needs a kernel
 * with CONFIG_USER_DECRYPTED_DATA; others answer -EINVAL.
 */
key_serial_t crypt_key_import(const char *desc, const char *master,
			      const unsigned char *key, unsigned int key_len,
			      key_serial_t ring)
{
	static const char digits[] = "0123456789abcdef";
	char cmd[CRYPT_DESC_MAX + 32 + 2 * CRYPT_KEY_XTS256 + 2];
	key_serial_t serial;
	unsigned int i;
	size_t n;
	int ret;

	ret = crypt_new_cmd(cmd, sizeof(cmd), master, key_len);
	if (ret)
		return ret;
	mlock(cmd, sizeof(cmd));
	n = strlen(cmd);
	cmd[n++] = ' ';
	for (i = 0; i < key_len; i++) {
		cmd[n++] = digits[key[i] >> 4];
		cmd[n++] = digits[key[i] & 0xf];
	}
	serial = add_key("encrypted", desc, cmd, n, ring);
	ret = serial < 0 ? -errno : serial;
	explicit_bzero(cmd, sizeof(cmd));
	munlock(cmd, sizeof(cmd));
	return ret;
}

/* Adds the encrypted key @desc from a sealed blob ("load <blob>"). */
key_serial_t crypt_key_load(const char *desc, const char *blob, size_t len,
			    key_serial_t ring)
{
	key_serial_t key;
	char *cmd;

	if (!blob || !len || len > CRYPT_BLOB_MAX)
		return -EINVAL;
	while (len && (blob[len - 1] == '\n' || blob[len - 1] == '\0'))
		len--;
	cmd = malloc(len + 6);
	if (!cmd)
		return -ENOMEM;
	memcpy(cmd, "load ", 5);
	memcpy(cmd + 5, blob, len);
	cmd[len + 5] = '\0';
	key = add_key("encrypted", desc, cmd, len + 5, ring);
	free(cmd);
	return key < 0 ? -errno : key;
}

/* Reads the sealed blob of an encrypted key; the caller frees it. */
int crypt_key_blob(key_serial_t key, char **blob, size_t *len)
{
	void *buf = NULL;
	long n = keyctl_read_alloc(key, &buf);

	if (n < 0)
		return -errno;
	if (!n || n > CRYPT_BLOB_MAX) {
		free(buf);
		return -EINVAL;
	}
	*blob = buf;
	*len = (size_t)n;
	return 0;
}

/* Finds the mktme key @desc in @ring; its serial or -errno. */
key_serial_t crypt_mktme_find(const char *desc, key_serial_t ring)
{
	key_serial_t key = keyctl_search(ring, "mktme", desc, 0);

	return key < 0 ? -errno : key;
}

/*
 * Adds the mktme key @desc: the kernel takes the key from the source the
 * payload names and programs a KeyID with it.
 */
key_serial_t crypt_mktme_add(const char *desc, const char *payload,
			     key_serial_t ring)
{
	key_serial_t key =
		add_key("mktme", desc, payload, strlen(payload), ring);

	return key < 0 ? -errno : key;
}
