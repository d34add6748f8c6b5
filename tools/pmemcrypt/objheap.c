// SPDX-License-Identifier: BSD-3-Clause
/* objheap.c -- the object heap of a pool (libpmemcrypt-obj) as JSON */

#include <errno.h>

#include <json-c/json.h>
#include <libpmemcrypt-obj.h>

#include "cmd.h"

/* The type counts as an array of {type_num, objects, bytes}. */
static struct json_object *types_json(const struct pmemcrypt_obj_stats *st)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; arr && i < st->ntypes; i++) {
		struct json_object *t = json_object_new_object();

		json_add_u64(t, "type_num", st->types[i].type_num);
		json_add_u64(t, "objects", st->types[i].objects);
		json_add_u64(t, "bytes", st->types[i].bytes);
		json_object_array_add(arr, t);
	}
	return arr;
}

struct json_object *objheap_json(struct pmemcrypt_pool *pool, uint64_t *errors)
{
	struct pmemcrypt_obj_stats st;
	struct json_object *obj;
	int ret = pmemcrypt_obj_stats(pool, &st);

	if (ret == -ENOENT)
		return NULL;
	obj = json_object_new_object();
	if (!obj) {
		pmemcrypt_obj_stats_free(&st);
		return NULL;
	}
	if (ret) {
		json_add_str(obj, "status", "damaged");
		json_add_str(obj, "error", pmemobj_errormsg());
		(*errors)++;
		return obj;
	}
	json_add_str(obj, "layout", st.layout);
	json_add_u64(obj, "chunks", st.chunks);
	json_add_u64(obj, "chunk_size", st.chunk_size);
	json_add_u64(obj, "heap_bytes", st.heap_bytes);
	json_add_u64(obj, "allocated_bytes", st.allocated_bytes);
	json_add_u64(obj, "runs", st.runs);
	json_add_u64(obj, "spans", st.spans);
	json_add_u64(obj, "root_size", st.root_size);
	json_add_u64(obj, "objects", st.objects);
	json_object_object_add(obj, "types", types_json(&st));
	json_add_u64(obj, "errors", st.errors);
	json_add_str(obj, "status", st.errors ? "damaged" : "ok");
	*errors += st.errors;
	pmemcrypt_obj_stats_free(&st);
	return obj;
}
