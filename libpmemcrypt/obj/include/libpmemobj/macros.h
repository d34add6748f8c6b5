/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libpmemobj/macros.h -- typed persistent pointers, layouts, transaction
 * blocks and lists, as libpmemobj programs write them (included by
 * <libpmemobj.h>).  Uses GNU C: typeof, statement expressions, casts to
 * a union and __COUNTER__.
 */
#ifndef PMEMCRYPT_LIBPMEMOBJ_MACROS_H
#define PMEMCRYPT_LIBPMEMOBJ_MACROS_H 1

#include <errno.h>
#include <string.h>

/*
 * Typed handles.  TOID(struct foo) is "union foo_toid": the prefix pasted
 * to "struct", "union" or "enum" expands to nothing.  A handle carries its
 * type number in the size of an array type.
 */
#define _pcobj_struct
#define _pcobj_union
#define _pcobj_enum

#define TOID(t) union _pcobj_##t##_toid
#define _PCOBJ_TN(t) _pcobj_##t##_pcobj_tn

#define TOID_DECLARE(t, i)                     \
	typedef uint8_t _PCOBJ_TN(t)[(i) + 1]; \
	TOID(t)                                \
	{                                      \
		PMEMoid oid;                   \
		t *_type;                      \
		_PCOBJ_TN(t) * _type_num;      \
	}

#define POBJ_ROOT_TYPE_NUM 0
#define TOID_DECLARE_ROOT(t) TOID_DECLARE(t, POBJ_ROOT_TYPE_NUM)

#define TOID_TYPE_NUM(t) (sizeof(_PCOBJ_TN(t)) - 1)
#define TOID_TYPE_NUM_OF(o) (sizeof(*(o)._type_num) - 1)
#define TOID_VALID(o) (TOID_TYPE_NUM_OF(o) == pmemobj_type_num((o).oid))
#define OID_INSTANCEOF(o, t) (TOID_TYPE_NUM(t) == pmemobj_type_num(o))

#define TOID_ASSIGN(o, value)      \
	({                         \
		(o).oid = (value); \
		(o);               \
	})
#define TOID_IS_NULL(o) ((o).oid.off == 0)
#define TOID_EQUALS(lhs, rhs)              \
	((lhs).oid.off == (rhs).oid.off && \
	 (lhs).oid.pool_uuid_lo == (rhs).oid.pool_uuid_lo)
#define TOID_NULL(t) ((TOID(t))OID_NULL)
#define TOID_OFFSETOF(o, field) offsetof(__typeof__(*(o)._type), field)

#define DIRECT_RW(o) ((__typeof__(*(o)._type) *)pmemobj_direct((o).oid))
#define DIRECT_RO(o) ((const __typeof__(*(o)._type) *)pmemobj_direct((o).oid))
#define D_RW DIRECT_RW
#define D_RO DIRECT_RO

/*
 * Layouts: POBJ_LAYOUT_BEGIN(name), POBJ_LAYOUT_ROOT(name, t),
 * POBJ_LAYOUT_TOID(name, t)..., POBJ_LAYOUT_END(name).  Types are
 * numbered 1, 2, ... in the order they are declared.
 */
#define POBJ_LAYOUT_BEGIN(name) \
	typedef uint8_t _pcobj_layout_##name##_base[__COUNTER__ + 1]
