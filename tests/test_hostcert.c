/*
 * Unit tests for launcher/hostcert.c: certificate blobs built here and
 * signed with libcrypto keys (Ed25519, ECDSA P-256/P-384/P-521, RSA with
 * each signature hash), then every check ssh makes, and malformed blobs:
 * each truncation, lengths past the end, wrong types, trailing bytes, a
 * changed byte under the signature. Run under the sanitizer build, a read
 * out of bounds fails the test.
 */
#include "autoconf.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "launcher/hostcert.h"

#define TB_MAX 16384

struct tb {
	unsigned char p[TB_MAX];
	size_t n;
};

static void
tb_raw(struct tb *b, const void *p, size_t n)
{
	ck_assert_uint_le(b->n + n, TB_MAX);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void
tb_u32(struct tb *b, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)(v >> 24),
		(unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };

	tb_raw(b, p, 4);
}

static void
tb_u64(struct tb *b, uint64_t v)
{
	tb_u32(b, (uint32_t)(v >> 32));
	tb_u32(b, (uint32_t)v);
}

static void
tb_str(struct tb *b, const void *p, size_t n)
{
	tb_u32(b, (uint32_t)n);
	tb_raw(b, p, n);
}

static void
tb_cstr(struct tb *b, const char *s)
{
	tb_str(b, s, strlen(s));
}

/* An mpint from a big-endian magnitude. */
static void
tb_mpint(struct tb *b, const unsigned char *p, size_t n)
{
	while (n > 0 && p[0] == 0) {
		p++;
		n--;
	}
	if (n > 0 && (p[0] & 0x80) != 0) {
		tb_u32(b, (uint32_t)n + 1);
		tb_raw(b, "", 1);
		tb_raw(b, p, n);
	} else
		tb_str(b, p, n);
}

static void
tb_bn(struct tb *b, const BIGNUM *bn)
{
	unsigned char buf[1024];
	int n = BN_bn2bin(bn, buf);

	ck_assert_int_gt(n, 0);
	tb_mpint(b, buf, (size_t)n);
}

enum ca_kind { CA_ED25519, CA_P256, CA_P384, CA_P521, CA_RSA };

struct ca {
	enum ca_kind kind;
	EVP_PKEY *pkey;
	const char *sigalg; /* for RSA: ssh-rsa, rsa-sha2-256, rsa-sha2-512 */
};

static EVP_PKEY *
ca_keygen(enum ca_kind kind)
{
	EVP_PKEY *k = NULL;

	switch (kind) {
	case CA_ED25519:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case CA_P256:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case CA_P384:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case CA_P521:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
		break;
	case CA_RSA:
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
		break;
	}
	ck_assert_ptr_nonnull(k);
	return k;
}

static const char *
ca_name(enum ca_kind kind)
{
	static const char *const n[] = { "ssh-ed25519", "ecdsa-sha2-nistp256",
		"ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa" };

	return n[kind];
}

/* The CA's public key blob. */
static void
ca_blob(const struct ca *ca, struct tb *b)
{
	static const char *const curve[] = { NULL, "nistp256", "nistp384",
		"nistp521" };
	unsigned char pk[256];
	size_t n = sizeof(pk);
	BIGNUM *bn_n = NULL, *bn_e = NULL;

	tb_cstr(b, ca_name(ca->kind));
	switch (ca->kind) {
	case CA_ED25519:
		ck_assert_int_eq(
		    EVP_PKEY_get_raw_public_key(ca->pkey, pk, &n), 1);
		tb_str(b, pk, n);
		break;
	case CA_P256:
	case CA_P384:
	case CA_P521:
		ck_assert_int_eq(
		    EVP_PKEY_get_octet_string_param(
		        ca->pkey, OSSL_PKEY_PARAM_PUB_KEY, pk, sizeof(pk), &n),
		    1);
		tb_cstr(b, curve[ca->kind]);
		tb_str(b, pk, n);
		break;
	case CA_RSA:
		ck_assert_int_eq(EVP_PKEY_get_bn_param(
		                     ca->pkey, OSSL_PKEY_PARAM_RSA_E, &bn_e),
		    1);
		ck_assert_int_eq(EVP_PKEY_get_bn_param(
		                     ca->pkey, OSSL_PKEY_PARAM_RSA_N, &bn_n),
		    1);
		tb_bn(b, bn_e);
		tb_bn(b, bn_n);
		BN_free(bn_e);
		BN_free(bn_n);
		break;
	}
}

