/*
 * plan: the hop chain and forwards that the launcher will run.
 *
 * Built from a resolved destination the way ssh builds its ProxyJump chain
 * (a nested `ssh -W` per jump host, each resolving its own config), without
 * touching the network. The launcher runs a plan; --dry-run prints one.
 *
 * ssh turns `ProxyJump a,b` on DESTINATION into the proxy command
 * `ssh -J a -W '[%h]:%p' b`: the last jump host is resolved as its own
 * destination with -l/-p from the jump spec, -J with the rest of the list
 * and -W; the first host of a list gets no -J, so its own ProxyJump (or
 * ProxyCommand) from the config extends the chain in front of it.
 */
#ifndef SSHFWD_PLAN_H
#define SSHFWD_PLAN_H

#include <stddef.h>

#include "parser/args.h"
#include "parser/config.h"
#include "parser/diag.h"
#include "parser/options.h"

#define PLAN_MAX_HOPS 32

/* How a hop's SSH connection is carried. */
enum plan_transport {
	PLAN_TRANSPORT_TCP = 0, /* direct TCP from this machine */
	PLAN_TRANSPORT_PROXY_COMMAND, /* stdio of opts.proxy_command (hop 0) */
	PLAN_TRANSPORT_JUMP, /* a direct-tcpip channel on hop i-1 */
};

struct plan_hop {
	char *alias; /* the name this hop was resolved from */
	struct options opts; /* its own resolved configuration */
	enum plan_transport transport;
	/* The command-line events this hop was resolved with: the user's for
	 * the destination; for a jump host what ssh's nested invocation
	 * receives (-l, -p, -J, -v, and 'W' with "[host]:port"). */
	struct args_event *events;
	size_t num_events;
	/* The ProxyJump line (or -J) that named this hop; ORIGIN_UNSET for
	 * the destination. Its file lives in this hop's opts pool. */
	struct origin named_at;
};

/* Where a forward listens, after ssh's runtime defaulting (GatewayPorts). */
enum plan_bind {
	PLAN_BIND_LOOPBACK = 0, /* local: loopback of every family */
	PLAN_BIND_ANY, /* local: every interface */
	PLAN_BIND_ADDRESS, /* local: exactly bind_address */
	PLAN_BIND_PATH, /* a Unix socket at fwd->listen_path */
	PLAN_BIND_REMOTE, /* remote: bind_address is sent to the server */
};

/* One forward of the destination's session, normalised. */
struct plan_fwd {
	const struct fwd *fwd; /* points into hops[num_hops - 1].opts */
	int remote; /* 1: the listener is on the server */
	enum plan_bind bind;
	/* PLAN_BIND_ADDRESS: the address bound; PLAN_BIND_REMOTE: the address
	 * sent to the server ("localhost" when none was given, "" for all
	 * interfaces); otherwise NULL. Points into fwd or a static string. */
	const char *bind_address;
	size_t duplicate_of; /* 1-based index of an identical forward, or 0 */
	size_t conflicts_with; /* 1-based index of a forward with the same
				  listener, or 0 */
};

struct plan {
	struct plan_hop
	    *hops; /* connection order; the last is the destination */
	size_t num_hops;
	/* Forwards, ExitOnForwardFailure, GatewayPorts etc. are read from
	 * hops[num_hops - 1].opts. If hops[0].opts.proxy_command is set, hop 0
	 * is reached through that command's stdio. */
	struct plan_fwd *fwds; /* local array first, then remote, in order */
	size_t num_fwds;
	size_t num_cleared; /* forwards dropped by ClearAllForwardings */
};

/*
 * Build the plan for the destination and command line in a. Returns 0, -1
 * with diagnostics in dl (cycle, too deep, bad config), -2 on OOM.
 */
int plan_build(const struct args *a, const struct config_env *env,
    struct plan *p, struct diag_list *dl);

/*
 * Like plan_build, from a config request (destination, -F file or buffer,
 * the destination's events); verbose is the number of -v passed along to
 * every nested jump host. Tests use it to build plans from memory.
 */
int plan_build_request(const struct config_request *req, int verbose,
    const struct config_env *env, struct plan *p, struct diag_list *dl);

/* Free everything p owns; p is then empty. NULL-safe. */
void plan_free(struct plan *p);

/* "tcp", "proxycommand" or "jump". */
const char *plan_transport_name(enum plan_transport t);

/* The config keyword of a forward: "LocalForward", "RemoteForward", ... */
const char *plan_fwd_keyword(const struct plan_fwd *pf);

/*
 * The listener of pf as text ("localhost:8080", "*:8080", "[::1]:80",
 * a socket path), into buf. Returns what snprintf returns.
 */
int plan_fwd_listen_text(const struct plan_fwd *pf, char *buf, size_t len);

#endif
