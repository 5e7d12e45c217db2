/*
 * log: ssh-style messages to stderr or the -E file, with a level threshold.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>

#include "launcher/log.h"

static int log_threshold = LOG_INFO;
static FILE *log_file;
static int log_to_stderr = 1;
static const char *log_hop;

static void
log_libssh_cb(
    int priority, const char *function, const char *buffer, void *userdata)
{
	(void)function;
	(void)userdata;
	(void)priority;
	log_msg(LOG_DEBUG3, "libssh%s%s: %s", log_hop != NULL ? " " : "",
	    log_hop != NULL ? log_hop : "", buffer);
}

int
log_init(int verbose, int quiet, const char *path)
{
	int r = 0;

	if (quiet)
		log_threshold = LOG_QUIET;
	else if (verbose <= 0)
		log_threshold = LOG_INFO;
	else if (verbose >= 3)
		log_threshold = LOG_DEBUG3;
	else
		log_threshold = LOG_INFO + verbose;
	if (path != NULL) {
		log_file = fopen(path, "a");
		if (log_file == NULL) {
			log_msg(LOG_ERROR, "Couldn't open logfile %s: %s", path,
			    strerror(errno));
			r = -1;
		} else {
			setvbuf(log_file, NULL, _IOLBF, 0);
			log_to_stderr = 0;
		}
	}
	ssh_set_log_callback(log_libssh_cb);
	/* libssh logs warnings through ssh_set_error even at level 0; only
	 * -vvv wants them (we report errors ourselves, in ssh's words). */
	ssh_set_log_level(
	    log_threshold >= LOG_DEBUG3 ? SSH_LOG_PROTOCOL : SSH_LOG_NOLOG);
	return r;
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	log_to_stderr = 1;
}

int
log_enabled(enum log_level level)
{
	return (int)level <= log_threshold && level != LOG_QUIET;
}

static void
log_vout(const char *prefix, const char *fmt, va_list ap)
{
	FILE *f = log_file != NULL ? log_file : (log_to_stderr ? stderr : NULL);

	if (f == NULL)
		return;
	if (prefix != NULL)
		fputs(prefix, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	const char *prefix = NULL;

	if (!log_enabled(level))
		return;
	if (level == LOG_DEBUG1)
		prefix = "debug1: ";
	else if (level == LOG_DEBUG2)
		prefix = "debug2: ";
	else if (level == LOG_DEBUG3)
		prefix = "debug3: ";
	va_start(ap, fmt);
	log_vout(prefix, fmt, ap);
	va_end(ap);
}

void
log_hint(const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(LOG_ERROR))
		return;
	va_start(ap, fmt);
	log_vout("  hint: ", fmt, ap);
	va_end(ap);
}

void
log_set_hop(const char *name)
{
	log_hop = name;
}

void
log_detach_stderr(void)
{
	log_to_stderr = 0;
}
