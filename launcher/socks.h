/*
 * socks: the SOCKS4, SOCKS4a and SOCKS5 (no-auth CONNECT) server side, as
 * a pure byte-level state machine.
 *
 * The same machine serves DynamicForward (bytes come from a local client
 * socket) and remote dynamic forwarding (bytes come from a channel the
 * server opened). It never does I/O: socks_feed() consumes input, may hand
 * back bytes to send (the SOCKS5 method choice, or a failure reply), and
 * reports when a complete CONNECT request has been decoded. Bytes after the
 * request are left unconsumed: they are payload for the target.
 */
#ifndef SSHFWD_SOCKS_H
#define SSHFWD_SOCKS_H

#include <stddef.h>
#include <stdint.h>

#define SOCKS_HOST_MAX 255
#define SOCKS_USERID_MAX 255
#define SOCKS_REPLY_MAX 32
#define SOCKS_BUF_MAX 600 /* longest legal greeting/request we accept */

enum socks_status {
	SOCKS_NEED_MORE = 0, /* feed more bytes */
	SOCKS_SEND = 1, /* send out[] and keep feeding */
	SOCKS_REQUEST = 2, /* request decoded: host/port valid */
	SOCKS_FAIL = 3, /* send out[] (may be empty) and close */
};

/* Outcome of a CONNECT, mapped to each protocol's code by socks_reply(). */
enum socks_result {
	SOCKS_R_OK = 0,
	SOCKS_R_GENERAL = 1,
	SOCKS_R_NOT_ALLOWED = 2,
	SOCKS_R_NET_UNREACH = 3,
	SOCKS_R_HOST_UNREACH = 4,
	SOCKS_R_REFUSED = 5,
	SOCKS_R_TTL = 6,
	SOCKS_R_CMD_UNSUPPORTED = 7,
	SOCKS_R_ATYP_UNSUPPORTED = 8,
};

struct socks {
	int phase; /* internal */
	int version; /* 4 or 5 once known, else 0 */
	int is_4a;
	uint8_t buf[SOCKS_BUF_MAX];
	size_t len;
	char host[SOCKS_HOST_MAX + 1]; /* IPv4/IPv6 literal or a name */
	int port;
	const char *error; /* why SOCKS_FAIL, for the log */
};

void socks_init(struct socks *s);

/* Whether a complete request has been decoded. */
int socks_is_done(const struct socks *s);

/*
 * Feed up to len bytes; *consumed says how many were taken (the rest
 * belongs to a later step or is payload). On SOCKS_SEND and SOCKS_FAIL,
 * out[0..*outlen) must be sent. out must hold SOCKS_REPLY_MAX bytes.
 */
enum socks_status socks_feed(struct socks *s, const uint8_t *data, size_t len,
    size_t *consumed, uint8_t *out, size_t *outlen);

/*
 * The reply to a decoded request with the given outcome. Returns its length
 * (out holds SOCKS_REPLY_MAX bytes).
 */
size_t socks_reply(const struct socks *s, enum socks_result res, uint8_t *out);

/* Map an SSH channel-open failure (code, text) to a SOCKS outcome. */
enum socks_result socks_result_from_open_failure(int code, const char *text);

/* Map a local connect() errno to a SOCKS outcome. */
enum socks_result socks_result_from_errno(int err);

#endif
