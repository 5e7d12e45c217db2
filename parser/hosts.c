/*
 * hosts: walk a config tree as ssh reads it and collect its plain Host
 * aliases.
 *
 * Only two keywords matter here, Host and Include. Lines are split with the
 * lexer's copies of ssh's own tokenisers (strdelim for the keyword,
 * argv_split for the arguments), so quotes, backslash escapes, `#` comments
 * and the optional `=` after the keyword behave as in ssh: a quoted alias or
 * a commented-out Include comes out right.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parser/hosts.h"
#include "parser/lexer.h"

struct hosts_walk {
	const struct hosts_request *req;
	struct hosts_names *out;
	struct diag_list *dl;
	size_t files;
};

void
hosts_names_free(struct hosts_names *names)
{
	size_t i;

	if (names == NULL)
		return;
	for (i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	names->v = NULL;
	names->n = 0;
}

/* Record an error; -2 when even that fails (out of memory). */
static int hosts_error(struct hosts_walk *w, const char *file, int line,
    const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
hosts_error(struct hosts_walk *w, const char *file, int line, const char *rule,
    const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diag_addv(w->dl, file, line, 0, DIAG_ERROR, rule, fmt, ap);
	va_end(ap);
	if (r != 0 && w->dl->n < DIAG_MAX)
		return -2;
	return 0;
}

/* a, b and c concatenated in a new string; NULL on out of memory. */
static char *
hosts_cat(const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *s;

	if ((s = malloc(la + lb + lc + 1)) == NULL)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb);
	memcpy(s + la + lb, c, lc);
	s[la + lb + lc] = '\0';
	return s;
}

static int
hosts_add(struct hosts_walk *w, const char *name)
{
	struct hosts_names *o = w->out;
	char **nv;
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->v[i], name) == 0)
			return 0;
	if (o->n >= HOSTS_MAX_NAMES)
		return 0;
	if ((nv = realloc(o->v, (o->n + 1) * sizeof(*nv))) == NULL)
		return -2;
	o->v = nv;
	if ((nv[o->n] = strdup(name)) == NULL)
		return -2;
	o->n++;
	return 0;
}

static int hosts_read(struct hosts_walk *w, const char *path, int userconf,
    int checkperm, int depth, int *err);

/* Include: anchor, glob, read each match (sorted, as glob returns them). */
static int
hosts_include(struct hosts_walk *w, const char *file, int lineno,
    const char *arg, int userconf, int depth)
{
	const struct hosts_request *rq = w->req;
	const char *home, *sysdir;
	char *pat = NULL;
	glob_t gl;
	size_t i;
	int r, err;

	if (*arg == '~' && !userconf)
		return hosts_error(w, file, lineno, "bad-include",
		    "bad include path %s.", arg);
	home = rq->home != NULL ? rq->home : rq->pw_dir;
	sysdir = rq->system_dir != NULL ? rq->system_dir : "/etc/ssh";
	/* "~/.ssh/" for user configs, as ssh writes it before glob(); the
	 * tilde is expanded here when we know the home directory, else by
	 * glob's GLOB_TILDE (which reads $HOME). */
	if (*arg == '/')
		pat = hosts_cat(arg, "", "");
	else if (*arg != '~' && !userconf)
		pat = hosts_cat(sysdir, "/", arg);
	else if (*arg != '~' && home != NULL)
		pat = hosts_cat(home, "/.ssh/", arg);
	else if (*arg != '~')
		pat = hosts_cat("~/.ssh/", arg, "");
	else if (home != NULL && (arg[1] == '/' || arg[1] == '\0'))
		pat = hosts_cat(home, arg + 1, "");
	else
		pat = hosts_cat(arg, "", "");
	if (pat == NULL)
		return -2;

	memset(&gl, 0, sizeof(gl));
	r = glob(pat, GLOB_TILDE, NULL, &gl);
	if (r == GLOB_NOMATCH) {
		free(pat);
		return 0;
	}
	if (r != 0) {
		r = r == GLOB_NOSPACE
		    ? -2
		    : hosts_error(w, file, lineno, "bad-include",
		          "glob failed for %s.", pat);
		globfree(&gl);
		free(pat);
		return r;
	}
	free(pat);
	for (i = 0, r = 0; i < gl.gl_pathc && r == 0; i++) {
		r = hosts_read(w, gl.gl_pathv[i], userconf, 1, depth + 1, &err);
		if (r == 1 && err != ENOENT)
			r = hosts_error(w, file, lineno, "unreadable-config",
			    "Can't open user config file %.100s: %.100s",
			    gl.gl_pathv[i], strerror(err));
		else if (r == 1)
			r = 0;
	}
	globfree(&gl);
	return r;
}

/*
 * One config line, read as ssh's process_config_line_depth() reads it: Host
 * adds aliases, Include recurses, the rest is skipped.
 */
