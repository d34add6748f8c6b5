/* SPDX-License-Identifier: BSD-3-Clause */
/* ns.h -- ndctl-crypt: namespaces through libndctl */
#ifndef NDCTL_CRYPT_NS_H
#define NDCTL_CRYPT_NS_H

#include "crypt.h"

struct ndctl_ctx;
struct ndctl_namespace;

void crypt_ns_uuid(struct ndctl_namespace *ndns, char out[CRYPT_UUID_LEN]);
int crypt_ns_find(struct ndctl_ctx *ctx, const char *arg,
		  struct ndctl_namespace **out);
int crypt_binding_read(const char *dev, struct crypt_binding *b);
int crypt_binding_write(const char *dev, key_serial_t serial);
int crypt_rekey_read(const char *dev, struct crypt_rekey *r);
int crypt_rekey_write(const char *dev, key_serial_t serial);
int crypt_ns_info_fill(struct ndctl_namespace *ndns,
		       struct crypt_ns_info *info);

#endif /* NDCTL_CRYPT_NS_H */
