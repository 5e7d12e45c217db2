/*
 * Unit tests for parser/match.c and parser/algos.c list assembly.
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/algos.h"
#include "parser/match.h"

START_TEST(test_match_pattern_wildcards)
{
	ck_assert_int_eq(match_pattern("web1", "web?"), 1);
	ck_assert_int_eq(match_pattern("web", "web?"), 0);
	ck_assert_int_eq(match_pattern("a.b.c", "*.c"), 1);
	ck_assert_int_eq(match_pattern("abc", "a*b*c*"), 1);
	ck_assert_int_eq(match_pattern("Web", "web"), 0);
	ck_assert_int_eq(match_pattern("", "*"), 1);
	ck_assert_int_eq(match_pattern("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
	                     "*a*a*a*a*a*a*a*a*c"),
	    0);
}
END_TEST

START_TEST(test_match_pattern_list_negation_vetoes)
{
	ck_assert_int_eq(match_pattern_list("h1", "h*,!h1", 0), -1);
	ck_assert_int_eq(match_pattern_list("h2", "h*,!h1", 0), 1);
	ck_assert_int_eq(match_pattern_list("x", "!h1", 0), 0);
}
END_TEST

START_TEST(test_match_pattern_list_long_entry_is_no_match)
{
	char *list = malloc(1100);

	memset(list, 'a', 1023);
	memcpy(list + 1023, ",h1", 4);
	ck_assert_int_eq(match_pattern_list("h1", list, 0), 0);
	list[1022] = ',';
	ck_assert_int_eq(match_pattern_list("h1", list + 1, 0), 1);
	free(list);
}
END_TEST

START_TEST(test_match_hostname_lowercases_both)
{
	ck_assert_int_eq(match_hostname("WEB.example", "web.*"), 1);
	ck_assert_int_eq(match_hostname("web.example", "WEB.*"), 1);
}
END_TEST

START_TEST(test_algos_assemble_prefixes)
{
	char *l;

	l = strdup("^aes256-cbc,aes128-ctr");
	ck_assert_int_eq(algos_assemble(&l, algos_default(ALGOS_CIPHER),
	                     algos_all(ALGOS_CIPHER)),
	    0);
	ck_assert_str_eq(l,
	    "aes256-cbc,aes128-ctr,chacha20-poly1305@"
	    "openssh.com,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
	    "aes256-gcm@openssh.com");
	free(l);
	l = strdup("-*");
	ck_assert_int_eq(
	    algos_assemble(&l, algos_default(ALGOS_KEX), algos_all(ALGOS_KEX)),
	    0);
	ck_assert_str_eq(l, "");
	free(l);
	l = strdup("rsa*,ssh-ed25519*");
	ck_assert_int_eq(
	    algos_assemble(&l, algos_default(ALGOS_KEY), algos_all(ALGOS_KEY)),
	    0);
	ck_assert_str_eq(l,
	    "rsa-sha2-256,rsa-sha2-256-cert-v01@openssh.com,"
	    "rsa-sha2-512,rsa-sha2-512-cert-v01@openssh.com,ssh-ed25519,"
	    "ssh-ed25519-cert-v01@openssh.com");
	free(l);
}
END_TEST

START_TEST(test_algos_assemble_empty_result_fails)
{
	char *l = strdup("gss-gex-sha1-");

	ck_assert_int_eq(
	    algos_assemble(&l, algos_default(ALGOS_KEX), algos_all(ALGOS_KEX)),
	    -1);
	ck_assert_ptr_null(l);
}
END_TEST

START_TEST(test_algos_valid_rules)
{
	ck_assert_int_eq(algos_valid(ALGOS_CIPHER, "aes128-ctr", NULL), 1);
	ck_assert_int_eq(algos_valid(ALGOS_CIPHER, "aes*", NULL), 0);
	ck_assert_int_eq(algos_valid(ALGOS_CIPHER, "aes128-ctr,,foo", NULL), 1);
	ck_assert_int_eq(algos_valid(ALGOS_KEY, "ssh-ed*", NULL), 1);
	ck_assert_int_eq(algos_valid(ALGOS_KEY, "foo*", NULL), 0);
}
END_TEST

static Suite *
match_suite(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_match_pattern_wildcards);
	tcase_add_test(tc, test_match_pattern_list_negation_vetoes);
	tcase_add_test(tc, test_match_pattern_list_long_entry_is_no_match);
	tcase_add_test(tc, test_match_hostname_lowercases_both);
	tcase_add_test(tc, test_algos_assemble_prefixes);
	tcase_add_test(tc, test_algos_assemble_empty_result_fails);
	tcase_add_test(tc, test_algos_valid_rules);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(match_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
