/*
 * engine: one iteration of the launcher, and hop/forward lifecycle hooks.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "launcher/engine.h"
#include "launcher/hop.h"
#include "launcher/launch.h"
#include "launcher/local.h"
#include "launcher/log.h"
#include "launcher/pump.h"
#include "launcher/remote.h"
#include "launcher/rxbuf.h"
#include "parser/options.h"

void
engine_pump_link(struct engine *e, struct pump *p)
{
	p->prev = NULL;
	p->next = e->pumps;
	if (e->pumps != NULL)
		e->pumps->prev = p;
	e->pumps = p;
	e->num_pumps++;
}

void
engine_pump_unlink(struct engine *e, struct pump *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else if (e->pumps == p)
		e->pumps = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	p->next = p->prev = NULL;
	e->num_pumps--;
}

void
engine_window_wait(struct engine *e, int delta)
{
	struct hop *h0 = e->num_hops > 0 ? e->hops[0] : NULL;

	if (delta < 0 && e->window_waits == 0)
		return; /* not counted: keep the count sane */
	e->window_waits = delta > 0 ? e->window_waits + 1 : e->window_waits - 1;
	/* Only the first waiter turns it on and the last one off. A hop 1
	 * reached through ProxyCommand runs over a pipe: nothing to ACK. */
	if ((e->window_waits == 1 && delta > 0) || e->window_waits == 0)
		if (h0 != NULL && h0->lib_fd >= 0 && hop_direct_tcp(h0))
			(void)rxbuf_quickack(h0->lib_fd, e->window_waits > 0);
}

void
engine_stop(struct engine *e, int status)
{
	if (!e->stop)
		e->exit_status = status;
	e->stop = 1;
}

void
engine_hop_ready(struct engine *e, struct hop *h)
{
	log_msg(LOG_DEBUG1, "Authenticated to %s (hop %zu of %zu).", h->peer,
	    h->index + 1, e->num_hops);
	if (h->index + 1 < e->num_hops) {
		(void)hop_start(e->hops[h->index + 1]);
		return;
	}
	/* A rebuild: the old listeners went with the old session; every
	 * remote forward not cancelled is asked for again. Failures are
	 * counted afresh (ExitOnForwardFailure applies to every start). */
	e->forward_failures = 0;
	if (remote_start(e, h) != 0) {
		log_msg(LOG_ERROR, "out of memory");
		engine_stop(e, 255);
		return;
	}
	e->started = 1; /* local listeners once remote replies are in */
}

/*
 * --reconnect: the rebuild runs from a timer, never inside the callback
 * that found the hop dead (that may be the dying session's own poll). The
 * delay is 1 s doubling per failed attempt up to 60 s, with jitter (half
 * fixed, half random); the count restarts once the chain has stayed up for
 * 60 s. Local listeners stay bound: while the chain is down, connections
 * to them are accepted and closed at once (local.c), so clients see a
 * clean EOF instead of hanging.
 *
 * After a long outage the delay has grown to 16-60 s, so the chain would
 * come back that long after the network did. When the hop died for want
 * of a link (its attempt never reached the server, or it had been up a
 * while) and the delay is longer than RECONNECT_HURRY_MS:
 *  - hop 0 over TCP is probed every RECONNECT_PROBE_MS with a bare TCP
 *    connect (hop_probe_start); the first that succeeds fires the attempt;
 *  - a hop behind a live jump host is retried every RECONNECT_HURRY_MS at
 *    most: the attempt is itself a probe, a channel open that fails fast
 *    while the target is away;
 *  - a ProxyCommand hop keeps the backoff (we never run the command just
 *    to see whether it would work).
 * An attempt that reached the server and failed there (handshake, auth,
 * or a session dropped right after it came up) gets the plain backoff
 * next, without probe or cap: a sshd that accepts TCP but refuses us is
 * not hammered, and the attempt count keeps growing.
 */
#define RECONNECT_BASE_MS 1000u
#define RECONNECT_CAP_MS 60000u
#define RECONNECT_STABLE_MS 60000u
#define RECONNECT_HURRY_MS 3000u
#define RECONNECT_PROBE_MS 2000u
#define RECONNECT_UP_MS 10000u

static void
engine_reconnect_fire(struct loop_timer *t)
{
	struct engine *e = t->data;
	size_t i, from = e->reconnect_from;

	e->reconnect_pending = 0;
	if (e->stop)
		return;
	for (i = e->num_hops; i > from; i--) {
		struct hop *h = e->hops[i - 1];

		hop_teardown(h);
		h->state = HOP_IDLE;
		h->carrier = NULL;
	}
	log_msg(LOG_INFO, "Reconnecting to %s (attempt %u, from hop %zu).",
	    e->hops[from]->peer, e->attempts, from + 1);
	e->reconnecting = 1;
	(void)hop_start(e->hops[from]);
}

/* The probe reached hop 0 again: the attempt runs now, not at the end of
 * the backoff (the timer fires from this same loop pass). */
