/*
 * randomart: OpenSSH 9.2's fingerprint picture, byte for byte (checked
 * against ssh-keygen -lv in tests/test_randomart.c).
 */
#include "autoconf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>

#include "launcher/randomart.h"
#include "launcher/wire.h"
#include "parser/base64.h"
#include "parser/strbuf.h"

/* Characters by visit count: the more visits, the denser; the last two
 * are the start and end marks. */
static const char randomart_ink[] = " .o+=*BOX@%&#/^SE";
#define RANDOMART_MARK_START (sizeof(randomart_ink) - 3)
#define RANDOMART_MARK_END (sizeof(randomart_ink) - 2)
/* A title never takes more than this much of the border (OpenSSH writes
 * it into a buffer as wide as the board, NUL included). */
#define RANDOMART_TITLE_MAX (RANDOMART_W - 1)

/* One border line: '+', the label centred (left-leaning) in dashes, '+'. */
static void
randomart_border(struct strbuf *b, const char *label)
{
	size_t i, len = strlen(label), left;

	if (len > RANDOMART_TITLE_MAX)
		len = RANDOMART_TITLE_MAX;
	left = (RANDOMART_W - len) / 2;
	strbuf_add(b, "+");
	for (i = 0; i < left; i++)
		strbuf_add(b, "-");
	strbuf_addn(b, label, len);
	for (i = left + len; i < RANDOMART_W; i++)
		strbuf_add(b, "-");
	strbuf_add(b, "+");
}

char *
randomart_picture(const char *type, unsigned bits, const char *alg,
    const unsigned char *d, size_t n)
{
	unsigned char board[RANDOMART_W][RANDOMART_H];
	struct strbuf b = STRBUF_INIT;
	char title[64], hash[64];
	size_t i, top = RANDOMART_MARK_START - 1;
	int x = RANDOMART_W / 2, y = RANDOMART_H / 2, k, step;

	memset(board, 0, sizeof(board));
	for (i = 0; i < n; i++) {
		step = d[i];
		for (k = 0; k < 4; k++, step >>= 2) {
			x += (step & 1) ? 1 : -1;
			y += (step & 2) ? 1 : -1;
			x = x < 0 ? 0
			          : (x >= RANDOMART_W ? RANDOMART_W - 1 : x);
			y = y < 0 ? 0
			          : (y >= RANDOMART_H ? RANDOMART_H - 1 : y);
			/* Counts stop below the marks. */
			if (board[x][y] < top)
				board[x][y]++;
		}
	}
	board[RANDOMART_W / 2][RANDOMART_H / 2] = RANDOMART_MARK_START;
	board[x][y] = RANDOMART_MARK_END;

	/* "[TYPE BITS]", or "[TYPE]" when that would not fit the border
	 * (e.g. "[ED25519-CERT]"); randomart_border cuts the rest. */
	if ((size_t)snprintf(title, sizeof(title), "[%s %u]", type, bits) >
	    RANDOMART_W)
		snprintf(title, sizeof(title), "[%s]", type);
	snprintf(hash, sizeof(hash), "[%s]", alg);

	randomart_border(&b, title);
	for (y = 0; y < RANDOMART_H; y++) {
		strbuf_add(&b, "\n|");
		for (x = 0; x < RANDOMART_W; x++)
			strbuf_addn(&b, &randomart_ink[board[x][y]], 1);
		strbuf_add(&b, "|");
	}
	strbuf_add(&b, "\n");
	randomart_border(&b, hash);
	return strbuf_finish(&b);
}

/*
 * Bits of the mpint that is field `field` (0 = the type name) of key's
 * public blob: RSA's modulus n and DSA's prime p, which OpenSSH reports
 * as the key's size. libssh 0.10 has no call for it; 0 when unreadable.
 */
static unsigned
randomart_mpint_bits(ssh_key key, int field)
{
	char *b64 = NULL;
	unsigned char *blob = NULL;
	const unsigned char *s = NULL;
	struct wire_rd r;
	size_t len = 0, blen = 0;
	unsigned bits = 0;
	int i;

	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
		return 0;
	if (base64_decode(b64, &blob, &blen) != 0)
		goto out;
	r.p = blob;
	r.left = blen;
	for (i = 0; i <= field; i++)
		if (wire_str(&r, &s, &len) != 0)
			goto out;
	while (len > 0 && *s == 0) {
		s++;
		len--;
	}
	if (len == 0 || len > 16384 / 8)
		goto out;
	bits = (unsigned)(len - 1) * 8;
	for (i = *s; i != 0; i >>= 1)
		bits++;
out:
	free(blob);
	ssh_string_free_char(b64);
	return bits;
}

/* OpenSSH's short type name and size of key, as in its titles. */
static int
randomart_type_bits(ssh_key key, const char **type, unsigned *bits)
{
	switch (ssh_key_type(key)) {
	case SSH_KEYTYPE_ED25519:
		*type = "ED25519";
		*bits = 256;
		return 0;
	case SSH_KEYTYPE_ECDSA_P256:
		*type = "ECDSA";
		*bits = 256;
		return 0;
	case SSH_KEYTYPE_ECDSA_P384:
		*type = "ECDSA";
		*bits = 384;
		return 0;
	case SSH_KEYTYPE_ECDSA_P521:
		*type = "ECDSA";
		*bits = 521;
		return 0;
	case SSH_KEYTYPE_RSA:
		*type = "RSA";
		*bits = randomart_mpint_bits(key, 2); /* type, e, n */
		break;
	case SSH_KEYTYPE_DSS:
		*type = "DSA";
		*bits = randomart_mpint_bits(key, 1); /* type, p */
		break;
	default:
		return -1;
	}
	return *bits > 0 ? 0 : -1;
}

char *
randomart_key(ssh_key key, enum ssh_publickey_hash_type hash, const char *type)
{
	unsigned char *d = NULL;
	const char *own;
	unsigned bits;
	size_t n = 0;
	char *art;

	if (randomart_type_bits(key, &own, &bits) != 0 ||
	    ssh_get_publickey_hash(key, hash, &d, &n) != 0)
		return NULL;
	art = randomart_picture(type != NULL ? type : own, bits,
	    hash == SSH_PUBLICKEY_HASH_MD5 ? "MD5" : "SHA256", d, n);
	ssh_clean_pubkey_hash(&d);
	return art;
}
