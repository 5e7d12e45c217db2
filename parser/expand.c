/*
 * expand: percent tokens, ${ENV} and ~ with ssh's semantics.
 *
 * One pass over the input; replacements are never re-scanned. `%%` is a
 * literal percent; a `%` followed by an unknown key or by the end of the
 * string is an error, as in ssh.
 */
#include "autoconf.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "parser/expand.h"
#include "parser/sha1.h"
#include "parser/strbuf.h"

int
expand_string(const char *s, int percent, int dollar,
    const struct expand_token *toks, size_t n, char **out, char *errbuf,
    size_t errlen, int *missing)
{
	return expand_string_seen(s, percent, dollar, toks, n, out, errbuf,
	    errlen, missing, NULL, NULL);
}

int
expand_string_seen(const char *s, int percent, int dollar,
    const struct expand_token *toks, size_t n, char **out, char *errbuf,
    size_t errlen, int *missing,
    void (*seen)(void *arg, const char *name, const char *value), void *arg)
{
	struct strbuf b = STRBUF_INIT;
	const char *end, *val;
	char *var = NULL;
	size_t i, len;
	int r = -1, miss = 0;

	*out = NULL;
	if (missing != NULL)
		*missing = 0;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	for (; *s != '\0'; s++) {
		if (dollar && s[0] == '$' && s[1] == '{') {
			s += 2;
			if ((end = strchr(s, '}')) == NULL) {
				snprintf(errbuf, errlen,
				    "environment variable "
				    "'%s' missing closing '}'",
				    s);
				goto out;
			}
			len = (size_t)(end - s);
			if (len == 0) {
				snprintf(errbuf, errlen,
				    "zero-length environment variable");
				goto out;
			}
			if ((var = strndup(s, len)) == NULL) {
				r = -2;
				goto out;
			}
			if ((val = getenv(var)) == NULL) {
				snprintf(errbuf, errlen,
				    "env var ${%s} has no value", var);
				miss = 1;
			} else {
				if (seen != NULL)
					seen(arg, var, val);
				strbuf_add(&b, val);
			}
			free(var);
			var = NULL;
			s += len;
			continue;
		}
		if (*s != '%' || !percent) {
			/* a run of plain bytes in one copy */
			const char *t = s + 1;

			while (*t != '\0' && !(percent && *t == '%') &&
			    !(dollar && t[0] == '$' && t[1] == '{'))
				t++;
			strbuf_addn(&b, s, (size_t)(t - s));
			s = t - 1;
			continue;
		}
		s++;
		if (*s == '%') {
			strbuf_addn(&b, s, 1);
			continue;
		}
		if (*s == '\0') {
			snprintf(errbuf, errlen, "invalid format");
			goto out;
		}
		for (i = 0; i < n; i++)
			if (toks[i].key == *s)
				break;
		if (i >= n) {
			snprintf(errbuf, errlen, "unknown key %%%c", *s);
			goto out;
		}
		strbuf_add(&b, toks[i].value);
	}
	if (miss) {
		if (missing != NULL)
			*missing = 1;
		goto out;
	}
	if ((*out = strbuf_finish(&b)) == NULL) {
		r = -2;
		goto out;
	}
	r = 0;
out:
	/* an append that ran out of memory may have led to the error */
	if (b.oom)
		r = -2;
	free(var);
	strbuf_free(&b);
	return r;
}

