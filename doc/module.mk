# SPDX-License-Identifier: BSD-3-Clause
# doc/module.mk -- man pages: markdown in doc/man/, roff in $(B)/doc/man/.
#
# Each function documented on another function's page gets a one-line
# alias page (".so man3/<page>.3"), so that 'man pmemcrypt_write' works.

MAN_SRC := $(wildcard doc/man/*.md)
MAN_PAGES := $(patsubst doc/man/%.md,$(B)/doc/man/%,$(MAN_SRC))

# <page>: the functions it documents besides its own name
MAN3_ALIASES.pmemcrypt_pool_open := pmemcrypt_pool_create pmemcrypt_pool_create_fd \
	pmemcrypt_config_set_overwrite \
	pmemcrypt_pool_close pmemcrypt_pool_base pmemcrypt_pool_size \
	pmemcrypt_pool_set_view_budget \
	pmemcrypt_config_new pmemcrypt_config_delete \
	pmemcrypt_config_set_cipher pmemcrypt_config_set_size \
	pmemcrypt_config_set_kdf pmemcrypt_config_set_lanes \
	pmemcrypt_config_set_progress pmemcrypt_config_set_engine \
	pmemcrypt_pool_engine pmemcrypt_engine_name
MAN3_ALIASES.pmemcrypt_persist := pmemcrypt_read pmemcrypt_write \
	pmemcrypt_pool_max_atomic
MAN3_ALIASES.pmemcrypt_tx_begin := pmemcrypt_tx_add pmemcrypt_tx_commit \
	pmemcrypt_tx_abort
MAN3_ALIASES.pmemcrypt_key_from_raw := pmemcrypt_key_from_file \
	pmemcrypt_key_from_fd pmemcrypt_key_from_passphrase \
	pmemcrypt_key_from_keyring pmemcrypt_key_from_clevis \
	pmemcrypt_key_delete \
	pmemcrypt_key_get_type
MAN3_ALIASES.pmemcrypt_pool_add_key := pmemcrypt_pool_remove_key \
	pmemcrypt_pool_change_key pmemcrypt_pool_find_slot \
	pmemcrypt_pool_add_clevis
MAN3_ALIASES.pmemcrypt_info_read := pmemcrypt_cipher_name \
	pmemcrypt_key_type_name pmemcrypt_pool_check
MAN3_ALIASES.pmemcrypt_errormsg := pmemcrypt_strerror
# libpmemcrypt-obj
MAN3_ALIASES.pmemobj_open := pmemobj_create pmemobj_close pmemobj_check \
	pmemobj_errormsg pmemobj_check_version
MAN3_ALIASES.pmemobj_direct := pmemobj_oid pmemobj_pool_by_oid \
	pmemobj_pool_by_ptr
MAN3_ALIASES.pmemobj_root := pmemobj_root_construct pmemobj_root_size
MAN3_ALIASES.pmemobj_alloc := pmemobj_xalloc pmemobj_zalloc pmemobj_realloc \
	pmemobj_zrealloc pmemobj_strdup pmemobj_free \
	pmemobj_alloc_usable_size pmemobj_type_num
MAN3_ALIASES.pmemobj_first := pmemobj_next
MAN3_ALIASES.pmemobj_persist := pmemobj_xpersist pmemobj_flush \
	pmemobj_xflush pmemobj_drain pmemobj_memcpy_persist \
	pmemobj_memset_persist pmemobj_memcpy pmemobj_memmove pmemobj_memset
MAN3_ALIASES.pmemobj_tx_begin := pmemobj_tx_lock pmemobj_tx_xlock \
	pmemobj_tx_abort pmemobj_tx_commit pmemobj_tx_end pmemobj_tx_process \
	pmemobj_tx_stage pmemobj_tx_errno pmemobj_tx_set_failure_behavior \
	pmemobj_tx_get_failure_behavior pmemobj_tx_add_range \
	pmemobj_tx_add_range_direct pmemobj_tx_xadd_range \
	pmemobj_tx_xadd_range_direct pmemobj_tx_alloc pmemobj_tx_zalloc \
	pmemobj_tx_xalloc pmemobj_tx_realloc pmemobj_tx_zrealloc \
	pmemobj_tx_strdup pmemobj_tx_xstrdup pmemobj_tx_free pmemobj_tx_xfree
MAN3_ALIASES.pmemobj_reserve := pmemobj_xreserve pmemobj_set_value \
	pmemobj_defer_free pmemobj_publish pmemobj_tx_publish pmemobj_cancel
MAN3_ALIASES.pmemobj_list_insert := pmemobj_list_insert_new \
	pmemobj_list_remove pmemobj_list_move
MAN3_ALIASES.pmemobj_mutex_zero := pmemobj_mutex_lock \
	pmemobj_mutex_timedlock pmemobj_mutex_trylock pmemobj_mutex_unlock \
	pmemobj_rwlock_zero pmemobj_rwlock_rdlock pmemobj_rwlock_wrlock \
	pmemobj_rwlock_tryrdlock pmemobj_rwlock_trywrlock \
	pmemobj_rwlock_unlock pmemobj_cond_zero pmemobj_cond_broadcast \
	pmemobj_cond_signal pmemobj_cond_wait
MAN3_ALIASES.pmemcrypt_obj_stats := pmemcrypt_obj_stats_free

MAN3_WITH_ALIASES := $(patsubst MAN3_ALIASES.%,%,$(filter MAN3_ALIASES.%,$(.VARIABLES)))
MAN_ALIAS_PAGES := $(foreach p,$(MAN3_WITH_ALIASES), \
	$(patsubst %,$(B)/doc/man/%.3,$(MAN3_ALIASES.$(p))))

# Commands documented on another command's page (section 1).
MAN1_ALIAS_PAGES := $(B)/doc/man/ndctl-crypt-unbind-master.1

ALL += $(MAN_PAGES) $(MAN_ALIAS_PAGES) $(MAN1_ALIAS_PAGES)
INSTALL_MAN += $(MAN_PAGES) $(MAN_ALIAS_PAGES) $(MAN1_ALIAS_PAGES)

$(B)/doc/man/%: doc/man/%.md
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)command -v go-md2man >/dev/null || \
		{ echo "error: go-md2man is missing (run 'make deps')" >&2; exit 1; }
	$(Q)go-md2man -in $< -out $@

# $(1): page, $(2): alias
define man_alias
$(B)/doc/man/$(2).3: $(B)/doc/man/$(1).3
	$$(call msg,MAN,$$@)
	$(Q)echo '.so man3/$(1).3' >$$@
endef
$(foreach p,$(MAN3_WITH_ALIASES),$(foreach a,$(MAN3_ALIASES.$(p)), \
	$(eval $(call man_alias,$(p),$(a)))))

$(B)/doc/man/ndctl-crypt-unbind-master.1: $(B)/doc/man/ndctl-crypt-bind-master.1
	$(call msg,MAN,$@)
	$(Q)echo '.so man1/ndctl-crypt-bind-master.1' >$@
