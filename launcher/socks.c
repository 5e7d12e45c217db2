/*
 * socks: decode SOCKS4/4a/5 CONNECT requests and encode replies.
 *
 * Every malformed or unsupported request gets the protocol's failure reply
 * (SOCKS5: general failure / command not supported / address type not
 * supported; SOCKS4: 91) before the connection is closed, never a crash or
 * a stall. Sizes are bounded by SOCKS_BUF_MAX.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "launcher/socks.h"

enum { PH_START, PH_V5_GREETING, PH_V5_REQUEST, PH_V4, PH_DONE };

void
socks_init(struct socks *s)
{
	memset(s, 0, sizeof(*s));
	s->phase = PH_START;
}

int
socks_is_done(const struct socks *s)
{
	return s->phase == PH_DONE;
}

static size_t
socks_v5_fail(uint8_t rep, uint8_t *out)
{
	memset(out, 0, 10);
	out[0] = 5;
	out[1] = rep;
	out[2] = 0;
	out[3] = 1; /* IPv4 0.0.0.0:0 */
	return 10;
}

static size_t
socks_v4_fail(uint8_t *out)
{
	memset(out, 0, 8);
	out[1] = 91;
	return 8;
}

/* Take bytes into s->buf until it holds want bytes. 1 when it does. */
static int
socks_take(
    struct socks *s, const uint8_t *data, size_t len, size_t *used, size_t want)
{
	size_t n;

	if (s->len >= want)
		return 1;
	n = want - s->len;
	if (n > len - *used)
		n = len - *used;
	memcpy(s->buf + s->len, data + *used, n);
	s->len += n;
	*used += n;
	return s->len >= want;
}

/* SOCKS4/4a: VN CD DSTPORT(2) DSTIP(4) USERID NUL [HOST NUL]. */
static enum socks_status
socks_feed_v4(struct socks *s, const uint8_t *data, size_t len, size_t *used,
    uint8_t *out, size_t *outlen)
{
	size_t i, uid_end = 0, host_end = 0;
	int nul = 0;

	/* Byte by byte: a request ends at its last NUL, and what follows is
	 * payload that must not be swallowed. */
	while (*used < len) {
		if (s->len >= sizeof(s->buf)) {
			s->error = "SOCKS4 request too long";
			*outlen = socks_v4_fail(out);
			return SOCKS_FAIL;
		}
		s->buf[s->len++] = data[(*used)++];
		if (s->len < 9)
			continue;
		if (s->len == 9 && s->buf[1] != 1) {
			s->error =
			    "SOCKS4 command not supported (only CONNECT)";
			*outlen = socks_v4_fail(out);
			return SOCKS_FAIL;
		}
		s->is_4a = s->buf[4] == 0 && s->buf[5] == 0 && s->buf[6] == 0 &&
		    s->buf[7] != 0;
		nul = 0;
		for (i = 8; i < s->len; i++) {
			if (s->buf[i] != 0)
				continue;
			if (nul == 0)
				uid_end = i;
			else
				host_end = i;
			nul++;
			if (nul == 2)
				break;
		}
		if (nul >= 1 && uid_end - 8 > SOCKS_USERID_MAX) {
			s->error = "SOCKS4 user id too long";
			*outlen = socks_v4_fail(out);
			return SOCKS_FAIL;
		}
		if (nul == 0 && s->len - 8 > SOCKS_USERID_MAX) {
			s->error = "SOCKS4 user id too long";
			*outlen = socks_v4_fail(out);
			return SOCKS_FAIL;
		}
		if (!s->is_4a && nul == 1)
			break;
		if (s->is_4a && nul == 1 &&
		    s->len - uid_end - 1 > SOCKS_HOST_MAX) {
			s->error = "SOCKS4a host name too long";
			*outlen = socks_v4_fail(out);
			return SOCKS_FAIL;
		}
		if (s->is_4a && nul == 2)
			break;
	}
	if (s->len < 9 || nul == 0 || (s->is_4a && nul < 2))
		return SOCKS_NEED_MORE;
	s->port = (s->buf[2] << 8) | s->buf[3];
	if (s->is_4a) {
		if (host_end == uid_end + 1) {
			s->error = "SOCKS4a empty host name";
			*outlen = socks_v4_fail(out);
			return SOCKS_FAIL;
		}
		memcpy(s->host, s->buf + uid_end + 1, host_end - uid_end - 1);
		s->host[host_end - uid_end - 1] = '\0';
	} else {
		inet_ntop(AF_INET, s->buf + 4, s->host, sizeof(s->host));
	}
	s->phase = PH_DONE;
	return SOCKS_REQUEST;
}

