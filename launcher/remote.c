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
		    e->rfwds[i].state != -1) {
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

int
remote_start(struct engine *e, struct hop *h)
{
	const struct options *o = e->dest;
	size_t i;
	int rc;

	ssh_set_message_callback(h->s, remote_on_message, h);
	if (o->num_remote_forwards == 0)
		return 0;
	e->rfwds = calloc(o->num_remote_forwards, sizeof(*e->rfwds));
	if (e->rfwds == NULL)
		return -2;
	e->num_rfwds = o->num_remote_forwards;
	for (i = 0; i < o->num_remote_forwards; i++) {
		struct rfwd *r = &e->rfwds[i];

		r->fwd = &o->remote_forwards[i];
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
			continue;
		}
		rc = hop_greq(h, GREQ_LISTEN, remote_bind_addr(r->fwd),
		    r->fwd->listen_port, remote_reply, r);
		if (rc != 0)
			return rc;
		e->rfwd_pending++;
	}
	return 0;
}

void
remote_stop(struct engine *e)
{
	free(e->rfwds);
	e->rfwds = NULL;
	e->num_rfwds = 0;
	e->rfwd_pending = 0;
}
