/*
 * remote: request remote listeners and accept what arrives on them.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/server.h>

#include "launcher/engine.h"
#include "launcher/hop.h"
#include "launcher/local.h"
#include "launcher/log.h"
#include "launcher/pump.h"
#include "launcher/remote.h"
#include "parser/forward.h"
#include "parser/options.h"

/* ssh's address_to_bind for tcpip-forward. */
static const char *
remote_bind_addr(const struct fwd *f)
{
	if (f->listen_host == NULL)
		return "localhost";
	if (*f->listen_host == '\0' || strcmp(f->listen_host, "*") == 0)
		return "";
	return f->listen_host;
}

static void
remote_target(const struct fwd *f, char *buf, size_t len)
{
	if (f->kind == FWD_REMOTE_DYNAMIC)
		snprintf(buf, len, "SOCKS");
	else if (f->connect_path != NULL)
		snprintf(buf, len, "%s", f->connect_path);
	else
		snprintf(buf, len, "%s:%d", f->connect_host, f->connect_port);
}

static void
remote_reply(struct hop *h, struct greq *g, int rc, int bound)
{
	struct engine *e = h->eng;
	struct rfwd *r = g->data;
	char tgt[300];

	remote_target(r->fwd, tgt, sizeof(tgt));
	if (e->rfwd_pending > 0)
		e->rfwd_pending--;
	if (r->state == -2) {
		/* Cancelled (-O cancel) while the request was in flight. */
		if (rc == SSH_OK)
			(void)hop_greq(h, GREQ_CANCEL, g->addr,
			    g->port != 0 ? g->port : bound, NULL, NULL);
		return;
	}
	if (rc != SSH_OK) {
		r->state = -1;
		e->forward_failures++;
		log_msg(LOG_ERROR,
		    "Warning: remote port forwarding failed for "
		    "listen port %d",
		    r->fwd->listen_port);
		log_hint("the server refused tcpip-forward for %s:%d; the port "
		         "may be in use there, or AllowTcpForwarding / "
		         "GatewayPorts in its sshd_config forbid it",
		    g->addr[0] != '\0' ? g->addr : "*", r->fwd->listen_port);
		return;
	}
	r->state = 1;
	if (r->fwd->listen_port == 0) {
		if (bound <= 0 || bound > 65535) {
			log_msg(LOG_ERROR,
			    "remote forward to %s: the server "
			    "reported no valid port (%d)",
			    tgt, bound);
			r->state = -1;
			e->forward_failures++;
			return;
		}
		r->bound_port = bound;
		/* ssh prints this at INFO even without -v. */
		log_msg(LOG_INFO, "Allocated port %d for remote forward to %s",
		    bound, tgt);
	} else {
		r->bound_port = r->fwd->listen_port;
		log_msg(LOG_DEBUG1,
		    "remote forward success for: listen %s:%d, "
		    "connect %s",
		    g->addr, r->fwd->listen_port, tgt);
	}
}

static struct rfwd *
remote_lookup(struct engine *e, int port)
{
	size_t i, unresolved = 0;
	struct rfwd *cand = NULL;

	for (i = 0; i < e->num_rfwds; i++)
		if (e->rfwds[i].state == 1 && e->rfwds[i].bound_port == port)
			return &e->rfwds[i];
	/* Self-heal a port-0 forward whose reported port was wrong. */
	for (i = 0; i < e->num_rfwds; i++) {
		if (e->rfwds[i].fwd->listen_port == 0 &&
		    e->rfwds[i].state >= 0 && !e->rfwds[i].exact) {
			unresolved++;
			cand = &e->rfwds[i];
		}
	}
	if (unresolved == 1 && cand != NULL) {
		log_msg(LOG_DEBUG1,
		    "remote forward with port 0: server uses "
		    "port %d (reported %d)",
		    port, cand->bound_port);
		cand->bound_port = port;
		cand->state = 1;
		return cand;
	}
	return NULL;
}

