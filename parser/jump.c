/*
 * jump: host specifications of ProxyJump, -J and the destination.
 */
#include "autoconf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/forward.h"
#include "parser/jump.h"

int
jump_valid_hostname(const char *s)
{
	size_t i;

	if (*s == '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (strchr("'`\"$\\;&<>|(){},", s[i]) != NULL ||
		    isspace((unsigned char)s[i]) ||
		    iscntrl((unsigned char)s[i]))
			return 0;
	return 1;
}

int
jump_valid_ruser(const char *s)
{
	size_t i;

	if (*s == '-')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (iscntrl((unsigned char)s[i]))
			return 0;
		if (strchr("'`\";&<>|(){}", s[i]) != NULL)
			return 0;
		if (isspace((unsigned char)s[i]) && s[i + 1] == '-')
			return 0;
		if (s[i] == '\\' && s[i + 1] == '\0')
			return 0;
	}
	return 1;
}

int
jump_valid_domain(const char *name, char *errbuf, size_t errlen)
{
	size_t i, l = strlen(name);
	unsigned char c, last = '\0';

	if (l == 0) {
		if (errbuf != NULL)
			snprintf(errbuf, errlen, "empty domain name");
		return 0;
	}
	if (!isalpha((unsigned char)name[0]) &&
	    !isdigit((unsigned char)name[0])) {
		if (errbuf != NULL)
			snprintf(errbuf, errlen,
			    "domain name \"%.100s\" "
			    "starts with invalid character",
			    name);
		return 0;
	}
	for (i = 0; i < l; i++) {
		c = (unsigned char)tolower((unsigned char)name[i]);
		if (last == '.' && c == '.') {
			if (errbuf != NULL)
				snprintf(errbuf, errlen,
				    "domain name "
				    "\"%.100s\" contains consecutive "
				    "separators",
				    name);
			return 0;
		}
		if (c != '.' && c != '-' && !isalnum(c) && c != '_') {
			if (errbuf != NULL)
				snprintf(errbuf, errlen,
				    "domain name "
				    "\"%.100s\" contains invalid characters",
				    name);
			return 0;
		}
		last = c;
	}
	return 1;
}

/* misc.c hpdelim2: split off a host field ending at ':' or '/'. */
static char *
jump_hpdelim2(char **cp, char *delim)
{
	char *s, *old;

	if (cp == NULL || *cp == NULL)
		return NULL;
	old = s = *cp;
	if (*s == '[') {
		if ((s = strchr(s, ']')) == NULL)
			return NULL;
		s++;
	} else if ((s = strpbrk(s, ":/")) == NULL)
		s = *cp + strlen(*cp);
	switch (*s) {
	case '\0':
		*cp = NULL;
		break;
	case ':':
	case '/':
		if (delim != NULL)
			*delim = *s;
		*s = '\0';
		*cp = s + 1;
		break;
	default:
		return NULL;
	}
	return old;
}

static char *
jump_cleanhost(char *host)
{
	size_t l = strlen(host);

	if (*host == '[' && l > 0 && host[l - 1] == ']') {
		host[l - 1] = '\0';
		return host + 1;
	}
	return host;
}

static int
jump_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* urldecode; NULL on bad escapes or %00 (Debian CVE-2025-61985). */
static char *
jump_urldecode(const char *src, int *oom)
{
	char *ret, *dst;
	int hi, lo;

	*oom = 0;
	if ((ret = malloc(strlen(src) + 1)) == NULL) {
		*oom = 1;
		return NULL;
	}
	for (dst = ret; *src != '\0'; src++) {
		if (*src == '+')
			*dst++ = ' ';
		else if (*src == '%') {
			if ((hi = jump_hexval((unsigned char)src[1])) < 0 ||
			    (lo = jump_hexval((unsigned char)src[2])) < 0 ||
			    (hi == 0 && lo == 0)) {
				free(ret);
				return NULL;
			}
			*dst++ = (char)(hi << 4 | lo);
			src += 2;
		} else
			*dst++ = *src;
	}
	*dst = '\0';
	return ret;
}

