/*
 * hostcert: parse and check OpenSSH host certificates, and fetch one from
 * a server whose session (libssh 0.10) could only negotiate the plain key.
 *
 * Every read of a blob goes through struct wire_rd, which checks each length
 * against what is left: certificates come off the network. The CA
 * signature is verified with libcrypto (OpenSSL 3 EVP) over the blob up to
 * the signature, as ssh's cert_parse() does; which signature algorithms
 * are acceptable (CASignatureAlgorithms) is hostcert_check()'s business.
 */
#include "autoconf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "launcher/hostcert.h"
#include "launcher/wire.h"
#include "parser/match.h"

/* ssh's RSA bounds (SSH_RSA_MINIMUM_MODULUS_SIZE, OPENSSL_RSA_MAX_MODULUS_BITS). */
#define HC_RSA_MIN_BITS 1024
#define HC_RSA_MAX_BITS 16384

enum hc_kind { HC_ED25519, HC_ECDSA, HC_RSA };

struct hc_type {
	const char *cert; /* the certificate's key type name */
	const char *plain; /* the plain key's type name */
	enum hc_kind kind;
	const char *curve; /* ecdsa: the curve name in the blob */
	const char *group; /* ecdsa: OpenSSL's name of that curve */
	size_t qlen; /* ecdsa: uncompressed point length */
	const char *display; /* ssh's sshkey_type() of the certificate */
};

static const struct hc_type hc_types[] = {
	{ "ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", HC_ED25519, NULL,
	    NULL, 0, "ED25519-CERT" },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp256",
	    HC_ECDSA, "nistp256", "prime256v1", 65, "ECDSA-CERT" },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp384",
	    HC_ECDSA, "nistp384", "secp384r1", 97, "ECDSA-CERT" },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", "ecdsa-sha2-nistp521",
	    HC_ECDSA, "nistp521", "secp521r1", 133, "ECDSA-CERT" },
	{ "ssh-rsa-cert-v01@openssh.com", "ssh-rsa", HC_RSA, NULL, NULL, 0,
	    "RSA-CERT" },
};
#define HC_NTYPES (sizeof(hc_types) / sizeof(hc_types[0]))

/* A key's fields: ed25519 a = pk; ecdsa a = point; rsa a = e, b = n
 * (mpints without leading zeros). */
struct hc_fields {
	const unsigned char *a;
	size_t alen;
	const unsigned char *b;
	size_t blen;
};

/* A string that holds text (no NUL inside): a malloc'd copy. 0, -1
 * malformed, -2 out of memory. */
static int
hc_cstr(struct wire_rd *r, char **out)
{
	const unsigned char *s;
	size_t n;

	*out = NULL;
	if (wire_str(r, &s, &n) != 0 || memchr(s, '\0', n) != NULL)
		return -1;
	*out = malloc(n + 1);
	if (*out == NULL)
		return -2;
	memcpy(*out, s, n);
	(*out)[n] = '\0';
	return 0;
}

/* A non-negative mpint, leading zero bytes dropped. */
static int
hc_mpint(struct wire_rd *r, const unsigned char **p, size_t *n)
{
	if (wire_str(r, p, n) != 0 || (*n > 0 && ((*p)[0] & 0x80) != 0))
		return -1;
	while (*n > 0 && (*p)[0] == 0) {
		(*p)++;
		(*n)--;
	}
	return 0;
}

static int
hc_is(const unsigned char *s, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(s, want, n) == 0;
}

static const struct hc_type *
hc_type_by(const unsigned char *s, size_t n, int cert)
{
	size_t i;

	for (i = 0; i < HC_NTYPES; i++)
		if (hc_is(s, n, cert ? hc_types[i].cert : hc_types[i].plain))
			return &hc_types[i];
	return NULL;
}

