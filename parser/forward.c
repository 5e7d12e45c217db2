/*
 * forward: forward specifications exactly as OpenSSH 9.2 parses them.
 *
 * Fields are separated by `:`; `[...]` protects a field (IPv6); outside
 * brackets a backslash escapes the next byte; a `/` anywhere in a field
 * makes it a path. The field count and path flags pick the form.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "parser/expand.h"
#include "parser/forward.h"
#include "parser/strbuf.h"

struct forward_field {
	char *arg;
	int ispath;
};

int
forward_a2port(const char *s)
{
	struct servent *se;
	char *end;
	long long v;

	/* strtonum(s, 0, 65535, ...) first, then a service name */
	if (s[0] >= '0' && s[0] <= '9') {
		/* fast path, same answer: 1-5 digits and nothing else */
		int i, d = 0;

		for (i = 0; i < 5 && s[i] >= '0' && s[i] <= '9'; i++)
			d = d * 10 + (s[i] - '0');
		if (s[i] == '\0' && d <= 65535)
			return d;
	}
	errno = 0;
	v = strtoll(s, &end, 10); /* errno checked next line */
	if (errno == 0 && end != s && *end == '\0' && v >= 0 && v <= 65535)
		return (int)v;
	if ((se = getservbyname(s, "tcp")) != NULL)
		return ntohs((unsigned short)se->s_port);
	return -1;
}

static int
forward_field(char **p, struct forward_field *f)
{
	char *ep, *cp = *p;
	int ispath = 0;

	if (*cp == '\0') {
		*p = NULL;
		return -1;
	}
	if (*cp == '[') {
		for (ep = cp + 1; *ep != ']' && *ep != '\0'; ep++)
			if (*ep == '/')
				ispath = 1;
		if (ep[0] != ']' || (ep[1] != ':' && ep[1] != '\0'))
			return -1;
		*ep++ = '\0';
		if (*ep != '\0')
			*ep++ = '\0';
		f->arg = cp + 1;
		f->ispath = ispath;
		*p = ep;
		return 0;
	}
	for (cp = *p; *cp != '\0'; cp++) {
		switch (*cp) {
		case '\\':
			memmove(cp, cp + 1, strlen(cp + 1) + 1);
			if (*cp == '\0')
				return -1;
			break;
		case '/':
			ispath = 1;
			break;
		case ':':
			*cp++ = '\0';
			goto done;
		}
	}
done:
	f->arg = *p;
	f->ispath = ispath;
	*p = cp;
	return 0;
}

void
forward_free(struct fwd *f)
{
	free(f->listen_host);
	free(f->listen_path);
	free(f->connect_host);
	free(f->connect_path);
	f->listen_host = f->listen_path = NULL;
	f->connect_host = f->connect_path = NULL;
}

static int
forward_dup(char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL)
		return 0;
	if ((*dst = strdup(s)) == NULL)
		return -2;
	return 0;
}

int
forward_copy(struct fwd *dst, const struct fwd *src)
{
	*dst = *src;
	dst->listen_host = dst->listen_path = NULL;
	dst->connect_host = dst->connect_path = NULL;
	if (forward_dup(&dst->listen_host, src->listen_host) != 0 ||
	    forward_dup(&dst->listen_path, src->listen_path) != 0 ||
	    forward_dup(&dst->connect_host, src->connect_host) != 0 ||
	    forward_dup(&dst->connect_path, src->connect_path) != 0) {
		forward_free(dst);
		return -2;
	}
	return 0;
}

static int
forward_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
forward_equals(const struct fwd *a, const struct fwd *b)
{
	return forward_streq(a->listen_host, b->listen_host) &&
	    a->listen_port == b->listen_port &&
	    forward_streq(a->listen_path, b->listen_path) &&
	    forward_streq(a->connect_host, b->connect_host) &&
	    a->connect_port == b->connect_port &&
	    forward_streq(a->connect_path, b->connect_path);
}

/* One field of a spec; 0, or -1 when it holds "${" or a control
 * character (the control protocol is one line per request). */
static int
forward_spec_field(struct strbuf *b, const char *s)
{
	if (strstr(s, "${") != NULL)
		return -1;
	for (; *s != '\0'; s++) {
		if (iscntrl((unsigned char)*s))
			return -1;
		if (strchr(":\\[]", *s) != NULL || isspace((unsigned char)*s))
			strbuf_addn(b, "\\", 1);
		strbuf_addn(b, s, 1);
	}
	return 0;
}

int
forward_spec(const struct fwd *f, char **out)
{
	struct strbuf b = STRBUF_INIT;
	int r = -1;

	*out = NULL;
	if (f->listen_path != NULL) {
		if (forward_spec_field(&b, f->listen_path) != 0)
			goto out;
	} else {
		if (f->listen_host != NULL) {
			if (forward_spec_field(&b, f->listen_host) != 0)
				goto out;
			strbuf_add(&b, ":");
		}
		strbuf_addf(&b, "%d", f->listen_port);
	}
	if (f->kind != FWD_DYNAMIC && f->kind != FWD_REMOTE_DYNAMIC) {
		strbuf_add(&b, ":");
		if (f->connect_path != NULL) {
			if (forward_spec_field(&b, f->connect_path) != 0)
				goto out;
		} else {
			if (f->connect_host == NULL ||
			    forward_spec_field(&b, f->connect_host) != 0)
				goto out;
			strbuf_addf(&b, ":%d", f->connect_port);
		}
	}
	if ((*out = strbuf_finish(&b)) == NULL)
		r = -2;
	else
		r = 0;
out:
	strbuf_free(&b);
	return r;
}