/* Append the SSH signature by ca over b's bytes so far. */
static void
ca_sign(const struct ca *ca, struct tb *b)
{
	unsigned char sig[1024];
	const unsigned char *dp;
	size_t slen = sizeof(sig);
	const EVP_MD *md = NULL;
	EVP_MD_CTX *ctx;
	ECDSA_SIG *es;
	const BIGNUM *r, *s;
	struct tb sb, inner;
	const char *alg = ca_name(ca->kind);

	memset(&sb, 0, sizeof(sb));
	memset(&inner, 0, sizeof(inner));
	switch (ca->kind) {
	case CA_ED25519:
		break;
	case CA_P256:
		md = EVP_sha256();
		break;
	case CA_P384:
		md = EVP_sha384();
		break;
	case CA_P521:
		md = EVP_sha512();
		break;
	case CA_RSA:
		alg = ca->sigalg;
		md = strcmp(alg, "ssh-rsa") == 0       ? EVP_sha1()
		    : strcmp(alg, "rsa-sha2-256") == 0 ? EVP_sha256()
		                                       : EVP_sha512();
		break;
	}
	ctx = EVP_MD_CTX_new();
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, md, NULL, ca->pkey), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &slen, b->p, b->n), 1);
	EVP_MD_CTX_free(ctx);
	tb_cstr(&sb, alg);
	if (ca->kind >= CA_P256 && ca->kind <= CA_P521) {
		dp = sig;
		es = d2i_ECDSA_SIG(NULL, &dp, (long)slen);
		ck_assert_ptr_nonnull(es);
		ECDSA_SIG_get0(es, &r, &s);
		tb_bn(&inner, r);
		tb_bn(&inner, s);
		ECDSA_SIG_free(es);
		tb_str(&sb, inner.p, inner.n);
	} else
		tb_str(&sb, sig, slen);
	tb_str(b, sb.p, sb.n);
}

struct spec {
	uint32_t type;
	const char *principals[4];
	uint64_t valid_after, valid_before;
	int critical; /* add a critical option */
	int extensions;
};

static const struct spec good = { HOSTCERT_TYPE_HOST,
	{ "h1.corp.example", "10.0.0.1", NULL }, 1000, 2000, 0, 0 };

static unsigned char host_pk[32];

/* An ed25519 host certificate per sp, signed by ca; *signed_len is where
 * the signature starts. */
static void
make_cert(const struct ca *ca, const struct spec *sp, struct tb *b,
    size_t *signed_len)
{
	struct tb pr, tmp;
	size_t i;

	memset(b, 0, sizeof(*b));
	memset(&pr, 0, sizeof(pr));
	tb_cstr(b, "ssh-ed25519-cert-v01@openssh.com");
	tb_str(b, "0123456789abcdef0123456789abcdef", 32);
	tb_str(b, host_pk, sizeof(host_pk));
	tb_u64(b, 42);
	tb_u32(b, sp->type);
	tb_cstr(b, "host-id");
	for (i = 0; i < 4 && sp->principals[i] != NULL; i++)
		tb_cstr(&pr, sp->principals[i]);
	tb_str(b, pr.p, pr.n);
	tb_u64(b, sp->valid_after);
	tb_u64(b, sp->valid_before);
	memset(&tmp, 0, sizeof(tmp));
	if (sp->critical) {
		tb_cstr(&tmp, "force-command");
		tb_cstr(&tmp, "");
	}
	tb_str(b, tmp.p, tmp.n);
	memset(&tmp, 0, sizeof(tmp));
	if (sp->extensions) {
		tb_cstr(&tmp, "permit-pty");
		tb_cstr(&tmp, "");
	}
	tb_str(b, tmp.p, tmp.n);
	tb_str(b, "", 0); /* reserved */
	memset(&tmp, 0, sizeof(tmp));
	ca_blob(ca, &tmp);
	tb_str(b, tmp.p, tmp.n);
	*signed_len = b->n;
	ca_sign(ca, b);
}

static struct ca ca_ed;

static void
setup(void)
{
	size_t i;

	for (i = 0; i < sizeof(host_pk); i++)
		host_pk[i] = (unsigned char)(i * 7 + 1);
	ca_ed.kind = CA_ED25519;
	ca_ed.pkey = ca_keygen(CA_ED25519);
}

