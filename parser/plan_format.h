/*
 * plan_format: a plan as text for people and as JSON for scripts.
 *
 * The parser never prints: these functions return malloc'd strings that the
 * front end writes out. The JSON schema is documented in doc/plan-schema.md
 * and versioned by its "version" member.
 */
#ifndef SSHFWD_PLAN_FORMAT_H
#define SSHFWD_PLAN_FORMAT_H

#include "parser/diag.h"
#include "parser/plan.h"

#define PLAN_FORMAT_VERBOSE 0x1 /* every option of every hop, with origin */

#define PLAN_JSON_VERSION 1

/*
 * The plan as text that reads well in 80 columns: the chain, then for each
 * hop in connection order where it connects and with what, then every
 * forward. Each value names its origin. p must be a built plan. Returns a
 * malloc'd string, or NULL on out of memory.
 */
char *plan_format_text(const struct plan *p, int flags);

/*
 * The plan and the diagnostics as one JSON document (doc/plan-schema.md).
 * p may be empty (plan_build failed): "valid" is then false and "hops" and
 * "forwards" are empty. destination is the name as typed (may be NULL).
 * Returns a malloc'd NUL-terminated string, or NULL on out of memory.
 */
char *plan_format_json(const struct plan *p, const char *destination,
    const struct diag_list *dl, int flags);

/*
 * The diagnostics, one per line, as "file:line:col: severity: message
 * [rule]" followed by an indented "hint: ..." line when there is a hint.
 * Returns a malloc'd string (empty when dl is empty), or NULL on OOM.
 */
char *plan_format_diags(const struct diag_list *dl);

/*
 * s as a JSON string literal with its quotes, appended to nothing: a
 * malloc'd string, or NULL on out of memory. Control characters become
 * \uXXXX (or \n, \t ...), and bytes that are not UTF-8 become U+FFFD.
 */
char *plan_format_json_string(const char *s);

#endif