static enum socks_status
socks_feed_v5_request(struct socks *s, const uint8_t *data, size_t len,
    size_t *used, uint8_t *out, size_t *outlen)
{
	size_t need;
	uint8_t atyp;

	if (!socks_take(s, data, len, used, 5))
		return SOCKS_NEED_MORE;
	if (s->buf[0] != 5) {
		s->error = "SOCKS5 request with a bad version";
		*outlen = socks_v5_fail(1, out);
		return SOCKS_FAIL;
	}
	if (s->buf[1] != 1) {
		s->error = "SOCKS5 command not supported (only CONNECT)";
		*outlen = socks_v5_fail(7, out);
		return SOCKS_FAIL;
	}
	atyp = s->buf[3];
	if (atyp == 1)
		need = 4 + 4 + 2;
	else if (atyp == 4)
		need = 4 + 16 + 2;
	else if (atyp == 3)
		need = 4 + 1 + (size_t)s->buf[4] + 2;
	else {
		s->error = "SOCKS5 address type not supported";
		*outlen = socks_v5_fail(8, out);
		return SOCKS_FAIL;
	}
	if (atyp == 3 && s->buf[4] == 0) {
		s->error = "SOCKS5 empty host name";
		*outlen = socks_v5_fail(1, out);
		return SOCKS_FAIL;
	}
	if (!socks_take(s, data, len, used, need))
		return SOCKS_NEED_MORE;
	if (atyp == 1)
		inet_ntop(AF_INET, s->buf + 4, s->host, sizeof(s->host));
	else if (atyp == 4)
		inet_ntop(AF_INET6, s->buf + 4, s->host, sizeof(s->host));
	else {
		memcpy(s->host, s->buf + 5, s->buf[4]);
		s->host[s->buf[4]] = '\0';
		if (strlen(s->host) != s->buf[4]) {
			s->error = "SOCKS5 host name contains a NUL";
			*outlen = socks_v5_fail(1, out);
			return SOCKS_FAIL;
		}
	}
	s->port = (s->buf[need - 2] << 8) | s->buf[need - 1];
	s->phase = PH_DONE;
	return SOCKS_REQUEST;
}

enum socks_status
socks_feed(struct socks *s, const uint8_t *data, size_t len, size_t *consumed,
    uint8_t *out, size_t *outlen)
{
	size_t used = 0, i;
	enum socks_status st = SOCKS_NEED_MORE;
	int ok;

	*outlen = 0;
	*consumed = 0;
	if (s->phase == PH_START) {
		if (len == 0)
			return SOCKS_NEED_MORE;
		if (data[0] == 4) {
			s->version = 4;
			s->phase = PH_V4;
		} else if (data[0] == 5) {
			s->version = 5;
			s->phase = PH_V5_GREETING;
		} else {
			/* Unknown protocol: no reply format to use; close. */
			s->error = "not a SOCKS4 or SOCKS5 request";
			return SOCKS_FAIL;
		}
	}
	switch (s->phase) {
	case PH_V4:
		st = socks_feed_v4(s, data, len, &used, out, outlen);
		break;
	case PH_V5_GREETING:
		if (!socks_take(s, data, len, &used, 2))
			break;
		if (s->buf[1] == 0) {
			s->error = "SOCKS5 greeting offers no methods";
			out[0] = 5;
			out[1] = 0xff;
			*outlen = 2;
			st = SOCKS_FAIL;
			break;
		}
		if (!socks_take(s, data, len, &used, 2 + (size_t)s->buf[1]))
			break;
		ok = 0;
		for (i = 0; i < s->buf[1]; i++)
			if (s->buf[2 + i] == 0)
				ok = 1;
		out[0] = 5;
		out[1] = ok ? 0 : 0xff;
		*outlen = 2;
		if (!ok) {
			s->error = "SOCKS5 client offers no acceptable "
			           "authentication method (only no-auth)";
			st = SOCKS_FAIL;
			break;
		}
		s->len = 0;
		s->phase = PH_V5_REQUEST;
		st = SOCKS_SEND;
		break;
	case PH_V5_REQUEST:
		st = socks_feed_v5_request(s, data, len, &used, out, outlen);
		break;
	default:
		st = SOCKS_REQUEST;
		break;
	}
	*consumed = used;
	return st;
}

size_t
socks_reply(const struct socks *s, enum socks_result res, uint8_t *out)
{
	if (s->version == 4) {
		memset(out, 0, 8);
		out[1] = res == SOCKS_R_OK ? 90 : 91;
		return 8;
	}
	return socks_v5_fail((uint8_t)res, out);
}

enum socks_result
socks_result_from_open_failure(int code, const char *text)
{
	if (code == 1)
		return SOCKS_R_NOT_ALLOWED;
	if (text == NULL)
		return SOCKS_R_GENERAL;
	if (strcasestr(text, "refused") != NULL)
		return SOCKS_R_REFUSED;
	if (strcasestr(text, "network is unreachable") != NULL)
		return SOCKS_R_NET_UNREACH;
	if (strcasestr(text, "no route") != NULL ||
	    strcasestr(text, "name or service") != NULL ||
	    strcasestr(text, "name resolution") != NULL ||
	    strcasestr(text, "not known") != NULL ||
	    strcasestr(text, "host is unreachable") != NULL)
		return SOCKS_R_HOST_UNREACH;
	if (strcasestr(text, "timed out") != NULL)
		return SOCKS_R_TTL;
	return SOCKS_R_GENERAL;
}

enum socks_result
socks_result_from_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return SOCKS_R_REFUSED;
	case ENETUNREACH:
		return SOCKS_R_NET_UNREACH;
	case EHOSTUNREACH:
		return SOCKS_R_HOST_UNREACH;
	case ETIMEDOUT:
		return SOCKS_R_TTL;
	case EACCES:
	case EPERM:
		return SOCKS_R_NOT_ALLOWED;
	default:
		return SOCKS_R_GENERAL;
	}
}