/* Read and check the key fields of a key of type t. */
static int
hc_key_fields(struct wire_rd *r, const struct hc_type *t, struct hc_fields *k)
{
	const unsigned char *c;
	size_t clen, bits;
	unsigned top;

	memset(k, 0, sizeof(*k));
	switch (t->kind) {
	case HC_ED25519:
		return wire_str(r, &k->a, &k->alen) != 0 || k->alen != 32 ? -1
		                                                          : 0;
	case HC_ECDSA:
		if (wire_str(r, &c, &clen) != 0 || !hc_is(c, clen, t->curve) ||
		    wire_str(r, &k->a, &k->alen) != 0 || k->alen != t->qlen ||
		    k->a[0] != 0x04)
			return -1;
		return 0;
	case HC_RSA:
		if (hc_mpint(r, &k->a, &k->alen) != 0 ||
		    hc_mpint(r, &k->b, &k->blen) != 0 || k->alen == 0 ||
		    k->blen == 0 || k->blen > HC_RSA_MAX_BITS / 8)
			return -1;
		/* Bits of n: whole bytes after the first, plus the first's. */
		bits = (k->blen - 1) * 8;
		for (top = k->b[0]; top != 0; top >>= 1)
			bits++;
		return bits < HC_RSA_MIN_BITS ? -1 : 0;
	}
	return -1;
}

/* A plain public key blob: its type and fields, nothing left over. */
static const struct hc_type *
hc_plain_key(const unsigned char *blob, size_t len, struct hc_fields *k)
{
	struct wire_rd r = { blob, len };
	const struct hc_type *t;
	const unsigned char *s;
	size_t n;

	if (wire_str(&r, &s, &n) != 0 || (t = hc_type_by(s, n, 0)) == NULL ||
	    hc_key_fields(&r, t, k) != 0 || r.left != 0)
		return NULL;
	return t;
}

/* An EVP key from OSSL_PARAMs: "RSA" from e and n, "EC" from a curve and
 * a point (libcrypto checks the point is on the curve). */
static EVP_PKEY *
hc_pkey(const struct hc_type *t, const struct hc_fields *k)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *e = NULL, *n = NULL;
	int ok = 0;

	if (t->kind == HC_ED25519)
		return EVP_PKEY_new_raw_public_key(
		    EVP_PKEY_ED25519, NULL, k->a, k->alen);
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL)
		goto out;
	if (t->kind == HC_RSA) {
		e = BN_bin2bn(k->a, (int)k->alen, NULL);
		n = BN_bin2bn(k->b, (int)k->blen, NULL);
		ok = e != NULL && n != NULL &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ==
		        1 &&
		    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1;
	} else
		ok = OSSL_PARAM_BLD_push_utf8_string(
		         bld, OSSL_PKEY_PARAM_GROUP_NAME, t->group, 0) == 1 &&
		    OSSL_PARAM_BLD_push_octet_string(
		        bld, OSSL_PKEY_PARAM_PUB_KEY, k->a, k->alen) == 1;
	if (!ok || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	pctx = EVP_PKEY_CTX_new_from_name(
	    NULL, t->kind == HC_RSA ? "RSA" : "EC", NULL);
	if (pctx == NULL || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
out:
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	BN_free(n);
	return pkey;
}

/* An SSH ECDSA signature (mpint r, mpint s) as DER. malloc'd via
 * OpenSSL (OPENSSL_free), NULL when malformed. */
static unsigned char *
hc_ecdsa_der(const unsigned char *b, size_t blen, size_t coord, int *derlen)
{
	struct wire_rd r = { b, blen };
	const unsigned char *rp, *sp;
	size_t rn, sn;
	ECDSA_SIG *sig = NULL;
	BIGNUM *br = NULL, *bs = NULL;
	unsigned char *der = NULL;

	if (hc_mpint(&r, &rp, &rn) != 0 || hc_mpint(&r, &sp, &sn) != 0 ||
	    r.left != 0 || rn == 0 || sn == 0 || rn > coord || sn > coord)
		return NULL;
	sig = ECDSA_SIG_new();
	br = BN_bin2bn(rp, (int)rn, NULL);
	bs = BN_bin2bn(sp, (int)sn, NULL);
	if (sig == NULL || br == NULL || bs == NULL ||
	    ECDSA_SIG_set0(sig, br, bs) != 1) {
		BN_free(br);
		BN_free(bs);
		goto out;
	}
	*derlen = i2d_ECDSA_SIG(sig, &der);
	if (*derlen <= 0) {
		OPENSSL_free(der);
		der = NULL;
	}
out:
	ECDSA_SIG_free(sig);
	return der;
}

/*
 * Verify the SSH signature sig by the CA key (type t, fields k) over data.
 * *alg gets the signature's algorithm name (malloc'd). 0, -1 for a bad or
 * malformed signature, -2 on out of memory.
 */
static int
hc_verify(const struct hc_type *t, const struct hc_fields *k,
    const unsigned char *sig, size_t siglen, const unsigned char *data,
    size_t dlen, char **alg)
{
	struct wire_rd r = { sig, siglen }, ra = { sig, siglen };
	const unsigned char *s, *b, *vs;
	size_t n, blen, vlen = 0, coord;
	const EVP_MD *md = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *ctx = NULL;
	unsigned char *der = NULL, *pad = NULL;
	int rc = -1, derlen = 0;

	*alg = NULL;
	if (wire_str(&r, &s, &n) != 0 || wire_str(&r, &b, &blen) != 0 ||
	    r.left != 0)
		return -1;
	rc = hc_cstr(&ra, alg);
	if (rc != 0)
		return rc;
	rc = -1;
	vs = b;
	vlen = blen;
	switch (t->kind) {
	case HC_ED25519:
		if (!hc_is(s, n, "ssh-ed25519") || blen != 64)
			goto out;
		break;
	case HC_ECDSA:
		if (!hc_is(s, n, t->plain))
			goto out;
		coord = (t->qlen - 1) / 2;
		md = coord == 32  ? EVP_sha256()
		    : coord == 48 ? EVP_sha384()
		                  : EVP_sha512();
		der = hc_ecdsa_der(b, blen, coord, &derlen);
		if (der == NULL)
			goto out;
		vs = der;
		vlen = (size_t)derlen;
		break;
	case HC_RSA:
		if (hc_is(s, n, "ssh-rsa"))
			md = EVP_sha1();
		else if (hc_is(s, n, "rsa-sha2-256"))
			md = EVP_sha256();
		else if (hc_is(s, n, "rsa-sha2-512"))
			md = EVP_sha512();
		else
			goto out;
		/* ssh pads a signature shorter than the modulus. */
		if (blen == 0 || blen > k->blen)
			goto out;
		if (blen < k->blen) {
			pad = calloc(1, k->blen);
			if (pad == NULL) {
				rc = -2;
				goto out;
			}
			memcpy(pad + (k->blen - blen), b, blen);
			vs = pad;
			vlen = k->blen;
		}
		break;
	}
	pkey = hc_pkey(t, k);
	ctx = EVP_MD_CTX_new();
	if (pkey == NULL || ctx == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, pkey) != 1 ||
	    EVP_DigestVerify(ctx, vs, vlen, data, dlen) != 1)
		goto out;
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	OPENSSL_free(der);
	free(pad);
	if (rc != 0) {
		free(*alg);
		*alg = NULL;
	}
	return rc;
}

