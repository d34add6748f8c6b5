// SPDX-License-Identifier: BSD-3-Clause
/*
 * main.c -- ndctl-crypt: bind persistent memory namespaces to sealed MKTME
 * keys.  The commands[] table and the dispatch, in the manner of ndctl.
 */
#include <stdio.h>
#include <string.h>
#include <ndctl/libndctl.h>

#include "cmd.h"

#define NDCTL_CRYPT_VERSION "0.1"

const struct crypt_cmd crypt_commands[] = {
	{"list", cmd_list,
	 "usage: ndctl-crypt list [<namespace>] [-i]\n\n"
	 "    -i, --idle            include idle (zero-size) namespaces\n"
	 "    -h, --help            show this help\n",
	 "show namespaces, their sealed keys and mktme bindings (JSON)"},
	{"create-key", cmd_create_key,
	 "usage: ndctl-crypt create-key <namespace> [-m <master>] [-a "
	 "<algorithm>] [-f]\n\n"
	 "    -m, --master <handle> master key sealing the new key, user:DESC "
	 "or\n"
	 "                          trusted:DESC (default " CRYPT_MASTER_DEFAULT
	 ")\n"
	 "    -a, --algorithm <alg> aes-xts-256 (default) or aes-xts-128\n"
	 "    -f, --force           replace an existing sealed key\n"
	 "    -h, --help            show this help\n",
	 "have the kernel generate a random key and store it sealed"},
	{"import-key", cmd_import_key,
	 "usage: ndctl-crypt import-key <namespace> -k <file> [-m <master>] "
	 "[-f]\n\n"
	 "    -k, --key-file <file> data key then tweak key: 128 (aes-xts-256) "
	 "or\n"
	 "                          64 (aes-xts-128) hex digits, or 64/32 raw\n"
	 "                          bytes; '-' reads standard input\n"
	 "    -m, --master <handle> master key (default " CRYPT_MASTER_DEFAULT
	 ")\n"
	 "    -f, --force           replace an existing sealed key\n"
	 "    -h, --help            show this help\n",
	 "seal a user-supplied key and store it"},
	{"remove-key", cmd_remove_key,
	 "usage: ndctl-crypt remove-key <namespace>\n\n"
	 "    -h, --help            show this help\n",
	 "delete a namespace's sealed key (refused while bound)"},
	{"enable-namespace", cmd_enable_namespace,
	 "usage: ndctl-crypt enable-namespace <namespace>\n\n"
	 "    -h, --help            show this help\n",
	 "load its key, program a KeyID, bind and enable the namespace"},
	{"disable-namespace", cmd_disable_namespace,
	 "usage: ndctl-crypt disable-namespace <namespace>\n\n"
	 "    -h, --help            show this help\n",
	 "disable the namespace, unbind it and drop its mktme key"},
	{"rotate-key", cmd_rotate_key,
	 "usage: ndctl-crypt rotate-key <namespace> [-k <file>] [-m <master>] "
	 "[-a <algorithm>]\n"
	 "                              [--no-enable] [--no-progress]\n\n"
	 "    -k, --import <file>   the new key: 128 (aes-xts-256) or 64 "
	 "(aes-xts-128)\n"
	 "                          hex digits, or 64/32 raw bytes; '-' reads "
	 "standard\n"
	 "                          input (default: the kernel generates it)\n"
	 "    -m, --master <handle> master key sealing the new key (default: "
	 "the one\n"
	 "                          sealing the current key)\n"
	 "    -a, --algorithm <alg> aes-xts-256 or aes-xts-128 (default: the "
	 "current\n"
	 "                          key's)\n"
	 "        --no-enable       leave the namespace disabled afterwards\n"
	 "        --no-progress     no progress bar or progress lines\n"
	 "    -h, --help            show this help\n\n"
	 "Run it again after an interruption: it resumes with the stored new "
	 "key.\n",
	 "re-encrypt a namespace in place with a new key (resumable)"},
	{"erase", cmd_erase,
	 "usage: ndctl-crypt erase <namespace> [-k <file>] [-m <master>] "
	 "[-a <algorithm>]\n"
	 "                         [-M mem|dev] [--yes]\n\n"
	 "    -k, --import <file>   the new key, as for import-key (default: "
	 "the kernel\n"
	 "                          generates it)\n"
	 "    -m, --master <handle> master key sealing the new key (default: "
	 "the one\n"
	 "                          sealing the old key)\n"
	 "    -a, --algorithm <alg> aes-xts-256 or aes-xts-128 (default: the "
	 "old key's)\n"
	 "    -M, --map mem|dev     where the new fsdax/devdax device keeps "
	 "its "
	 "page\n"
	 "                          map (default: as it was; dev when it is "
	 "disabled)\n"
	 "    -y, --yes             do not ask for confirmation\n"
	 "    -h, --help            show this help\n\n"
	 "Destroys every copy of the old key that ndctl-crypt holds (the "
	 "sealed blob,\n"
	 "the kernel keys, the key check on the media) and enables the "
	 "namespace with\n"
	 "a new key, ready for a new file system.  The data is not "
	 "rewritten: it stays\n"
	 "readable only with a copy of the old key kept elsewhere.\n",
	 "destroy a namespace's key and give it a new one (crypto-erase)"},
	{"load-keys", cmd_load_keys,
	 "usage: ndctl-crypt load-keys [--no-clevis]\n\n"
	 "        --no-clevis       do not unseal master keys bound through "
	 "clevis\n"
	 "                          (before the network is up)\n"
	 "    -h, --help            show this help\n\n"
	 "Master keys bound through clevis (bind-master) are unsealed "
	 "first.\n",
	 "at boot: enable every namespace of the store with its key"},
	{"bind-master", cmd_bind_master,
	 "usage: ndctl-crypt bind-master <pin> <config> [-m <master>] [-y] "
	 "[-f]\n\n"
	 "    <pin> <config>        as for 'clevis encrypt': tang, tpm2 or "
	 "sss, and its\n"
	 "                          JSON configuration\n"
	 "    -m, --master <handle> the user master key to bind, user:DESC "
	 "(default\n"
	 "                          " CRYPT_MASTER_DEFAULT ")\n"
	 "    -y, --trust           trust a Tang server's advertisement "
	 "without asking\n"
	 "    -f, --force           replace an existing binding\n"
	 "    -h, --help            show this help\n\n"
	 "The master key (loaded in the user keyring) goes to clevis "
	 "encrypt through a\n"
	 "pipe; the JWE is kept in the store, and load-keys puts the key "
	 "back into the\n"
	 "keyring at boot while the Tang server answers or the TPM "
	 "unseals.\n",
	 "bind a master key through clevis (Tang, TPM, sss) for load-keys"},
	{"unbind-master", cmd_unbind_master,
	 "usage: ndctl-crypt unbind-master [-m <master>]\n\n"
	 "    -m, --master <handle> the bound master key, user:DESC "
	 "(default " CRYPT_MASTER_DEFAULT ")\n"
	 "    -h, --help            show this help\n",
	 "delete a master key's clevis binding"},
	{NULL, NULL, NULL, NULL},
};

