/*
 * resolve: name lookup that never blocks the event loop.
 *
 * getaddrinfo() can wait for a nameserver for many seconds; run on the loop,
 * it would stall every forwarded connection of every hop (with --reconnect a
 * slow DNS server would freeze live traffic while one hop is rebuilt). A
 * numeric address is converted at once; a name is looked up by a detached
 * thread of its own, which wakes the loop through an eventfd when done. The
 * callback then runs on the loop thread, like every other callback.
 */
#ifndef SSHFWD_RESOLVE_H
#define SSHFWD_RESOLVE_H

#include <netdb.h>

struct loop;
struct resolve;

/*
 * The outcome for host and port (valid during the call): res (the caller
 * owns it: freeaddrinfo) or a getaddrinfo error code (res NULL), whose
 * gai_strerror() is ssh's wording ("Name or service not known").
 */
typedef void (*resolve_fn)(void *data, const char *host, const char *port,
    struct addrinfo *res, int err);

/*
 * Look up host and port (numeric string) with hints. cb runs later on the
 * loop, never from inside this call. Returns the request (until cb runs or
 * resolve_cancel()), or NULL on out of memory or when no thread or eventfd
 * can be had (errno set).
 */
struct resolve *resolve_start(struct loop *l, const char *host,
    const char *port, const struct addrinfo *hints, resolve_fn cb, void *data);

/* Forget a request whose owner goes away: cb will not run. */
void resolve_cancel(struct resolve *r);

#endif
