/*
 * path: expand ~ and %-tokens the way ssh does for file names.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/path.h"
#include "parser/options.h"

struct path_buf {
	char *s;
	size_t len, cap;
	int oom;
};

static void
path_put(struct path_buf *b, const char *s, size_t n)
{
	char *t;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;

		t = realloc(b->s, cap);
		if (t == NULL) {
			b->oom = 1;
			return;
		}
		b->s = t;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
path_puts(struct path_buf *b, const char *s)
{
	path_put(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

char *
path_expand(const char *raw, const struct options *o, int *bad)
{
	struct path_buf b = { NULL, 0, 0, 0 };
	struct passwd *pw = getpwuid(getuid());
	const char *home = pw != NULL ? pw->pw_dir : getenv("HOME");
	const char *luser = pw != NULL ? pw->pw_name : "";
	char tmp[256];
	const char *p;

	*bad = 0;
	path_put(&b, "", 0);
	p = raw;
	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		path_puts(&b, home);
		p++;
	}
	for (; *p != '\0'; p++) {
		if (*p != '%') {
			path_put(&b, p, 1);
			continue;
		}
		p++;
		switch (*p) {
		case '%':
			path_put(&b, "%", 1);
			break;
		case 'd':
			path_puts(&b, home);
			break;
		case 'h':
			path_puts(&b, o->hostname);
			break;
		case 'n':
			path_puts(&b, o->host_arg);
			break;
		case 'r':
			path_puts(&b, o->user != NULL ? o->user : luser);
			break;
		case 'u':
			path_puts(&b, luser);
			break;
		case 'p':
			snprintf(
			    tmp, sizeof(tmp), "%d", o->port > 0 ? o->port : 22);
			path_puts(&b, tmp);
			break;
		case 'i':
			snprintf(tmp, sizeof(tmp), "%ld", (long)getuid());
			path_puts(&b, tmp);
			break;
		case 'l':
		case 'L':
			if (gethostname(tmp, sizeof(tmp)) != 0)
				tmp[0] = '\0';
			tmp[sizeof(tmp) - 1] = '\0';
			if (*p == 'L' && strchr(tmp, '.') != NULL)
				*strchr(tmp, '.') = '\0';
			path_puts(&b, tmp);
			break;
		default:
			*bad = *p != '\0' ? *p : '%';
			free(b.s);
			return NULL;
		}
		if (*p == '\0')
			break;
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

int
path_sockaddr_un(struct sockaddr_un *sa, const char *path)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n >= sizeof(sa->sun_path))
		return -1;
	memcpy(sa->sun_path, path, n + 1);
	return 0;
}