void
expand_conn_hash(const char *thishost, const char *host, const char *portstr,
    const char *user, char out[41])
{
	struct sha1_ctx c;
	unsigned char d[SHA1_DIGEST_LEN];
	static const char hex[] = "0123456789abcdef";
	int i;

	sha1_init(&c);
	sha1_update(&c, thishost, strlen(thishost));
	sha1_update(&c, host, strlen(host));
	sha1_update(&c, portstr, strlen(portstr));
	sha1_update(&c, user, strlen(user));
	sha1_final(&c, d);
	for (i = 0; i < SHA1_DIGEST_LEN; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[40] = '\0';
}

void
expand_conn_free(struct expand_conn *c)
{
	free(c->thishost);
	free(c->shorthost);
	free(c->portstr);
	free(c->uidstr);
	free(c->keyalias);
	free(c->conn_hash);
	free(c->host_arg);
	free(c->remhost);
	free(c->remuser);
	free(c->homedir);
	free(c->locuser);
	memset(c, 0, sizeof(*c));
}

static char *
expand_strdup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

int
expand_conn_init(struct expand_conn *c, const char *thishost, const char *host,
    int port, const char *user, const char *host_arg, const char *keyalias,
    const char *homedir, const char *locuser, long uid)
{
	char buf[64], hash[41];

	memset(c, 0, sizeof(*c));
	c->thishost = expand_strdup_or_empty(thishost);
	c->shorthost = expand_strdup_or_empty(thishost);
	if (c->shorthost != NULL)
		c->shorthost[strcspn(c->shorthost, ".")] = '\0';
	snprintf(buf, sizeof(buf), "%d", port);
	c->portstr = strdup(buf);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)uid);
	c->uidstr = strdup(buf);
	c->keyalias = expand_strdup_or_empty(keyalias);
	c->host_arg = expand_strdup_or_empty(host_arg);
	c->remhost = expand_strdup_or_empty(host);
	c->remuser = expand_strdup_or_empty(user);
	c->homedir = expand_strdup_or_empty(homedir);
	c->locuser = expand_strdup_or_empty(locuser);
	if (c->thishost != NULL && c->remhost != NULL && c->portstr != NULL &&
	    c->remuser != NULL) {
		expand_conn_hash(
		    c->thishost, c->remhost, c->portstr, c->remuser, hash);
		c->conn_hash = strdup(hash);
	}
	if (c->thishost == NULL || c->shorthost == NULL || c->portstr == NULL ||
	    c->uidstr == NULL || c->keyalias == NULL || c->host_arg == NULL ||
	    c->remhost == NULL || c->remuser == NULL || c->homedir == NULL ||
	    c->locuser == NULL || c->conn_hash == NULL) {
		expand_conn_free(c);
		return -2;
	}
	return 0;
}

size_t
expand_conn_tokens(const struct expand_conn *c, struct expand_token *t)
{
	size_t n = 0;

	t[n].key = 'C', t[n++].value = c->conn_hash;
	t[n].key = 'L', t[n++].value = c->shorthost;
	t[n].key = 'i', t[n++].value = c->uidstr;
	t[n].key = 'k', t[n++].value = c->keyalias;
	t[n].key = 'l', t[n++].value = c->thishost;
	t[n].key = 'n', t[n++].value = c->host_arg;
	t[n].key = 'd', t[n++].value = c->homedir;
	t[n].key = 'h', t[n++].value = c->remhost;
	t[n].key = 'p', t[n++].value = c->portstr;
	t[n].key = 'r', t[n++].value = c->remuser;
	t[n].key = 'u', t[n++].value = c->locuser;
	return n;
}

int
expand_tilde(
    const char *path, const char *home, char **out, char *errbuf, size_t errlen)
{
	char *copy = NULL, *user = NULL, *p = NULL;
	const char *rest = NULL, *dir;
	struct passwd *pw;
	size_t len;
	int r = -1, slash;

	*out = NULL;
	if (*path != '~') {
		if ((*out = strdup(path)) == NULL)
			return -2;
		return 0;
	}
	if ((copy = strdup(path + 1)) == NULL)
		return -2;
	if (*copy == '\0')
		rest = NULL;
	else if (*copy == '/') {
		rest = copy + strspn(copy, "/");
		if (*rest == '\0')
			rest = NULL;
	} else {
		user = copy;
		if ((p = strchr(copy, '/')) != NULL) {
			*p++ = '\0';
			p += strspn(p, "/");
			rest = *p == '\0' ? NULL : p;
		}
	}
	if (user != NULL) {
		if ((pw = getpwnam(user)) == NULL) {
			snprintf(errbuf, errlen, "No such user %s", user);
			goto out;
		}
		dir = pw->pw_dir;
	} else
		dir = home != NULL ? home : "";
	len = strlen(dir);
	slash = len == 0 || dir[len - 1] != '/';
	len += (size_t)slash + (rest != NULL ? strlen(rest) : 0) + 1;
	if ((*out = malloc(len)) == NULL) {
		r = -2;
		goto out;
	}
	snprintf(*out, len, "%s%s%s", dir, slash ? "/" : "",
	    rest != NULL ? rest : "");
	r = 0;
out:
	free(copy);
	return r;
}

int
expand_valid_env_name(const char *name)
{
	const char *cp;

	if (name[0] == '\0')
		return 0;
	for (cp = name; *cp != '\0'; cp++)
		if (!isalnum((unsigned char)*cp) && *cp != '_')
			return 0;
	return 1;
}

char *
expand_concat(const char *a, const char *b, const char *c)
{
	size_t la = a != NULL ? strlen(a) : 0, lb = b != NULL ? strlen(b) : 0;
	size_t lc = c != NULL ? strlen(c) : 0;
	char *r;

	if ((r = malloc(la + lb + lc + 1)) == NULL)
		return NULL;
	if (la)
		memcpy(r, a, la);
	if (lb)
		memcpy(r + la, b, lb);
	if (lc)
		memcpy(r + la + lb, c, lc);
	r[la + lb + lc] = '\0';
	return r;
}
