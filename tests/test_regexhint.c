/*
 * Unit tests for parser/regexhint.c: Host patterns written as regular
 * expressions are recognised, plain globs are left alone, and the glob
 * proposed matches the names the regular expression was meant for.
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/match.h"
#include "parser/regexhint.h"

static const struct {
	const char *re, *glob, *meant; /* meant: a name the user wanted */
} regexhint_cases[] = {
	{ "web[0-9]+\\.example\\.com", "web*.example.com",
	    "web12.example.com" },
	{ "^db.*$", "db*", "db-primary" },
	{ "(app|api)\\.internal", "*.internal", "api.internal" },
	{ "host\\d{2}", "host*", "host07" },
	{ "srv[12]", "srv?", "srv2" },
	{ "node\\d", "node?", "node4" },
	{ "a+b.lan", "a*b.lan", "aab.lan" },
	{ "10\\.0\\.0\\.\\d+", "10.0.0.*", "10.0.0.17" },
	{ "^$", "*", "anything" },
};

START_TEST(test_regexhint_regex_gets_glob)
{
	char *glob = NULL, *again = NULL;

	ck_assert_int_eq(regexhint_glob(regexhint_cases[_i].re, &glob), 1);
	ck_assert_ptr_nonnull(glob);
	ck_assert_str_eq(glob, regexhint_cases[_i].glob);
	/* the proposal is a real ssh pattern for the intended name */
	ck_assert_int_eq(match_pattern(regexhint_cases[_i].meant, glob), 1);
	/* and is not itself flagged */
	ck_assert_int_eq(regexhint_glob(glob, &again), 0);
	ck_assert_ptr_null(again);
	free(glob);
}
END_TEST

START_TEST(test_regexhint_globs_are_not_flagged)
{
	const char *globs[] = { "web.*", "*.example.com", "10.0.0.?",
		"db-?.lan", "*", "host_1", "2001:db8::1", "fe80::1%eth0" };
	size_t i;
	char *glob;

	for (i = 0; i < sizeof(globs) / sizeof(globs[0]); i++) {
		glob = (char *)1;
		ck_assert_int_eq(regexhint_glob(globs[i], &glob), 0);
		ck_assert_ptr_null(glob);
	}
}
END_TEST

START_TEST(test_regexhint_long_pattern_not_examined)
{
	char big[REGEXHINT_MAX + 8], *glob;

	memset(big, '[', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(regexhint_glob(big, &glob), 0);
	ck_assert_ptr_null(glob);
}
END_TEST

static Suite *
regexhint_suite(void)
{
	Suite *s = suite_create("regexhint");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_regexhint_regex_gets_glob, 0,
	    (int)(sizeof(regexhint_cases) / sizeof(regexhint_cases[0])));
	tcase_add_test(tc, test_regexhint_globs_are_not_flagged);
	tcase_add_test(tc, test_regexhint_long_pattern_not_examined);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(regexhint_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