/* *dst = a copy of n bytes: 0 or -2. */
static int
hc_dup(unsigned char **dst, size_t *dlen, const unsigned char *p, size_t n)
{
	*dst = malloc(n > 0 ? n : 1);
	if (*dst == NULL)
		return -2;
	memcpy(*dst, p, n);
	*dlen = n;
	return 0;
}

/* Every entry of a packed list of string pairs (critical options,
 * extensions) is well-formed. */
static int
hc_pairs_ok(const unsigned char *p, size_t n)
{
	struct wire_rd r = { p, n };
	const unsigned char *s;
	size_t l;

	while (r.left > 0)
		if (wire_str(&r, &s, &l) != 0 || wire_str(&r, &s, &l) != 0)
			return -1;
	return 0;
}

static int
hc_principals(struct hostcert *c, const unsigned char *p, size_t n)
{
	struct wire_rd r = { p, n };
	char **v;
	int rc;

	while (r.left > 0) {
		if (c->nprincipals >= HOSTCERT_PRINCIPALS_MAX)
			return -1;
		v = realloc(c->principals,
		    (c->nprincipals + 1) * sizeof(*c->principals));
		if (v == NULL)
			return -2;
		c->principals = v;
		rc = hc_cstr(&r, &c->principals[c->nprincipals]);
		if (rc != 0)
			return rc;
		c->nprincipals++;
	}
	return 0;
}

