/*
 * lint: find what is broken or dangerous in an ssh client config tree.
 *
 * The linter reads the same files ssh reads (the user config and the system
 * config, or one -F file), follows Include the way ssh does, and reports
 * every finding of one run into a diag_list: every error ssh itself would
 * raise (re-emitted with a rule id), unknown/deprecated/unsupported
 * keywords, directives that can never take effect under first-value-wins,
 * ProxyJump cycles, duplicate forward listen ports, missing files, risky
 * settings and file permissions ssh would refuse.
 *
 * Findings can be silenced from the config itself:
 *   # sshfwd-lint: disable=RULE[,RULE]       (end of line, or the line before)
 *   # sshfwd-lint: disable-file=RULE[,RULE]  (anywhere: the whole file)
 * "all" names every rule. doc/lint.md lists the rules.
 */
#ifndef SSHFWD_LINT_H
#define SSHFWD_LINT_H

#include <stddef.h>

#include "parser/config.h"
#include "parser/diag.h"

#define LINT_MAX_CHAIN 32 /* deepest ProxyJump chain not flagged */
#define LINT_MAX_INCLUDE_DEPTH 16
#define LINT_MAX_FILE_SIZE (64 * 1024 * 1024)

struct lint_request {
	/* -F file, or NULL for the user config followed by the system config.
	 * "none" means no file at all, as in ssh. */
	const char *config_file;
	/* When non-NULL: the content of the -F file (config_file is then its
	 * display name). Includes are still read from disk. */
	const char *config_buffer;
	size_t config_buffer_len;
	/* Destinations to check per host (ProxyJump, forwards, ssh's own
	 * per-destination errors); none: every literal Host alias. */
	const char *const *targets;
	size_t num_targets;
	/* 1: skip the checks that look at the file system (existence and
	 * permissions of keys, includes and configs); for unit tests. */
	int no_fs_checks;
	/* 1: do not ask config_resolve for ssh's own errors. */
	int no_resolve;
};

/*
 * Lint the config tree of req, with env giving home, user and config paths.
 * Appends every finding to out, sorted by file (in reading order), line and
 * column. Returns 0 when the run completed (whatever it found), -1 when the
 * tree could not be read at all (a diagnostic says why), -2 on out of memory.
 */
int lint_run(const struct lint_request *req, const struct config_env *env,
    struct diag_list *out);

/*
 * Exit status for a finished run: 0 clean (info findings do not count),
 * 1 warnings only, 2 at least one error.
 */
int lint_exit_status(const struct diag_list *dl);

/*
 * Format every finding gcc-style, one "file:line:col: severity: message
 * [rule]" line each, followed by "  hint: ..." when with_hints is set and
 * the finding has a hint. Returns a malloc'd string ("" when clean), or
 * NULL on out of memory.
 */
char *lint_format_text(const struct diag_list *dl, int with_hints);

/*
 * Format every finding as {"diagnostics":[{"file":..,"line":..,"column":..,
 * "severity":..,"rule":..,"message":..,"hint":..}]} plus a newline; hint is
 * null when absent. Returns a malloc'd string, or NULL on out of memory.
 */
char *lint_format_json(const struct diag_list *dl);

/*
 * Edit distance (Levenshtein, byte-wise) between a and b, capped: returns
 * at most cap + 1. Exposed for the unit tests.
 */
size_t lint_edit_distance(const char *a, const char *b, size_t cap);

/*
 * Whether every host name matched by glob pattern q (ssh's * and ?) is also
 * matched by glob pattern p. Sound (never says yes wrongly); exact for the
 * patterns people write. Exposed for the unit tests.
 */
int lint_pattern_subsumes(const char *p, const char *q);

#endif
