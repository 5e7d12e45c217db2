/*
 * pump: one forwarded byte stream between a local fd and an SSH channel.
 *
 * Every forwarded connection is a pump (LocalForward, DynamicForward after
 * its SOCKS request, RemoteForward, remote dynamic), and so is the carrier
 * that runs hop k+1's session over a direct-tcpip channel of hop k (its fd
 * is our end of the socketpair). One code path, so backpressure and
 * half-close are the same everywhere:
 *
 *   channel -> fd: the data callback sends straight from libssh's buffer;
 *     on a short send the pump is "backlogged" (callbacks return 0 so later
 *     bytes cannot overtake) and drains with ssh_channel_read_nonblocking
 *     when the fd is writable. libssh's window bounds what it buffers;
 *     the pump keeps it at PUMP_WINDOW.
 *   fd -> channel: read at most the peer's window (in 65516-byte chunks,
 *     two full packets); a short write is kept in a spill and the fd is not
 *     read again until the spill is gone; a zero window parks the pump
 *     ("stalled") until the service pass sees the window reopen.
 *   EOF either way half-closes the other way only; the channel is closed
 *   once both directions are done and everything is delivered.
 *
 * Ownership: the pump owns its fd and its channel. libssh callbacks only
 * record facts; the engine's service pass (pump_service) acts on them,
 * retries what libssh 0.10 does not signal (open completion, window
 * reopening, ssh_channel_close returning SSH_AGAIN) and frees dead pumps.
 * When the hop under a pump dies, pump_abandon() drops the channel handle
 * without touching it (ssh_free of the session frees it).
 */
#ifndef SSHFWD_PUMP_H
#define SSHFWD_PUMP_H

#include <stddef.h>
#include <stdint.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>

#include "launcher/loop.h"
#include "launcher/socks.h"

struct engine;
struct hop;
struct fwd;
struct pump;

#define PUMP_CHUNK 65516 /* two 32758-byte packets (libssh: maxpacket-10) */
#ifndef PUMP_WINDOW
/* Receive window kept open per channel while its fd keeps up (OpenSSH's
 * is 2 MiB; libssh 0.10 tops up to only 1.28 MB, below 640 KB left); the
 * bytes libssh may buffer per channel stay bounded by it. 4 MiB was slower
 * than 2 MiB (1-hop download, interleaved runs). */
#define PUMP_WINDOW (2 * 1024 * 1024)
#endif
/* Delivered bytes between two window top-ups: one full packet. The step
 * matters far more than the 2 MiB would suggest: through three hops
 * (bench/ab_bulk.sh, aes128-gcm, 1 GB downloads, medians of 4 interleaved
 * runs) 256 KiB ran 94 MB/s, 64 KiB 115 and 32 KiB 123, against OpenSSH's
 * 102; in other runs 512 KiB fell to 74 and 96 KiB (OpenSSH's three
 * packets) ran level with OpenSSH. One hop did not change (1 MiB had been
 * 0.89x of OpenSSH there, 256 KiB 0.97-1.0x; 32 KiB 1.04x). The cost is
 * one WINDOW_ADJUST per 32 KiB back up the chain. */
#ifndef PUMP_WIN_STEP
#define PUMP_WIN_STEP (32 * 1024)
#endif

enum pump_state {
	PUMP_SOCKS_LOCAL, /* reading a SOCKS request from the local fd */
	PUMP_OPENING, /* channel open sent, waiting for the reply */
	PUMP_SOCKS_REMOTE, /* reading a SOCKS request from the channel */
	PUMP_CONNECTING, /* local connect() in progress (remote forwards) */
	PUMP_OPEN, /* moving bytes */
	PUMP_CLOSING, /* ssh_channel_close() to be (re)tried */
	PUMP_DEAD, /* to be freed by the service pass */
};

/* Called once when an open started with pump_open_* finishes. */
typedef void (*pump_open_fn)(
    struct pump *p, int ok, int code, const char *text);
/* Called once when the pump stops (before it is freed). */
typedef void (*pump_close_fn)(struct pump *p);