int
hostcert_parse(const unsigned char *blob, size_t len, struct hostcert **out,
    const char **why)
{
	struct wire_rd r = { blob, len };
	struct hostcert *c = NULL;
	const struct hc_type *t, *cat;
	struct hc_fields k, cak;
	const unsigned char *s, *kstart, *princ, *crit, *exts, *ca, *sig;
	size_t n, klen, plen, critlen, extlen, calen, siglen, signed_len, tl;
	int rc = -1, e;

	*out = NULL;
	*why = "invalid format";
	if (len > HOSTCERT_BLOB_MAX || wire_str(&r, &s, &n) != 0)
		goto out;
	t = hc_type_by(s, n, 1);
	if (t == NULL) {
		*why = "unknown or unsupported key type";
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		rc = -2;
		goto out;
	}
	c->name = t->cert;
	if (wire_str(&r, &s, &n) != 0) /* nonce */
		goto out;
	kstart = r.p;
	if (hc_key_fields(&r, t, &k) != 0)
		goto out;
	klen = (size_t)(r.p - kstart);
	/* The certified key as a plain blob: its type name, then the
	 * same fields. */
	tl = strlen(t->plain);
	c->key = malloc(4 + tl + klen);
	if (c->key == NULL) {
		rc = -2;
		goto out;
	}
	wire_put_u32(c->key, (uint32_t)tl);
	memcpy(c->key + 4, t->plain, tl);
	memcpy(c->key + 4 + tl, kstart, klen);
	c->keylen = 4 + tl + klen;
	if (wire_u64(&r, &c->serial) != 0 || wire_u32(&r, &c->type) != 0)
		goto out;
	e = hc_cstr(&r, &c->key_id);
	if (e != 0) {
		rc = e;
		goto out;
	}
	if (wire_str(&r, &princ, &plen) != 0 ||
	    wire_u64(&r, &c->valid_after) != 0 ||
	    wire_u64(&r, &c->valid_before) != 0 ||
	    wire_str(&r, &crit, &critlen) != 0 ||
	    wire_str(&r, &exts, &extlen) != 0 ||
	    wire_str(&r, &s, &n) != 0 /* reserved */ ||
	    wire_str(&r, &ca, &calen) != 0)
		goto out;
	/* The CA signs everything up to its signature. */
	signed_len = len - r.left;
	if (wire_str(&r, &sig, &siglen) != 0 || r.left != 0)
		goto out;
	if (c->type != HOSTCERT_TYPE_USER && c->type != HOSTCERT_TYPE_HOST) {
		*why = "unknown/unsupported certificate type";
		goto out;
	}
	e = hc_principals(c, princ, plen);
	if (e != 0) {
		rc = e == -2 ? -2 : -1;
		goto out;
	}
	if (hc_pairs_ok(crit, critlen) != 0 || hc_pairs_ok(exts, extlen) != 0)
		goto out;
	c->critical_len = critlen;
	cat = hc_plain_key(ca, calen, &cak);
	if (cat == NULL) {
		*why = "invalid certificate signing key";
		goto out;
	}
	c->ca_type = cat->plain;
	if (hc_dup(&c->ca, &c->calen, ca, calen) != 0) {
		rc = -2;
		goto out;
	}
	e = hc_verify(cat, &cak, sig, siglen, blob, signed_len, &c->sig_alg);
	if (e != 0) {
		*why = "incorrect signature";
		rc = e;
		goto out;
	}
	*out = c;
	c = NULL;
	rc = 0;
out:
	hostcert_free(c);
	return rc;
}

int
hostcert_check(const struct hostcert *c, const char *name, const char *ca_algs,
    uint64_t now, const char **reason)
{
	size_t i;

	if (c->type != HOSTCERT_TYPE_HOST) {
		*reason = "Certificate invalid: not a host certificate";
		return -1;
	}
	if (now < c->valid_after) {
		*reason = "Certificate invalid: not yet valid";
		return -1;
	}
	if (now >= c->valid_before) {
		*reason = "Certificate invalid: expired";
		return -1;
	}
	/* No principals: valid for any host (ssh requires none here). */
	if (c->nprincipals > 0 && name != NULL) {
		for (i = 0; i < c->nprincipals; i++)
			if (strcmp(name, c->principals[i]) == 0)
				break;
		if (i == c->nprincipals) {
			*reason = "Certificate invalid: name is not a listed "
			          "principal";
			return -1;
		}
	}
	/* No critical option is defined for host certificates. */
	if (c->critical_len != 0) {
		*reason = "Certificate contains unsupported critical options";
		return -1;
	}
	if (ca_algs != NULL &&
	    match_pattern_list(c->sig_alg, ca_algs, 0) != 1) {
		*reason = "Certificate signed with disallowed algorithm";
		return -1;
	}
	return 0;
}

