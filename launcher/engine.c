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
engine_stop(struct engine *e, int status)
{
	if (!e->stop)
		e->exit_status = status;
	e->stop = 1;
}

void
engine_hop_ready(struct engine *e, struct hop *h)
{
	const struct options *o = e->dest;

	log_msg(LOG_DEBUG1, "Authenticated to %s (hop %zu of %zu).", h->peer,
	    h->index + 1, e->num_hops);
	if (h->index + 1 < e->num_hops) {
		(void)hop_start(e->hops[h->index + 1]);
		return;
	}
	if (o->clear_forwardings == 1) {
		log_msg(LOG_DEBUG1, "ClearAllForwardings: no forwards.");
		e->started = 2;
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
 */
#define RECONNECT_BASE_MS 1000u
#define RECONNECT_CAP_MS 60000u
#define RECONNECT_STABLE_MS 60000u

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

static void
engine_schedule_reconnect(struct engine *e, struct hop *h)
{
	uint64_t now = loop_now_ms(), delay;
	unsigned shift;

	if (e->reconnect_pending) {
		if (h->index < e->reconnect_from)
			e->reconnect_from = h->index;
		return;
	}
	if (e->down_since_ms == 0) {
		e->down_since_ms = now;
		if (e->up_since_ms != 0 &&
		    now - e->up_since_ms >= RECONNECT_STABLE_MS)
			e->attempts = 0;
	}
	e->reconnect_from = h->index;
	shift = e->attempts < 6 ? e->attempts : 6;
	delay = (uint64_t)RECONNECT_BASE_MS << shift;
	if (delay > RECONNECT_CAP_MS)
		delay = RECONNECT_CAP_MS;
	delay = delay / 2 + (uint64_t)random() % (delay / 2 + 1);
	e->attempts++;
	e->started = 0;
	log_msg(LOG_INFO,
	    "Chain down at hop %zu (%s); reconnecting in %.1f s "
	    "(attempt %u).",
	    h->index + 1, h->name, (double)delay / 1000.0, e->attempts);
	loop_timer_init(&e->t_reconnect, engine_reconnect_fire, e);
	loop_timer_arm(&e->loop, &e->t_reconnect, delay);
	e->reconnect_pending = 1;
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
	if (e->dest->num_local_forwards + e->dest->num_remote_forwards == 0 ||
	    e->dest->clear_forwardings == 1)
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
