/*
 * engine: the state of one running launcher and its iteration.
 *
 * The engine owns the loop, the hop chain, every pump, the local listeners
 * and the remote-forward table. One iteration is: wait on epoll (watchers
 * only record readiness or move bytes between sockets and channels), drive
 * every hop's libssh session outer first, run the service pass over the
 * pumps (what libssh 0.10 never signals), re-arm transport interest, reap.
 * Nothing is freed anywhere else, so callbacks never see freed memory.
 */
#ifndef SSHFWD_ENGINE_H
#define SSHFWD_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "launcher/loop.h"
#include "parser/options.h"

struct plan;
struct launch_opts;
struct hop;
struct pump;
struct listener;
struct rfwd;
struct ctl_wait;

#define ENGINE_SCRATCH (256 * 1024)
/*
 * What is allocated for scratch: pump_keep_window asks libssh for up to
 * PUMP_WINDOW bytes to make it grow the window, and libssh copies whatever
 * its buffer holds up to that count. Untouched pages cost no memory.
 */
#define ENGINE_SCRATCH_SIZE (2 * 1024 * 1024)
#define ENGINE_MAX_EXTRA 64 /* -O forward additions per run */

/* A forward added with -O forward (owned; never moved: listeners and
 * pumps point at fwd). Cancelled ones stay until exit. */
struct extra_fwd {
	struct fwd fwd;
	int cancelled;
};

struct engine {
	struct loop loop;
	const struct plan *plan;
	const struct launch_opts *lo;
	const struct options *dest; /* the last hop's options */
	/* The destination's own forwards as the engine runs them: none under
	 * ClearAllForwardings (launch_run, the one place that decides). */
	const struct fwd *lfwds, *cfg_rfwds;
	size_t num_lfwds, num_cfg_rfwds;

	struct hop **hops;
	size_t num_hops;

	struct pump *pumps; /* every live pump */
	size_t num_pumps;
	uint64_t next_id;

	struct listener *listeners;
	struct rfwd *rfwds; /* never moves (remote.c) */
	size_t num_rfwds, cap_rfwds;
	size_t rfwd_pending; /* tcpip-forward replies not yet received */

	int started; /* forwards have been set up */
	int forwards_up; /* every forward answered (for -f) */
	int forward_failures;
	size_t
	    window_waits; /* pumps stalled on a channel (engine_window_wait) */
	int stop; /* leave the loop */
	int exit_status;

	/* --reconnect (see engine.c) */
	struct loop_timer t_reconnect;
	size_t reconnect_from; /* lowest dead hop to restart */
	int reconnect_pending; /* t_reconnect armed */
	int reconnecting; /* an attempt is running */
	unsigned attempts; /* failed attempts in a row */
	int hurried; /* the attempt under way came before its backoff ran
			out (probe or cap) */
	uint64_t down_since_ms; /* when the chain went down (0: up) */
	uint64_t up_since_ms; /* when the chain was last fully up */
	int locals_started; /* listeners bound once, kept across rebuilds */

	/* control socket (control.c) */
	int ctl_fd;
	const char *ctl_path;
	struct loop_watch ctl_watch;
	struct ctl_wait *ctl_waits; /* clients waiting for the server */
	struct extra_fwd *extra; /* ENGINE_MAX_EXTRA slots */
	size_t num_extra, cap_extra;

	uint8_t *scratch; /* ENGINE_SCRATCH_SIZE bytes, for copies */
	int sigfd;
	struct loop_watch sig_watch;
};

/* One full iteration: wait (up to max_ms), drive, service, reap. */
void engine_iterate(struct engine *e, int max_ms);

/* A hop became READY: start the next one, or the forwards. */
void engine_hop_ready(struct engine *e, struct hop *h);

/* A hop died: drop everything above and on it; with --reconnect schedule
 * a rebuild from that hop (backoff), otherwise stop with 255. */
void engine_hop_dead(struct engine *e, struct hop *h);

/* Link / unlink a pump in the engine's list. */
void engine_pump_link(struct engine *e, struct pump *p);
void engine_pump_unlink(struct engine *e, struct pump *p);

/*
 * A pump starts (delta 1) or stops (-1) waiting for its channel: the peer's
 * window, or libssh taking what was read. While any waits, hop 1's TCP
 * transport ACKs at once (rxbuf_quickack has why); the window adjust that
 * ends the wait can otherwise sit 40 ms in the sshd's Nagle queue.
 */
void engine_window_wait(struct engine *e, int delta);

/* PermitRemoteOpen of the destination allows host:port (remote dynamic). */
int engine_permit_remote_open(struct engine *e, const char *host, int port);

/* Stop the loop with an exit status (first caller wins the status). */
void engine_stop(struct engine *e, int status);

#endif