void
hostcert_free(struct hostcert *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->key);
	free(c->key_id);
	for (i = 0; i < c->nprincipals; i++)
		free(c->principals[i]);
	free(c->principals);
	free(c->ca);
	free(c->sig_alg);
	free(c);
}

const char *
hostcert_type_name(const struct hostcert *c)
{
	size_t i;

	for (i = 0; i < HC_NTYPES; i++)
		if (strcmp(c->name, hc_types[i].cert) == 0)
			return hc_types[i].display;
	return "CERT";
}

char *
hostcert_algs_for(const char *plain, const char *allowed)
{
	/* ssh 9.2's default order; RSA keys are certified under
	 * ssh-rsa-cert-v01 and offered as the SHA-2 signature variants. */
	static const char *const rsa[] = { "rsa-sha2-512-cert-v01@openssh.com",
		"rsa-sha2-256-cert-v01@openssh.com" };
	const char *one[1] = { NULL };
	const char *const *v = one;
	size_t nv = 1, i, len = 0, k = 0;
	const struct hc_type *t;
	char *out;

	t = plain != NULL
	    ? hc_type_by((const unsigned char *)plain, strlen(plain), 0)
	    : NULL;
	if (t == NULL)
		return strdup("");
	if (t->kind == HC_RSA) {
		v = rsa;
		nv = 2;
	} else
		one[0] = t->cert;
	for (i = 0; i < nv; i++)
		len += strlen(v[i]) + 1;
	out = malloc(len + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < nv; i++) {
		if (allowed != NULL &&
		    match_pattern_list(v[i], allowed, 0) != 1)
			continue;
		if (k > 0)
			out[k++] = ',';
		memcpy(out + k, v[i], strlen(v[i]));
		k += strlen(v[i]);
	}
	out[k] = '\0';
	return out;
}

/* --- fetching a server's certificate ------------------------------------ */

/* SSH message numbers (RFC 4253, RFC 5656). */
#define HC_MSG_DISCONNECT 1
#define HC_MSG_IGNORE 2
#define HC_MSG_UNIMPLEMENTED 3
#define HC_MSG_DEBUG 4
#define HC_MSG_KEXINIT 20
#define HC_MSG_KEX_ECDH_INIT 30
#define HC_MSG_KEX_ECDH_REPLY 31

/* ssh reads at most 1024 lines before the server's ident. */
#define HC_IDENT_LINES_MAX 1024
#define HC_LINE_MAX 1024
#define HC_PACKETS_MAX 64

static const char hc_ident[] = "SSH-2.0-sshfwd_certfetch\r\n";

static size_t
hc_put_str(unsigned char *p, const void *s, size_t n)
{
	wire_put_u32(p, (uint32_t)n);
	memcpy(p + 4, s, n);
	return 4 + n;
}

/* Frame the payload at out + 5 (n bytes) as an unencrypted packet in
 * place: length, padding length, zero padding to a multiple of 8 (at least
 * 4 bytes). Returns the packet's size. */
static size_t
hc_frame(unsigned char *out, size_t n)
{
	size_t pad = 8 - ((5 + n) % 8);

	if (pad < 4)
		pad += 8;
	wire_put_u32(out, (uint32_t)(1 + n + pad));
	out[4] = (unsigned char)pad;
	memset(out + 5 + n, 0, pad);
	return 5 + n + pad;
}

