/*
 * remote: RemoteForward (TCP target, Unix-socket target, remote dynamic).
 *
 * Each forward is requested with tcpip-forward through the destination
 * hop's global-request queue, right after authentication and before any
 * channel carries traffic on that session (libssh 0.10 reads the port
 * allocated for "-R 0" from the last decoded packet, which is only the
 * reply in a quiet session). The allocated port is reported as ssh does
 * ("Allocated port N for remote forward to HOST:PORT"). Incoming
 * forwarded-tcpip channels arrive through the session's message callback
 * and are matched by port; an unknown port is refused. A remote dynamic
 * forward runs the SOCKS machine on the channel and connects locally,
 * honouring PermitRemoteOpen.
 *
 * Forwards added at runtime (-O forward -R) are requested while channels may
 * carry traffic, when libssh's "-R 0" port cannot be trusted: there the port
 * is chosen by us, at random in Linux's ephemeral range 32768-60999, and
 * asked for explicitly (the reply then carries no port), trying another one
 * when the server refuses, up to REMOTE_PROBE_TRIES ports. -O cancel -R
 * sends cancel-tcpip-forward; the entry stays in the table (pointers to it
 * are in flight) marked cancelled, so a reconnect does not bring it back.
 *
 * Remote Unix-socket listeners (streamlocal-forward@openssh.com) cannot be
 * requested with libssh 0.10's public API: such forwards are reported as
 * unsupported and count as forward failures.
 */
#ifndef SSHFWD_REMOTE_H
#define SSHFWD_REMOTE_H

#include <stddef.h>

struct engine;
struct fwd;
struct hop;

/* Called once when a runtime request (remote_add / remote_cancel) is
 * answered: err is NULL on success (port: the listening port), otherwise
 * a message saying what went wrong. */
typedef void (*remote_notify_fn)(void *ctx, const char *err, int port);

#define REMOTE_PROBE_TRIES 16 /* runtime "-R 0": ports tried (see .c) */

struct rfwd {
	const struct fwd *fwd;
	int bound_port; /* the port the server listens on (after the reply) */
	int state; /* 0 pending, 1 up, -1 failed, -2 cancelled (for good) */
	int runtime; /* added with -O forward */
	int exact; /* bound_port was asked for explicitly (no self-heal) */
	int tries; /* runtime "-R 0": ports tried so far */
	remote_notify_fn notify; /* a control client waits for the reply */
	void *notify_ctx;
};

/*
 * Queue tcpip-forward for every RemoteForward of the destination
 * (e->cfg_rfwds: none under ClearAllForwardings), and every
 * runtime one not cancelled, on hop h and install the message callback.
 * The table lives across reconnects (runtime entries and cancellations are
 * kept). Returns 0, or -2 on out of memory.
 */
int remote_start(struct engine *e, struct hop *h);

/*
 * Runtime -O forward -R: f (owned by the caller, must stay put until exit)
 * is requested on the destination hop; notify(ctx, ...) runs when the
 * server answered. Returns 0 (queued; *out is the entry), 1 when the same
 * forward is already up (*out is it; nothing queued, as ssh's mux master
 * answers), -1 with a message in err (nothing queued), or -2 on OOM.
 */
int remote_add(struct engine *e, const struct fwd *f, remote_notify_fn notify,
    void *ctx, struct rfwd **out, char *err, size_t errlen);

/*
 * Runtime -O cancel -R: spec matches a forward by its listen address and
 * its given or allocated port (and target). Returns 0 (cancel queued,
 * notify follows; *out is the entry), 1 (done, nothing to ask the server),
 * -1 with a message in err, or -2 on out of memory.
 */
int remote_cancel(struct engine *e, const struct fwd *spec,
    remote_notify_fn notify, void *ctx, struct rfwd **out, char *err,
    size_t errlen);

/* Free the table (at exit). */
void remote_stop(struct engine *e);

#endif
