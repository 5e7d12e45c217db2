/*
 * keywords: the ssh_config keyword table of OpenSSH 9.2p1 Debian, as data.
 *
 * One row per spelling (aliases are rows sharing an option id), with the
 * kind of line (option, Host, Match, Include, ignored, deprecated,
 * unsupported) and the value type that selects the generic handler.
 * Value vocabularies (yes/no/ask, ...) are tables too; the dump formats
 * values through the same tables, first entry with the value winning, as
 * ssh's fmt_multistate_int does.
 */
#ifndef SSHFWD_KEYWORDS_H
#define SSHFWD_KEYWORDS_H

#include "parser/options.h"

enum kw_kind {
	KW_OPTION = 0,
	KW_HOST,
	KW_MATCH,
	KW_INCLUDE,
	KW_IGNORE, /* "protocol": silently ignored */
	KW_DEPRECATED, /* debug message only */
	KW_UNSUPPORTED, /* "Unsupported option", not counted as bad */
};

enum kw_type {
	KWT_FLAG = 0, /* yes/no/true/false */
	KWT_MULTI, /* vocabulary in the row's table */
	KWT_INT, /* 0..INT_MAX */
	KWT_TIME, /* convtime, "none" = unset */
	KWT_STRING, /* one argument, first wins */
	KWT_COMMAND, /* raw rest of line */
	KWT_SPECIAL, /* own handler in config.c */
};

struct kw_state {
	const char *name;
	int value;
};

struct keyword {
	const char *name; /* lower case */
	enum kw_kind kind;
	int opt; /* enum opt_id, or -1 */
	enum kw_type type;
	const struct kw_state *states; /* KWT_MULTI and the dump, or NULL */
};

/* Vocabularies (NULL-name terminated), values as in options.h. */
extern const struct kw_state kw_flag[];
extern const struct kw_state kw_yesnoask[];
extern const struct kw_state kw_strict_hostkey[];
extern const struct kw_state kw_yesnoaskconfirm[];
extern const struct kw_state kw_address_family[];
extern const struct kw_state kw_control_master[];
extern const struct kw_state kw_tunnel[];
extern const struct kw_state kw_request_tty[];
extern const struct kw_state kw_session_type[];
extern const struct kw_state kw_canonicalize[];
extern const struct kw_state kw_pubkey_auth[];
extern const struct kw_state kw_compression[];
extern const struct kw_state kw_log_level[]; /* case-insensitive */
extern const struct kw_state kw_log_facility[]; /* case-insensitive */
extern const struct kw_state kw_fingerprint[]; /* case-insensitive */
extern const struct kw_state kw_ipqos[];

/* Values used by options.h fields that ssh spells as constants. */
#define KW_TUN_NO 0
#define KW_TUN_POINTOPOINT 1
#define KW_TUN_ETHERNET 2
#define KW_TUNID_ANY 0x7fffffff
#define KW_TUNID_MAX (KW_TUNID_ANY - 1)
#define KW_TTY_NO 0
#define KW_TTY_YES 1
#define KW_TTY_FORCE 2
#define KW_TTY_AUTO 3
#define KW_SESSION_NONE 0
#define KW_SESSION_SUBSYSTEM 1
#define KW_SESSION_DEFAULT 2
#define KW_ESCAPE_NONE (-2)
#define KW_IPQOS_NONE 0x7fffffff
#define KW_LOG_QUIET 0
#define KW_LOG_FATAL 1
#define KW_LOG_ERROR 2
#define KW_LOG_INFO 3
#define KW_LOG_DEBUG1 5
#define KW_LOG_DEBUG2 6
#define KW_LOG_DEBUG3 7
#define KW_FACILITY_USER 1
#define KW_FP_MD5 0
#define KW_FP_SHA256 2

/* Find the row for a lower-cased keyword, or NULL. */
const struct keyword *keywords_lookup(const char *name);

/* Lower-case name in place (ASCII, as lexer_lowercase) and look it up, in
 * one pass. */
const struct keyword *keywords_lookup_lower(char *name);

/* The canonical (first) keyword of an option id, "UNKNOWN" if none. */
const char *keywords_name(int opt);

/* Look v up in a vocabulary: case-insensitive; -1 if absent. */
int keywords_state_value(const struct kw_state *t, const char *v);

/* The first name with value v, or "UNKNOWN". */
const char *keywords_state_name(const struct kw_state *t, int v);

/* Every row, for listing (completion, docs); *n gets the count. */
const struct keyword *keywords_all(size_t *n);

#endif