int
hostcert_random(unsigned char *p, size_t n)
{
	ssize_t got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

size_t
hostcert_request(const char *algs, unsigned char *out, size_t outsz)
{
	static const char *const lists[] = {
		"curve25519-sha256,curve25519-sha256@libssh.org",
		NULL, /* host key algorithms */
		"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,"
		"aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
		"chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,"
		"aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com",
		"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
		"hmac-sha2-256,hmac-sha2-512,hmac-sha1",
		"hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
		"hmac-sha2-256,hmac-sha2-512,hmac-sha1",
		"none",
		"none",
		"",
		"",
	};
	unsigned char *p, q[32];
	size_t i, n = 0, total;
	const char *l;

	if (algs == NULL || strlen(algs) > 1024 || outsz < HOSTCERT_REQUEST_MAX)
		return 0;
	total = sizeof(hc_ident) - 1;
	memcpy(out, hc_ident, total);
	/* KEXINIT: our cookie and lists. */
	p = out + total + 5;
	p[n++] = HC_MSG_KEXINIT;
	if (hostcert_random(p + n, 16) != 0)
		return 0;
	n += 16;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		l = lists[i] != NULL ? lists[i] : algs;
		n += hc_put_str(p + n, l, strlen(l));
	}
	p[n++] = 0; /* first_kex_packet_follows */
	wire_put_u32(p + n, 0);
	n += 4;
	total += hc_frame(out + total, n);
	/* KEX_ECDH_INIT: 32 random bytes are a valid X25519 public value,
	 * and the exchange is never completed. */
	p = out + total + 5;
	n = 0;
	p[n++] = HC_MSG_KEX_ECDH_INIT;
	if (hostcert_random(q, sizeof(q)) != 0)
		return 0;
	n += hc_put_str(p + n, q, sizeof(q));
	return total + hc_frame(out + total, n);
}

int
hostcert_reply(const unsigned char *buf, size_t have, unsigned char **blob,
    size_t *len, const char **why)
{
	struct wire_rd r = { buf, have }, pr;
	const unsigned char *nl, *k, *pkt;
	uint32_t plen;
	size_t llen, klen;
	int lines, packets;

	*blob = NULL;
	*len = 0;
	/* The server's lines up to its SSH-2.0 ident. */
	for (lines = 0;; lines++) {
		nl = memchr(
		    r.p, '\n', r.left < HC_LINE_MAX ? r.left : HC_LINE_MAX);
		if (nl == NULL) {
			if (r.left >= HC_LINE_MAX ||
			    lines >= HC_IDENT_LINES_MAX)
				goto bad_ident;
			return 1;
		}
		llen = (size_t)(nl - r.p) + 1;
		if (llen >= 4 && memcmp(r.p, "SSH-", 4) == 0) {
			if ((llen < 8 || memcmp(r.p, "SSH-2.0-", 8) != 0) &&
			    (llen < 9 || memcmp(r.p, "SSH-1.99-", 9) != 0))
				goto bad_ident;
			r.p += llen;
			r.left -= llen;
			break;
		}
		if (lines >= HC_IDENT_LINES_MAX)
			goto bad_ident;
		r.p += llen;
		r.left -= llen;
	}
	for (packets = 0; packets < HC_PACKETS_MAX; packets++) {
		if (r.left < 5)
			return 1;
		plen = wire_get_u32(r.p);
		/* Room for the padding length, the padding and a type. */
		if (plen < 2 || plen > HOSTCERT_REPLY_MAX ||
		    (size_t)r.p[4] + 2 > plen) {
			*why = "the server sent a malformed packet";
			return -1;
		}
		if (r.left - 4 < plen)
			return 1;
		pkt = r.p + 4;
		r.p += 4 + plen;
		r.left -= 4 + plen;
		/* payload: after the padding length, before the padding */
		pr.p = pkt + 1;
		pr.left = plen - 1 - pkt[0];
		switch (pr.p[0]) {
		case HC_MSG_KEX_ECDH_REPLY:
			pr.p++;
			pr.left--;
			if (wire_str(&pr, &k, &klen) != 0 ||
			    klen > HOSTCERT_BLOB_MAX) {
				*why = "the server sent a malformed host key";
				return -1;
			}
			*blob = malloc(klen > 0 ? klen : 1);
			if (*blob == NULL) {
				*why = "out of memory";
				return -1;
			}
			memcpy(*blob, k, klen);
			*len = klen;
			return 0;
		case HC_MSG_DISCONNECT:
			*why =
			    "the server offers no host certificate we accept";
			return -1;
		case HC_MSG_KEXINIT:
		case HC_MSG_IGNORE:
		case HC_MSG_DEBUG:
		case HC_MSG_UNIMPLEMENTED:
			break;
		default:
			*why = "the server sent an unexpected message";
			return -1;
		}
	}
	*why = "the server sent no key exchange reply";
	return -1;
bad_ident:
	*why = "the server does not speak SSH-2.0";
	return -1;
}
