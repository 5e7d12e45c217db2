/*
 * Unit tests for parser/expand.c and parser/sha1.c.
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

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