#define POBJ_LAYOUT_TOID(name, t) \
	TOID_DECLARE(t, (__COUNTER__ + 1 - sizeof(_pcobj_layout_##name##_base)))
#define POBJ_LAYOUT_ROOT(name, t) TOID_DECLARE_ROOT(t)
#define POBJ_LAYOUT_END(name)                      \
	typedef uint8_t _pcobj_layout_##name##_end \
		[__COUNTER__ + 1 - sizeof(_pcobj_layout_##name##_base)]
#define POBJ_LAYOUT_NAME(name) #name
#define POBJ_LAYOUT_TYPES_NUM(name) (sizeof(_pcobj_layout_##name##_end) - 1)

/*
 * Atomic allocation.
 */
#define POBJ_NEW(pop, o, t, constr, arg)                                  \
	pmemobj_alloc((pop), (PMEMoid *)(o), sizeof(t), TOID_TYPE_NUM(t), \
		      (constr), (arg))
#define POBJ_ALLOC(pop, o, t, size, constr, arg)                       \
	pmemobj_alloc((pop), (PMEMoid *)(o), (size), TOID_TYPE_NUM(t), \
		      (constr), (arg))
#define POBJ_XALLOC(pop, o, t, size, flags, constr, arg)                \
	pmemobj_xalloc((pop), (PMEMoid *)(o), (size), TOID_TYPE_NUM(t), \
		       (flags), (constr), (arg))
#define POBJ_ZNEW(pop, o, t) \
	pmemobj_zalloc((pop), (PMEMoid *)(o), sizeof(t), TOID_TYPE_NUM(t))
#define POBJ_ZALLOC(pop, o, t, size) \
	pmemobj_zalloc((pop), (PMEMoid *)(o), (size), TOID_TYPE_NUM(t))
#define POBJ_REALLOC(pop, o, t, size) \
	pmemobj_realloc((pop), (PMEMoid *)(o), (size), TOID_TYPE_NUM(t))
#define POBJ_ZREALLOC(pop, o, t, size) \
	pmemobj_zrealloc((pop), (PMEMoid *)(o), (size), TOID_TYPE_NUM(t))
#define POBJ_FREE(o) pmemobj_free((PMEMoid *)(o))
#define POBJ_ROOT(pop, t) ((TOID(t))pmemobj_root((pop), sizeof(t)))

#define POBJ_RESERVE_NEW(pop, t, act) \
	((TOID(t))pmemobj_reserve((pop), (act), sizeof(t), TOID_TYPE_NUM(t)))
#define POBJ_RESERVE_ALLOC(pop, t, size, act) \
	((TOID(t))pmemobj_reserve((pop), (act), (size), TOID_TYPE_NUM(t)))
#define POBJ_XRESERVE_NEW(pop, t, act, flags)                                 \
	((TOID(t))pmemobj_xreserve((pop), (act), sizeof(t), TOID_TYPE_NUM(t), \
				   (flags)))
#define POBJ_XRESERVE_ALLOC(pop, t, size, act, flags)                      \
	((TOID(t))pmemobj_xreserve((pop), (act), (size), TOID_TYPE_NUM(t), \
				   (flags)))

/*
 * Iteration.
 */
#define POBJ_FIRST_TYPE_NUM(pop, type_num)                       \
	({                                                       \
		PMEMoid _pcobj_o = pmemobj_first(pop);           \
		while (_pcobj_o.off != 0 &&                      \
		       pmemobj_type_num(_pcobj_o) != (type_num)) \
			_pcobj_o = pmemobj_next(_pcobj_o);       \
		_pcobj_o;                                        \
	})
#define POBJ_NEXT_TYPE_NUM(o)                                             \
	({                                                                \
		PMEMoid _pcobj_n = pmemobj_next(o);                       \
		while (_pcobj_n.off != 0 &&                               \
		       pmemobj_type_num(_pcobj_n) != pmemobj_type_num(o)) \
			_pcobj_n = pmemobj_next(_pcobj_n);                \
		_pcobj_n;                                                 \
	})
#define POBJ_FIRST(pop, t) ((TOID(t))POBJ_FIRST_TYPE_NUM(pop, TOID_TYPE_NUM(t)))
#define POBJ_NEXT(o) ((__typeof__(o))POBJ_NEXT_TYPE_NUM((o).oid))
#define POBJ_FOREACH(pop, varoid)                              \
	for ((varoid) = pmemobj_first(pop); (varoid).off != 0; \
	     (varoid) = pmemobj_next(varoid))
#define POBJ_FOREACH_SAFE(pop, varoid, nvaroid)                          \
	for ((varoid) = pmemobj_first(pop);                              \
	     (varoid).off != 0 && ((nvaroid) = pmemobj_next(varoid), 1); \
	     (varoid) = (nvaroid))
#define POBJ_FOREACH_TYPE(pop, var)                                        \
	for (TOID_ASSIGN(var,                                              \
			 POBJ_FIRST_TYPE_NUM(pop, TOID_TYPE_NUM_OF(var))); \
	     !TOID_IS_NULL(var);                                           \
	     TOID_ASSIGN(var, POBJ_NEXT_TYPE_NUM((var).oid)))
#define POBJ_FOREACH_SAFE_TYPE(pop, var, nvar)                             \
	for (TOID_ASSIGN(var,                                              \
			 POBJ_FIRST_TYPE_NUM(pop, TOID_TYPE_NUM_OF(var))); \
	     !TOID_IS_NULL(var) &&                                         \
	     (TOID_ASSIGN(nvar, POBJ_NEXT_TYPE_NUM((var).oid)), 1);        \
	     (var) = (nvar))

/*
 * Transaction blocks:
 *	TX_BEGIN(pop) { ... } TX_ONCOMMIT { ... } TX_ONABORT { ... }
 *	TX_FINALLY { ... } TX_END
 * Each stage runs in turn; a failure or pmemobj_tx_abort() in the work
 * block jumps to the abort stage.  errno holds the error after TX_END.
 * Nested blocks reuse the names of the outer one: -Wshadow is off inside.
 */
#define _PCOBJ_TX_BEGIN(pop, ...)                                              \
	_Pragma("GCC diagnostic push")                                         \
		_Pragma("GCC diagnostic ignored \"-Wshadow\"")                 \
	{                                                                      \
		jmp_buf _pcobj_env;                                            \
		enum pobj_tx_stage _pcobj_stage;                               \
		int _pcobj_err;                                                \
		if (setjmp(_pcobj_env)) {                                      \
			errno = pmemobj_tx_errno();                            \
		} else {                                                       \
			_pcobj_err =                                           \
				pmemobj_tx_begin((pop), _pcobj_env,            \
						 __VA_ARGS__, TX_PARAM_NONE);  \
			if (_pcobj_err)                                        \
				errno = _pcobj_err;                            \
		}                                                              \
		while ((_pcobj_stage = pmemobj_tx_stage()) != TX_STAGE_NONE) { \
			switch (_pcobj_stage) {                                \
			case TX_STAGE_WORK:

#define TX_BEGIN_PARAM(pop, ...) _PCOBJ_TX_BEGIN(pop, ##__VA_ARGS__)
#define TX_BEGIN_LOCK TX_BEGIN_PARAM
#define TX_BEGIN_CB(pop, cb, arg, ...) \
	_PCOBJ_TX_BEGIN(pop, TX_PARAM_CB, cb, arg, ##__VA_ARGS__)
#define TX_BEGIN(pop) _PCOBJ_TX_BEGIN(pop, TX_PARAM_NONE)

#define TX_ONABORT            \
	pmemobj_tx_process(); \
	break;                \
	case TX_STAGE_ONABORT:
#define TX_ONCOMMIT           \
	pmemobj_tx_process(); \
	break;                \
	case TX_STAGE_ONCOMMIT:
#define TX_FINALLY            \
	pmemobj_tx_process(); \
	break;                \
	case TX_STAGE_FINALLY:
#define TX_END                                 \
	pmemobj_tx_process();                  \
	break;                                 \
	default:                               \
		pmemobj_tx_process();          \
		break;                         \
		}                              \
		}                              \
		_pcobj_err = pmemobj_tx_end(); \
		if (_pcobj_err)                \
			errno = _pcobj_err;    \
		}                              \
		_Pragma("GCC diagnostic pop")

#define TX_ADD(o) pmemobj_tx_add_range((o).oid, 0, sizeof(*(o)._type))
#define TX_XADD(o, flags) \
	pmemobj_tx_xadd_range((o).oid, 0, sizeof(*(o)._type), (flags))
#define TX_ADD_FIELD(o, field)                                 \
	pmemobj_tx_add_range((o).oid, TOID_OFFSETOF(o, field), \
			     sizeof(D_RO(o)->field))
#define TX_XADD_FIELD(o, field, flags)                          \
	pmemobj_tx_xadd_range((o).oid, TOID_OFFSETOF(o, field), \
			      sizeof(D_RO(o)->field), (flags))
#define TX_ADD_DIRECT(p) pmemobj_tx_add_range_direct((p), sizeof(*(p)))
#define TX_XADD_DIRECT(p, flags) \
	pmemobj_tx_xadd_range_direct((p), sizeof(*(p)), (flags))
#define TX_ADD_FIELD_DIRECT(p, field) \
	pmemobj_tx_add_range_direct(&(p)->field, sizeof((p)->field))
#define TX_XADD_FIELD_DIRECT(p, field, flags) \
	pmemobj_tx_xadd_range_direct(&(p)->field, sizeof((p)->field), (flags))

#define TX_NEW(t) ((TOID(t))pmemobj_tx_alloc(sizeof(t), TOID_TYPE_NUM(t)))
#define TX_ALLOC(t, size) ((TOID(t))pmemobj_tx_alloc((size), TOID_TYPE_NUM(t)))
#define TX_ZNEW(t) ((TOID(t))pmemobj_tx_zalloc(sizeof(t), TOID_TYPE_NUM(t)))
#define TX_ZALLOC(t, size) \
	((TOID(t))pmemobj_tx_zalloc((size), TOID_TYPE_NUM(t)))
#define TX_XALLOC(t, size, flags) \
	((TOID(t))pmemobj_tx_xalloc((size), TOID_TYPE_NUM(t), (flags)))
#define TX_REALLOC(o, size)                                 \
	((__typeof__(o))pmemobj_tx_realloc((o).oid, (size), \
					   TOID_TYPE_NUM_OF(o)))
#define TX_ZREALLOC(o, size)                                 \
	((__typeof__(o))pmemobj_tx_zrealloc((o).oid, (size), \
					    TOID_TYPE_NUM_OF(o)))
#define TX_STRDUP(s, type_num) pmemobj_tx_strdup((s), (type_num))
#define TX_XSTRDUP(s, type_num, flags) \
	pmemobj_tx_xstrdup((s), (type_num), (flags))
#define TX_FREE(o) pmemobj_tx_free((o).oid)
#define TX_XFREE(o, flags) pmemobj_tx_xfree((o).oid, (flags))

#define TX_SET(o, field, value) \
	(TX_ADD_FIELD(o, field), D_RW(o)->field = (value))
#define TX_SET_DIRECT(p, field, value) \
	(TX_ADD_FIELD_DIRECT(p, field), (p)->field = (value))
#define TX_MEMCPY(dest, src, num)                           \
	({                                                  \
		pmemobj_tx_add_range_direct((dest), (num)); \
		memcpy((dest), (src), (num));               \
	})
#define TX_MEMSET(dest, c, num)                             \
	({                                                  \
		pmemobj_tx_add_range_direct((dest), (num)); \
		memset((dest), (c), (num));                 \
	})

/*
 * Atomic lists: circular and doubly linked; a head holds the first
 * element, each element an entry (next, prev).
 */
#define POBJ_LIST_DEST_HEAD 1
#define POBJ_LIST_DEST_TAIL 0
#define POBJ_LIST_DEST_BEFORE 1
#define POBJ_LIST_DEST_AFTER 0

#define POBJ_LIST_ENTRY(type)       \
	struct {                    \
		TOID(type) pe_next; \
		TOID(type) pe_prev; \
	}
#define POBJ_LIST_HEAD(name, type)   \
	struct name {                \
		TOID(type) pe_first; \
		PMEMmutex lock;      \
	}

#define POBJ_LIST_FIRST(head) ((head)->pe_first)
#define POBJ_LIST_EMPTY(head) (TOID_IS_NULL((head)->pe_first))
#define POBJ_LIST_NEXT(elm, field) (D_RO(elm)->field.pe_next)
#define POBJ_LIST_PREV(elm, field) (D_RO(elm)->field.pe_prev)
#define POBJ_LIST_LAST(head, field)     \
	(TOID_IS_NULL((head)->pe_first) \
		 ? (head)->pe_first     \
		 : D_RO((head)->pe_first)->field.pe_prev)
#define POBJ_LIST_FOREACH(var, head, field)                                 \
	for ((var) = POBJ_LIST_FIRST(head); !TOID_IS_NULL(var);             \
	     TOID_EQUALS(POBJ_LIST_NEXT(var, field), POBJ_LIST_FIRST(head)) \
		     ? TOID_ASSIGN(var, OID_NULL)                           \
		     : ((var) = POBJ_LIST_NEXT(var, field)))
#define POBJ_LIST_FOREACH_REVERSE(var, head, field)                   \
	for ((var) = POBJ_LIST_LAST(head, field); !TOID_IS_NULL(var); \
	     TOID_EQUALS(POBJ_LIST_PREV(var, field),                  \
			 POBJ_LIST_LAST(head, field))                 \
		     ? TOID_ASSIGN(var, OID_NULL)                     \
		     : ((var) = POBJ_LIST_PREV(var, field)))

#define _PCOBJ_PE(head, field) TOID_OFFSETOF((head)->pe_first, field)

#define POBJ_LIST_INSERT_HEAD(pop, head, elm, field)                         \
	pmemobj_list_insert((pop), _PCOBJ_PE(head, field), (head), OID_NULL, \
			    POBJ_LIST_DEST_HEAD, (elm).oid)
#define POBJ_LIST_INSERT_TAIL(pop, head, elm, field)                         \
	pmemobj_list_insert((pop), _PCOBJ_PE(head, field), (head), OID_NULL, \
			    POBJ_LIST_DEST_TAIL, (elm).oid)
#define POBJ_LIST_INSERT_AFTER(pop, head, listelm, elm, field)     \
	pmemobj_list_insert((pop), _PCOBJ_PE(head, field), (head), \
			    (listelm).oid, POBJ_LIST_DEST_AFTER, (elm).oid)
#define POBJ_LIST_INSERT_BEFORE(pop, head, listelm, elm, field)    \
	pmemobj_list_insert((pop), _PCOBJ_PE(head, field), (head), \
			    (listelm).oid, POBJ_LIST_DEST_BEFORE, (elm).oid)
#define POBJ_LIST_INSERT_NEW_HEAD(pop, head, field, size, constr, arg)        \
	pmemobj_list_insert_new((pop), _PCOBJ_PE(head, field), (head),        \
				OID_NULL, POBJ_LIST_DEST_HEAD, (size),        \
				TOID_TYPE_NUM_OF((head)->pe_first), (constr), \
				(arg))
#define POBJ_LIST_INSERT_NEW_TAIL(pop, head, field, size, constr, arg)        \
	pmemobj_list_insert_new((pop), _PCOBJ_PE(head, field), (head),        \
				OID_NULL, POBJ_LIST_DEST_TAIL, (size),        \
				TOID_TYPE_NUM_OF((head)->pe_first), (constr), \
				(arg))
#define POBJ_LIST_INSERT_NEW_AFTER(pop, head, listelm, field, size, constr,   \
				   arg)                                       \
	pmemobj_list_insert_new((pop), _PCOBJ_PE(head, field), (head),        \
				(listelm).oid, POBJ_LIST_DEST_AFTER, (size),  \
				TOID_TYPE_NUM_OF((head)->pe_first), (constr), \
				(arg))
#define POBJ_LIST_INSERT_NEW_BEFORE(pop, head, listelm, field, size, constr,  \
				    arg)                                      \
	pmemobj_list_insert_new((pop), _PCOBJ_PE(head, field), (head),        \
				(listelm).oid, POBJ_LIST_DEST_BEFORE, (size), \
				TOID_TYPE_NUM_OF((head)->pe_first), (constr), \
				(arg))
#define POBJ_LIST_REMOVE(pop, head, elm, field) \
	pmemobj_list_remove((pop), _PCOBJ_PE(head, field), (head), (elm).oid, 0)
#define POBJ_LIST_REMOVE_FREE(pop, head, elm, field) \
	pmemobj_list_remove((pop), _PCOBJ_PE(head, field), (head), (elm).oid, 1)
#define POBJ_LIST_MOVE_ELEMENT_HEAD(pop, head, head_new, elm, field,  \
				    field_new)                        \
	pmemobj_list_move((pop), _PCOBJ_PE(head, field), (head),      \
			  _PCOBJ_PE(head_new, field_new), (head_new), \
			  OID_NULL, POBJ_LIST_DEST_HEAD, (elm).oid)
#define POBJ_LIST_MOVE_ELEMENT_TAIL(pop, head, head_new, elm, field,  \
				    field_new)                        \
	pmemobj_list_move((pop), _PCOBJ_PE(head, field), (head),      \
			  _PCOBJ_PE(head_new, field_new), (head_new), \
			  OID_NULL, POBJ_LIST_DEST_TAIL, (elm).oid)
#define POBJ_LIST_MOVE_ELEMENT_AFTER(pop, head, head_new, listelm, elm, field, \
				     field_new)                                \
	pmemobj_list_move((pop), _PCOBJ_PE(head, field), (head),               \
			  _PCOBJ_PE(head_new, field_new), (head_new),          \
			  (listelm).oid, POBJ_LIST_DEST_AFTER, (elm).oid)
#define POBJ_LIST_MOVE_ELEMENT_BEFORE(pop, head, head_new, listelm, elm, \
				      field, field_new)                  \
	pmemobj_list_move((pop), _PCOBJ_PE(head, field), (head),         \
			  _PCOBJ_PE(head_new, field_new), (head_new),    \
			  (listelm).oid, POBJ_LIST_DEST_BEFORE, (elm).oid)

#endif