static void
teardown(void)
{
	EVP_PKEY_free(ca_ed.pkey);
}

START_TEST(test_hostcert_parse_fields)
{
	struct tb b;
	struct hostcert *c = NULL;
	const char *why = NULL;
	size_t sl;
	struct spec sp = good;

	sp.extensions = 1;
	make_cert(&ca_ed, &sp, &b, &sl);
	ck_assert_int_eq(hostcert_parse(b.p, b.n, &c, &why), 0);
	ck_assert_str_eq(c->name, "ssh-ed25519-cert-v01@openssh.com");
	ck_assert_str_eq(hostcert_type_name(c), "ED25519-CERT");
	ck_assert_uint_eq(c->serial, 42);
	ck_assert_uint_eq(c->type, HOSTCERT_TYPE_HOST);
	ck_assert_str_eq(c->key_id, "host-id");
	ck_assert_uint_eq(c->nprincipals, 2);
	ck_assert_str_eq(c->principals[0], "h1.corp.example");
	ck_assert_str_eq(c->principals[1], "10.0.0.1");
	ck_assert_uint_eq(c->valid_after, 1000);
	ck_assert_uint_eq(c->valid_before, 2000);
	ck_assert_str_eq(c->sig_alg, "ssh-ed25519");
	/* The certified key as a plain blob: "ssh-ed25519" and the key. */
	ck_assert_uint_eq(c->keylen, 4 + 11 + 4 + 32);
	ck_assert_int_eq(memcmp(c->key + 4, "ssh-ed25519", 11), 0);
	ck_assert_int_eq(memcmp(c->key + 19, host_pk, 32), 0);
	ck_assert_uint_eq(c->calen, 4 + 11 + 4 + 32);
	hostcert_free(c);
}
END_TEST

START_TEST(test_hostcert_check_outcomes)
{
	static const char *const algs =
	    "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256";
	struct tb b;
	struct hostcert *c = NULL;
	const char *why = NULL, *reason = NULL;
	size_t sl;
	struct spec sp = good;

	make_cert(&ca_ed, &sp, &b, &sl);
	ck_assert_int_eq(hostcert_parse(b.p, b.n, &c, &why), 0);
	ck_assert_int_eq(
	    hostcert_check(c, "h1.corp.example", algs, 1500, &reason), 0);
	ck_assert_int_eq(hostcert_check(c, "10.0.0.1", algs, 1000, &reason), 0);
	ck_assert_int_eq(
	    hostcert_check(c, "h2.corp.example", algs, 1500, &reason), -1);
	ck_assert_str_eq(
	    reason, "Certificate invalid: name is not a listed principal");
	/* Exact names, never patterns or case folding. */
	ck_assert_int_eq(
	    hostcert_check(c, "H1.corp.example", algs, 1500, &reason), -1);
	ck_assert_int_eq(
	    hostcert_check(c, "h1.corp.example", algs, 999, &reason), -1);
	ck_assert_str_eq(reason, "Certificate invalid: not yet valid");
	ck_assert_int_eq(
	    hostcert_check(c, "h1.corp.example", algs, 2000, &reason), -1);
	ck_assert_str_eq(reason, "Certificate invalid: expired");
	ck_assert_int_eq(
	    hostcert_check(c, "h1.corp.example", "rsa-sha2-512", 1500, &reason),
	    -1);
	ck_assert_str_eq(
	    reason, "Certificate signed with disallowed algorithm");
	ck_assert_int_eq(hostcert_check(c, "h1.corp.example", "ssh-*,!ssh-rsa",
	                     1500, &reason),
	    0);
	hostcert_free(c);

	sp.type = HOSTCERT_TYPE_USER;
	make_cert(&ca_ed, &sp, &b, &sl);
	ck_assert_int_eq(hostcert_parse(b.p, b.n, &c, &why), 0);
	ck_assert_int_eq(
	    hostcert_check(c, "h1.corp.example", algs, 1500, &reason), -1);
	ck_assert_str_eq(reason, "Certificate invalid: not a host certificate");
	hostcert_free(c);

	sp = good;
	sp.critical = 1;
	make_cert(&ca_ed, &sp, &b, &sl);
	ck_assert_int_eq(hostcert_parse(b.p, b.n, &c, &why), 0);
	ck_assert_int_eq(
	    hostcert_check(c, "h1.corp.example", algs, 1500, &reason), -1);
	ck_assert_str_eq(
	    reason, "Certificate contains unsupported critical options");
	hostcert_free(c);

	/* No principals: any host name. */
	sp = good;
	sp.principals[0] = NULL;
	make_cert(&ca_ed, &sp, &b, &sl);
	ck_assert_int_eq(hostcert_parse(b.p, b.n, &c, &why), 0);
	ck_assert_int_eq(hostcert_check(c, "anything", algs, 1500, &reason), 0);
	hostcert_free(c);
}
END_TEST

