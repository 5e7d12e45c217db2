/*
 * Unit tests for parser/expand.c, parser/sha1.c and parser/base64.c.
 */
#include "autoconf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/base64.h"
#include "parser/expand.h"
#include "parser/sha1.h"

START_TEST(test_sha1_hex_known_vectors)
{
	char out[41];

	sha1_hex("abc", 3, out);
	ck_assert_str_eq(out, "a9993e364706816aba3e25717850c26c9cd0d89d");
	sha1_hex("", 0, out);
	ck_assert_str_eq(out, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
END_TEST

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* RFC 2202 test cases 1, 2 and 6 (a key longer than the block). */
START_TEST(test_sha1_hmac_rfc2202)
{
	unsigned char key[80], mac[SHA1_DIGEST_LEN];
	char out[41];

	memset(key, 0x0b, 20);
	sha1_hmac(key, 20, "Hi There", 8, mac);
	hex(mac, sizeof(mac), out);
	ck_assert_str_eq(out, "b617318655057264e28bc0b6fb378c8ef146be00");
	sha1_hmac("Jefe", 4, "what do ya want for nothing?", 28, mac);
	hex(mac, sizeof(mac), out);
	ck_assert_str_eq(out, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	memset(key, 0xaa, 80);
	sha1_hmac(key, 80,
	    "Test Using Larger Than Block-Size Key - Hash Key First", 54, mac);
	hex(mac, sizeof(mac), out);
	ck_assert_str_eq(out, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}
END_TEST

START_TEST(test_base64_round_trip_and_rfc4648)
{
	const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba",
		"foobar" };
	const char *enc[] = { "", "Zg==", "Zm8=", "Zm9v",
		"Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	unsigned char *d;
	size_t i, n;
	char *e;

	for (i = 0; i < 7; i++) {
		e = base64_encode(
		    (const unsigned char *)plain[i], strlen(plain[i]));
		ck_assert_ptr_nonnull(e);
		ck_assert_msg(strcmp(e, enc[i]) == 0, "row %zu: %s", i, e);
		free(e);
		ck_assert_int_eq(base64_decode(enc[i], &d, &n), 0);
		ck_assert_msg(
		    n == strlen(plain[i]) && memcmp(d, plain[i], n) == 0,
		    "row %zu decodes wrong", i);
		free(d);
	}
	ck_assert_int_eq(base64_decode("Zm9v!", &d, &n), -1);
	ck_assert_ptr_null(d);
}
END_TEST

START_TEST(test_expand_conn_hash_matches_ssh)
{
	char out[41];

	/* observed with ssh -G: %C of vm, real.example, 2022, bob */
	expand_conn_hash("vm", "real.example", "2022", "bob", out);
	ck_assert_str_eq(out, "8ab42bdc29069b50451e561f85612adc35012868");
}
END_TEST

START_TEST(test_expand_string_percent_tokens)
{
	struct expand_token t[2] = { { 'h', "host" }, { 'p', "22" } };
	char *out, err[128];

	ck_assert_int_eq(expand_string("%h:%p %% x", 1, 0, t, 2, &out, err,
	                     sizeof(err), NULL),
	    0);
	ck_assert_str_eq(out, "host:22 % x");
	free(out);
	ck_assert_int_eq(
	    expand_string("%z", 1, 0, t, 2, &out, err, sizeof(err), NULL), -1);
	ck_assert_str_eq(err, "unknown key %z");
	ck_assert_int_eq(
	    expand_string("x%", 1, 0, t, 2, &out, err, sizeof(err), NULL), -1);
	ck_assert_str_eq(err, "invalid format");
}
END_TEST

START_TEST(test_expand_string_env_unset_is_error)
{
	char *out, err[128];
	int missing;

	setenv("SSHFWD_T_X", "val", 1);
	unsetenv("SSHFWD_T_NOPE");
	ck_assert_int_eq(expand_string("a${SSHFWD_T_X}b$HOME", 0, 1, NULL, 0,
	                     &out, err, sizeof(err), &missing),
	    0);
	ck_assert_str_eq(out, "avalb$HOME");
	free(out);
	ck_assert_int_eq(expand_string("${SSHFWD_T_NOPE}", 0, 1, NULL, 0, &out,
	                     err, sizeof(err), &missing),
	    -1);
	ck_assert_int_eq(missing, 1);
	ck_assert_str_eq(err, "env var ${SSHFWD_T_NOPE} has no value");
	ck_assert_int_eq(expand_string("${}", 0, 1, NULL, 0, &out, err,
	                     sizeof(err), &missing),
	    -1);
	ck_assert_str_eq(err, "zero-length environment variable");
}
END_TEST

START_TEST(test_expand_tilde_forms)
{
	char *out, err[128];

	ck_assert_int_eq(
	    expand_tilde("~", "/home/u", &out, err, sizeof(err)), 0);
	ck_assert_str_eq(out, "/home/u/");
	free(out);
	ck_assert_int_eq(
	    expand_tilde("~//x/y", "/home/u/", &out, err, sizeof(err)), 0);
	ck_assert_str_eq(out, "/home/u/x/y");
	free(out);
	ck_assert_int_eq(
	    expand_tilde("/abs", "/home/u", &out, err, sizeof(err)), 0);
	ck_assert_str_eq(out, "/abs");
	free(out);
	ck_assert_int_eq(
	    expand_tilde("~nosuchuser_sshfwd/x", "/h", &out, err, sizeof(err)),
	    -1);
}
END_TEST

static Suite *
expand_suite(void)
{
	Suite *s = suite_create("expand");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sha1_hex_known_vectors);
	tcase_add_test(tc, test_sha1_hmac_rfc2202);
	tcase_add_test(tc, test_base64_round_trip_and_rfc4648);
	tcase_add_test(tc, test_expand_conn_hash_matches_ssh);
	tcase_add_test(tc, test_expand_string_percent_tokens);
	tcase_add_test(tc, test_expand_string_env_unset_is_error);
	tcase_add_test(tc, test_expand_tilde_forms);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(expand_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