/* Give the parsed parts to the caller's out-params that are not NULL; what
 * is handed over is cleared here so that the out: label does not free it. */
static void
jump_hand_over(
    char **user, char **host, int port, char **userp, char **hostp, int *portp)
{
	if (userp != NULL) {
		*userp = *user;
		*user = NULL;
	}
	if (hostp != NULL) {
		*hostp = *host;
		*host = NULL;
	}
	if (portp != NULL)
		*portp = port;
}

int
jump_parse_uri(const char *uri, char **userp, char **hostp, int *portp)
{
	char *dup = NULL, *tmp, *cp, *delim, ch = '\0';
	char *user = NULL, *host = NULL;
	int port = -1, r = -1, oom;

	if (userp != NULL)
		*userp = NULL;
	if (hostp != NULL)
		*hostp = NULL;
	if (portp != NULL)
		*portp = -1;
	if (strncmp(uri, "ssh://", 6) != 0)
		return 1;
	if ((dup = tmp = strdup(uri + 6)) == NULL)
		return -2;
	if ((cp = strchr(tmp, '@')) != NULL) {
		*cp = '\0';
		if ((delim = strchr(tmp, ';')) != NULL)
			*delim = '\0';
		if (*tmp == '\0')
			goto out;
		if ((user = jump_urldecode(tmp, &oom)) == NULL) {
			if (oom)
				r = -2;
			goto out;
		}
		tmp = cp + 1;
	}
	if ((cp = jump_hpdelim2(&tmp, &ch)) == NULL || *cp == '\0')
		goto out;
	if ((host = strdup(jump_cleanhost(cp))) == NULL) {
		r = -2;
		goto out;
	}
	if (!jump_valid_domain(host, NULL, 0))
		goto out;
	if (tmp != NULL && *tmp != '\0') {
		if (ch == ':') {
			if ((cp = strchr(tmp, '/')) != NULL)
				*cp = '\0';
			if ((port = forward_a2port(tmp)) <= 0)
				goto out;
			tmp = cp != NULL ? cp + 1 : NULL;
		}
		if (tmp != NULL && *tmp != '\0')
			goto out; /* a path: not allowed for ssh destinations */
	}
	jump_hand_over(&user, &host, port, userp, hostp, portp);
	r = 0;
out:
	free(dup);
	free(user);
	free(host);
	return r;
}

int
jump_parse_user_host_port(const char *s, char **userp, char **hostp, int *portp)
{
	char *sdup, *cp, *tmp, *user = NULL, *host = NULL;
	int port = -1, r = -1;

	if (userp != NULL)
		*userp = NULL;
	if (hostp != NULL)
		*hostp = NULL;
	if (portp != NULL)
		*portp = -1;
	if ((sdup = tmp = strdup(s)) == NULL)
		return -2;
	if ((cp = strrchr(tmp, '@')) != NULL) {
		*cp = '\0';
		if (*tmp == '\0')
			goto out;
		if ((user = strdup(tmp)) == NULL) {
			r = -2;
			goto out;
		}
		tmp = cp + 1;
	}
	/* hpdelim: only ':' is a delimiter */
	{
		char d = '\0';

		if ((cp = jump_hpdelim2(&tmp, &d)) == NULL || d == '/' ||
		    *cp == '\0')
			goto out;
	}
	if ((host = strdup(jump_cleanhost(cp))) == NULL) {
		r = -2;
		goto out;
	}
	if (tmp != NULL && *tmp != '\0') {
		if ((port = forward_a2port(tmp)) <= 0)
			goto out;
	}
	jump_hand_over(&user, &host, port, userp, hostp, portp);
	r = 0;
out:
	free(sdup);
	free(user);
	free(host);
	return r;
}

void
jump_spec_free(struct jump_spec *j)
{
	free(j->user);
	free(j->host);
	free(j->extra);
	memset(j, 0, sizeof(*j));
	j->port = -1;
}