struct pump {
	struct engine *eng;
	struct hop *hop;
	uint64_t id;
	enum pump_state state;
	int fd;
	ssh_channel ch;
	struct loop_watch w;
	struct ssh_channel_callbacks_struct cb;
	const struct fwd *fwd; /* the forward it serves, or NULL (carrier) */
	char *desc; /* "127.0.0.1:5000 -> example:80", for logs */
	struct resolve *resolving; /* the target's name lookup (resolve.h) */

	unsigned local_eof : 1; /* read 0 from fd */
	unsigned eof_sent : 1; /* ssh_channel_send_eof done */
	unsigned remote_eof : 1; /* channel EOF received */
	unsigned shut_wr : 1; /* shutdown(fd, SHUT_WR) done */
	unsigned backlogged : 1; /* channel data waiting for the fd */
	unsigned stalled : 1; /* fd not read: window 0 or spill */
	unsigned peer_closed : 1; /* channel CLOSE received */
	unsigned failed : 1; /* error: close now, no more delivery */
	unsigned cb_added : 1;
	unsigned quiet_close : 1; /* do not log the close */

	/* fd -> channel bytes the channel has not taken yet. */
	uint8_t *up;
	size_t up_len, up_off;
	/* channel -> fd bytes the fd has not taken yet. */
	uint8_t *down;
	size_t down_len, down_off;

	uint64_t bytes_up, bytes_down;
	uint64_t win_mark; /* bytes_down when the window was last topped up */
	uint64_t started_ms;

	/* Open parameters (kept for the retried ssh_channel_open_*). */
	char *open_host;
	int open_port;
	char *open_path;
	char *orig_host;
	int orig_port;
	pump_open_fn on_open;
	pump_close_fn on_close;
	void *data;

	struct socks *socks; /* while a SOCKS request is being decoded */
	struct loop_timer t_handshake;
	struct loop_timer t_nudge; /* a long wait for the channel (pump.c) */

	struct pump *next, *prev; /* the engine's list of pumps */
};

/*
 * A pump over fd (owned from now on, made nonblocking) for a channel still
 * to be opened on hop. Returns NULL on out of memory (fd is then closed).
 */
struct pump *pump_new(struct engine *e, struct hop *hop, int fd,
    const struct fwd *fwd, const char *desc);

/*
 * A pump for a channel the server opened (forwarded-tcpip), already
 * accepted; fd is attached later with pump_connect_local(). NULL on OOM
 * (the channel is then closed).
 */
struct pump *pump_new_accepted(struct engine *e, struct hop *hop,
    ssh_channel ch, const struct fwd *fwd, const char *desc);

/* Start a direct-tcpip open to host:port. 0, or -1 (pump is closing). */
int pump_open_tcp(struct pump *p, const char *host, int port,
    const char *orig_host, int orig_port);

/* Start a direct-streamlocal@openssh.com open to path. 0 or -1. */
int pump_open_unix(struct pump *p, const char *path);

/* Serve a SOCKS request arriving on the local fd, then open the channel. */
int pump_start_socks_local(struct pump *p);

/* Serve a SOCKS request arriving on the (accepted) channel. */
int pump_start_socks_remote(struct pump *p);

/*
 * Connect the accepted channel's pump to a local TCP host:port or a Unix
 * path (nonblocking). 0, or -1 (pump is closing; logged).
 */
int pump_connect_local(
    struct pump *p, const char *host, int port, const char *path);

/* Begin an orderly close (EOF+CLOSE to the peer, close the fd). */
void pump_close(struct pump *p);

/* The hop under the pump is gone: close the fd, forget the channel. */
void pump_abandon(struct pump *p);

/*
 * Per-iteration service: retry opens (when hop_moved), reopen windows,
 * finish half-closes, retry closes. Returns 1 when the pump is dead and
 * has been unlinked and freed, else 0.
 */
int pump_service(struct pump *p, int hop_moved);

/* Free a pump now (engine teardown only). */
void pump_free(struct pump *p);

#endif
