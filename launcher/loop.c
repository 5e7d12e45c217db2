/*
 * loop: epoll watchers and a sorted timer list.
 */
#include "autoconf.h"

#include <errno.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "launcher/loop.h"

#define LOOP_MAX_EVENTS 256

int
loop_init(struct loop *l)
{
	l->timers = NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -1 : 0;
}

void
loop_free(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
	l->timers = NULL;
}

uint64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
loop_watch_init(struct loop_watch *w, loop_watch_fn cb, void *data)
{
	w->fd = -1;
	w->events = 0;
	w->cb = cb;
	w->data = data;
}

int
loop_watch_add(struct loop *l, struct loop_watch *w, int fd, uint32_t events)
{
	struct epoll_event ev;

	ev.events = events;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -1;
	w->fd = fd;
	w->events = events;
	return 0;
}

int
loop_watch_set(struct loop *l, struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev;

	if (w->fd < 0 || w->events == events)
		return 0;
	ev.events = events;
	ev.data.ptr = w;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev) != 0)
		return -1;
	w->events = events;
	return 0;
}

void
loop_watch_del(struct loop *l, struct loop_watch *w)
{
	if (w->fd < 0)
		return;
	(void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->fd = -1;
	w->events = 0;
}

void
loop_timer_init(struct loop_timer *t, loop_timer_fn cb, void *data)
{
	t->due_ms = 0;
	t->cb = cb;
	t->data = data;
	t->armed = 0;
	t->next = t->prev = NULL;
}

void
loop_timer_disarm(struct loop *l, struct loop_timer *t)
{
	if (!t->armed)
		return;
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		l->timers = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
	t->armed = 0;
}

void
loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t ms)
{
	struct loop_timer *it, *prev = NULL;

	loop_timer_disarm(l, t);
	t->due_ms = loop_now_ms() + ms;
	for (it = l->timers; it != NULL && it->due_ms <= t->due_ms;
	     it = it->next)
		prev = it;
	t->prev = prev;
	t->next = it;
	if (prev != NULL)
		prev->next = t;
	else
		l->timers = t;
	if (it != NULL)
		it->prev = t;
	t->armed = 1;
}

int
loop_wait(struct loop *l, int max_ms)
{
	struct epoll_event evs[LOOP_MAX_EVENTS];
	struct loop_watch *w;
	struct loop_timer *t;
	uint64_t now;
	int i, n, timeout = max_ms;

	if (l->timers != NULL) {
		now = loop_now_ms();
		if (l->timers->due_ms <= now)
			timeout = 0;
		else if (timeout < 0 ||
		    l->timers->due_ms - now < (uint64_t)timeout)
			timeout = (int)(l->timers->due_ms - now);
	}
	n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, timeout);
	if (n < 0) {
		if (errno != EINTR)
			return -1;
		n = 0;
	}
	for (i = 0; i < n; i++) {
		w = evs[i].data.ptr;
		/* A callback earlier in this batch may have unregistered it. */
		if (w->fd < 0 || w->cb == NULL)
			continue;
		w->cb(w, evs[i].events);
	}
	now = loop_now_ms();
	while ((t = l->timers) != NULL && t->due_ms <= now) {
		loop_timer_disarm(l, t);
		t->cb(t);
	}
	return n;
}
