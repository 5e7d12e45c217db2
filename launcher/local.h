/*
 * local: the listening side of LocalForward and DynamicForward.
 *
 * A listener binds one forward's address (every address it resolves to:
 * "localhost" gives 127.0.0.1 and ::1, as ssh binds both) or a Unix socket
 * path (StreamLocalBindMask as umask, StreamLocalBindUnlink removes a stale
 * socket first). Listeners belong to the engine, not to a hop: they stay
 * bound while the chain below them is rebuilt. Accepted connections become
 * pumps on the destination hop; while it is not READY they are refused
 * (accepted and closed at once) and logged.
 */
#ifndef SSHFWD_LOCAL_H
#define SSHFWD_LOCAL_H

#include "launcher/loop.h"

struct engine;
struct fwd;

#define LOCAL_MAX_SOCKETS 8

struct listener {
	struct engine *eng;
	const struct fwd *fwd;
	struct loop_watch w[LOCAL_MAX_SOCKETS];
	int nfds;
	char *unix_path; /* unlinked on close */
	char *desc; /* as ssh names the forward, for logs */
	struct listener *next;
};

/*
 * Bind the listeners for every LocalForward / DynamicForward of the
 * destination (e->lfwds: none under ClearAllForwardings). Failures are
 * logged (with a hint) and counted in e->forward_failures. Returns 0, or
 * -2 on out of memory.
 */
int local_start(struct engine *e);

/* Bind one more listener for f (must outlive the engine's run). 0, -1
 * (bind failed, logged; errno says why), or -2 on out of memory. */
int local_add(struct engine *e, const struct fwd *f);

/* Close the listeners of forwards equal to f; returns how many. */
int local_remove(struct engine *e, const struct fwd *f);

/* Close and free every listener (unlinks Unix sockets we created). */
void local_stop(struct engine *e);

/* Describe a forward as ssh's -G dump would ("8080 [host]:80"). */
void local_fwd_desc(const struct fwd *f, char *buf, size_t len);

#endif
