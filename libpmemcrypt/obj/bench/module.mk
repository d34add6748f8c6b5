# SPDX-License-Identifier: BSD-3-Clause
# libpmemcrypt/obj/bench/module.mk -- 'make bench-obj' (part of 'make
# bench'): PMDK's map examples on libpmemobj and on libpmemcrypt-obj.

BENCHES += bench-obj

.PHONY: bench-obj
bench-obj: $(LIBPCOBJ_DEVLINK)
	$(Q)libpmemcrypt/obj/bench/bench_obj.sh $(B)