static int
remote_on_message(ssh_session s, ssh_message msg, void *ud)
{
	struct hop *h = ud;
	struct engine *e = h->eng;
	struct rfwd *r;
	ssh_channel ch;
	struct pump *p;
	const char *dst, *orig;
	int dport, oport;
	char desc[600];

	(void)s;
	if (ssh_message_type(msg) != SSH_REQUEST_CHANNEL_OPEN ||
	    ssh_message_subtype(msg) != SSH_CHANNEL_FORWARDED_TCPIP)
		return 1; /* libssh's default reply */
	dst = ssh_message_channel_request_open_destination(msg);
	dport = ssh_message_channel_request_open_destination_port(msg);
	orig = ssh_message_channel_request_open_originator(msg);
	oport = ssh_message_channel_request_open_originator_port(msg);
	r = remote_lookup(e, dport);
	if (r == NULL) {
		log_msg(LOG_ERROR,
		    "WARNING: Server requests forwarding for "
		    "unknown listen_port %d",
		    dport);
		return 1;
	}
	ch = ssh_message_channel_request_open_reply_accept(msg);
	if (ch == NULL) {
		log_msg(LOG_ERROR, "cannot accept forwarded connection: %s",
		    ssh_get_error(h->s));
		return 0;
	}
	if (r->fwd->kind == FWD_REMOTE_DYNAMIC)
		snprintf(desc, sizeof(desc), "%s:%d via %s:%d", orig, oport,
		    dst != NULL ? dst : "", dport);
	else if (r->fwd->connect_path != NULL)
		snprintf(desc, sizeof(desc), "%s:%d via %s:%d -> %s", orig,
		    oport, dst != NULL ? dst : "", dport, r->fwd->connect_path);
	else
		snprintf(desc, sizeof(desc), "%s:%d via %s:%d -> %s:%d", orig,
		    oport, dst != NULL ? dst : "", dport, r->fwd->connect_host,
		    r->fwd->connect_port);
	p = pump_new_accepted(e, h, ch, r->fwd, desc);
	if (p == NULL)
		return 0;
	log_msg(LOG_DEBUG1,
	    "client_request_forwarded_tcpip: listen %s port "
	    "%d, originator %s port %d",
	    dst != NULL ? dst : "", dport, orig != NULL ? orig : "", oport);
	if (r->fwd->kind == FWD_REMOTE_DYNAMIC)
		(void)pump_start_socks_remote(p);
	else
		(void)pump_connect_local(p, r->fwd->connect_host,
		    r->fwd->connect_port, r->fwd->connect_path);
	return 0;
}

/* Queue the (re)request of r at start-up of a session (counted for
 * ExitOnForwardFailure and for "all forwards are up"). */
static int
remote_request(struct engine *e, struct hop *h, struct rfwd *r)
{
	int rc;

	r->state = 0;
	r->bound_port = 0;
	r->exact = r->fwd->listen_port != 0;
	if (r->fwd->listen_path != NULL) {
		r->state = -1;
		e->forward_failures++;
		log_msg(LOG_ERROR,
		    "Warning: remote forwarding of Unix "
		    "socket %s is not supported by "
		    "libssh %s",
		    r->fwd->listen_path, ssh_version(0));
		log_hint("listen on a TCP port instead "
		         "(RemoteForward PORT %s)",
		    r->fwd->connect_path != NULL ? r->fwd->connect_path
		                                 : "HOST:PORT");
		return 0;
	}
	/* A session in its quiet window: port 0 is read correctly here. */
	rc = hop_greq(h, GREQ_LISTEN, remote_bind_addr(r->fwd),
	    r->fwd->listen_port, remote_reply, r);
	if (rc != 0)
		return rc;
	e->rfwd_pending++;
	return 0;
}

