// SPDX-License-Identifier: BSD-3-Clause
/* pool_helper.c -- writes to a pool, or holds it open, for test_cli.sh */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemcrypt.h>

/* Opens the pool at path with the raw key in key_file. */
static int open_pool(struct pmemcrypt_pool **pool, const char *path,
		     const char *key_file)
{
	struct pmemcrypt_key *key = NULL;
	int ret = pmemcrypt_key_from_file(&key, key_file);

	if (!ret)
		ret = pmemcrypt_pool_open(pool, path, key, 0);
	pmemcrypt_key_delete(&key);
	if (ret)
		fprintf(stderr, "pool_helper: %s\n", pmemcrypt_errormsg());
	return ret;
}

/* Keeps the pool open until stdin reaches end of file. */
static int hold(struct pmemcrypt_pool *pool)
{
	char c;

	printf("open\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	return 0;
}

/* pool_helper hold POOL KEY | write POOL KEY OFFSET TEXT */
int main(int argc, char **argv)
{
	struct pmemcrypt_pool *pool = NULL;
	unsigned long long off;
	int ret;

	if (!(argc == 4 && !strcmp(argv[1], "hold")) &&
	    !(argc == 6 && !strcmp(argv[1], "write"))) {
		fprintf(stderr,
			"usage: pool_helper hold POOL KEYFILE\n"
			"       pool_helper write POOL KEYFILE OFFSET TEXT\n");
		return 2;
	}
	if (open_pool(&pool, argv[2], argv[3]))
		return 1;
	if (argc == 4) {
		ret = hold(pool);
	} else {
		off = strtoull(argv[4], NULL, 0);
		ret = pmemcrypt_write(pool, argv[5], strlen(argv[5]), off);
		if (ret)
			fprintf(stderr, "pool_helper: %s\n",
				pmemcrypt_errormsg());
	}
	pmemcrypt_pool_close(&pool);
	return ret ? 1 : 0;
}
