/*
 * launch: run a plan — connect the chain, open every forward, serve until
 * stopped. The entry point of the launcher.
 */
#ifndef SSHFWD_LAUNCH_H
#define SSHFWD_LAUNCH_H

struct plan;

struct launch_opts {
	int verbose; /* number of -v (0..3) */
	int quiet; /* -q */
	const char *log_file; /* -E, or NULL for stderr */
	int fork; /* -f: background once every forward is up */
	int reconnect; /* --reconnect: rebuild a dead chain with
				 backoff (engine.c) instead of exiting */
	int ready_fd; /* if >= 0: "ready\n" is written to it once
				 every forward is up, then it is closed
				 (tests, supervisors); -1 otherwise */
};

/* Defaults: nothing set, ready_fd -1. */
void launch_opts_init(struct launch_opts *lo);

/*
 * Run p until SIGINT/SIGTERM/SIGHUP (exit status 0), a fatal error (255:
 * a hop could not be reached, verified or authenticated, or died; a forward
 * failed with ExitOnForwardFailure), or nothing left to do. With lo->fork
 * the parent exits 0 once every forward is up and the child continues.
 * Returns the exit status.
 */
int launch_run(const struct plan *p, const struct launch_opts *lo);

#endif