/* Every CA type and RSA signature hash verifies; a changed byte under
 * the signature does not. */
START_TEST(test_hostcert_ca_types)
{
	static const char *const rsa_algs[] = { "rsa-sha2-512", "rsa-sha2-256",
		"ssh-rsa" };
	enum ca_kind kinds[] = { CA_P256, CA_P384, CA_P521, CA_RSA, CA_RSA,
		CA_RSA };
	struct ca ca;
	struct tb b;
	struct hostcert *c = NULL;
	const char *why = NULL;
	size_t sl, i;
	EVP_PKEY *rsa = NULL;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		ca.kind = kinds[i];
		if (kinds[i] == CA_RSA) {
			if (rsa == NULL)
				rsa = ca_keygen(CA_RSA);
			ca.pkey = rsa;
			ca.sigalg = rsa_algs[i - 3];
		} else {
			ca.pkey = ca_keygen(kinds[i]);
			ca.sigalg = NULL;
		}
		make_cert(&ca, &good, &b, &sl);
		ck_assert_msg(hostcert_parse(b.p, b.n, &c, &why) == 0,
		    "CA %s %s: %s", ca_name(kinds[i]),
		    ca.sigalg ? ca.sigalg : "", why);
		ck_assert_str_eq(c->sig_alg,
		    kinds[i] == CA_RSA ? ca.sigalg : ca_name(kinds[i]));
		hostcert_free(c);
		c = NULL;
		b.p[sl - 10] ^= 1; /* inside the CA key blob */
		ck_assert_msg(hostcert_parse(b.p, b.n, &c, &why) == -1,
		    "CA %s: a changed byte still verifies", ca_name(kinds[i]));
		ck_assert_ptr_null(c);
		if (kinds[i] != CA_RSA)
			EVP_PKEY_free(ca.pkey);
	}
	EVP_PKEY_free(rsa);
}
END_TEST

START_TEST(test_hostcert_parse_every_truncation_refused)
{
	struct tb b;
	struct hostcert *c = NULL;
	const char *why = NULL;
	unsigned char *copy;
	size_t sl, n;

	make_cert(&ca_ed, &good, &b, &sl);
	for (n = 0; n < b.n; n++) {
		/* An exact-size heap copy: ASan sees any read past n. */
		copy = malloc(n > 0 ? n : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, b.p, n);
		ck_assert_msg(hostcert_parse(copy, n, &c, &why) == -1,
		    "truncated to %zu of %zu bytes: accepted", n, b.n);
		ck_assert_ptr_null(c);
		free(copy);
	}
}
END_TEST

START_TEST(test_hostcert_parse_trailing_bytes_refused)
{
	struct tb b;
	struct hostcert *c = NULL;
	const char *why = NULL;
	size_t sl;

	make_cert(&ca_ed, &good, &b, &sl);
	tb_raw(&b, "x", 1);
	ck_assert_int_eq(hostcert_parse(b.p, b.n, &c, &why), -1);
	ck_assert_str_eq(why, "invalid format");
}
END_TEST

/* Every length field set past the end (and to the largest value) of an
 * exact-size copy is refused. */
