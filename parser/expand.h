/*
 * expand: ssh's `%x` tokens, `${VAR}` environment references and `~`
 * home-directory prefixes (misc.c percent_expand, dollar_expand,
 * tilde_expand), with error texts in ssh's words.
 *
 * The launcher uses these at use time (IdentityFile, CertificateFile,
 * LocalCommand, ProxyCommand, KnownHostsCommand), exactly as ssh defers
 * them; the parser uses them where ssh expands before its -G dump.
 */
#ifndef SSHFWD_EXPAND_H
#define SSHFWD_EXPAND_H

#include <stddef.h>

#define EXPAND_MAX_KEYS 16 /* as ssh */

struct expand_token {
	char key; /* e.g. 'h' */
	const char *value;
};

/* The connection-info token set ssh uses for most keywords
 * (DEFAULT_CLIENT_PERCENT_EXPAND_ARGS): C L i k d h l n p r u. */
struct expand_conn {
	char *thishost; /* %l */
	char *shorthost; /* %L */
	char *portstr; /* %p */
	char *uidstr; /* %i */
	char *keyalias; /* %k */
	char *conn_hash; /* %C */
	char *host_arg; /* %n */
	char *remhost; /* %h */
	char *remuser; /* %r */
	char *homedir; /* %d */
	char *locuser; /* %u */
};

/*
 * Expand s. percent: handle `%x` with toks (n of them); dollar: handle
 * `${VAR}` from getenv. On success returns 0 and *out (malloc'd). On a
 * syntax error returns -1 with *err set to ssh's message (static text
 * copied into errbuf), e.g. "unknown key %x"; on an unset variable
 * returns -1 with err "env var ${X} has no value" and *missing = 1.
 * -2 on out of memory.
 */
int expand_string(const char *s, int percent, int dollar,
    const struct expand_token *toks, size_t n, char **out, char *errbuf,
    size_t errlen, int *missing);

/*
 * expand_string, calling seen(arg, name, value) for every ${name} it
 * replaces, in order (ssh logs each at debug3). seen may be NULL.
 */
int expand_string_seen(const char *s, int percent, int dollar,
    const struct expand_token *toks, size_t n, char **out, char *errbuf,
    size_t errlen, int *missing,
    void (*seen)(void *arg, const char *name, const char *value), void *arg);

/* Fill toks (>= 11 entries) from c; returns the count. */
size_t expand_conn_tokens(
    const struct expand_conn *c, struct expand_token *toks);

/*
 * Build the connection info of ssh.c: thishost = local host name, host =
 * final remote host, port, user = remote user, etc. Returns 0 or -2.
 */
int expand_conn_init(struct expand_conn *c, const char *thishost,
    const char *host, int port, const char *user, const char *host_arg,
    const char *keyalias, const char *homedir, const char *locuser, long uid);
void expand_conn_free(struct expand_conn *c);

/* ssh's %C: lower-case hex SHA-1 of l, h, p, r concatenated. out is 41
 * bytes. */
void expand_conn_hash(const char *thishost, const char *host,
    const char *portstr, const char *user, char out[41]);

/*
 * Tilde-expand like ssh's tilde_expand: `~` and `~/x` use home, `~user/x`
 * that user's passwd entry. Returns 0 with *out, -1 with errbuf set
 * ("No such user X"), -2 on out of memory.
 */
int expand_tilde(const char *path, const char *home, char **out, char *errbuf,
    size_t errlen);

/* a, b and c concatenated (NULLs as empty); malloc'd or NULL on OOM. */
char *expand_concat(const char *a, const char *b, const char *c);

/* 1 if name is [A-Za-z0-9_]+ (ssh's valid_env_name). */
int expand_valid_env_name(const char *name);

#endif
