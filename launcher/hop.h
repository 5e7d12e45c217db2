/*
 * hop: one SSH session of the chain, and how it is reached.
 *
 * Hop 0 is reached over a TCP socket we connect ourselves (AddressFamily,
 * BindAddress, ConnectTimeout, ConnectionAttempts, every resolved address
 * in turn) or over a ProxyCommand's stdio (a socketpair, command spawned by
 * us). Hop k+1 is reached over a socketpair whose other end is pumped into a
 * direct-tcpip channel of hop k (its "carrier" pump). libssh gets the fd
 * with SSH_OPTIONS_FD and never reads ssh_config itself.
 *
 * States: IDLE -> TRANSPORT -> HANDSHAKE -> AUTH -> READY, or DEAD.
 * A hop object outlives its session: hop_teardown() frees the session, the
 * event and the transport and returns the hop to IDLE, so a later reconnect
 * can hop_start() it again while the forwards' listeners stay bound.
 *
 * Global requests (tcpip-forward, cancel, later keepalive probes) go through
 * a per-hop FIFO: libssh 0.10 has one global-request slot per session and
 * mixes replies up when two are in flight.
 */
#ifndef SSHFWD_HOP_H
#define SSHFWD_HOP_H

#include <stdint.h>
#include <sys/types.h>

#include <libssh/libssh.h>

#include "launcher/loop.h"

struct engine;
struct options;
struct pump;
struct auth;
struct hop;
struct greq;

enum hop_state {
	HOP_IDLE = 0,
	HOP_TRANSPORT, /* TCP connect, ProxyCommand start, or carrier open */
	HOP_HANDSHAKE, /* ssh_connect: banner, KEX; then the host key check */
	HOP_AUTH,
	HOP_READY,
	HOP_DEAD,
};

/* Addresses of HostName a reconnect probe connects to at once. */
#define HOP_PROBE_MAX 8

enum greq_kind { GREQ_LISTEN, GREQ_CANCEL, GREQ_PROBE };

/* Called when a queued global request finished: rc is SSH_OK or
 * SSH_ERROR; bound is the port the server reports for GREQ_LISTEN. */
typedef void (*greq_done_fn)(struct hop *h, struct greq *g, int rc, int bound);

struct greq {
	enum greq_kind kind;
	char *addr;
	int port;
	greq_done_fn done;
	void *data;
	struct greq *next;
};

struct hop {
	struct engine *eng;
	size_t index;
	char *name; /* the alias, for messages */
	char *peer; /* "host port N" as ssh prints it */
	const struct options *o;
	enum hop_state state;
	ssh_session s;
	ssh_event ev;
	int lib_fd; /* the fd libssh runs over; -1 when none */
	struct loop_watch w;
	struct pump *carrier; /* hops >= 1: direct-tcpip pump on hop index-1 */
	int pump_fd; /* our end of the socketpair, until the carrier has it */

	/* TCP connect state (hop 0). */
	struct resolve *resolving; /* the name lookup under way */
	void *addrs; /* struct addrinfo list */
	void *addr_cur;
	int attempt;
	int tcp_connecting;
	struct loop_timer t_connect;
	pid_t proxy_pid;

	struct auth *auth;
	struct ssh_counter_struct rx;
	uint64_t seen_in_packets;
	int moved; /* packets arrived since the last service pass */

	struct greq *gq_head, *gq_tail;
	char *error; /* why it died */
	int fatal; /* death that --reconnect must not retry (host key) */

	/* ServerAliveInterval / ServerAliveCountMax (armed once READY). */
	struct loop_timer t_alive;
	uint64_t alive_seen; /* rx.in_packets at the last tick */
	int alive_missed; /* probes unanswered since the last traffic */
	int probe_queued; /* a GREQ_PROBE is in the queue */
	uint64_t since_ms; /* loop_now_ms() of the last state change to
			      READY or DEAD (status) */
	enum hop_state died_in; /* the state it died in: how far it got */
	uint64_t up_ms; /* died READY: for how long it had been up */
	int alive_timeout; /* died of ServerAliveCountMax unanswered probes */

	/* --reconnect: "is the link back?" (hop_probe_start) */
	int probing;
	unsigned probe_interval_ms;
	struct loop_timer t_probe;
	struct resolve *probe_resolving;
	struct loop_watch probe_w[HOP_PROBE_MAX]; /* fd -1: unused */
	void (*probe_up)(struct hop *h);

	/* Host certificate fetch (hostcert.h) between the key exchange and
	 * the host key check: a second connection to the same server (TCP
	 * for hop 0, a direct-tcpip channel of the hop before otherwise)
	 * that stops at the server's key exchange reply. */
	enum { HOP_CF_NONE = 0, HOP_CF_RUNNING, HOP_CF_DONE } cf_state;
	int cf_fd;
	struct loop_watch cf_w;
	struct loop_timer cf_t;
	struct pump *cf_carrier;
	char *kh_order; /* KnownHostsCommand "ORDER" output: CA lines count */
	unsigned char *cf_buf; /* the request, then the reply so far */
	size_t cf_len, cf_off; /* request length, bytes sent or received */
	int cf_sent;
	unsigned char *cf_blob; /* the host key blob of the reply */
	size_t cf_blob_len;
};

/* A hop for options o (not owned; must outlive the hop). NULL on OOM. */
struct hop *hop_new(
    struct engine *e, size_t index, const char *name, const struct options *o);

/* Start reaching the hop (IDLE -> TRANSPORT). 0, or -1 (hop is DEAD). */
int hop_start(struct hop *h);

/*
 * Run libssh for this hop: read what arrived, advance handshake, host key
 * and authentication, step the global-request queue, detect death. Called
 * every iteration, outer hops first.
 */
void hop_drive(struct hop *h);

/* Arm EPOLLOUT on the transport only while libssh has output queued. */
void hop_update_events(struct hop *h);

/* Mark the hop dead with a reason (logged once); the engine reacts. */
void hop_fail(struct hop *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Start the ServerAliveInterval timer (no-op when the interval is 0). */
void hop_alive_start(struct hop *h);

/* h is reached over a TCP socket of our own: hop 0 without ProxyCommand.
 * Only such a hop has a peer address (CheckHostIP) and can be probed by
 * hop_probe_start() (a ProxyCommand is never run just to see whether it
 * would work). */
int hop_direct_tcp(const struct hop *h);

/*
 * Watch whether the dead hop h could be reached again, touching nothing
 * but a TCP handshake: every interval_ms, look HostName up as hop_start
 * does (AddressFamily, Port) and start a non-blocking connect from
 * BindAddress to each address (up to HOP_PROBE_MAX); connects not done by
 * the next round are dropped. The first that succeeds is closed at once,
 * probing stops and up(h) runs (from the loop's dispatch). Each probe is
 * logged at debug level. 0, or -1 when !hop_direct_tcp(h).
 */
int hop_probe_start(
    struct hop *h, unsigned interval_ms, void (*up)(struct hop *h));

/* Stop probing (no-op when not probing). hop_teardown() calls it. */
void hop_probe_stop(struct hop *h);

/* Free session, event and transport; back to IDLE (pumps already gone). */
void hop_teardown(struct hop *h);

void hop_free(struct hop *h);

/* Queue a global request. 0, or -2 on OOM. */
int hop_greq(struct hop *h, enum greq_kind kind, const char *addr, int port,
    greq_done_fn done, void *data);

#endif
