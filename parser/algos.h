/*
 * algos: the algorithm-name lists of this ssh build (ssh -Q), their
 * parse-time validation and the `+ - ^` assembly of kex.c
 * kex_assemble_names, so -G prints the same lists ssh prints.
 */
#ifndef SSHFWD_ALGOS_H
#define SSHFWD_ALGOS_H

enum algos_kind {
	ALGOS_CIPHER = 0,
	ALGOS_MAC,
	ALGOS_KEX,
	ALGOS_KEY, /* HostKey/Pubkey/Hostbased accepted algorithms */
	ALGOS_SIG, /* CASignatureAlgorithms */
	ALGOS_GSS_KEX,
	ALGOS_COUNT
};

/* ssh's "all supported" list of kind k (comma-separated). */
const char *algos_all(enum algos_kind k);
/* ssh's default list of kind k. */
const char *algos_default(enum algos_kind k);

/*
 * Validate a list as ssh does at parse time (the caller strips a leading
 * `+`/`^`; values starting with `-` are not validated). Checking stops at
 * the first empty entry, as ssh's strsep loops do. Returns 1 if valid; if
 * not, 0 and, when bad is non-NULL and the kind reports one (kex), *bad
 * points into a static copy of the offending name.
 */
int algos_valid(enum algos_kind k, const char *names, const char **bad);

/*
 * kex_assemble_names: resolve *listp (NULL = default; `+`, `-`, `^`
 * prefixes; patterns) against def and all. Returns 0 and replaces *listp
 * with a malloc'd result, -1 if the result is empty or has a `!` entry
 * (ssh: "invalid argument"; *listp is then freed and NULL), -2 on OOM.
 */
int algos_assemble(char **listp, const char *def, const char *all);

#endif
