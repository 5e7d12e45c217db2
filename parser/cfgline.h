/*
 * cfgline: one ssh_config line, and the files made of them.
 *
 * This is readconf.c's process_config_line_depth / read_config_file_depth:
 * tokenise a line, look the keyword up, validate the value even in
 * inactive blocks, assign first-value-wins when the block applies, and
 * handle Host, Match (including exec), Include. Shared by config.c (files,
 * -o) and nothing else; the struct below is the resolver's state.
 */
#ifndef SSHFWD_CFGLINE_H
#define SSHFWD_CFGLINE_H

#include <stddef.h>

#include "parser/config.h"
#include "parser/diag.h"
#include "parser/keywords.h"
#include "parser/options.h"

/* readconf.h SSHCONF_* */
#define CFG_CHECKPERM 1
#define CFG_USERCONF 2
#define CFG_FINAL 4
#define CFG_NEVERMATCH 8

#define CFG_MAX_DEPTH 16 /* READCONF_MAX_DEPTH */

struct cfg {
	const struct config_request *req;
	const struct config_env *env;
	struct options *o;
	struct diag_list *dl;
	char *host; /* ssh.c's `host`: the Host/Match subject */
	char *thishost; /* gethostname() */
	int want_final; /* Match final seen */
	int fatal; /* ssh would have exited 255 */
	int oom;
	int stdio_forward; /* -W given */
	int user_cmdline; /* ssh.c user_on_commandline */
	const char *gai_err; /* last name lookup failure, ssh's words */
	int gai_soft; /* ... and it was "no such name" (ssh logs it at debug) */
	const char *flag; /* command-line flag being replayed, or NULL */
	const char *file; /* current file (interned) for origins */
	int line;
	/* The log level ssh runs at here (KW_LOG_*): debug lines above it are
	 * not recorded at all, so -G without -v pays one compare for each. */
	int loglvl;
	int debug_flag; /* ssh.c debug_flag: -v count, at most 3 */
};

/*
 * Record one of ssh's debug lines (level KW_LOG_DEBUG1..3) as a diagnostic
 * of severity DIAG_DEBUG1..3 when c->loglvl lets ssh print it. A file
 * and line give the "file line N: " prefix (file truncated to 200 bytes
 * when trunc, ssh's "%.200s"); a NULL file gives none.
 */
#define CFG_DEBUG(c, lvl, trunc, file, line, ...) \
	do { \
		if ((c)->loglvl >= (lvl)) \
			cfgline_debug( \
			    (c), (lvl), (trunc), (file), (line), __VA_ARGS__); \
	} while (0)
void cfgline_debug(struct cfg *c, int lvl, int trunc, const char *file,
    int line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/*
 * The expand_string_seen callback (arg is the struct cfg): ssh's debug3
 * line for each ${VAR} it replaces. CFG_SEEN(c) is it when debug3 lines
 * are recorded and NULL otherwise, so a plain run makes no calls.
 */
void cfgline_seen(void *arg, const char *name, const char *value);
#define CFG_SEEN(c) ((c)->loglvl >= KW_LOG_DEBUG3 ? cfgline_seen : NULL)

/*
 * Process one line (modified in place). activep NULL means a command-line
 * -o. Returns 0, or -1 if the line counts as bad (diagnostic recorded).
 * Fatal conditions set c->fatal.
 */
int cfgline_process(struct cfg *c, char *line, const char *filename,
    int linenum, int *activep, int flags, int depth);

/*
 * Read a file (or, when buf is non-NULL, that buffer under the name
 * filename) like read_config_file_depth. Returns 1 if read, 0 if it could
 * not be opened (errno kept), -1 on a fatal condition (c->fatal set).
 */
int cfgline_read(struct cfg *c, const char *filename, const char *buf,
    size_t buflen, int flags, int *activep, int depth);

/* Record a diagnostic: file truncated to 200 bytes when trunc (ssh's
 * "%.200s"), style as ssh prints it; line 0 = command line. */
void cfgline_diag(struct cfg *c, const char *file, int line, int trunc,
    enum diag_style style, int severity, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* A fatal message without location, as ssh's fatal() prints it. */
void cfgline_fatal(struct cfg *c, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set origin of opt from the current source (file/line or flag). */
void cfgline_origin(struct cfg *c, int opt);

/* ssh's a2tun: local unit (KW_TUNID_ANY for any) and *remote; -1 on
 * error. */
int cfgline_a2tun(const char *s, int *remote);

/* ssh's convtime: seconds or -1. */
int cfgline_convtime(const char *s);

/* Append to a strlist (copying s). 0 or -2. */
int cfgline_strlist_add(struct strlist *l, const char *s);

/* Add an identity/certificate with ssh's duplicate rule. 0, -1 if full,
 * -2 OOM. */
int cfgline_add_ident(struct cfg *c, struct ident **v, size_t *n,
    const char *path, int userprovided);

/* Add a forward unless an equal one exists (takes ownership). 0 / -2. */
int cfgline_add_forward(
    struct cfg *c, struct fwd **v, size_t *n, struct fwd *f);

#endif
