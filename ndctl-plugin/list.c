// SPDX-License-Identifier: BSD-3-Clause
/* list.c -- 'ndctl-crypt list': namespaces, sealed keys and bindings */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include <ndctl/libndctl.h>

#include "cmd.h"
#include "ns.h"

/* Appends the namespace to @arr; 0 or an exit code. */
static int list_one(struct ndctl_namespace *ndns, struct json_object *arr)
{
	struct crypt_ns_info info;
	struct json_object *obj;
	int ret = crypt_ns_info_fill(ndns, &info);

	if (ret)
		fprintf(stderr, "ndctl-crypt: warning: %s: mktme_key: %s\n",
			info.dev, strerror(-ret));
	obj = crypt_ns_json(&info);
	if (!obj || json_object_array_add(arr, obj)) {
		json_object_put(obj);
		crypt_error("out of memory");
		return CRYPT_EXIT_FAIL;
	}
	return CRYPT_EXIT_OK;
}

/* Prints one object alone, several as an array, as 'ndctl list' does. */
static void print_json(struct json_object *arr)
{
	int flags = JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		    JSON_C_TO_STRING_NOSLASHESCAPE;
	size_t n = json_object_array_length(arr);

	if (!n)
		return;
	printf("%s\n", json_object_to_json_string_ext(
			       n == 1 ? json_object_array_get_idx(arr, 0) : arr,
			       flags));
}

/* list: prints every namespace, or the one named, as JSON. */
int cmd_list(int argc, char **argv, struct ndctl_ctx *ctx)
{
	static const struct option opts[] = {
		{"idle", no_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct json_object *arr;
	struct ndctl_bus *bus;
	struct crypt_target t;
	bool idle = false;
	int c, ret = CRYPT_EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ih", opts, NULL)) != -1) {
		if (c == 'i') {
			idle = true;
		} else if (c == 'h') {
			return crypt_help("list");
		} else {
			return crypt_usage("list");
		}
	}
	if (argc - optind > 1)
		return crypt_usage("list");
	/* sealed keys in a store others could write are not shown */
	ret = crypt_store_check();
	if (ret == -EPERM)
		fprintf(stderr,
			"ndctl-crypt: warning: not trusting the key store: "
			"%s\n",
			crypt_store_strerror(ret));
	ret = CRYPT_EXIT_OK;
	arr = json_object_new_array();
	if (!arr)
		return CRYPT_EXIT_FAIL;
	if (optind < argc) {
		if (crypt_ns_kind(argv[optind]) == CRYPT_NS_INVALID) {
			ret = crypt_target_find(ctx, argv[optind], false, &t);
		} else if (crypt_ns_find(ctx, argv[optind], &ndns)) {
			crypt_error("no namespace %s on this machine (see "
				    "'ndctl list -N')",
				    argv[optind]);
			ret = CRYPT_EXIT_NO_NAMESPACE;
		} else {
			ret = list_one(ndns, arr);
		}
		goto out;
	}
	ndctl_bus_foreach(ctx, bus)
	{
		ndctl_region_foreach(bus, region)
		{
			ndctl_namespace_foreach(region, ndns)
			{
				if (!idle && !ndctl_namespace_get_size(ndns))
					continue;
				ret = list_one(ndns, arr);
				if (ret)
					goto out;
			}
		}
	}
out:
	if (!ret)
		print_json(arr);
	json_object_put(arr);
	return ret;
}
