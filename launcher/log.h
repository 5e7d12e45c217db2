/*
 * log: the launcher's messages, at ssh's levels and in ssh's words.
 *
 * One process-wide sink (stderr, or the -E file), one threshold set from
 * -q / -v / -vv / -vvv. libssh's own log lines are routed here too, at
 * -vvv only, tagged with the hop that was being driven when they were
 * emitted (libssh's logging is process-global and carries no session).
 */
#ifndef SSHFWD_LOG_H
#define SSHFWD_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_QUIET = 0,
	LOG_ERROR = 1, /* shown unless -q */
	LOG_INFO = 2, /* ssh's default: "Allocated port ..." */
	LOG_DEBUG1 = 3, /* -v */
	LOG_DEBUG2 = 4, /* -vv */
	LOG_DEBUG3 = 5, /* -vvv (also libssh's own protocol log) */
};

/*
 * Set the threshold from the command line counts and open the -E file
 * (appending, as ssh does) when path is non-NULL. Returns 0, or -1 when the
 * file cannot be opened (the message then goes to stderr).
 */
int log_init(int verbose, int quiet, const char *path);

/* Close the -E file. */
void log_close(void);

/* Whether a message at level would be printed. */
int log_enabled(enum log_level level);

/* Print one line (a newline is appended) if level passes the threshold. */
void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A what-to-do line printed right after an error ("  hint: ..."). */
void log_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Tag libssh's log lines with this hop name (NULL: untagged). */
void log_set_hop(const char *name);

/* After fork in -f mode: stderr goes away unless -E was given. */
void log_detach_stderr(void);

#endif