int
remote_start(struct engine *e, struct hop *h)
{
	size_t i;
	int rc;

	ssh_set_message_callback(h->s, remote_on_message, h);
	e->rfwd_pending = 0;
	if (e->rfwds == NULL) {
		/* Room for the runtime ones too: greqs and pumps point into
		 * the table, so it never moves. */
		e->cap_rfwds = e->num_cfg_rfwds + ENGINE_MAX_EXTRA;
		e->rfwds = calloc(e->cap_rfwds, sizeof(*e->rfwds));
		if (e->rfwds == NULL)
			return -2;
		e->num_rfwds = e->num_cfg_rfwds;
		for (i = 0; i < e->num_rfwds; i++)
			e->rfwds[i].fwd = &e->cfg_rfwds[i];
	}
	for (i = 0; i < e->num_rfwds; i++) {
		struct rfwd *r = &e->rfwds[i];

		/* A runtime request still waiting on the old session. */
		if (r->notify != NULL) {
			r->notify(r->notify_ctx,
			    "the connection went down before the server "
			    "answered",
			    0);
			r->notify = NULL;
			r->state = -2;
		}
		if (r->state == -2)
			continue;
		rc = remote_request(e, h, r);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* --- runtime (-O forward / cancel) ----------------------------------------- */

static struct hop *
remote_dest_ready(struct engine *e)
{
	struct hop *h = e->hops[e->num_hops - 1];

	if (h->state != HOP_READY || h->s == NULL || e->started != 2 ||
	    e->rfwds == NULL)
		return NULL;
	return h;
}

static int
remote_port_taken(struct engine *e, const char *addr, int port)
{
	size_t i;

	for (i = 0; i < e->num_rfwds; i++)
		if (e->rfwds[i].state >= 0 && e->rfwds[i].bound_port == port &&
		    strcmp(remote_bind_addr(e->rfwds[i].fwd), addr) == 0)
			return 1;
	return 0;
}

/* A port for runtime "-R 0" (see remote.h): random, not one of ours. */
static int
remote_pick_port(struct engine *e, const char *addr)
{
	int i, port = 0;

	for (i = 0; i < 64; i++) {
		port = 32768 + (int)(random() % (60999 - 32768 + 1));
		if (!remote_port_taken(e, addr, port))
			break;
	}
	return port;
}

static void
remote_notify(struct rfwd *r, const char *err, int port)
{
	remote_notify_fn fn = r->notify;

	r->notify = NULL;
	if (fn != NULL)
		fn(r->notify_ctx, err, port);
}

static void remote_rt_reply(struct hop *h, struct greq *g, int rc, int bound);

static int
remote_rt_request(struct engine *e, struct hop *h, struct rfwd *r)
{
	const char *addr = remote_bind_addr(r->fwd);
	int port = r->fwd->listen_port;

	if (port == 0) {
		port = remote_pick_port(e, addr);
		r->tries++;
	}
	return hop_greq(h, GREQ_LISTEN, addr, port, remote_rt_reply, r);
}

static void
remote_rt_reply(struct hop *h, struct greq *g, int rc, int bound)
{
	struct engine *e = h->eng;
	struct rfwd *r = g->data;
	char tgt[300], msg[600];

	(void)bound; /* never asked with port 0: the reply has none */
	remote_target(r->fwd, tgt, sizeof(tgt));
	if (r->state == -2) {
		/* Given up on (timeout, exit) while in flight: don't leave
		 * a listener behind on the server. */
		if (rc == SSH_OK)
			(void)hop_greq(
			    h, GREQ_CANCEL, g->addr, g->port, NULL, NULL);
		return;
	}
	if (rc == SSH_OK) {
		r->state = 1;
		r->exact = 1;
		r->bound_port = g->port;
		if (r->fwd->listen_port == 0)
			log_msg(LOG_INFO,
			    "Allocated port %d for remote forward to %s",
			    g->port, tgt);
		else
			log_msg(LOG_INFO,
			    "Added remote forward: listen %s:%d, "
			    "connect %s",
			    *g->addr != '\0' ? g->addr : "*", g->port, tgt);
		remote_notify(r, NULL, g->port);
		return;
	}
	if (r->fwd->listen_port == 0 && r->tries < REMOTE_PROBE_TRIES) {
		log_msg(LOG_DEBUG1,
		    "remote forward to %s: port %d refused by the server, "
		    "trying another",
		    tgt, g->port);
		if (remote_rt_request(e, h, r) == 0)
			return;
	}
	r->state = -2;
	if (r->fwd->listen_port == 0)
		snprintf(msg, sizeof(msg),
		    "remote port forwarding failed: the server refused "
		    "tcpip-forward on %s for %d ports in a row (does its "
		    "sshd_config forbid it: AllowTcpForwarding, "
		    "PermitListen, GatewayPorts?)",
		    *g->addr != '\0' ? g->addr : "*", r->tries);
	else
		snprintf(msg, sizeof(msg),
		    "remote port forwarding failed for listen port %d: the "
		    "server refused it (port in use on %s, or its "
		    "sshd_config forbids it: AllowTcpForwarding, "
		    "PermitListen, GatewayPorts)",
		    g->port, *g->addr != '\0' ? g->addr : "*");
	log_msg(LOG_ERROR, "%s", msg);
	remote_notify(r, msg, 0);
}

int
remote_add(struct engine *e, const struct fwd *f, remote_notify_fn notify,
    void *ctx, struct rfwd **out, char *err, size_t errlen)
{
	struct hop *h = remote_dest_ready(e);
	struct rfwd *r;
	const char *addr = remote_bind_addr(f);
	size_t i;
	int rc;

	*out = NULL;
	if (h == NULL) {
		snprintf(err, errlen,
		    "the chain is not up (reconnecting?); try again once "
		    "-O status shows it up");
		return -1;
	}
	if (f->listen_path != NULL) {
		snprintf(err, errlen,
		    "remote forwarding of Unix socket %s is not supported by "
		    "libssh %s",
		    f->listen_path, ssh_version(0));
		return -1;
	}
	for (i = 0; i < e->num_rfwds; i++) {
		r = &e->rfwds[i];
		if (r->state < 0 || !forward_equals(r->fwd, f))
			continue;
		if (r->state == 1) {
			/* As ssh's mux master: asking again is a success,
			 * with the port it already has. */
			*out = r;
			return 1;
		}
		snprintf(err, errlen,
		    "this remote forward is still waiting for the server's "
		    "answer; try again");
		return -1;
	}
	if (f->listen_port != 0 && remote_port_taken(e, addr, f->listen_port)) {
		snprintf(err, errlen,
		    "port %d on %s is already in use by another remote "
		    "forward of this sshfwd",
		    f->listen_port, *addr != '\0' ? addr : "*");
		return -1;
	}
	if (e->num_rfwds == e->cap_rfwds) {
		snprintf(err, errlen, "too many remote forwards (%zu)",
		    e->cap_rfwds);
		return -1;
	}
	r = &e->rfwds[e->num_rfwds];
	memset(r, 0, sizeof(*r));
	r->fwd = f;
	r->runtime = 1;
	r->notify = notify;
	r->notify_ctx = ctx;
	rc = remote_rt_request(e, h, r);
	if (rc != 0)
		return rc;
	e->num_rfwds++;
	*out = r;
	return 0;
}

/* spec names r: as given, or with the port the server gave for 0. */
static int
remote_matches(const struct rfwd *r, struct fwd *spec)
{
	int port = spec->listen_port, eq;

	if (forward_equals(r->fwd, spec))
		return 1;
	if (r->state != 1 || port != r->bound_port)
		return 0;
	spec->listen_port = r->fwd->listen_port;
	eq = forward_equals(r->fwd, spec);
	spec->listen_port = port;
	return eq;
}

static void
remote_cancel_reply(struct hop *h, struct greq *g, int rc, int bound)
{
	struct rfwd *r = g->data;
	char msg[400];

	(void)h;
	(void)bound;
	if (rc == SSH_OK) {
		r->state = -2;
		log_msg(LOG_INFO, "Cancelled remote forward of %s:%d.",
		    *g->addr != '\0' ? g->addr : "*", g->port);
		remote_notify(r, NULL, g->port);
		return;
	}
	snprintf(msg, sizeof(msg),
	    "the server refused cancel-tcpip-forward for %s:%d (it does not "
	    "know that listener)",
	    *g->addr != '\0' ? g->addr : "*", g->port);
	log_msg(LOG_ERROR, "%s", msg);
	remote_notify(r, msg, 0);
}

int
remote_cancel(struct engine *e, const struct fwd *spec, remote_notify_fn notify,
    void *ctx, struct rfwd **out, char *err, size_t errlen)
{
	struct fwd s = *spec; /* shallow: only listen_port is changed */
	struct hop *h;
	struct rfwd *r = NULL;
	size_t i;
	int rc;

	*out = NULL;
	for (i = 0; i < e->num_rfwds && r == NULL; i++)
		if (e->rfwds[i].state != -2 && remote_matches(&e->rfwds[i], &s))
			r = &e->rfwds[i];
	if (r == NULL) {
		snprintf(err, errlen, "port not forwarded"); /* ssh's mux */
		return -1;
	}
	if (r->notify != NULL) {
		snprintf(err, errlen,
		    "a request for this forward is still waiting for the "
		    "server; try again");
		return -1;
	}
	h = remote_dest_ready(e);
	if (r->state != 1 || h == NULL) {
		/* Nothing listens on the server now: forget it, so that
		 * a reconnect does not ask for it again. */
		r->state = -2;
		return 1;
	}
	r->notify = notify;
	r->notify_ctx = ctx;
	rc = hop_greq(h, GREQ_CANCEL, remote_bind_addr(r->fwd), r->bound_port,
	    remote_cancel_reply, r);
	if (rc != 0) {
		r->notify = NULL;
		return rc;
	}
	*out = r;
	return 0;
}

void
remote_stop(struct engine *e)
{
	free(e->rfwds);
	e->rfwds = NULL;
	e->num_rfwds = 0;
	e->cap_rfwds = 0;
	e->rfwd_pending = 0;
}