static void
engine_probe_up(struct hop *h)
{
	struct engine *e = h->eng;

	if (!e->reconnect_pending || e->stop)
		return;
	log_msg(LOG_INFO, "Link to %s is back; reconnecting now.", h->peer);
	e->hurried = 1;
	loop_timer_arm(&e->loop, &e->t_reconnect, 0);
}

/* Whether h died for want of a link rather than at the server: then
 * coming back early is worth watching for (see above). A session that
 * came up early (probe or cap) and was closed within RECONNECT_UP_MS
 * counts as an attempt that failed at the server; one whose keepalive
 * went unanswered lost its link, however young. */
static int
engine_link_lost(const struct engine *e, const struct hop *h)
{
	return h->died_in == HOP_TRANSPORT ||
	    (h->died_in == HOP_READY &&
	        (!e->hurried || h->up_ms >= RECONNECT_UP_MS ||
	            h->alive_timeout));
}

static void
engine_schedule_reconnect(struct engine *e, struct hop *h)
{
	uint64_t now = loop_now_ms(), delay, backoff;
	unsigned shift;
	int lost;

	if (e->reconnect_pending) {
		if (h->index < e->reconnect_from) {
			log_msg(LOG_INFO,
			    "Hop %zu (%s) is down too; the rebuild starts "
			    "there.",
			    h->index + 1, h->name);
			e->reconnect_from = h->index;
			/* A lower hop went too: watch it if it may come
			 * back before the timer. */
			if (engine_link_lost(e, h) &&
			    e->t_reconnect.due_ms > now + RECONNECT_HURRY_MS)
				(void)hop_probe_start(
				    h, RECONNECT_PROBE_MS, engine_probe_up);
		}
		return;
	}
	if (e->down_since_ms == 0) {
		e->down_since_ms = now;
		if (e->up_since_ms != 0 &&
		    now - e->up_since_ms >= RECONNECT_STABLE_MS)
			e->attempts = 0;
	}
	e->reconnect_from = h->index;
	lost = engine_link_lost(e, h);
	e->hurried = 0;
	shift = e->attempts < 6 ? e->attempts : 6;
	backoff = (uint64_t)RECONNECT_BASE_MS << shift;
	if (backoff > RECONNECT_CAP_MS)
		backoff = RECONNECT_CAP_MS;
	backoff = backoff / 2 + (uint64_t)random() % (backoff / 2 + 1);
	delay = backoff;
	e->attempts++;
	e->started = 0;
	if (backoff > RECONNECT_HURRY_MS && lost && h->index > 0) {
		delay = RECONNECT_HURRY_MS;
		e->hurried = 1;
		log_msg(LOG_INFO,
		    "Chain down at hop %zu (%s); reconnecting in %.1f s "
		    "(attempt %u; capped from the %.1f s backoff: %s is "
		    "up, so an attempt costs one channel open).",
		    h->index + 1, h->name, (double)delay / 1000.0, e->attempts,
		    (double)backoff / 1000.0, e->hops[h->index - 1]->name);
	} else
		log_msg(LOG_INFO,
		    "Chain down at hop %zu (%s); reconnecting in %.1f s "
		    "(attempt %u).",
		    h->index + 1, h->name, (double)delay / 1000.0, e->attempts);
	loop_timer_init(&e->t_reconnect, engine_reconnect_fire, e);
	loop_timer_arm(&e->loop, &e->t_reconnect, delay);
	e->reconnect_pending = 1;
	if (delay > RECONNECT_HURRY_MS && lost &&
	    hop_probe_start(h, RECONNECT_PROBE_MS, engine_probe_up) == 0)
		log_msg(LOG_DEBUG1,
		    "Probing %s every %.0f s until then; reconnecting as "
		    "soon as it answers.",
		    h->peer, (double)RECONNECT_PROBE_MS / 1000.0);
}

void
engine_hop_dead(struct engine *e, struct hop *h)
{
	struct pump *p;
	size_t i;

	for (p = e->pumps; p != NULL; p = p->next) {
		if (p->hop == NULL || p->state == PUMP_DEAD)
			continue;
		if (p->hop->index >= h->index)
			pump_abandon(p);
	}
	/* The carrier of h lives on the hop below, which is fine: close it
	 * properly. */
	if (h->carrier != NULL) {
		struct pump *c = h->carrier;

		h->carrier = NULL;
		c->on_close = NULL;
		c->data = NULL;
		pump_close(c);
	}
	/* Stop watching the dead transports (level-triggered EOF would spin
	 * the loop); the sessions are freed by the rebuild or at exit. */
	loop_watch_del(&e->loop, &h->w);
	for (i = h->index + 1; i < e->num_hops; i++) {
		struct hop *u = e->hops[i];

		loop_watch_del(&e->loop, &u->w);
		loop_timer_disarm(&e->loop, &u->t_alive);
		if (u->state != HOP_IDLE && u->state != HOP_DEAD) {
			u->state = HOP_DEAD;
			u->since_ms = loop_now_ms();
			u->carrier = NULL;
		}
	}
	if (e->stop)
		return;
	if (e->lo != NULL && e->lo->reconnect && !h->fatal) {
		engine_schedule_reconnect(e, h);
		return;
	}
	if (e->lo != NULL && e->lo->reconnect)
		log_msg(LOG_ERROR,
		    "Not reconnecting: %s cannot be trusted or reached "
		    "the same way again; exiting.",
		    h->name);
	else
		log_msg(LOG_ERROR,
		    "The connection chain is down; exiting (status 255). "
		    "Use --reconnect to rebuild it instead.");
	engine_stop(e, 255);
}

