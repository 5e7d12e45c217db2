/*
 * resolve: getaddrinfo on a detached thread per lookup, answered through an
 * eventfd watched by the loop.
 *
 * A request is shared by the loop and its thread, so it is reference
 * counted: the thread drops its reference after posting the answer, the
 * loop after running the callback (or on cancel). The last one frees it,
 * so neither side ever waits for the other.
 */
#include "autoconf.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launcher/loop.h"
#include "launcher/resolve.h"

struct resolve {
	struct loop *l;
	struct loop_watch w;
	int efd;
	char *host, *port;
	struct addrinfo hints;
	resolve_fn cb;
	void *data;

	pthread_mutex_t mu; /* guards refs, res, err */
	int refs;
	struct addrinfo *res; /* until handed to cb */
	int err;
};

static void
resolve_unref(struct resolve *r)
{
	int left;

	pthread_mutex_lock(&r->mu);
	left = --r->refs;
	pthread_mutex_unlock(&r->mu);
	if (left > 0)
		return;
	if (r->res != NULL)
		freeaddrinfo(r->res);
	if (r->efd >= 0)
		close(r->efd);
	pthread_mutex_destroy(&r->mu);
	free(r->host);
	free(r->port);
	free(r);
}

static void
resolve_post(struct resolve *r)
{
	uint64_t one = 1;

	/* An eventfd write of 1 cannot fail short of a counter overflow. */
	while (write(r->efd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

static void *
resolve_thread(void *arg)
{
	struct resolve *r = arg;
	struct addrinfo *res = NULL;
	int err;

	err = getaddrinfo(r->host, r->port, &r->hints, &res);
	pthread_mutex_lock(&r->mu);
	r->res = res;
	r->err = err;
	pthread_mutex_unlock(&r->mu);
	resolve_post(r);
	resolve_unref(r);
	return NULL;
}

static void
resolve_on_event(struct loop_watch *w, uint32_t revents)
{
	struct resolve *r = w->data;
	struct addrinfo *res;
	uint64_t v;
	int err;

	(void)revents;
	if (read(r->efd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return; /* spurious; the answer is still to come */
	loop_watch_del(r->l, &r->w);
	pthread_mutex_lock(&r->mu);
	res = r->res;
	r->res = NULL;
	err = r->err;
	pthread_mutex_unlock(&r->mu);
	r->cb(r->data, r->host, r->port, res, err);
	resolve_unref(r);
}

struct resolve *
resolve_start(struct loop *l, const char *host, const char *port,
    const struct addrinfo *hints, resolve_fn cb, void *data)
{
	struct resolve *r;
	struct addrinfo numeric;
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->efd = -1;
	r->l = l;
	r->cb = cb;
	r->data = data;
	r->hints = *hints;
	r->refs = 1;
	if (pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		return NULL;
	}
	r->host = strdup(host);
	r->port = strdup(port);
	r->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	loop_watch_init(&r->w, resolve_on_event, r);
	if (r->host == NULL || r->port == NULL || r->efd < 0 ||
	    loop_watch_add(l, &r->w, r->efd, EPOLLIN) != 0)
		goto fail;
	/* An address literal needs no lookup and no thread. */
	numeric = *hints;
	numeric.ai_flags |= AI_NUMERICHOST;
	if (getaddrinfo(host, port, &numeric, &r->res) == 0) {
		resolve_post(r);
		return r;
	}
	r->res = NULL;
	if (pthread_attr_init(&attr) != 0)
		goto fail;
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r->refs = 2;
	rc = pthread_create(&t, &attr, resolve_thread, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		r->refs = 1;
		errno = rc;
		goto fail;
	}
	return r;
fail:
	loop_watch_del(l, &r->w);
	resolve_unref(r);
	return NULL;
}

void
resolve_cancel(struct resolve *r)
{
	if (r == NULL)
		return;
	loop_watch_del(r->l, &r->w);
	resolve_unref(r);
}