START_TEST(test_hostcert_parse_lengths_past_end_refused)
{
	static const uint32_t bad[] = { 0xffffffffu, 0x7fffffffu, 40000 };
	struct tb b;
	struct hostcert *c = NULL;
	const char *why = NULL;
	unsigned char *copy;
	size_t sl, off, k, tried = 0;
	uint32_t len;

	make_cert(&ca_ed, &good, &b, &sl);
	/* Walk the top-level string fields: type, nonce, key, then after
	 * serial and type: key id, principals; after the times: critical,
	 * extensions, reserved, CA, signature. */
	for (off = 0; off + 4 <= b.n;) {
		len = (uint32_t)b.p[off] << 24 | (uint32_t)b.p[off + 1] << 16 |
		    (uint32_t)b.p[off + 2] << 8 | b.p[off + 3];
		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			copy = malloc(b.n);
			ck_assert_ptr_nonnull(copy);
			memcpy(copy, b.p, b.n);
			copy[off] = (unsigned char)(bad[k] >> 24);
			copy[off + 1] = (unsigned char)(bad[k] >> 16);
			copy[off + 2] = (unsigned char)(bad[k] >> 8);
			copy[off + 3] = (unsigned char)bad[k];
			ck_assert_msg(hostcert_parse(copy, b.n, &c, &why) == -1,
			    "length %u at offset %zu accepted", bad[k], off);
			free(copy);
			tried++;
		}
		off += 4 + len;
		/* Fixed-size fields between the strings. */
		if (tried == 3 * 3)
			off += 8 + 4; /* serial, type */
		else if (tried == 3 * 5)
			off += 16; /* valid after, before */
	}
	ck_assert_uint_eq(tried, 3 * 10);
}
END_TEST

START_TEST(test_hostcert_parse_wrong_types_refused)
{
	struct tb b, w;
	struct hostcert *c = NULL;
	const char *why = NULL;
	size_t sl;

	/* A plain key blob is no certificate. */
	memset(&w, 0, sizeof(w));
	tb_cstr(&w, "ssh-ed25519");
	tb_str(&w, host_pk, 32);
	ck_assert_int_eq(hostcert_parse(w.p, w.n, &c, &why), -1);
	ck_assert_str_eq(why, "unknown or unsupported key type");
	/* A certificate type name over another type's fields. */
	make_cert(&ca_ed, &good, &b, &sl);
	memset(&w, 0, sizeof(w));
	tb_cstr(&w, "ecdsa-sha2-nistp256-cert-v01@openssh.com");
	tb_raw(&w, b.p + 4 + 32, b.n - 4 - 32);
	ck_assert_int_eq(hostcert_parse(w.p, w.n, &c, &why), -1);
	/* Certificate type 3 (neither user nor host), signed. */
	{
		struct spec sp = good;

		sp.type = 3;
		make_cert(&ca_ed, &sp, &b, &sl);
		ck_assert_int_eq(hostcert_parse(b.p, b.n, &c, &why), -1);
		ck_assert_str_eq(why, "unknown/unsupported certificate type");
	}
	ck_assert_ptr_null(c);
	/* Over the size bound. */
	ck_assert_int_eq(
	    hostcert_parse(b.p, HOSTCERT_BLOB_MAX + 1, &c, &why), -1);
}
END_TEST