/* Parse one element (URI or user@host:port). */
static int
jump_element(const char *e, char **user, char **host, int *port)
{
	int r;

	r = jump_parse_uri(e, user, host, port);
	if (r == 1)
		r = jump_parse_user_host_port(e, user, host, port);
	return r;
}

int
jump_parse(const char *s, int strict, struct jump_spec *out, char *errmsg,
    size_t errlen)
{
	char *orig = NULL, *sdup = NULL, *cp, *tu = NULL, *th = NULL;
	size_t i;
	int r = -1, tp = -1, first = 1;

	memset(out, 0, sizeof(*out));
	out->port = -1;
	if (errmsg != NULL && errlen > 0)
		errmsg[0] = '\0';
	if (strcasecmp(s, "none") == 0) {
		out->none = 1;
		return 0;
	}
	if ((orig = strdup(s)) == NULL)
		return -2;
	if ((cp = strchr(orig, '#')) != NULL)
		*cp = '\0';
	/* misc.c rtrim blanks every whitespace byte after the first one */
	for (i = strlen(orig); i > 1; i--)
		if (isspace((unsigned char)orig[i - 1]))
			orig[i - 1] = '\0';
	if ((sdup = strdup(orig)) == NULL) {
		r = -2;
		goto out;
	}
	do {
		if ((cp = strrchr(sdup, ',')) == NULL)
			cp = sdup;
		else
			*cp++ = '\0';
		if ((r = jump_element(cp, &tu, &th, &tp)) != 0) {
			if (r != -2)
				r = -1;
			goto out;
		}
		r = -1;
		if (strict) {
			if (!jump_valid_hostname(th)) {
				if (errmsg != NULL)
					snprintf(errmsg, errlen,
					    "parse_jump: invalid hostname "
					    "\"%s\"",
					    th);
				goto out;
			}
			if (tu != NULL && !jump_valid_ruser(tu)) {
				if (errmsg != NULL)
					snprintf(errmsg, errlen,
					    "parse_jump: invalid username "
					    "\"%s\"",
					    tu);
				goto out;
			}
		}
		if (first) {
			out->user = tu;
			out->host = th;
			out->port = tp;
			tu = th = NULL;
		}
		first = 0;
		free(tu);
		free(th);
		tu = th = NULL;
		tp = -1;
	} while (cp != sdup);
	if ((cp = strrchr(orig, ',')) != NULL) {
		if ((out->extra = strndup(orig, (size_t)(cp - orig))) == NULL) {
			r = -2;
			goto out;
		}
	}
	r = 0;
out:
	free(orig);
	free(sdup);
	free(tu);
	free(th);
	if (r != 0)
		jump_spec_free(out);
	return r;
}

void
jump_hops_free(struct jump_hop *hops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(hops[i].user);
		free(hops[i].host);
	}
	free(hops);
}

int
jump_split(const char *spec, struct jump_hop **hopsp, size_t *np)
{
	struct jump_hop *hops = NULL, *nh;
	char *dup, *p, *e;
	size_t n = 0;
	int r = -2;

	*hopsp = NULL;
	*np = 0;
	if (strcasecmp(spec, "none") == 0)
		return 0;
	if ((dup = strdup(spec)) == NULL)
		return -2;
	p = dup;
	for (;;) {
		e = strchr(p, ',');
		if (e != NULL)
			*e = '\0';
		if ((nh = realloc(hops, (n + 1) * sizeof(*hops))) == NULL)
			goto out;
		hops = nh;
		memset(&hops[n], 0, sizeof(hops[n]));
		if ((r = jump_element(p, &hops[n].user, &hops[n].host,
		         &hops[n].port)) != 0) {
			if (r != -2)
				r = -1;
			goto out;
		}
		n++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	*hopsp = hops;
	*np = n;
	hops = NULL;
	n = 0;
	r = 0;
out:
	jump_hops_free(hops, n);
	free(dup);
	return r;
}
