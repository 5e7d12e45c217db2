/*
 * diag: collect diagnostics in a caller-owned list; format them on demand.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/diag.h"

void
diag_list_init(struct diag_list *dl)
{
	dl->v = NULL;
	dl->n = 0;
	dl->cap = 0;
}

void
diag_list_free(struct diag_list *dl)
{
	size_t i;

	if (dl == NULL)
		return;
	for (i = 0; i < dl->n; i++) {
		free(dl->v[i].file);
		free(dl->v[i].rule);
		free(dl->v[i].message);
		free(dl->v[i].hint);
	}
	free(dl->v);
	diag_list_init(dl);
}

char *
diag_vfmt(const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
diag_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = diag_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

int
diag_addv(struct diag_list *dl, const char *file, int line, int column,
    enum diag_severity sev, const char *rule, const char *fmt, va_list ap)
{
	struct diag *d;
	size_t ncap;

	if (dl->n >= DIAG_MAX)
		return -1;
	if (dl->n == dl->cap) {
		ncap = dl->cap ? dl->cap * 2 : 16;
		d = realloc(dl->v, ncap * sizeof(*d));
		if (d == NULL)
			return -1;
		dl->v = d;
		dl->cap = ncap;
	}
	d = &dl->v[dl->n];
	memset(d, 0, sizeof(*d));
	d->line = line;
	d->column = column;
	d->severity = sev;
	d->file = strdup(file != NULL ? file : "");
	d->rule = strdup(rule != NULL ? rule : "");
	d->message = diag_vfmt(fmt, ap);
	if (d->file == NULL || d->rule == NULL || d->message == NULL) {
		free(d->file);
		free(d->rule);
		free(d->message);
		return -1;
	}
	dl->n++;
	return 0;
}

int
diag_add(struct diag_list *dl, const char *file, int line, int column,
    enum diag_severity sev, const char *rule, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diag_addv(dl, file, line, column, sev, rule, fmt, ap);
	va_end(ap);
	return r;
}

struct diag *
diag_last(struct diag_list *dl)
{
	return dl->n > 0 ? &dl->v[dl->n - 1] : NULL;
}

int
diag_set_hint(struct diag *d, const char *fmt, ...)
{
	va_list ap;
	char *h;

	va_start(ap, fmt);
	h = diag_vfmt(fmt, ap);
	va_end(ap);
	if (h == NULL)
		return -1;
	free(d->hint);
	d->hint = h;
	return 0;
}

size_t
diag_count_errors(const struct diag_list *dl)
{
	size_t i, n = 0;

	for (i = 0; i < dl->n; i++)
		if (dl->v[i].severity == DIAG_ERROR)
			n++;
	return n;
}

const char *
diag_severity_name(enum diag_severity sev)
{
	switch (sev) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	case DIAG_INFO:
		return "info";
	case DIAG_DEBUG1:
		return "debug1";
	case DIAG_DEBUG2:
		return "debug2";
	case DIAG_DEBUG3:
		return "debug3";
	}
	return "error";
}

int
diag_format_ssh(const struct diag *d, char *buf, size_t len)
{
	const char *pre = "";

	/* ssh's log.c prefixes debug levels with their name */
	if (d->severity == DIAG_DEBUG1)
		pre = "debug1: ";
	else if (d->severity == DIAG_DEBUG2)
		pre = "debug2: ";
	else if (d->severity == DIAG_DEBUG3)
		pre = "debug3: ";
	if (d->style == DIAG_STYLE_BARE || d->line <= 0)
		return snprintf(buf, len, "%s%s", pre, d->message);
	if (d->style == DIAG_STYLE_COLON)
		return snprintf(buf, len, "%s%s: line %d: %s", pre, d->file,
		    d->line, d->message);
	return snprintf(
	    buf, len, "%s%s line %d: %s", pre, d->file, d->line, d->message);
}

int
diag_format_gcc(const struct diag *d, char *buf, size_t len)
{
	return snprintf(buf, len, "%s:%d:%d: %s: %s [%s]", d->file, d->line,
	    d->column > 0 ? d->column : 1, diag_severity_name(d->severity),
	    d->message, d->rule);
}