static int
hosts_line(struct hosts_walk *w, char *line, const char *file, int lineno,
    int userconf, int depth)
{
	char *kw, *s = line, **av = NULL;
	int i, ac = 0, r, is_host;

	lexer_chop(line);
	if ((kw = lexer_strdelim(&s)) == NULL)
		return 0;
	if (*kw == '\0') /* leading whitespace */
		kw = lexer_strdelim(&s);
	if (kw == NULL || *kw == '\0' || *kw == '\n' || *kw == '#')
		return 0;
	lexer_lowercase(kw);
	is_host = strcmp(kw, "host") == 0;
	if (!is_host && strcmp(kw, "include") != 0)
		return 0;
	if (s != NULL)
		s += strspn(s, LEXER_WHITESPACE);
	if (s == NULL || *s == '\0')
		return 0; /* ssh: "no argument after keyword" */
	if ((r = lexer_argv_split(s, &ac, &av)) == -1)
		return hosts_error(
		    w, file, lineno, "bad-quotes", "invalid quotes");
	if (r != 0)
		return -2;
	for (i = 0, r = 0; i < ac && r == 0; i++) {
		if (!is_host)
			r = hosts_include(
			    w, file, lineno, av[i], userconf, depth);
		else if (av[i][0] != '\0' && av[i][0] != '!' &&
		    strpbrk(av[i], "*?") == NULL)
			r = hosts_add(w, av[i]);
	}
	lexer_argv_free(av, ac);
	return r;
}

/*
 * Read one file. Returns 0 when read, 1 when it could not be opened (*err
 * holds errno), -2 on out of memory; other problems are recorded in the
 * diagnostics and the file is skipped (0).
 */
static int
hosts_read(struct hosts_walk *w, const char *path, int userconf, int checkperm,
    int depth, int *err)
{
	struct stat sb;
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int r = -2, lineno = 0;

	*err = 0;
	if (depth > HOSTS_MAX_DEPTH) {
		r = hosts_error(w, path, 0, "include-depth",
		    "Too many recursive configuration includes");
		goto out;
	}
	if (w->files >= HOSTS_MAX_FILES) {
		r = hosts_error(w, path, 0, "include-count",
		    "too many configuration files (max %d)", HOSTS_MAX_FILES);
		goto out;
	}
	if ((f = fopen(path, "r")) == NULL) {
		*err = errno;
		r = 1;
		goto out;
	}
	w->files++;
	if (checkperm && fstat(fileno(f), &sb) == 0 &&
	    ((sb.st_uid != 0 && sb.st_uid != getuid()) ||
	        (sb.st_mode & 022) != 0)) {
		r = hosts_error(w, path, 0, "bad-permissions",
		    "Bad owner or permissions on %s", path);
		goto out;
	}
	r = 0;
	while (r == 0 && (got = getline(&line, &cap, f)) != -1) {
		lineno++;
		/* an embedded NUL or an absurd line: not config, skip it */
		if ((size_t)got != strlen(line) || got > LEXER_LINE_MAX)
			continue;
		r = hosts_line(w, line, path, lineno, userconf, depth);
	}
	if (r == 0 && ferror(f))
		r = hosts_error(w, path, lineno, "unreadable-config",
		    "%s: read error", path);
out:
	free(line);
	if (f != NULL)
		fclose(f);
	return r;
}

int
hosts_list(const struct hosts_request *req, struct hosts_names *out,
    struct diag_list *dl)
{
	struct hosts_walk w;
	char *user = NULL;
	int r = -2, err;

	out->v = NULL;
	out->n = 0;
	w.req = req;
	w.out = out;
	w.dl = dl;
	w.files = 0;
	if (req->config_file != NULL) {
		/* ssh -F: a user config (~/.ssh anchoring), no system config */
		if (strcasecmp(req->config_file, "none") == 0) {
			r = 0;
			goto out;
		}
		r = hosts_read(&w, req->config_file, 1, 0, 0, &err);
		if (r == 1)
			r = hosts_error(&w, req->config_file, 0,
			    "unreadable-config",
			    "Can't open user config file %.100s: %.100s",
			    req->config_file, strerror(err));
		goto out;
	}
	if (req->user_config == NULL && req->pw_dir != NULL &&
	    (user = hosts_cat(req->pw_dir, "/.ssh/config", "")) == NULL)
		goto out;
	if (req->user_config != NULL || user != NULL) {
		/* a missing user config is fine, as in ssh */
		r = hosts_read(&w,
		    req->user_config != NULL ? req->user_config : user, 1, 1, 0,
		    &err);
		if (r < 0)
			goto out;
	}
	r = hosts_read(&w,
	    req->system_config != NULL ? req->system_config
	                               : "/etc/ssh/ssh_config",
	    0, 0, 0, &err);
	if (r == 1)
		r = 0;
out:
	free(user);
	if (r == -2) {
		hosts_names_free(out);
		return -2;
	}
	return diag_count_errors(dl) > 0 ? -1 : 0;
}
