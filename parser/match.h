/*
 * match: ssh's shell-style patterns (`*`, `?`) and comma pattern lists
 * with `!` negation, as used by Host, Match, IgnoreUnknown and the
 * algorithm lists.
 */
#ifndef SSHFWD_MATCH_H
#define SSHFWD_MATCH_H

/* ssh's per-entry limit in pattern lists: an entry of this many bytes or
 * more makes the whole list "no match" (match.c's 1024-byte buffer). */
#define MATCH_SUBPATTERN_MAX 1023

/* 1 if s matches pattern (case-sensitive; `*` any run, `?` one byte). */
int match_pattern(const char *s, const char *pattern);

/*
 * Match s against a comma-separated list. Returns 1 if some positive entry
 * matched and no negated one did, -1 if a negated entry matched, 0
 * otherwise. dolower lower-cases the pattern entries (not s).
 */
int match_pattern_list(const char *s, const char *list, int dolower);

/* match_pattern_list on a lower-cased copy of host, dolower=1.
 * Returns 1, 0, -1 as above; -2 on out of memory. */
int match_hostname(const char *host, const char *list);

/*
 * Entries of the comma list `proposal` that match the pattern list
 * `filter` (allow = 1) or do not match it (allow = 0), in proposal order,
 * joined by commas. Returns malloc'd string or NULL on out of memory.
 */
char *match_filter_list(const char *proposal, const char *filter, int allow);

#endif
