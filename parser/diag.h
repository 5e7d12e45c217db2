/*
 * diag: the diagnostics list every parser stage writes into.
 *
 * The parser never prints and never exits. Every problem it finds becomes one
 * struct diag (file, line, column, severity, rule, message, hint) appended to a
 * list the caller owns; the front end decides how to show them. Messages are
 * stored in ssh's own wording so that `sshfwd -G` can report errors exactly as
 * `ssh -G` does.
 */
#ifndef SSHFWD_DIAG_H
#define SSHFWD_DIAG_H

#include <stdarg.h>
#include <stddef.h>

enum diag_severity {
	DIAG_ERROR = 0, /* ssh would refuse the config */
	DIAG_WARNING = 1, /* parses, but probably wrong or dangerous */
	DIAG_INFO = 2, /* worth knowing */
	/* ssh's debug(), debug2(), debug3() lines (shown for -v, -vv, -vvv);
	 * the parser records them only when they can be shown */
	DIAG_DEBUG1 = 3,
	DIAG_DEBUG2 = 4,
	DIAG_DEBUG3 = 5,
};

/*
 * How ssh would have spelled the location prefix. ssh uses two forms:
 * "FILE line N: msg" for almost everything and "FILE: line N: msg" for
 * unknown keywords; some messages carry no location at all.
 */
enum diag_style {
	DIAG_STYLE_LINE = 0, /* "file line N: msg" */
	DIAG_STYLE_COLON = 1, /* "file: line N: msg" */
	DIAG_STYLE_BARE = 2, /* "msg" */
};

struct diag {
	char *file; /* display name, never NULL ("command-line" for -o) */
	int line; /* 1-based; 0 when not tied to a line */
	int column; /* 1-based; 0 when unknown */
	enum diag_severity severity;
	enum diag_style style;
	int fatal; /* ssh stops immediately (vs. counts and goes on) */
	int plain; /* 0: an ssh log line, ends "\r\n"; 1: ssh wrote it
			  with fprintf, ends "\n"; 2: raw bytes another
			  program wrote (Match exec stderr), printed as is */
	char *rule; /* short id, e.g. "bad-port"; never NULL */
	char *message; /* ssh-compatible text, no location prefix */
	char *hint; /* what to do about it, or NULL */
};

struct diag_list {
	struct diag *v;
	size_t n;
	size_t cap;
};

#define DIAG_MAX 100000 /* bound on collected diagnostics */

/* Append one diagnostic. Returns 0, or -1 on out of memory / list full. */
int diag_add(struct diag_list *dl, const char *file, int line, int column,
    enum diag_severity sev, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
int diag_addv(struct diag_list *dl, const char *file, int line, int column,
    enum diag_severity sev, const char *rule, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

/*
 * The message formatter behind diag_add, for callers that build a message
 * before deciding how to record it: a malloc'd string the caller frees, or
 * NULL on out of memory. ap is consumed.
 */
char *diag_vfmt(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
char *diag_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The last diagnostic added, for setting style/fatal/hint after diag_add. */
struct diag *diag_last(struct diag_list *dl);

/* Set the hint of d (copied). Returns 0 or -1 on out of memory. */
int diag_set_hint(struct diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Number of diagnostics at severity DIAG_ERROR. */
size_t diag_count_errors(const struct diag_list *dl);

/*
 * Format d as ssh would print it ("file line N: message", debug lines with
 * ssh's "debugN: " prefix), into buf.
 * Returns the length that would have been written (snprintf rules).
 */
int diag_format_ssh(const struct diag *d, char *buf, size_t len);

/*
 * Format d gcc-style: "file:line:col: severity: message [rule]".
 * Returns the length that would have been written (snprintf rules).
 */
int diag_format_gcc(const struct diag *d, char *buf, size_t len);

const char *diag_severity_name(enum diag_severity sev);

void diag_list_init(struct diag_list *dl);
void diag_list_free(struct diag_list *dl);

#endif
