// SPDX-License-Identifier: BSD-3-Clause
/* check.c -- pmemcrypt check: verify, and repair, a pool */

#include <getopt.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cmd.h"
#include "key.h"
#include "progress.h"

/* clang-format off */
static const char check_usage[] =
	"usage: pmemcrypt check <pool> [--repair] <key option>\n"
	"\n"
	"Verify that every mapped unit of the pool decrypts and that its map\n"
	"and logs are consistent, and an object pool's heap too; print a JSON\n"
	"report.  Exits 3 when errors are found.\n"
	"\n"
	"  -r, --repair          rewrite a corrupt header copy\n"
	PROGRESS_HELP
	"  -h, --help            show this help\n"
	"\n"
	OPEN_KEY_HELP;
/* clang-format on */

/* The report as JSON: what was checked, found and repaired. */
static struct json_object *report_json(const char *path,
				       const struct pmemcrypt_check_report *r,
				       int headers_repaired,
				       struct json_object *heap)
{
	struct json_object *obj = json_object_new_object();

	if (!obj) {
		json_object_put(heap);
		return NULL;
	}
	json_add_str(obj, "path", path);
	json_add_u64(obj, "units_mapped", r->units_mapped);
	json_add_u64(obj, "units_unmapped", r->units_unmapped);
	json_add_u64(obj, "blocks_free", r->blocks_free);
	json_add_u64(obj, "headers_repaired", headers_repaired);
	json_add_u64(obj, "errors", r->errors);
	json_add_str(obj, "status", r->errors ? "damaged" : "ok");
	if (heap)
		json_object_object_add(obj, "object_heap", heap);
	return obj;
}

/* Header copies that were corrupt before a repairing open. */
static int corrupt_headers(const char *path)
{
	struct pmemcrypt_info info;
	int ret = pmemcrypt_info_read(&info, path);

	if (ret && ret != PMEMCRYPT_E_HDR_COPY)
		return 0;
	return !info.header_ok[0] + !info.header_ok[1];
}

/* What the command line asked for. */
struct check_args {
	const char *path;
	struct key_source key;
	enum progress_mode progress;
	bool repair;
};

/* Parses the command line into a; returns an exit code, -1 after --help. */
static int parse_args(struct check_args *a, int argc, char **argv)
{
	static const struct option options[] = {
		{"repair", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		PROGRESS_OPTIONS,
		KEY_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int opt, ret;

	options_begin("check", argv);
	while ((opt = getopt_long(argc, argv, "rh", options, NULL)) != -1) {
		if (key_source_parse(&a->key, KEY_OPT_BASE, opt, optarg))
			continue;
		if (opt == 'r') {
			a->repair = true;
		} else if (opt == PROGRESS_OPT_ON || opt == PROGRESS_OPT_OFF) {
			a->progress = opt == PROGRESS_OPT_ON ? PROGRESS_ON
							     : PROGRESS_OFF;
		} else if (opt == 'h') {
			fputs(check_usage, stdout);
			return -1;
		} else {
			return bad_option("check");
		}
	}
	ret = pool_arg("check", argc, argv, optind, &a->path);
	return ret ? ret : key_source_check_open(&a->key, "check");
}

/* Checks the open pool and prints the report; returns an exit code. */
static int run_check(struct pmemcrypt_pool *pool, const struct check_args *a,
		     int repaired)
{
	struct pmemcrypt_check_report report = {0};
	struct json_object *heap = NULL;
	uint64_t heap_errors = 0;
	struct progress bar;
	int ret, err;

	progress_init(&bar, a->progress);
	ret = pmemcrypt_pool_check(pool, &report, progress_update, &bar);
	progress_end(&bar);
	if (ret && !report.errors)
		return fail("check", a->path, ret);
	if (!ret)
		heap = objheap_json(pool, &heap_errors);
	/* errors found: the report first, then the library's summary */
	err = json_print(report_json(a->path, &report, repaired, heap));
	if (err)
		return fail_errno("check", a->path, err, "cannot print");
	if (ret)
		return fail("check", a->path, ret);
	return report.errors || heap_errors ? EXIT_CORRUPT : EXIT_OK;
}

/* pmemcrypt check <pool> [--repair] <key option> */
int cmd_check(int argc, char **argv)
{
	struct check_args a = {.key = KEY_SOURCE_INIT};
	struct pmemcrypt_pool *pool = NULL;
	unsigned int flags;
	int ret, repaired;

	ret = parse_args(&a, argc, argv);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	repaired = a.repair ? corrupt_headers(a.path) : 0;
	flags = a.repair ? PMEMCRYPT_OPEN_REPAIR : 0;
	ret = key_open_pool(&a.key, "check", a.path, flags, &pool, NULL);
	if (ret)
		return ret;
	ret = run_check(pool, &a, repaired);
	return key_close_pool("check", a.path, &pool, ret);
}
