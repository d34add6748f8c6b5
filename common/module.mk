# SPDX-License-Identifier: BSD-3-Clause
# common/module.mk -- small objects that more than one program links:
# runpipe.o (running clevis without a shell) goes into libpmemcrypt and
# ndctl-crypt.

RUNPIPE_OBJ := $(B)/common/runpipe.o
RUNPIPE_CFLAGS := -Icommon
