/*
 * loop: the one epoll loop of the process, with fd watchers and timers.
 *
 * Level-triggered epoll; a watcher's interest is changed only when it
 * differs from what is registered. Nothing a watcher points to may be freed
 * while loop_wait() is dispatching: owners mark objects dead and free them
 * after loop_wait() returns (the engine's reap phase). Timers are a sorted
 * list: few of them are armed at once (connect timeouts, handshakes).
 */
#ifndef SSHFWD_LOOP_H
#define SSHFWD_LOOP_H

#include <stdint.h>

struct loop_watch;
typedef void (*loop_watch_fn)(struct loop_watch *w, uint32_t revents);

struct loop_watch {
	int fd; /* -1 when not registered */
	uint32_t events; /* interest currently registered */
	loop_watch_fn cb;
	void *data;
};

struct loop_timer;
typedef void (*loop_timer_fn)(struct loop_timer *t);

struct loop_timer {
	uint64_t due_ms; /* loop_now_ms() based */
	loop_timer_fn cb;
	void *data;
	int armed;
	struct loop_timer *next, *prev;
};

struct loop {
	int epfd;
	struct loop_timer *timers; /* sorted by due_ms */
};

/* Create the epoll instance. 0 or -1 (errno set). */
int loop_init(struct loop *l);

/* Close the epoll instance; watchers must be gone. */
void loop_free(struct loop *l);

/* Monotonic milliseconds. */
uint64_t loop_now_ms(void);

/* Initialise a watcher (not registered). */
void loop_watch_init(struct loop_watch *w, loop_watch_fn cb, void *data);

/* Register fd with the given interest (may be 0). 0 or -1 (errno). */
int loop_watch_add(
    struct loop *l, struct loop_watch *w, int fd, uint32_t events);

/* Change the interest if it differs. 0 or -1. */
int loop_watch_set(struct loop *l, struct loop_watch *w, uint32_t events);

/* Unregister (before closing the fd). Safe on an unregistered watcher. */
void loop_watch_del(struct loop *l, struct loop_watch *w);

void loop_timer_init(struct loop_timer *t, loop_timer_fn cb, void *data);

/* (Re)arm t to fire once, ms from now. */
void loop_timer_arm(struct loop *l, struct loop_timer *t, uint64_t ms);

void loop_timer_disarm(struct loop *l, struct loop_timer *t);

/*
 * Wait up to max_ms (-1: until an event or the next timer) and dispatch
 * ready watchers, then due timers. Returns the number of fd events, or -1
 * on an epoll error other than EINTR.
 */
int loop_wait(struct loop *l, int max_ms);

#endif