START_TEST(test_hostcert_algs_for)
{
	char *s;

	s = hostcert_algs_for("ssh-ed25519", NULL);
	ck_assert_str_eq(s, "ssh-ed25519-cert-v01@openssh.com");
	free(s);
	s = hostcert_algs_for(
	    "ssh-rsa", "rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519");
	ck_assert_str_eq(s, "rsa-sha2-256-cert-v01@openssh.com");
	free(s);
	s = hostcert_algs_for(
	    "ecdsa-sha2-nistp384", "ssh-ed25519,ecdsa-sha2-nistp384");
	ck_assert_str_eq(s, "");
	free(s);
	s = hostcert_algs_for("ssh-dss", NULL);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

/* A server packet with payload p (n bytes) appended to b. */
static void
tb_packet(struct tb *b, const void *p, size_t n, size_t pad)
{
	static const unsigned char zero[32];

	tb_u32(b, (uint32_t)(1 + n + pad));
	tb_raw(b, (const unsigned char[]){ (unsigned char)pad }, 1);
	tb_raw(b, p, n);
	tb_raw(b, zero, pad);
}

START_TEST(test_hostcert_reply_stream)
{
	struct tb srv, pay;
	unsigned char *blob = NULL, req[HOSTCERT_REQUEST_MAX], *copy;
	size_t len = 0, n, rn;
	const char *why = NULL;

	/* The request: our ident line, then whole packets. */
	rn = hostcert_request(
	    "ssh-ed25519-cert-v01@openssh.com", req, sizeof(req));
	ck_assert_uint_gt(rn, 0);
	ck_assert_int_eq(memcmp(req, "SSH-2.0-", 8), 0);
	ck_assert_ptr_nonnull(
	    memmem(req, rn, "ssh-ed25519-cert-v01@openssh.com", 32));

	memset(&srv, 0, sizeof(srv));
	tb_raw(&srv, "a banner line\r\nSSH-2.0-OpenSSH_9.2p1\r\n", 38);
	memset(&pay, 0, sizeof(pay));
	tb_raw(&pay, "\x14", 1); /* KEXINIT, content not read */
	tb_raw(&pay, "0123456789abcdef", 16);
	tb_packet(&srv, pay.p, pay.n, 7);
	memset(&pay, 0, sizeof(pay));
	tb_raw(&pay, "\x1f", 1); /* KEX_ECDH_REPLY */
	tb_cstr(&pay, "the host key blob");
	tb_cstr(&pay, "Q_S");
	tb_cstr(&pay, "signature");
	tb_packet(&srv, pay.p, pay.n, 4);
	/* Every prefix asks for more; the whole stream gives the blob. */
	for (n = 0; n < srv.n; n++) {
		copy = malloc(n > 0 ? n : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, srv.p, n);
		ck_assert_msg(hostcert_reply(copy, n, &blob, &len, &why) == 1,
		    "prefix %zu of %zu", n, srv.n);
		free(copy);
	}
	ck_assert_int_eq(hostcert_reply(srv.p, srv.n, &blob, &len, &why), 0);
	ck_assert_uint_eq(len, 17);
	ck_assert_int_eq(memcmp(blob, "the host key blob", 17), 0);
	free(blob);

	/* DISCONNECT: no certificate of those algorithms. */
	memset(&srv, 0, sizeof(srv));
	tb_raw(&srv, "SSH-2.0-x\r\n", 11);
	memset(&pay, 0, sizeof(pay));
	tb_raw(&pay, "\x01", 1);
	tb_u32(&pay, 3);
	tb_cstr(&pay, "no matching host key type found");
	tb_cstr(&pay, "");
	tb_packet(&srv, pay.p, pay.n, 4);
	ck_assert_int_eq(hostcert_reply(srv.p, srv.n, &blob, &len, &why), -1);
	ck_assert_ptr_null(blob);

	/* Padding longer than the packet; a host key string past the end. */
	memset(&srv, 0, sizeof(srv));
	tb_raw(&srv, "SSH-2.0-x\n", 10);
	tb_u32(&srv, 8);
	tb_raw(&srv, "\x09\x1f\0\0\0\0\0\0", 8);
	ck_assert_int_eq(hostcert_reply(srv.p, srv.n, &blob, &len, &why), -1);
	memset(&srv, 0, sizeof(srv));
	tb_raw(&srv, "SSH-2.0-x\n", 10);
	memset(&pay, 0, sizeof(pay));
	tb_raw(&pay, "\x1f\0\0\x10\0", 5);
	tb_packet(&srv, pay.p, pay.n, 4);
	ck_assert_int_eq(hostcert_reply(srv.p, srv.n, &blob, &len, &why), -1);
	ck_assert_ptr_null(blob);
	/* Not SSH-2.0; a line too long to be an ident. */
	ck_assert_int_eq(
	    hostcert_reply((const unsigned char *)"SSH-1.5-old\r\n", 13, &blob,
	        &len, &why),
	    -1);
	copy = malloc(2000);
	ck_assert_ptr_nonnull(copy);
	memset(copy, 'x', 2000);
	ck_assert_int_eq(hostcert_reply(copy, 2000, &blob, &len, &why), -1);
	free(copy);
}
END_TEST

static Suite *
hostcert_suite(void)
{
	Suite *s = suite_create("hostcert");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hostcert_parse_fields);
	tcase_add_test(tc, test_hostcert_check_outcomes);
	tcase_add_test(tc, test_hostcert_ca_types);
	tcase_add_test(tc, test_hostcert_parse_every_truncation_refused);
	tcase_add_test(tc, test_hostcert_parse_trailing_bytes_refused);
	tcase_add_test(tc, test_hostcert_parse_lengths_past_end_refused);
	tcase_add_test(tc, test_hostcert_parse_wrong_types_refused);
	tcase_add_test(tc, test_hostcert_algs_for);
	tcase_add_test(tc, test_hostcert_reply_stream);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hostcert_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
