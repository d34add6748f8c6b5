// SPDX-License-Identifier: BSD-3-Clause
/* main.c -- pmemcrypt: the command table and dispatch */

#include <stdio.h>
#include <string.h>

#include "cmd.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char usage_head[] =
	"usage: pmemcrypt [--version] [--help] <command> [options] <pool>\n"
	"\n"
	"Commands:\n";
static const char usage_tail[] =
	"\nSee 'pmemcrypt <command> --help' or 'man pmemcrypt-<command>'.\n";

static const struct command commands[] = {
	{"create", cmd_create, "create a pool in a file or device-dax"},
	{"info", cmd_info, "print a pool's header (and heap) as JSON"},
	{"check", cmd_check, "verify (and repair) a pool's metadata and data"},
	{"add-key", cmd_add_key, "add a key slot"},
	{"remove-key", cmd_remove_key, "remove a key slot"},
	{"change-key", cmd_change_key, "replace the slot a key opens"},
	{"dump", cmd_dump, "write decrypted pool contents to stdout"},
	{"shred", cmd_shred, "destroy every key of a pool, for ever"},
};

/* Prints the tool's usage and its commands to f. */
static void usage(FILE *f)
{
	fputs(usage_head, f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
	fputs(usage_tail, f);
}

/* Finds a command by name. */
static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* Runs "pmemcrypt <command> ...", "pmemcrypt help <command>" or --help. */
int main(int argc, char **argv)
{
	char *help_argv[] = {NULL, "--help", NULL};
	const struct command *cmd;
	const char *name;
	bool help;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    (!strcmp(name, "help") && argc < 3)) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version")) {
		printf("pmemcrypt %d.%d\n", PMEMCRYPT_MAJOR_VERSION,
		       PMEMCRYPT_MINOR_VERSION);
		return EXIT_OK;
	}
	help = !strcmp(name, "help");
	if (help)
		name = argv[2];
	cmd = find_command(name);
	if (!cmd) {
		fprintf(stderr, "pmemcrypt: unknown command '%s'\n\n", name);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (help) {
		help_argv[0] = argv[2];
		return cmd->fn(2, help_argv);
	}
	return cmd->fn(argc - 1, argv + 1);
}
