/*
 * jump: ProxyJump / -J specifications and the destination syntax they
 * share with the command line: `[user@]host[:port]` (IPv6 in brackets) and
 * `ssh://[user[;params]@]host[:port]` (misc.c parse_user_host_port,
 * parse_uri; readconf.c parse_jump as patched by Debian's CVE-2026-35386
 * backport), plus Debian's command-line host/user validation.
 */
#ifndef SSHFWD_JUMP_H
#define SSHFWD_JUMP_H

#include <stddef.h>

/* One hop of a ProxyJump list, left to right. */
struct jump_hop {
	char *user; /* NULL if not given */
	char *host; /* brackets removed */
	int port; /* -1 if not given */
};

/*
 * The ProxyJump value as ssh stores it: the last hop split out, the text
 * before the last comma kept raw (jump_extra). none = 1 for `none`.
 */
struct jump_spec {
	int none;
	char *user;
	char *host;
	int port; /* -1 if not given */
	char *extra; /* NULL if a single hop */
};

/*
 * Parse a ProxyJump value (the raw rest of the line, after leading
 * whitespace and `=`), as ssh does: `none` if it is the whole value;
 * otherwise a `#` and what follows is dropped, the value is cut at its
 * first whitespace, and every comma-separated element must parse (checked
 * right to left). strict (command line) also applies the Debian
 * hostname/user checks; then *errmsg may be set to ssh's message
 * ("invalid hostname \"X\""). Returns 0 and fills *out (free with
 * jump_spec_free), -1 if invalid, -2 on out of memory.
 */
int jump_parse(const char *s, int strict, struct jump_spec *out, char *errmsg,
    size_t errlen);
void jump_spec_free(struct jump_spec *j);

/*
 * Split a ProxyJump / -J string (no comments) into hops, left to right,
 * for the chain builder. Returns 0 with *hops (free with jump_hops_free),
 * -1 if an element is invalid, -2 on out of memory. `none` yields 0 hops.
 */
int jump_split(const char *spec, struct jump_hop **hops, size_t *n);
void jump_hops_free(struct jump_hop *hops, size_t n);

/*
 * ssh's parse_uri("ssh", ...) without path: returns 0 (parsed; *user may
 * be NULL, *port -1 if absent), 1 if s is not an ssh:// URI, -1 if it is
 * an invalid one, -2 on out of memory. Any out pointer may be NULL.
 */
int jump_parse_uri(const char *s, char **user, char **host, int *port);

/* ssh's parse_user_host_port. 0, -1 invalid, -2 OOM. */
int jump_parse_user_host_port(
    const char *s, char **user, char **host, int *port);

/* Debian's ssh_valid_hostname / ssh_valid_ruser (command-line values). */
int jump_valid_hostname(const char *s);
int jump_valid_ruser(const char *s);

/* ssh's valid_domain(name, makelower=0): letters, digits, `.-_`, first a
 * letter or digit, no `..`. When errbuf is given it gets ssh's message. */
int jump_valid_domain(const char *name, char *errbuf, size_t errlen);

#endif
