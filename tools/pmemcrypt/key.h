/* SPDX-License-Identifier: BSD-3-Clause */
/* key.h -- the key options every command that opens a pool shares */

#ifndef PMEMCRYPT_KEY_OPT_H
#define PMEMCRYPT_KEY_OPT_H 1

#include <getopt.h>
#include <stdbool.h>

#include <libpmemcrypt.h>

/* getopt_long values: a key option is base + one of these. */
enum key_opt {
	KEY_OPT_FILE,
	KEY_OPT_PASS_FILE,
	KEY_OPT_PROMPT,
	KEY_OPT_KEYRING,
	KEY_OPT_CLEVIS, /* opening: no option given; new: add-key --clevis */
	KEY_OPT_COUNT,
};

#define KEY_OPT_BASE 0x100     /* --key-file, --passphrase, ... */
#define NEW_KEY_OPT_BASE 0x110 /* --new-key-file, --new-passphrase, ... */

#define FORCE_PASSWORD_OPT 0x120 /* --force-password */

/* Characters a new passphrase needs, unless --force-password is given */
#define PASSPHRASE_MIN 8

/* clang-format off */
#define KEY_OPTIONS							\
	{ "key-file", required_argument, NULL,				\
	  KEY_OPT_BASE + KEY_OPT_FILE },				\
	{ "passphrase-file", required_argument, NULL,			\
	  KEY_OPT_BASE + KEY_OPT_PASS_FILE },				\
	{ "passphrase", no_argument, NULL,				\
	  KEY_OPT_BASE + KEY_OPT_PROMPT },				\
	{ "keyring", required_argument, NULL,				\
	  KEY_OPT_BASE + KEY_OPT_KEYRING }

#define NEW_KEY_OPTIONS							\
	{ "new-key-file", required_argument, NULL,			\
	  NEW_KEY_OPT_BASE + KEY_OPT_FILE },				\
	{ "new-passphrase-file", required_argument, NULL,		\
	  NEW_KEY_OPT_BASE + KEY_OPT_PASS_FILE },			\
	{ "new-passphrase", no_argument, NULL,				\
	  NEW_KEY_OPT_BASE + KEY_OPT_PROMPT },				\
	{ "new-keyring", required_argument, NULL,			\
	  NEW_KEY_OPT_BASE + KEY_OPT_KEYRING }

#define FORCE_PASSWORD_OPTION						\
	{ "force-password", no_argument, NULL, FORCE_PASSWORD_OPT }
/* clang-format on */

#define KEY_HELP "Key (exactly one):\n" KEY_HELP_LINES
/* The key help of commands that open a pool with its clevis slots when
 * no key option is given. */
#define OPEN_KEY_HELP                                           \
	"Key (at most one; none: the pool's clevis slots, see " \
	"add-key):\n" KEY_HELP_LINES
#define KEY_HELP_LINES                                                      \
	"      --key-file FILE   32 raw key bytes from FILE ('-': stdin)\n" \
	"      --passphrase-file FILE\n"                                    \
	"                        a passphrase from FILE ('-': stdin)\n"     \
	"      --passphrase      ask for a passphrase on the terminal\n"    \
	"      --keyring DESC    the kernel keyring user key DESC\n"

#define NEW_KEY_HELP                                             \
	"New key (exactly one):\n"                               \
	"      --new-key-file FILE\n"                            \
	"                        32 raw key bytes from FILE\n"   \
	"      --new-passphrase-file FILE\n"                     \
	"                        a passphrase from FILE\n"       \
	"      --new-passphrase  ask for a passphrase (twice)\n" \
	"      --new-keyring DESC\n"                             \
	"                        the kernel keyring user key DESC\n"

#define FORCE_PASSWORD_HELP                                              \
	"      --force-password  take a new passphrase shorter than 8\n" \
	"                        characters\n"

/* Where one key comes from, as the command line said. */
struct key_source {
	const char *label;  /* "key" or "new key", for messages */
	const char *prompt; /* what --passphrase asks */
	const char *arg;    /* file name or keyring description */
	enum key_opt kind;
	int given;	     /* how many key options were given */
	bool force_password; /* a new passphrase may be short */
};

/* clang-format off */
#define KEY_SOURCE_INIT { .label = "key", .prompt = "Passphrase: " }
#define NEW_KEY_SOURCE_INIT { .label = "new key", .prompt = "New passphrase: " }
/* clang-format on */

bool key_source_parse(struct key_source *ks, int base, int opt,
		      const char *arg);
int key_source_check(const struct key_source *ks, const char *cmd);
int key_source_check_open(struct key_source *ks, const char *cmd);
int key_source_load(const struct key_source *ks, const char *cmd,
		    const char *path, bool is_new, struct pmemcrypt_key **key);
int key_open_pool(const struct key_source *ks, const char *cmd,
		  const char *path, unsigned int flags,
		  struct pmemcrypt_pool **pool, struct pmemcrypt_key **key);

int key_close_pool(const char *cmd, const char *path,
		   struct pmemcrypt_pool **pool, int ret);

/* passphrase.c */
#define PASSPHRASE_MAX 1024
int passphrase_from_fd(int fd, char *buf, size_t *len);
int passphrase_from_tty(const char *prompt, bool confirm, char *buf,
			size_t *len);

#endif