int
forward_parse(const char *spec, enum fwd_kind kind, struct fwd *fwd)
{
	char errbuf[256];

	return forward_parse_err(spec, kind, fwd, errbuf, sizeof(errbuf));
}

int
forward_parse_err(const char *spec, enum fwd_kind kind, struct fwd *fwd,
    char *errbuf, size_t errlen)
{
	struct forward_field a[4];
	char *p = NULL, *cp, stackbuf[256];
	size_t n;
	int i, r, missing, dynamic, remote, oom = 0;

	memset(fwd, 0, sizeof(*fwd));
	memset(a, 0, sizeof(a));
	dynamic = kind == FWD_DYNAMIC || kind == FWD_REMOTE_DYNAMIC;
	remote = kind == FWD_REMOTE || kind == FWD_REMOTE_DYNAMIC;

	if (errlen > 0)
		errbuf[0] = '\0';
	/*
	 * ssh runs dollar_expand over the spec. Most specs have no '$': a
	 * stack copy then does, which keeps inactive LocalForward lines of a
	 * large config off the allocator.
	 */
	n = strlen(spec);
	if (n < sizeof(stackbuf) && memchr(spec, '$', n) == NULL) {
		memcpy(stackbuf, spec, n + 1);
		p = stackbuf;
	} else {
		r = expand_string(
		    spec, 0, 1, NULL, 0, &p, errbuf, errlen, &missing);
		if (r == -2)
			return -2;
		if (r != 0)
			return 0;
	}
	cp = p;
	while (isspace((unsigned char)*cp))
		cp++;
	for (i = 0; i < 4; ++i)
		if (forward_field(&cp, &a[i]) != 0)
			break;
	if (cp != NULL && *cp != '\0')
		i = 0;

#define FWD_DUP(dst, src) \
	do { \
		if (((dst) = strdup(src)) == NULL) \
			oom = 1; \
	} while (0)
	switch (i) {
	case 1:
		if (a[0].ispath) {
			FWD_DUP(fwd->listen_path, a[0].arg);
			fwd->listen_port = FORWARD_PORT_STREAMLOCAL;
		} else
			fwd->listen_port = forward_a2port(a[0].arg);
		FWD_DUP(fwd->connect_host, "socks");
		break;
	case 2:
		if (a[0].ispath && a[1].ispath) {
			FWD_DUP(fwd->listen_path, a[0].arg);
			fwd->listen_port = FORWARD_PORT_STREAMLOCAL;
			FWD_DUP(fwd->connect_path, a[1].arg);
			fwd->connect_port = FORWARD_PORT_STREAMLOCAL;
		} else if (a[1].ispath) {
			fwd->listen_port = forward_a2port(a[0].arg);
			FWD_DUP(fwd->connect_path, a[1].arg);
			fwd->connect_port = FORWARD_PORT_STREAMLOCAL;
		} else {
			FWD_DUP(fwd->listen_host, a[0].arg);
			fwd->listen_port = forward_a2port(a[1].arg);
			FWD_DUP(fwd->connect_host, "socks");
		}
		break;
	case 3:
		if (a[0].ispath) {
			FWD_DUP(fwd->listen_path, a[0].arg);
			fwd->listen_port = FORWARD_PORT_STREAMLOCAL;
			FWD_DUP(fwd->connect_host, a[1].arg);
			fwd->connect_port = forward_a2port(a[2].arg);
		} else if (a[2].ispath) {
			FWD_DUP(fwd->listen_host, a[0].arg);
			fwd->listen_port = forward_a2port(a[1].arg);
			FWD_DUP(fwd->connect_path, a[2].arg);
			fwd->connect_port = FORWARD_PORT_STREAMLOCAL;
		} else {
			fwd->listen_port = forward_a2port(a[0].arg);
			FWD_DUP(fwd->connect_host, a[1].arg);
			fwd->connect_port = forward_a2port(a[2].arg);
		}
		break;
	case 4:
		FWD_DUP(fwd->listen_host, a[0].arg);
		fwd->listen_port = forward_a2port(a[1].arg);
		FWD_DUP(fwd->connect_host, a[2].arg);
		fwd->connect_port = forward_a2port(a[3].arg);
		break;
	default:
		i = 0;
	}
#undef FWD_DUP
	if (p != stackbuf)
		free(p);
	if (oom) {
		forward_free(fwd);
		return -2;
	}
	if (dynamic) {
		if (!(i == 1 || i == 2))
			goto fail;
	} else {
		if (!(i == 3 || i == 4)) {
			if (fwd->connect_path == NULL &&
			    fwd->listen_path == NULL)
				goto fail;
		}
		if (fwd->connect_port <= 0 && fwd->connect_path == NULL)
			goto fail;
	}
	if ((fwd->listen_port < 0 && fwd->listen_path == NULL) ||
	    (!remote && fwd->listen_port == 0))
		goto fail;
	if (fwd->connect_host != NULL &&
	    strlen(fwd->connect_host) >= FORWARD_HOST_MAX)
		goto fail;
	if (fwd->connect_path != NULL &&
	    strlen(fwd->connect_path) >= FORWARD_PATH_MAX)
		goto fail;
	if (fwd->listen_host != NULL &&
	    strlen(fwd->listen_host) >= FORWARD_HOST_MAX)
		goto fail;
	if (fwd->listen_path != NULL &&
	    strlen(fwd->listen_path) >= FORWARD_PATH_MAX)
		goto fail;
	fwd->kind = kind;
	if (remote && fwd->connect_host != NULL &&
	    strcmp(fwd->connect_host, "socks") == 0 && dynamic)
		fwd->kind = FWD_REMOTE_DYNAMIC;
	return i;
fail:
	forward_free(fwd);
	return 0;
}