/* PermitRemoteOpen entries: "any", "none", or host:port with '*'. */
int
engine_permit_remote_open(struct engine *e, const char *host, int port)
{
	const struct strlist *l = &e->dest->permitted_remote_opens;
	char buf[300], pbuf[16];
	const char *eh, *ep;
	char *colon;
	size_t i, n;

	if (l->n == 0)
		return 1;
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	for (i = 0; i < l->n; i++) {
		if (strcasecmp(l->v[i], "any") == 0)
			return 1;
		if (strcasecmp(l->v[i], "none") == 0)
			return 0;
		snprintf(buf, sizeof(buf), "%s", l->v[i]);
		colon = strrchr(buf, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		eh = buf;
		ep = colon + 1;
		n = strlen(eh);
		if (n >= 2 && eh[0] == '[' && eh[n - 1] == ']') {
			buf[n - 1] = '\0';
			eh++;
		}
		if (strcmp(eh, "*") != 0 && strcasecmp(eh, host) != 0)
			continue;
		if (strcmp(ep, "*") != 0 && strcmp(ep, pbuf) != 0)
			continue;
		return 1;
	}
	return 0;
}

static void
engine_check_setup(struct engine *e)
{
	if (e->started == 1 && e->rfwd_pending == 0) {
		if (!e->locals_started && local_start(e) != 0) {
			log_msg(LOG_ERROR, "out of memory");
			engine_stop(e, 255);
			return;
		}
		e->locals_started = 1;
		e->started = 2;
	}
	if (e->started != 2)
		return;
	if (e->reconnecting) {
		uint64_t now = loop_now_ms();

		e->reconnecting = 0;
		log_msg(LOG_INFO,
		    "Reconnected: chain to %s is up again after %.1f s "
		    "(attempt %u).",
		    e->hops[e->num_hops - 1]->peer,
		    e->down_since_ms != 0
		        ? (double)(now - e->down_since_ms) / 1000.0
		        : 0.0,
		    e->attempts);
		e->down_since_ms = 0;
		e->up_since_ms = now;
		if (e->forwards_up) {
			if (e->forward_failures > 0 &&
			    e->dest->exit_on_forward_failure == 1) {
				log_msg(LOG_ERROR,
				    "Exiting: %d forward%s could not be set "
				    "up again and ExitOnForwardFailure is "
				    "yes.",
				    e->forward_failures,
				    e->forward_failures == 1 ? "" : "s");
				engine_stop(e, 255);
			}
			return;
		}
	}
	if (e->forwards_up)
		return;
	e->forwards_up = 1;
	e->up_since_ms = loop_now_ms();
	if (e->forward_failures > 0 && e->dest->exit_on_forward_failure == 1) {
		log_msg(LOG_ERROR,
		    "Exiting: %d forward%s could not be set up "
		    "and ExitOnForwardFailure is yes.",
		    e->forward_failures, e->forward_failures == 1 ? "" : "s");
		log_hint("fix or remove the failing forward, or set "
		         "ExitOnForwardFailure no to run with the rest");
		engine_stop(e, 255);
		return;
	}
	if (e->num_lfwds + e->num_cfg_rfwds == 0)
		log_msg(LOG_DEBUG1,
		    "No forwards to run; holding the connection "
		    "open.");
}

void
engine_iterate(struct engine *e, int max_ms)
{
	struct pump *p, *next;
	size_t i;

	/* Read-ahead bytes of a live hop (rxbuf.h) are invisible to epoll:
	 * don't sleep on them. */
	for (i = 0; i < e->num_hops && rxbuf_any_pending(); i++)
		if (e->hops[i]->s != NULL && e->hops[i]->state != HOP_DEAD &&
		    rxbuf_pending(e->hops[i]->lib_fd) > 0)
			max_ms = 0;
	(void)loop_wait(&e->loop, max_ms);
	for (i = 0; i < e->num_hops; i++)
		hop_drive(e->hops[i]);
	for (p = e->pumps; p != NULL; p = next) {
		next = p->next;
		(void)pump_service(p, p->hop != NULL ? p->hop->moved : 0);
	}
	engine_check_setup(e);
	for (i = 0; i < e->num_hops; i++)
		hop_update_events(e->hops[i]);
}