/* The overall help: commands and their summaries. */
static void main_usage(FILE *f)
{
	const struct crypt_cmd *c;

	fprintf(f, "usage: ndctl-crypt [--version] [--help] <command> "
		   "[<args>]\n\n");
	for (c = crypt_commands; c->name; c++)
		fprintf(f, "    %-17s %s\n", c->name, c->summary);
	fprintf(f,
		"\nSee 'ndctl-crypt <command> --help' and ndctl-crypt(1).\n");
}

/* Finds a command by name. */
static const struct crypt_cmd *find_cmd(const char *name)
{
	const struct crypt_cmd *c;

	for (c = crypt_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Runs the command named by argv[1] with a libndctl context. */
int main(int argc, char **argv)
{
	const struct crypt_cmd *c;
	struct ndctl_ctx *ctx = NULL;
	int ret;

	if (argc < 2) {
		main_usage(stderr);
		return CRYPT_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(stdout);
		return CRYPT_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ndctl-crypt %s\n", NDCTL_CRYPT_VERSION);
		return CRYPT_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		c = argc > 2 ? find_cmd(argv[2]) : NULL;
		if (!c) {
			main_usage(argc > 2 ? stderr : stdout);
			return argc > 2 ? CRYPT_EXIT_USAGE : CRYPT_EXIT_OK;
		}
		printf("%s", c->usage);
		return CRYPT_EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c) {
		crypt_error("unknown command '%s'", argv[1]);
		main_usage(stderr);
		return CRYPT_EXIT_USAGE;
	}
	if (ndctl_new(&ctx)) {
		crypt_error("cannot open libndctl; is the nvdimm bus loaded?");
		return CRYPT_EXIT_FAIL;
	}
	ret = c->fn(argc - 1, argv + 1, ctx);
	ndctl_unref(ctx);
	return ret;
}
